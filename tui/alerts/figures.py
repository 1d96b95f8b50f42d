"""The figures one evaluation reads: per stock, the session's prices with limit flags and
20-session averages, and whether the figure may raise a live alert at all.

Two ways to get them:

* **live** (:func:`live_figures`): the stored quote of each stock, laid over its stored daily
  bars as the session's bar, so that ``tui.analytics.limits.limit_flags`` computes 涨停 / 跌停 /
  炸板 / 连板 on it exactly as on history. A figure carries a ``bad`` reason when it must not
  raise a live alert: ``sample`` data, a ``stale`` figure (older than the refresh allows while
  the market trades; not of the last closed session otherwise), a ``suspended`` stock, a
  ``pre_open`` figure (taken before 09:25, when the sources report zeros), a ``failed`` quote
  (the last fetch for it failed, or its price is missing), or ``no_data``.
* **replay** (:func:`replay_figures`): the stored bars of a past session, sample included;
  nothing is refused, and the caller labels every message as a replay (and sample).

Every figure carries ``as_of``: the quote's time, or the session's close (15:00) for a bar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd

from tui.analytics.limits import limit_flags
from tui.domain.market import MARKET_CLOSE, SHANGHAI
#: Before this time on a session day, sources report zeros (the opening auction ends 09:25).
PRE_OPEN_UNTIL = time(9, 25)
#: Averages for 放量 are over this many previous sessions (the session itself excluded).
AVERAGE_SESSIONS = 20
#: Calendar days of bars read: enough for the 20-session average and most 连板 runs.
HISTORY_DAYS = 120

BAD_REASONS = ("sample", "stale", "suspended", "pre_open", "failed", "no_data")


def is_st_name(name: object) -> bool:
    return isinstance(name, str) and name.lstrip("*").upper().startswith("ST")


def close_time(day: date) -> datetime:
    return datetime.combine(day, MARKET_CLOSE, SHANGHAI)


@dataclass(frozen=True)
class Figure:
    """One stock's figures for the evaluated session."""

    code: str
    name: str
    day: date | None = None
    open: float = float("nan")
    high: float = float("nan")
    low: float = float("nan")
    close: float = float("nan")
    prev_close: float = float("nan")
    change_pct: float = float("nan")
    volume: float = float("nan")
    amount: float = float("nan")
    avg_volume: float = float("nan")
    avg_amount: float = float("nan")
    limit_up: bool = False
    limit_down: bool = False
    one_word: bool = False
    broken: bool = False
    streak: int = 0
    uncertain: bool = False
    as_of: datetime | None = None
    is_sample: bool = False
    origin: str = "none"  # "quote", "bar" or "none"
    bad: str | None = None


@dataclass(frozen=True)
class BenchmarkFigure:
    code: str
    day: date | None
    change_pct: float | None
    as_of: datetime | None
    is_sample: bool
    bad: str | None = None


@dataclass
class SessionFigures:
    """Everything market-related one evaluation reads."""

    mode: str  # "live" or "replay"
    session: date
    now: datetime
    figures: dict[str, Figure] = field(default_factory=dict)
    benchmarks: dict[str, BenchmarkFigure] = field(default_factory=dict)

    @property
    def replay(self) -> bool:
        return self.mode == "replay"

    def get(self, code: str) -> Figure:
        return self.figures.get(code) or Figure(code, code, bad="no_data")


# --------------------------------------------------------------------------- history


def flagged_bars(bars: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Bars (one adjustment) with the limit flags and the previous-20-session averages of
    volume and amount, sorted by code and date."""
    if bars.empty:
        cols = ["code", "date", "open", "high", "low", "close", "volume", "amount", "is_sample", "origin",
                "prev_close", "limit_up", "limit_down", "one_word", "broken", "streak", "uncertain",
                "avg_volume", "avg_amount"]  # fmt: skip
        return pd.DataFrame(columns=cols)
    bars = bars.sort_values(["code", "date"], kind="stable").reset_index(drop=True)
    codes, uniques = pd.factorize(bars["code"])
    st = np.array([is_st_name(names.get(c)) for c in uniques], dtype=bool)[codes] if len(uniques) else np.zeros(0, bool)
    plain = bars.drop(columns=[c for c in ("adjust",) if c in bars.columns])
    flags = limit_flags(plain, prices="qfq", st=st)
    out = bars.loc[:, ["code", "date", "volume", "amount", "is_sample", "origin"]].copy()
    out["date"] = pd.to_datetime(out["date"]).dt.normalize()
    out = flags.merge(out, on=["code", "date"], how="left")
    for col in ("volume", "amount"):
        out[f"avg_{col}"] = previous_mean(out["code"].to_numpy(), out[col].to_numpy(dtype="float64"), AVERAGE_SESSIONS)
    return out


def previous_mean(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Per row, the mean of the same code's previous ``n`` values (rows sorted by code and
    date); NaN where fewer than ``n`` earlier rows exist or any of them is NaN.

    Window sums from one running sum over the whole frame (vectorised: a rolling window per
    stock took seconds for a thousand stocks)."""
    size = len(values)
    out = np.full(size, np.nan)
    if size == 0:
        return out
    first = np.ones(size, dtype=bool)
    first[1:] = codes[1:] != codes[:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(size), 0))
    pos = np.arange(size) - start
    ok = ~np.isnan(values)
    total = np.concatenate([[0.0], np.cumsum(np.where(ok, values, 0.0))])
    count = np.concatenate([[0], np.cumsum(ok)])
    idx = np.nonzero(pos >= n)[0]  # rows i with n earlier rows of the code: window [i-n, i-1]
    sums = total[idx] - total[idx - n]
    full = (count[idx] - count[idx - n]) == n
    out[idx[full]] = sums[full] / n
    return out


