"""Read what one screen needs from the store in one go (used by the app and the snapshot)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from tui.store.store import Store

#: Calendar days of bars read for the board: enough for a 20-session return across a holiday.
BOARD_HISTORY_DAYS = 50


@dataclass
class BenchmarkMove:
    code: str
    day: date | None
    close: float | None
    change_pct: float | None
    is_sample: bool


@dataclass
class BoardInputs:
    """Quotes, recent bars and benchmark moves for a set of codes, with store metadata."""

    quotes: pd.DataFrame
    bars: pd.DataFrame
    benchmarks: dict[str, BenchmarkMove] = field(default_factory=dict)
    newest_bar: date | None = None
    sample_as_of: str | None = None
    last_errors: list[dict[str, Any]] = field(default_factory=list)
    #: Raw (unadjusted) bars of the same window, for exact limit prices (the ladder).
    raw_bars: pd.DataFrame | None = None


def newest_bar_date(store: Store, codes: list[str], adjust: str = "qfq") -> date | None:
    row = store.conn.execute(
        "SELECT max(date) FROM bars WHERE adjust = ? AND code IN (SELECT value FROM json_each(?))",
        (adjust, json.dumps(codes)),
    ).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


def benchmark_move(store: Store, code: str, *, on_or_before: date | None = None) -> BenchmarkMove:
    bars = store.bars(code, adjust="qfq", end=on_or_before, limit=2)
    if len(bars) == 0:
        return BenchmarkMove(code, None, None, None, False)
    last = bars.iloc[-1]
    pct = None
    if len(bars) == 2 and bars.iloc[0]["close"]:
        pct = float(last["close"] / bars.iloc[0]["close"] * 100 - 100)
    return BenchmarkMove(code, pd.Timestamp(last["date"]).date(), float(last["close"]), pct, bool(last["is_sample"]))


def read_board_inputs(store: Store, codes: list[str], benchmarks: list[str]) -> BoardInputs:
    """Latest quotes, the last ~50 days of qfq bars, and each benchmark's latest move."""
    newest = newest_bar_date(store, codes) if codes else None
    start = newest - timedelta(days=BOARD_HISTORY_DAYS) if newest else None
    bars = store.bars_for(codes, start=start) if codes else store.bars_for([])
    quotes = store.latest_quotes(codes) if codes else store.latest_quotes([])
    return BoardInputs(
        quotes=quotes,
        bars=bars,
        benchmarks={code: benchmark_move(store, code) for code in dict.fromkeys(benchmarks)},
        newest_bar=newest,
        sample_as_of=store.get_meta("sample_as_of"),
        last_errors=store.last_fetch_errors(limit=20),
        raw_bars=store.bars_for(codes, adjust="raw", start=start) if codes else None,
    )


def read_calendar(store: Store, today: date) -> Any:
    """The trading calendar, falling back to the store's supplied trade dates past XSHG's end.

    A broken stored ``trade_dates`` value does not stop the caller: the calendar then has no
    supplied dates and says so through its own staleness flags.
    """
    from tui.domain.calendar import TradingCalendar

    try:
        supplied = store.trade_dates()
    except Exception:  # noqa: BLE001 - a broken meta value must not stop the app or the snapshot
        supplied = []
    return TradingCalendar(supplied, today=today)
