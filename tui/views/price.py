"""One stock's prices against its theme's benchmark: the view model of the stock detail screen.

:func:`build_price_view` (pure pandas) turns the daily bars into what the screen shows: the
last ``CHART_SESSIONS`` sessions rebased to 100, trailing returns and the sessions the
catalysts fall on. :func:`load_price_view` reads the bars from a Store of the calling thread's
own (call it in a worker thread). Drawn by :class:`tui.ui.screens.stock_detail.StockDetailScreen`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from tui.analytics.returns import series_returns
from tui.domain.dates import Precision
from tui.domain.models import Catalyst
from tui.store.store import Store

#: Sessions shown on the chart.
CHART_SESSIONS = 120
#: Trailing-return periods, in sessions.
PERIODS: tuple[int, ...] = (1, 5, 20, 60)


@dataclass(frozen=True)
class CatalystMark:
    """A catalyst placed on the chart: the session it is drawn at and its marker number."""

    number: int
    catalyst: Catalyst
    index: int
    session: date


@dataclass(frozen=True)
class PriceView:
    """Everything the screen shows about one stock's prices; empty ``dates`` = no bars."""

    code: str
    benchmark: str
    dates: list[date] = field(default_factory=list)
    stock: list[float] = field(default_factory=list)
    """Forward-adjusted close rebased to 100 at the first session shown."""
    bench: list[float] | None = None
    """The benchmark on the same sessions, rebased likewise; None when it has no data."""
    returns: dict[int, tuple[float, float]] = field(default_factory=dict)
    """Sessions -> (stock, benchmark) trailing return as fractions; NaN when too short."""
    marks: list[CatalystMark] = field(default_factory=list)
    is_sample: bool = False
    sources: list[str] = field(default_factory=list)
    as_of: date | None = None
    """The stock's last bar."""

    @property
    def has_bars(self) -> bool:
        return bool(self.dates)


def catalyst_session(catalyst: Catalyst, sessions: Sequence[date]) -> int | None:
    """The index in ``sessions`` a catalyst is drawn at, or None if it falls outside them.

    An exact date maps to that session, or the next one when it is not a trading day (news
    on a Saturday moves prices on Monday). A month/quarter/half/year maps to the first
    session of its period. A period (or day) that starts before the first session, or whose
    first session would come after the last one, is outside.
    """
    if catalyst.date is None or not sessions:
        return None
    start = catalyst.date.start
    if start < sessions[0]:
        return None
    index = pd.Index(pd.to_datetime(list(sessions))).searchsorted(pd.Timestamp(start), side="left")
    if index >= len(sessions):
        return None
    if catalyst.date.precision is not Precision.DAY and sessions[index] > catalyst.date.end:
        return None
    return int(index)


def _dated_key(c: Catalyst) -> tuple:
    return c.date.sort_key() if c.date else (date.max, date.max)


def build_price_view(
    code: str,
    benchmark: str,
    stock_bars: pd.DataFrame,
    bench_bars: pd.DataFrame,
    catalysts: Sequence[Catalyst] = (),
    *,
    sessions: int = CHART_SESSIONS,
    periods: Sequence[int] = PERIODS,
) -> PriceView:
    """Rebase, align and measure one stock against its benchmark (bars contract frames).

    Sessions are the union of both frames' dates up to the stock's last bar; the stock's
    close is carried over days it has no bar (suspended). The chart starts at the stock's
    first bar, so a new listing is not drawn before it traded.
    """
    if stock_bars.empty:
        return PriceView(code, benchmark)
    stock_close = stock_bars.set_index("date")["close"].astype("float64").sort_index()
    last = stock_close.index[-1]
    first = stock_close.index[0]
    calendar = stock_close.index
    b: pd.Series | None = None
    if not bench_bars.empty:
        bench_close = bench_bars.set_index("date")["close"].astype("float64").sort_index()
        bench_close = bench_close[(bench_close.index >= first) & (bench_close.index <= last)]
        if not bench_close.empty:
            calendar = calendar.union(bench_close.index).sort_values()
            b = bench_close.reindex(calendar).ffill()
    s = stock_close.reindex(calendar).ffill()

    returns: dict[int, tuple[float, float]] = {}
    s_ret = series_returns(s, periods=periods, ytd=False)
    b_ret = series_returns(b.dropna(), periods=periods, ytd=False) if b is not None and b.notna().any() else {}
    for n in periods:
        returns[n] = (s_ret.get(f"ret_{n}d", math.nan), b_ret.get(f"ret_{n}d", math.nan))

    shown = calendar[-sessions:]
    s_shown = s.loc[shown]
    stock_rebased = (s_shown / s_shown.iloc[0] * 100.0).tolist()
    bench_rebased: list[float] | None = None
    if b is not None:
        b_shown = b.loc[shown]
        base = b_shown.dropna()
        if not base.empty:
            # Rebased at the first session shown (or its first value, if it starts later).
            bench_rebased = (b_shown / base.iloc[0] * 100.0).tolist()
    dates = [ts.date() for ts in shown]

    dated = sorted((c for c in catalysts if c.date is not None), key=_dated_key)
    marks: list[CatalystMark] = []
    for c in dated:
        index = catalyst_session(c, dates)
        if index is not None:
            marks.append(CatalystMark(len(marks) + 1, c, index, dates[index]))

    window = stock_bars[stock_bars["date"] >= shown[0]]
    is_sample = bool(window["is_sample"].any()) if "is_sample" in window else False
    sources = sorted({str(x) for x in window["source"].dropna()}) if "source" in window else []
    return PriceView(
        code, benchmark, dates, stock_rebased, bench_rebased, returns, marks, is_sample, sources, last.date()
    )


def load_price_view(
    data_dir: Path,
    code: str,
    benchmark: str,
    catalysts: Sequence[Catalyst] = (),
    *,
    sessions: int = CHART_SESSIONS,
) -> PriceView:
    """Open a Store on ``data_dir`` (this thread's own), read the bars, build the view."""
    with Store.open(data_dir) as store:
        stock_bars = store.bars(code, adjust="qfq", limit=sessions)
        if stock_bars.empty:
            return PriceView(code, benchmark)
        start, end = stock_bars["date"].iloc[0], stock_bars["date"].iloc[-1]
        bench_bars = store.bars(benchmark, adjust="qfq", start=start, end=end)
    return build_price_view(code, benchmark, stock_bars, bench_bars, catalysts, sessions=sessions)