def _figure(row: Mapping[str, Any], name: str, as_of: datetime | None, bad: str | None) -> Figure:
    def f(key: str) -> float:
        value = row.get(key)
        return float("nan") if value is None or pd.isna(value) else float(value)

    prev = f("prev_close")
    close = f("close")
    change = f("change_pct") if "change_pct" in row and not pd.isna(row.get("change_pct")) else (
        close / prev * 100 - 100 if prev and not np.isnan(prev) else float("nan")
    )
    return Figure(
        code=str(row["code"]), name=name, day=pd.Timestamp(row["date"]).date(),
        open=f("open"), high=f("high"), low=f("low"), close=close, prev_close=prev, change_pct=change,
        volume=f("volume"), amount=f("amount"), avg_volume=f("avg_volume"), avg_amount=f("avg_amount"),
        limit_up=bool(row["limit_up"]), limit_down=bool(row["limit_down"]), one_word=bool(row["one_word"]),
        broken=bool(row["broken"]), streak=int(row["streak"]), uncertain=bool(row["uncertain"]),
        as_of=as_of, is_sample=bool(row.get("is_sample", False)), origin=str(row.get("origin") or "bar"), bad=bad,
    )  # fmt: skip


def _benchmark(store: Any, code: str, session: date, *, live: bool, expected: date | None) -> BenchmarkFigure:
    bars = store.bars(code, adjust="qfq", end=session, limit=2)
    if len(bars) < 2:
        return BenchmarkFigure(code, None, None, None, False, "no_data")
    last, before = bars.iloc[-1], bars.iloc[-2]
    day = pd.Timestamp(last["date"]).date()
    pct = float(last["close"] / before["close"] * 100 - 100) if before["close"] else None
    sample = bool(last["is_sample"])
    bad = None
    if live:
        if sample:
            bad = "sample"
        elif expected is None or day < expected:
            bad = "stale"
    elif day != session:
        bad = "no_data"
    return BenchmarkFigure(code, day, pct, close_time(day), sample, bad)


# --------------------------------------------------------------------------- replay


def replay_figures(
    store: Any, codes: Sequence[str], names: Mapping[str, str], session: date, benchmarks: Sequence[str] = (),
    *, now: datetime | None = None,
) -> SessionFigures:
    """The stored bars of ``session`` (sample included), flagged; a stock without a bar that
    day gets ``bad="no_data"`` (suspended, or not stored)."""
    codes = list(dict.fromkeys(codes))
    bars = store.bars_for(codes, start=session - timedelta(days=HISTORY_DAYS), end=session) if codes else store.bars_for([])
    bars = bars.assign(origin="bar")
    flagged = flagged_bars(bars, names)
    out = SessionFigures("replay", session, now or datetime.now(SHANGHAI))
    today = flagged.loc[flagged["date"] == pd.Timestamp(session)] if len(flagged) else flagged
    rows = {str(r["code"]): r for r in today.to_dict("records")}
    for code in codes:
        row = rows.get(code)
        name = names.get(code, code)
        out.figures[code] = Figure(code, name, bad="no_data") if row is None else _figure(row, name, close_time(session), None)
    for code in dict.fromkeys(benchmarks):
        out.benchmarks[code] = _benchmark(store, code, session, live=False, expected=None)
    return out


# --------------------------------------------------------------------------- live


def _older_than_window(store: Any, codes: list[str], start: date) -> dict[str, str]:
    """For codes with nothing recent: "sample" or "stale" when they have older stored bars (so
    that a fresh install says why it stays quiet), from one grouped read."""
    if not codes:
        return {}
    import json

    rows = store.conn.execute(
        "SELECT code, max(date), is_sample FROM bars WHERE adjust = 'qfq' AND date < ?"
        " AND code IN (SELECT value FROM json_each(?)) GROUP BY code",
        (start.isoformat(), json.dumps(codes)),
    ).fetchall()
    return {r[0]: "sample" if r[2] else "stale" for r in rows}


def _quote_failures(store: Any) -> set[str]:
    """Codes whose latest quote fetch failed (and was not followed by a success)."""
    return {e["code"] for e in store.last_fetch_errors(limit=100_000) if e.get("kind") == "quote" and e.get("code")}


