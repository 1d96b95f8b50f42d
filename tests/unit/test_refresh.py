"""The refresh job against the real Store, with a scripted fake source (no network)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from tests.fixtures import akshare_frames as af
from tui.jobs.refresh import format_summary, last_session, run_refresh, session_end
from tui.sources.akshare_source import AkshareSource
from tui.sources.base import Failure, FailureKind, FetchResult, empty_bars, empty_quotes, finish_bars, finish_quotes
from tui.sources.normalize import SHANGHAI
from tui.store import Store

TODAY = date(2025, 11, 21)  # a Friday
AFTER_CLOSE = datetime(2025, 11, 21, 17, 0, tzinfo=SHANGHAI)
DAYS = [d.date() for d in pd.bdate_range("2025-11-03", "2025-11-21")]


def bars(code: str, days: list[date], adjust: str, close: float = 10.0, source: str = "fake") -> pd.DataFrame:
    frame = pd.DataFrame({
        "code": code, "date": pd.to_datetime(days), "open": close, "high": close + 1, "low": close - 1,
        "close": [close + i * 0.1 for i in range(len(days))], "volume": 1000.0, "amount": 1e6,
        "adjust": adjust, "source": source, "is_sample": False,
    })
    return finish_bars(frame)[0]


class FakeSource:
    """Serves prepared bars; `fail` maps (kind, code[, adjust]) to a Failure; records calls."""

    name = "fake"
    max_concurrent = 2

    def __init__(self, series=None, fail=None, quote_price=10.0, dates=DAYS):
        self.series = series or {}
        self.fail = fail or {}
        self.quote_price = quote_price
        self.dates = dates
        self.calls: list[tuple] = []

    def _failure(self, *key):
        for k in (key, key[:2]):
            if k in self.fail:
                kind = self.fail[k]
                return Failure(key[1], kind, kind.value)
        if ("*",) in self.fail:
            kind = self.fail[("*",)]
            return Failure(key[1], kind, kind.value)
        return None

    def fetch_quotes(self, codes):
        self.calls.append(("quotes", tuple(codes)))
        rows, failures = [], []
        now = AFTER_CLOSE
        for code in codes:
            failure = self._failure("quote", code)
            if failure:
                failures.append(failure)
                continue
            rows.append({"code": code, "name": f"n{code}", "price": self.quote_price, "change": 0.1,
                         "change_pct": 1.0, "volume": 100.0, "amount": 1000.0, "turnover_rate": 1.0,
                         "market_cap": 1e9, "open": 9.9, "high": 10.1, "low": 9.8, "prev_close": 9.9,
                         "limit_up": 10.9, "limit_down": 8.9, "suspended": False, "as_of": now,
                         "fetched_at": now, "source": "fake", "is_sample": False})
        frame = finish_quotes(pd.DataFrame(rows))[0] if rows else empty_quotes()
        return FetchResult(frame, failures, "fake")

    def _bars(self, kind, code, start, end, adjust):
        self.calls.append((kind, code, start, end, adjust))
        failure = self._failure(kind, code, adjust)
        if failure:
            return FetchResult(empty_bars(), [failure], "fake")
        frame = self.series.get((code, adjust), empty_bars())
        mask = (frame["date"] >= pd.Timestamp(start)) & (frame["date"] <= pd.Timestamp(end))
        frame = frame.loc[mask].reset_index(drop=True)
        if frame.empty:
            return FetchResult(empty_bars(), [Failure(code, FailureKind.EMPTY, "empty result")], "fake")
        return FetchResult(frame, [], "fake")

    def fetch_bars(self, code, start, end, adjust="qfq"):
        return self._bars("bars", code, start, end, adjust)

    def fetch_index_bars(self, symbol, start, end):
        return self._bars("index", symbol, start, end, "raw")

    def fetch_trade_dates(self):
        self.calls.append(("trade_dates",))
        if ("trade_dates", "*") in self.fail:
            return FetchResult(pd.DataFrame({"date": []}), [Failure("*", FailureKind.NETWORK, "network unreachable")])
        return FetchResult(pd.DataFrame({"date": pd.to_datetime(self.dates)}), [], "fake")


def full_series(codes=("300133", "002602"), days=DAYS):
    series = {}
    for code in codes:
        series[(code, "qfq")] = bars(code, days, "qfq", 10.0)
        series[(code, "raw")] = bars(code, days, "raw", 11.0)
    for symbol in ("sh000300", "sz399006"):
        series[(symbol, "raw")] = bars(symbol, days, "raw", 4000.0)
    return series


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path, load_sample=False) as s:
        yield s


def bar_calls(source):
    return [c for c in source.calls if c[0] in ("bars", "index")]


def test_session_end_and_last_session():
    assert session_end(TODAY, AFTER_CLOSE) == TODAY
    assert session_end(TODAY, datetime(2025, 11, 21, 14, 0, tzinfo=SHANGHAI)) == TODAY - timedelta(days=1)
    assert session_end(TODAY, datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)) == TODAY  # frozen today
    assert last_session(date(2025, 11, 23), []) == date(2025, 11, 21)  # Sunday -> Friday
    assert last_session(date(2025, 10, 3), [date(2025, 9, 30), date(2025, 10, 9)]) == date(2025, 9, 30)


def test_first_refresh_fills_the_store(store):
    source = FakeSource(full_series())
    progress = []
    summary = run_refresh(store, source, ["300133", "002602"], today=TODAY, now=AFTER_CLOSE,
                          progress=lambda d, t, label: progress.append((d, t, label)))
    assert summary.ok and summary.failed == 0
    # 2 quotes + trade dates + 2 benchmarks + 2 codes x (qfq, raw)
    assert summary.fetched == 9 and len(summary.outcomes) == 9
    assert progress[-1][:2] == (9, 9)
    assert len(store.bars("300133", adjust="qfq")) == len(DAYS)
    assert len(store.bars("300133", adjust="raw")) == len(DAYS)
    assert store.last_bar_date("sh000300", adjust="qfq") == TODAY  # index bars keyed qfq
    assert store.get_meta("trade_dates")[-1] == "2025-11-21"
    assert store.latest_quotes(["300133"]).iloc[0]["price"] == 10.0
    lines = format_summary(summary)
    assert lines[0].startswith("refresh: 9 fetched, 0 unchanged, 0 failed")


def test_second_refresh_same_day_makes_no_bar_calls(store):
    source = FakeSource(full_series())
    run_refresh(store, source, ["300133", "002602"], today=TODAY, now=AFTER_CLOSE)
    source.calls.clear()
    summary = run_refresh(store, source, ["300133", "002602"], today=TODAY, now=AFTER_CLOSE)
    assert summary.ok and summary.fetched == 0 and summary.unchanged == 9
    assert bar_calls(source) == []


def test_incremental_fetch_starts_after_last_stored_session(store):
    early = DAYS[:-3]
    store.upsert_bars(bars("300133", early, "qfq", 10.0))
    store.upsert_bars(bars("300133", early, "raw", 11.0))
    source = FakeSource(full_series(codes=("300133",)))
    summary = run_refresh(store, source, ["300133"], benchmarks=(), today=TODAY, now=AFTER_CLOSE)
    calls = {c[4]: c for c in bar_calls(source)}
    assert calls["qfq"][2] == early[-1]  # qfq: overlap on the last stored session
    assert calls["raw"][2] == early[-1] + timedelta(days=1)
    assert calls["raw"][3] == TODAY
    assert summary.ok and store.last_bar_date("300133", adjust="raw") == TODAY
    assert len(store.bars("300133", adjust="qfq")) == len(DAYS)


def test_qfq_readjustment_refetches_whole_history(store):
    store.upsert_bars(bars("300133", DAYS[:-2], "qfq", 10.0))
    store.upsert_bars(bars("300133", DAYS[:-2], "raw", 11.0))
    series = full_series(codes=("300133",))
    series[("300133", "qfq")] = bars("300133", DAYS, "qfq", 9.5)  # ex-dividend: all qfq prices moved
    source = FakeSource(series)
    summary = run_refresh(store, source, ["300133"], benchmarks=(), quotes=False, today=TODAY, now=AFTER_CLOSE)
    qfq_calls = [c for c in bar_calls(source) if c[4] == "qfq"]
    assert len(qfq_calls) == 2 and qfq_calls[1][2] <= DAYS[0]
    stored = store.bars("300133", adjust="qfq")
    assert stored["close"].iloc[0] == pytest.approx(9.5)
    assert any("re-adjusted" in o.note for o in summary.outcomes)


def test_sample_series_is_replaced_by_a_full_fetch(tmp_path):
    with Store.open(tmp_path) as store:  # loads the shipped sample (to 2025-11-21)
        assert store.last_bar_date("300133") == date(2025, 11, 21)
        days = [d.date() for d in pd.bdate_range("2025-11-24", "2025-11-28")]
        source = FakeSource({("300133", "qfq"): bars("300133", [date(2025, 11, 21), *days], "qfq", 7.5),
                             ("300133", "raw"): bars("300133", days, "raw", 7.6)},
                            dates=[date(2025, 11, 21), *days])
        run_refresh(store, source, ["300133"], benchmarks=(), quotes=False, today=date(2025, 11, 28),
                    now=datetime(2025, 11, 28, 18, 0, tzinfo=SHANGHAI))
        qfq = [c for c in bar_calls(source) if c[4] == "qfq"]
        assert qfq[0][2] <= date(2024, 1, 2)  # the whole stored range, not just new days
        stored = store.bars("300133", start=date(2025, 11, 21))
        assert not stored["is_sample"].any() and len(stored) == 6


def test_failures_keep_stored_data_and_are_grouped(store):
    source = FakeSource(full_series())
    run_refresh(store, source, ["300133", "002602"], today=TODAY, now=AFTER_CLOSE)
    before_bars = store.bars("300133", adjust="qfq")
    tomorrow = TODAY + timedelta(days=3)
    failing = FakeSource(full_series(), quote_price=12.0, fail={
        ("quote", "300133"): FailureKind.RATE_LIMIT,
        ("bars", "300133"): FailureKind.SCHEMA,
        ("index", "sz399006"): FailureKind.TIMEOUT,
    }, dates=[*DAYS, tomorrow])
    summary = run_refresh(store, failing, ["300133", "002602"], today=tomorrow,
                          now=datetime(2025, 11, 24, 18, 0, tzinfo=SHANGHAI))
    assert store.latest_quotes(["300133"]).iloc[0]["price"] == 10.0  # old quote kept
    assert store.latest_quotes(["002602"]).iloc[0]["price"] == 12.0
    pd.testing.assert_frame_equal(store.bars("300133", adjust="qfq"), before_bars)
    groups = summary.failures_by_kind()
    assert [k for k in groups] == [FailureKind.TIMEOUT, FailureKind.SCHEMA, FailureKind.RATE_LIMIT]
    assert len(groups[FailureKind.SCHEMA]) == 2  # qfq and raw
    assert not summary.ok and summary.failed == 4
    lines = format_summary(summary)
    # One line per failure class by default, naming how many of each kind failed.
    class_lines = [line for line in lines if line.startswith("failed: ")]
    assert len(class_lines) == 3
    assert any(line.startswith("failed: source changed its columns") and "(2: bars 2)" in line for line in class_lines)
    verbose = "\n".join(format_summary(summary, verbose=True))
    assert "  quote 300133: rate-limited" in verbose


def test_empty_incremental_result_is_unchanged(store):
    store.upsert_bars(bars("300133", DAYS[:-1], "raw", 11.0))
    source = FakeSource({})  # suspended: nothing after the last stored session
    summary = run_refresh(store, source, ["300133"], benchmarks=(), quotes=False, today=TODAY, now=AFTER_CLOSE)
    raw = [o for o in summary.outcomes if o.adjust == "raw"][0]
    qfq = [o for o in summary.outcomes if o.adjust == "qfq"][0]
    assert raw.status == "unchanged" and qfq.status == "failed"  # no qfq series at all: empty is a failure


def test_partial_session_is_not_fetched_during_trading_hours(store):
    source = FakeSource(full_series(codes=("300133",)))
    run_refresh(store, source, ["300133"], benchmarks=(), quotes=False, today=TODAY,
                now=datetime(2025, 11, 21, 10, 30, tzinfo=SHANGHAI))
    assert {c[3] for c in bar_calls(source)} == {TODAY - timedelta(days=1)}


def test_offline_stops_after_first_network_failures(store):
    codes = [f"3001{i:02d}" for i in range(20)]
    source = FakeSource(fail={("*",): FailureKind.NETWORK, ("trade_dates", "*"): FailureKind.NETWORK})
    summary = run_refresh(store, source, codes, today=TODAY, now=AFTER_CLOSE)
    assert summary.aborted_offline and summary.failed == len(summary.outcomes) == 20 + 1 + 2 + 40
    assert set(summary.failures_by_kind()) == {FailureKind.NETWORK}
    assert bar_calls(source) == [] and ("trade_dates",) not in source.calls
    text = format_summary(summary)
    assert any(line.startswith("failed: network unreachable (63:") for line in text)


def test_offline_with_real_adapter_fails_fast(store):
    """The real AkshareSource over a fake akshare whose every call fails DNS resolution."""
    import requests

    def dns(*args, **kwargs):
        raise requests.exceptions.ConnectionError(
            "Max retries exceeded (Caused by NameResolutionError(\"Failed to resolve 'push2.eastmoney.com' "
            "([Errno -2] Name or service not known)\"))")

    names = ["stock_bid_ask_em", "stock_zh_a_hist_tx", "stock_zh_a_hist", "tool_trade_date_hist_sina",
             "stock_zh_index_daily_em", "index_zh_a_hist"]
    fake = af.fake_akshare(**{n: dns for n in names})
    source = AkshareSource(loader=lambda: fake)  # real sleeps and back-off
    codes = ["300133", "002602", "300067", "300872", "300738", "300846", "300442", "688041"]
    started = time.monotonic()
    summary = run_refresh(store, source, codes, today=TODAY, now=AFTER_CLOSE)
    elapsed = time.monotonic() - started
    assert summary.failed == len(summary.outcomes) and summary.fetched == 0
    assert set(summary.failures_by_kind()) == {FailureKind.NETWORK}
    assert elapsed < 5.0, elapsed
    assert len(fake.calls) <= 8


def test_every_outcome_is_in_the_fetch_log_and_failures_are_reported(store):
    """The log is written in batches; after the run it holds one entry per outcome."""
    codes = [f"{300000 + i:06d}" for i in range(450)]  # more than one batch of quote outcomes
    source = FakeSource({}, fail={("quote", "300007"): FailureKind.TIMEOUT})
    summary = run_refresh(store, source, codes, today=TODAY, now=AFTER_CLOSE, history=False)
    assert summary.fetched == 449 and summary.failed == 1
    logged = store.conn.execute("SELECT count(*), sum(ok) FROM fetch_log WHERE kind = 'quote'").fetchone()
    assert logged == (450, 449)
    errors = store.last_fetch_errors()
    assert [(e["kind"], e["code"]) for e in errors] == [("quote", "300007")]


def test_an_unchanged_quote_is_told_from_a_new_one(store):
    source = FakeSource({})
    first = run_refresh(store, source, ["300133", "002602"], today=TODAY, now=AFTER_CLOSE, history=False)
    assert first.fetched == 2
    again = run_refresh(store, source, ["300133", "002602"], today=TODAY, now=AFTER_CLOSE, history=False)
    assert again.fetched == 0 and again.unchanged == 2
    moved = run_refresh(store, FakeSource({}, quote_price=10.5), ["300133", "002602"], today=TODAY, now=AFTER_CLOSE, history=False)
    assert moved.fetched == 2 and moved.unchanged == 0
