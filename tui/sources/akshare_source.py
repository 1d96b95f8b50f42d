"""The live market-data source: akshare 1.19.5, with deadlines, retries and fallbacks.

akshare is imported only inside `AkshareSource._ak()` (≈ 1 s and 100 MB; the app and its tests
run without it), with TQDM_DISABLE=1 set first and the `requests` default timeout installed.

Fallback chains (reference §6); each kind has a fallback on another provider, and a provider
whose breaker is open (tui.sources.breakers) is skipped at once:
* quotes, short lists: Eastmoney `stock_bid_ask_em` per code (1 request each) → Tencent
  `stock_zh_a_hist_tx` (last daily bars) per failed code; Hong Kong: `stock_hk_hist` last bars →
  Sina `stock_hk_daily` last bars.
* quotes, lists longer than `big_list`: Eastmoney `stock_zh_a_spot_em` (≈ 57 requests, ≈ 1 min)
  → Sina `stock_zh_a_spot`; Hong Kong: `stock_hk_spot_em`.
* daily bars: Eastmoney `stock_zh_a_hist` (with `timeout=`) → Tencent `stock_zh_a_hist_tx`;
  Hong Kong `stock_hk_hist` → Sina `stock_hk_daily` for raw bars only (its forward-adjusted
  mode builds the factors with Python `eval()` of the downloaded text, which we never run).
* indices (sh000300, sz399006): Eastmoney `stock_zh_index_daily_em` → Tencent
  `stock_zh_index_daily_tx` → Eastmoney `index_zh_a_hist`.
* trade dates: Sina `tool_trade_date_hist_sina` → akshare's bundled calendar (offline, to
  2026-12-31).
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from types import ModuleType
from typing import Any

import pandas as pd

from tui.domain.codes import CodeError, SecurityCode, parse_code
from tui.sources.base import (
    ALL_CODES, Adjust, Failure, FailureKind, FetchResult, SourceError, empty_bars,
    finish_bars, finish_quotes, not_attempted_message,
)
from tui.sources.breakers import Breakers, ProviderBreaker
from tui.sources.budget import Budget
from tui.sources.calls import Gate, RetryPolicy, call_with_retries, parallel_map
from tui.sources.classify import one_line, provider_of
from tui.sources.normalize import (
    SHANGHAI, bars_from_frame, quote_from_bars, quote_from_bid_ask, quotes_from_spot,
    trade_dates_frame,
)
from tui.sources.schema import validate_bid_ask, validate_frame

_INDEX_RE = re.compile(r"^(sh|sz|bj|csi)(\d{6})$")

#: akshare caches (reference §2.9) that hold *quotes*: cleared before every quotes fetch.
_STALE_QUOTE_CACHES = (("akshare.stock.stock_board_concept_em", "__stock_board_concept_name_em"),)
#: akshare caches that hold name -> code maps: cleared when older than MAP_CACHE_MAX_AGE.
_NAME_MAP_CACHES = (
    ("akshare.stock.stock_board_industry_em", "__stock_board_industry_name_em"),
    ("akshare.stock_feature.stock_board_concept_ths", "_get_stock_board_concept_name_ths"),
    ("akshare.stock_feature.stock_board_industry_ths", "_get_stock_board_industry_name_ths"),
    ("akshare.index.index_zh_em", "index_code_id_map_em"),
)
MAP_CACHE_MAX_AGE = 12 * 3600.0


def import_akshare() -> ModuleType:
    """Import akshare quietly (no tqdm bars) with the process-wide `requests` timeout default."""
    os.environ["TQDM_DISABLE"] = "1"
    import akshare

    return akshare


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


class AkshareSource:
    """MarketSource over akshare. Thread-safe; one instance can serve the app and the CLI.

    `timeout` bounds each per-code call ("timed out after 10 s"); `bulk_timeout` the
    whole-market snapshots, which page through ~57 requests with sleeps. `breakers` holds one
    breaker per provider; `budget` bounds the whole run (see `use_budget`). Every call goes
    through `_call`, so a fetch added here gets deadlines, retries, the concurrency cap, its
    provider's breaker and the run's budget. `loader` returns the akshare module (tests inject
    a fake one); `sleep` (default: the budget's, which a cancel interrupts) and `clock` are
    injectable too. Build one instance per run: breakers and budget are per instance.
    """

    name = "akshare"

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        bulk_timeout: float = 120.0,
        max_concurrent: int = 3,
        min_interval: float = 0.0,
        big_list: int = 200,
        retry: RetryPolicy | None = None,
        breakers: Breakers | None = None,
        budget: Budget | None = None,
        loader: Callable[[], ModuleType] | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.timeout = float(timeout)
        self.bulk_timeout = float(bulk_timeout)
        self.max_concurrent = max(1, int(max_concurrent))
        self.big_list = big_list
        self.retry = retry or RetryPolicy()
        self.breakers = breakers or Breakers()
        self.budget = budget or Budget()
        self.gate = Gate(self.max_concurrent, min_interval)
        self._loader = loader or import_akshare
        self._sleep = sleep
        self._clock = clock or (lambda: datetime.now(SHANGHAI))
        self._module: ModuleType | None = None
        self._load_lock = threading.Lock()
        self._maps_cleared_at = time.monotonic()

    # -- plumbing ---------------------------------------------------------------------------

    def _ak(self) -> ModuleType:
        with self._load_lock:
            if self._module is None:
                from tui.sources.calls import install_default_timeout

                install_default_timeout(connect=min(5.0, self.timeout), read=self.timeout)
                self._module = self._loader()
            return self._module

    def use_budget(self, budget: Budget) -> None:
        """Bound every later call by `budget` (the refresh job hands over its own)."""
        self.budget = budget

    @property
    def breaker(self) -> ProviderBreaker:
        """The breaker of calls that name no provider (for callers written before breakers
        were per provider; `_call` picks the provider's own)."""
        return self.breakers.get("")

    def breaker_notes(self) -> list[str]:
        """One line per provider whose breaker opened (for the run's summary)."""
        return self.breakers.notes()

    def _call(self, function: str, *args: Any, bulk: bool = False, per_code: bool = True,
              retry: RetryPolicy | None = None, **kwargs: Any) -> Any:
        """Call `akshare.<function>` under the deadline/retry/gate, its provider's breaker and
        the run's budget; raise SourceError. `retry` replaces the source's policy for functions
        that already retry inside akshare (a second layer of retries only multiplies the wait)."""
        self.budget.check()
        try:
            ak = self._ak()
        except ImportError as exc:
            raise SourceError(FailureKind.OTHER, "akshare is not installed", str(exc)) from exc
        fn = getattr(ak, function, None)
        if fn is None:
            raise SourceError(FailureKind.SCHEMA, f"source changed: akshare has no {function} (upgrade akshare?)")
        return call_with_retries(
            fn, *args,
            deadline=self.bulk_timeout if bulk else self.timeout,
            policy=retry or self.retry, gate=self.gate, breaker=self.breakers.get(provider_of(function)),
            budget=self.budget, provider=provider_of(function), per_code=per_code, sleep=self._sleep, **kwargs,
        )

    def _now(self) -> datetime:
        return self._clock().astimezone(SHANGHAI)

    def clear_stale_caches(self) -> list[str]:
        """Clear akshare's per-process caches that go stale (reference §2.6 item 6, §2.9).

        Only caches of modules already imported are touched (nothing is imported here). Quote
        caches are cleared every time; name maps when older than MAP_CACHE_MAX_AGE.
        """
        targets = list(_STALE_QUOTE_CACHES)
        if time.monotonic() - self._maps_cleared_at > MAP_CACHE_MAX_AGE:
            targets += _NAME_MAP_CACHES
            self._maps_cleared_at = time.monotonic()
        cleared = []
        for module_name, attr in targets:
            cached = getattr(sys.modules.get(module_name), attr, None)
            if cached is not None and hasattr(cached, "cache_clear"):
                cached.cache_clear()
                cleared.append(attr)
        return cleared

    @staticmethod
    def _failure(code: str, error: SourceError, call: str) -> Failure:
        return Failure(code, error.kind, error.message, call, one_line(error.detail, 300), error.attempted)

    def _chain_failure(self, code: str, tried: list[str], errors: list[SourceError]) -> Failure:
        """The failure of a fallback chain: the first error a provider actually gave, or, when
        no call was made (breakers open, budget used up), one "not attempted" failure."""
        call = " → ".join(tried)
        answered = [e for e in errors if e.attempted]
        if answered:
            first = answered[0]
            detail = "; ".join(f"{f}: {e.message}" for f, e in zip(tried, errors))
            return Failure(code, first.kind, first.message, call, one_line(f"{detail} | {first.detail}", 400))
        if self.budget.stopped:
            error = self.budget.error()
            return Failure(code, error.kind, error.message, call, "", False)
        kind = errors[0].kind
        detail = "; ".join(e.message.removeprefix("not attempted: ") for e in errors)
        return Failure(code, kind, not_attempted_message(kind), call, one_line(detail, 400), False)

    # -- quotes -----------------------------------------------------------------------------

    def fetch_quotes(self, codes: list[str]) -> FetchResult:
        """Latest quotes for `codes` (A-share and Hong Kong); failures per code."""
        self.clear_stale_caches()
        fetched_at = self._now()
        rows: list[dict[str, object]] = []
        failures: list[Failure] = []
        notes: list[str] = []
        a_shares: list[str] = []
        hk: list[str] = []
        for code in dict.fromkeys(codes):
            try:
                sec = parse_code(code)
            except CodeError as exc:
                failures.append(Failure(str(code), FailureKind.UNKNOWN_CODE, "unknown code", "", str(exc)))
                continue
            (a_shares if sec.is_a_share else hk).append(code)
        duplicates = 0
        for group, chain in ((a_shares, ("stock_zh_a_spot_em", "stock_zh_a_spot")), (hk, ("stock_hk_spot_em",))):
            if not group:
                continue
            if len(group) > self.big_list:
                got, lost, dup = self._quotes_from_snapshots(group, chain, fetched_at)
                duplicates += dup
            else:
                got, lost = self._quotes_one_by_one(group, fetched_at)
            rows += got
            failures += lost
        frame, dropped = finish_quotes(pd.DataFrame(rows)) if rows else finish_quotes(pd.DataFrame())
        duplicates += dropped
        if duplicates:
            notes.append(f"dropped {duplicates} duplicate quote row(s)")
        return FetchResult(frame, failures, self.name, notes, duplicates)

    def _quotes_one_by_one(self, codes: list[str], fetched_at: datetime) -> tuple[list[dict[str, object]], list[Failure]]:
        rows: list[dict[str, object]] = []
        failures: list[Failure] = []
        quotes = parallel_map(lambda c: self._quote_one(c, fetched_at), codes, self.max_concurrent, budget=self.budget)
        for _, code, outcome in quotes:
            if outcome is None:  # skipped: the run stopped
                error = self.budget.error()
                failures.append(Failure(code, error.kind, error.message, "", "", False))
            elif isinstance(outcome, Failure):
                failures.append(outcome)
            elif isinstance(outcome, dict):
                rows.append(outcome)
            else:  # a bug in our own code: report it, never crash the batch
                failures.append(Failure(code, FailureKind.OTHER, one_line(repr(outcome), 120)))
        return rows, failures

    def _quote_one(self, code: str, fetched_at: datetime) -> dict[str, object] | Failure:
        sec = parse_code(code)
        if not sec.is_a_share:
            errors: list[SourceError] = []
            for function in ("stock_hk_hist", "stock_hk_daily"):
                try:
                    bars = self._recent_bars(sec, function)
                    return quote_from_bars(code, bars, fetched_at, function)
                except SourceError as error:
                    errors.append(error)
                    if error.kind is FailureKind.UNKNOWN_CODE and error.attempted:
                        break
            return self._chain_failure(code, ["stock_hk_hist", "stock_hk_daily"][: len(errors)], errors)
        try:
            items = validate_bid_ask(self._call("stock_bid_ask_em", symbol=code))
            return quote_from_bid_ask(code, items, fetched_at)
        except SourceError as primary:
            if primary.kind is FailureKind.UNKNOWN_CODE and primary.attempted:
                return self._failure(code, primary, "stock_bid_ask_em")
            try:
                bars = self._recent_bars(sec, "stock_zh_a_hist_tx")
                return quote_from_bars(code, bars, fetched_at, "stock_zh_a_hist_tx")
            except SourceError as fallback:
                return self._chain_failure(code, ["stock_bid_ask_em", "stock_zh_a_hist_tx"], [primary, fallback])

    def _recent_bars(self, sec: SecurityCode, function: str) -> pd.DataFrame:
        """The last ~2 weeks of raw daily bars, for a quote built from bars."""
        today = self._now().date()
        start = today - timedelta(days=14)
        bars, _ = self._bars_via(function, sec, start, today, "raw")
        if bars.empty:
            raise SourceError(FailureKind.EMPTY, "empty result", f"{function}: no bars since {start}")
        return bars

    def _quotes_from_snapshots(
        self, codes: list[str], chain: tuple[str, ...], fetched_at: datetime
    ) -> tuple[list[dict[str, object]], list[Failure], int]:
        errors: list[SourceError] = []
        for function in chain:
            try:
                frame = validate_frame(self._call(function, bulk=True, per_code=False), function)
                rows, missing, dup = quotes_from_spot(frame, codes, fetched_at, function)
            except SourceError as error:
                errors.append(error)
                continue
            lost = [Failure(c, FailureKind.UNKNOWN_CODE, "unknown code", function, "not in the snapshot") for c in missing]
            return rows, lost, dup
        return [], [self._chain_failure(c, list(chain), errors) for c in codes], 0

    # -- bars -------------------------------------------------------------------------------

    def _bars_via(self, function: str, sec: SecurityCode, start: date, end: date, adjust: Adjust) -> tuple[pd.DataFrame, list[str]]:
        """Fetch, validate and normalize daily bars through one akshare function."""
        flag = "qfq" if adjust == "qfq" else ""
        divisor = 1.0
        if function == "stock_zh_a_hist":
            raw = self._call(function, symbol=sec.code, period="daily", start_date=_ymd(start),
                             end_date=_ymd(end), adjust=flag, timeout=self.timeout)
        elif function == "stock_zh_a_hist_tx":
            # ISO dates: a YYYYMMDD end date makes it loop up to the current year (§3.3).
            raw = self._call(function, symbol=sec.symbol, start_date=start.isoformat(),
                             end_date=end.isoformat(), adjust=flag, timeout=self.timeout)
            # Tencent volumes are shares, except sz000… which akshare leaves in lots (§3.3).
            divisor = 1.0 if sec.symbol.startswith("sz000") else 100.0
        elif function == "stock_hk_hist":
            raw = self._call(function, symbol=sec.code, period="daily", start_date=_ymd(start),
                             end_date=_ymd(end), adjust=flag)
        elif function == "stock_hk_daily":
            if adjust != "raw":  # pragma: no cover - the chain offers it for raw bars only
                raise SourceError(FailureKind.OTHER, "stock_hk_daily is used for raw bars only")
            raw = self._call(function, symbol=sec.code, adjust="")  # the whole history, 1 request
        else:  # pragma: no cover - programming error
            raise ValueError(function)
        frame = validate_frame(raw, function)
        return bars_from_frame(frame, function, code=sec.code, adjust=adjust, start=start, end=end,
                               volume_divisor=divisor)

    def fetch_bars(self, code: str, start: date, end: date, adjust: Adjust = "qfq") -> FetchResult:
        """Daily bars of one stock in [start, end], forward-adjusted ("qfq") or raw."""
        if adjust not in ("qfq", "raw"):
            raise ValueError(f"adjust must be 'qfq' or 'raw', not {adjust!r}")
        try:
            sec = parse_code(code)
        except CodeError as exc:
            return FetchResult(empty_bars(), [Failure(code, FailureKind.UNKNOWN_CODE, "unknown code", "", str(exc))], self.name)
        if sec.is_a_share:
            chain: tuple[str, ...] = ("stock_zh_a_hist", "stock_zh_a_hist_tx")
        else:
            chain = ("stock_hk_hist", "stock_hk_daily") if adjust == "raw" else ("stock_hk_hist",)
        return self._bars_chain(code, chain, lambda f: self._bars_via(f, sec, start, end, adjust), start, end)

    def _bars_chain(self, code: str, chain: tuple[str, ...], fetch: Callable[[str], tuple[pd.DataFrame, list[str]]],
                    start: date, end: date, *, stop_on_unknown: bool = True) -> FetchResult:
        errors: list[SourceError] = []
        tried: list[str] = []
        for function in chain:
            tried.append(function)
            try:
                frame, notes = fetch(function)
            except SourceError as error:
                errors.append(error)
                if not error.attempted and self.budget.stopped:
                    break
                # An empty short range is normal (no session yet); don't spend a fallback on it.
                if (error.kind is FailureKind.UNKNOWN_CODE and stop_on_unknown and error.attempted) or (
                    error.kind is FailureKind.EMPTY and (end - start).days < 7
                ):
                    break
                continue
            bars, dropped = finish_bars(frame)
            if dropped:
                notes.append(f"{code}: dropped {dropped} duplicate bar(s)")
            answered = [(f, e) for f, e in zip(tried, errors) if e.attempted]
            if answered:  # calls refused by an open breaker are summed up by its own note
                notes.append(f"{code}: {answered[0][0]} failed ({answered[0][1].message}); used {function}")
            return FetchResult(bars, [], f"akshare:{function}", notes, dropped)
        return FetchResult(empty_bars(), [self._chain_failure(code, tried, errors)], self.name)

    def fetch_index_bars(self, symbol: str, start: date, end: date) -> FetchResult:
        """Daily bars of an index given with its market prefix (sh000300), adjust "raw"."""
        match = _INDEX_RE.match(symbol)
        if not match:
            failure = Failure(symbol, FailureKind.UNKNOWN_CODE, "unknown code", "", "index symbols look like sh000300")
            return FetchResult(empty_bars(), [failure], self.name)

        def fetch(function: str) -> tuple[pd.DataFrame, list[str]]:
            if function in ("stock_zh_index_daily_em", "stock_zh_index_daily_tx"):
                # Tencent: one request per calendar year of the range (plus none for the probe
                # when start_date is given), prefixed symbol, YYYYMMDD dates.
                raw = self._call(function, symbol=symbol, start_date=_ymd(start), end_date=_ymd(end))
            else:
                raw = self._call(function, symbol=match.group(2), period="daily",
                                 start_date=_ymd(start), end_date=_ymd(end))
            frame = validate_frame(raw, function)
            return bars_from_frame(frame, function, code=symbol, adjust="raw", start=start, end=end)

        # Tencent knows sh/sz indices only; index_zh_a_hist (Eastmoney again) tries other
        # markets for a code the first endpoint does not know.
        chain = ("stock_zh_index_daily_em", "stock_zh_index_daily_tx", "index_zh_a_hist")
        if match.group(1) not in ("sh", "sz"):
            chain = ("stock_zh_index_daily_em", "index_zh_a_hist")
        return self._bars_chain(symbol, chain, fetch, start, end, stop_on_unknown=False)

    # -- catalyst feeds ---------------------------------------------------------------------

    def feed_caller(self, budget: float = 180.0) -> Any:
        """A FeedCaller (tui.sources.feeds) on the same akshare module, with a feed budget of
        its own (seconds) and breakers of its own: feeds never spend the quotes' budget, and a
        stalled announcement host does not open the quote providers' breakers."""
        from tui.sources.feeds import FeedBudget, FeedCaller

        return FeedCaller(timeout=max(self.timeout, 15.0), budget=FeedBudget(budget), loader=self._loader, sleep=self._sleep)

    # -- calendar ---------------------------------------------------------------------------

    def fetch_trade_dates(self) -> FetchResult:
        """SSE trading days from Sina; falls back to akshare's bundled calendar (offline)."""
        try:
            frame = validate_frame(self._call("tool_trade_date_hist_sina", per_code=False), "tool_trade_date_hist_sina")
            return FetchResult(trade_dates_frame(frame["trade_date"]), [], "akshare:tool_trade_date_hist_sina")
        except SourceError as error:
            primary = error
        if self.budget.cancelled:
            return FetchResult(trade_dates_frame([]), [self._failure(ALL_CODES, primary, "tool_trade_date_hist_sina")], self.name)
        try:
            # akshare/file_fold/calendar.json, read without network.
            get_calendar = self._ak().futures.cons.get_calendar
            dates = trade_dates_frame(get_calendar())
            if dates.empty:
                raise ValueError("empty bundled calendar")
        except Exception:  # noqa: BLE001 - the fallback is best effort
            return FetchResult(trade_dates_frame([]), [self._failure(ALL_CODES, primary, "tool_trade_date_hist_sina")], self.name)
        note = f"tool_trade_date_hist_sina failed ({primary.message}); used akshare's bundled calendar"
        return FetchResult(dates, [], "akshare:futures.cons.get_calendar", [note])

    # -- limit pools (issue 15) -------------------------------------------------------------

    def fetch_limit_pools(self, session: date) -> FetchResult:
        """Eastmoney's whole-market 涨停/昨日涨停/炸板/跌停 pools of ``session``
        (tui.sources.limit_pools), each under the per-call deadline and retries."""
        from tui.sources.limit_pools import fetch_limit_pools

        def call(function: str, **kwargs: Any) -> Any:
            return self._call(function, per_code=False, **kwargs)

        return fetch_limit_pools(call, session, fetched_at=self._now(), source=self.name)