def live_figures(
    store: Any, codes: Sequence[str], names: Mapping[str, str], *, now: datetime, calendar: Any,
    stale_after: timedelta, benchmarks: Sequence[str] = (),
) -> SessionFigures:
    """Each stock's latest figure (its quote over its bars), with the bad-data guards."""
    now = now.astimezone(SHANGHAI)
    codes = list(dict.fromkeys(codes))
    expected = calendar.last_close(now)
    trading = calendar.is_session(now.date()) and now.time() >= PRE_OPEN_UNTIL and now.time() < MARKET_CLOSE
    session = now.date() if calendar.is_session(now.date()) and now.time() >= PRE_OPEN_UNTIL else expected
    start = now.date() - timedelta(days=HISTORY_DAYS)
    bars = store.bars_for(codes, start=start, end=now.date()) if codes else store.bars_for([])
    bars = bars.assign(origin="bar")
    quotes = store.latest_quotes(codes) if codes else store.latest_quotes([])
    failures = _quote_failures(store)
    quote_rows = {str(r["code"]): r for r in quotes.to_dict("records")}

    overlay, verdicts = [], {}
    for code in codes:
        q = quote_rows.get(code)
        if q is None:
            continue
        as_of = q.get("as_of")
        as_of = None if as_of is None or pd.isna(as_of) else pd.Timestamp(as_of).to_pydatetime().astimezone(SHANGHAI)
        price = q.get("price")
        priced = price is not None and not pd.isna(price) and float(price) > 0
        if as_of is not None and as_of.time() < PRE_OPEN_UNTIL and calendar.is_session(as_of.date()):
            # Taken before 09:25: the sources report zeros (which the store may keep as a
            # suspension); nothing of it is a price.
            verdicts[code] = ("pre_open", as_of)
            continue
        if bool(q.get("suspended")):
            verdicts[code] = ("suspended", as_of)
            continue
        if as_of is None or not priced:
            verdicts[code] = ("failed", as_of)
            continue
        verdicts[code] = (None, as_of)
        overlay.append({
            "code": code, "date": pd.Timestamp(as_of.date()), "open": q.get("open"), "high": q.get("high"),
            "low": q.get("low"), "close": float(price), "volume": q.get("volume"), "amount": q.get("amount"),
            "is_sample": bool(q.get("is_sample")), "origin": "quote",
        })  # fmt: skip
    if overlay:
        extra = pd.DataFrame(overlay)
        for col in ("open", "high", "low"):  # a quote without the day's range: its price stands in
            extra[col] = pd.to_numeric(extra[col], errors="coerce").fillna(extra["close"])
        # The quote replaces a stored bar of its day (and any later one).
        quote_day = bars["code"].map(dict(zip(extra["code"], extra["date"])))
        later = quote_day.notna() & (bars["date"] >= quote_day)
        keep = ~later
        with_history = set(bars.loc[quote_day.notna() & (bars["date"] < quote_day), "code"])
        prior = []
        for rec in overlay:
            prev = quote_rows[rec["code"]].get("prev_close")
            if rec["code"] not in with_history and prev is not None and not pd.isna(prev) and float(prev) > 0:
                # No stored history: the quote's own previous close stands in as the day
                # before, so that the limit prices can still be computed.
                prior.append({"code": rec["code"], "date": rec["date"] - pd.Timedelta(days=1), "open": prev,
                              "high": prev, "low": prev, "close": float(prev), "volume": float("nan"),
                              "amount": float("nan"), "is_sample": rec["is_sample"], "origin": "quote"})  # fmt: skip
        cols = ["code", "date", "open", "high", "low", "close", "volume", "amount", "is_sample", "origin"]
        parts = [bars.loc[keep, cols], extra] + ([pd.DataFrame(prior)] if prior else [])
        bars = pd.concat(parts, ignore_index=True)
    flagged = flagged_bars(bars, names)
    last = flagged.groupby("code", sort=False).tail(1) if len(flagged) else flagged
    rows = {str(r["code"]): r for r in last.to_dict("records")}

    old = _older_than_window(store, [c for c in codes if c not in rows], start)
    out = SessionFigures("live", session, now)
    for code in codes:
        quoted_name = (quote_rows.get(code) or {}).get("name")
        name = names.get(code) or (quoted_name if isinstance(quoted_name, str) and quoted_name else code)
        verdict, q_as_of = verdicts.get(code, (None, None))
        row = rows.get(code)
        if row is None:
            bad = verdict or old.get(code) or "no_data"
            out.figures[code] = Figure(code, name, as_of=q_as_of, bad=bad)
            continue
        origin = str(row.get("origin"))
        day = pd.Timestamp(row["date"]).date()
        as_of = q_as_of if origin == "quote" else close_time(day)
        bad = verdict if origin != "quote" and verdict in ("suspended", "pre_open") else None
        if bad is None:
            if bool(row.get("is_sample")):
                bad = "sample"
            elif code in failures:
                bad = "failed"
            elif verdict in ("failed",):
                bad = "failed"
            elif trading and (as_of is None or day < now.date() or now - as_of > stale_after):
                bad = "stale"
            elif not trading and day < expected:
                bad = "stale"
        out.figures[code] = _figure(row, name, as_of, bad)
    for code in dict.fromkeys(benchmarks):
        out.benchmarks[code] = _benchmark(store, code, now.date(), live=True, expected=expected)
    return out
