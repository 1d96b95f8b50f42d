"""What a catalyst did to prices: the measured reaction beside the claimed one.

For the catalyst calendar's detail panel (and anything else headless that wants it):

* **Measured reaction**: the market-adjusted event study (tui.analytics.event_study) of the
  theme's A-share stocks around the catalyst's exact date, windows [-1,+1], [0,+2], [0,+4]
  against sh000300, read from the store exactly as ``theme-tracker event-study`` reads it
  (same bar range, same codes), so the two always agree.
* **Moves since**: each concerned stock's last stored close against its close before day 0
  (forward-adjusted), and the benchmark's over the same span.

A reaction needs a day. A catalyst dated only to a month/quarter/half/year gets no event
study (``status == "inexact"``); its moves are measured from the period's first session, and
the result says so (when the period starts after the last stored bar: no moves either). An
undated catalyst gets neither (``"undated"``); one dated to a day after the last stored bar
gets neither either (``"after_bars"``), nor does one dated before the benchmark's first
stored bar (``"before_bars"``: day 0 would otherwise be the first stored session, years later).

:func:`compute_reaction` is pure pandas on bars-contract frames; it opens no store: the
loader :func:`tui.views.catalyst_reaction.load_reaction` reads the frames (in a worker thread).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from tui.analytics.event_study import EventStudyResult, event_study_windows
from tui.domain.models import Catalyst

#: Windows shown in the app (sessions relative to day 0).
REACTION_WINDOWS: tuple[tuple[int, int], ...] = ((-1, 1), (0, 2), (0, 4))
#: The benchmark the app measures catalysts against.
REACTION_BENCHMARK = "sh000300"
#: Calendar days of bars read before day 0 for the "move since" base close.
MOVE_LOOKBACK_DAYS = 40

#: Why a reaction was (not) measured.
STATUSES = ("ok", "undated", "inexact", "after_bars", "before_bars", "no_benchmark", "no_stocks")


@dataclass(frozen=True)
class StockMove:
    """One code's move from the close before day 0 to its last stored close."""

    code: str
    base_date: date | None = None
    base_close: float | None = None
    last_date: date | None = None
    last_close: float | None = None
    reason: str | None = None
    """Why there is no move ("no bars", "no bar before 2025-03-13 (first bar 2025-04-01)")."""

    @property
    def move(self) -> float | None:
        if self.base_close is None or self.last_close is None or self.base_close == 0:
            return None
        return self.last_close / self.base_close - 1.0


@dataclass(frozen=True)
class CatalystReaction:
    """Everything the detail panel shows about a catalyst's price reaction."""

    catalyst_id: str
    status: str
    """One of :data:`STATUSES`; "ok" means ``day0`` is known (the study may still have n=0)."""
    benchmark: str = REACTION_BENCHMARK
    theme_id: str | None = None
    theme_codes: list[str] = field(default_factory=list)
    day0: date | None = None
    """The event-study day 0 (or, for an inexact date, the period's first session)."""
    results: list[EventStudyResult] = field(default_factory=list)
    moves: list[StockMove] = field(default_factory=list)
    benchmark_move: StockMove | None = None
    last_bar: date | None = None
    """The benchmark's last stored bar: the end of what can be measured."""
    first_bar: date | None = None
    """The benchmark's first stored bar, when the catalyst is before it ("before_bars")."""
    sample: bool = False
    sample_as_of: str | None = None


def _closes(bars: pd.DataFrame, code: str) -> pd.Series:
    frame = bars.loc[bars["code"] == code]
    return frame.set_index("date")["close"].astype("float64").sort_index().dropna()


def stock_move(code: str, closes: pd.Series, day0: date) -> StockMove:
    """The move of one close series from its last close before ``day0`` to its last close."""
    if closes.empty:
        return StockMove(code, reason="no bars")
    ts0 = pd.Timestamp(day0)
    before = closes.loc[closes.index < ts0]
    last_date, last_close = closes.index[-1].date(), float(closes.iloc[-1])
    if before.empty:
        return StockMove(
            code, last_date=last_date, last_close=last_close,
            reason=f"no bar before {day0.isoformat()} (first bar {closes.index[0].date().isoformat()})",
        )
    return StockMove(code, before.index[-1].date(), float(before.iloc[-1]), last_date, last_close)


def study_range(day: date, windows: Sequence[tuple[int, int]] = REACTION_WINDOWS) -> tuple[date, date]:
    """The calendar range of bars read around ``day`` (the same rule as the CLI's)."""
    span = max(abs(a) for a, _ in windows) + max(b for _, b in windows)
    pad = timedelta(days=2 * span + 30)
    return day - pad, day + pad


def compute_reaction(
    catalyst: Catalyst,
    theme_codes: Sequence[str],
    concern_codes: Sequence[str],
    bars: pd.DataFrame,
    bench_bars: pd.DataFrame,
    *,
    theme_id: str | None = None,
    benchmark: str = REACTION_BENCHMARK,
    windows: Sequence[tuple[int, int]] = REACTION_WINDOWS,
    sample_as_of: str | None = None,
    bench_last_bar: date | None = None,
) -> CatalystReaction:
    """Measure a catalyst from bars-contract frames.

    ``bars`` must hold the theme codes over :func:`study_range` and the concerned codes from
    a little before day 0 to their last bar; ``bench_bars`` the benchmark over both.
    ``bench_last_bar``: the benchmark's last stored bar when ``bench_bars`` may not reach it
    (a read that starts after the last bar is empty).
    """
    theme_codes = list(dict.fromkeys(theme_codes))
    base = dict(catalyst_id=catalyst.id, benchmark=benchmark, theme_id=theme_id, theme_codes=theme_codes, sample_as_of=sample_as_of)
    if catalyst.date is None:
        return CatalystReaction(status="undated", **base)
    sample = bool(len(bars) and bars["is_sample"].any()) or bool(len(bench_bars) and bench_bars["is_sample"].any())
    bench = bench_bars.set_index("date")["close"].astype("float64").sort_index().dropna()
    start = catalyst.date.start
    if bench.empty:
        if bench_last_bar is not None and start > bench_last_bar:
            status = "after_bars" if catalyst.date.is_exact else "inexact"
            return CatalystReaction(status=status, last_bar=bench_last_bar, sample=sample, **base)
        return CatalystReaction(status="no_benchmark", last_bar=bench_last_bar, sample=sample, **base)
    last_bar = bench.index[-1].date()
    if bench.index[0] >= pd.Timestamp(start):
        return CatalystReaction(status="before_bars", first_bar=bench.index[0].date(), last_bar=last_bar, sample=sample, **base)
    if start > last_bar:
        # Without a day there is nothing to measure, whenever it is; say that first.
        status = "after_bars" if catalyst.date.is_exact else "inexact"
        return CatalystReaction(status=status, last_bar=last_bar, sample=sample, **base)
    # Day 0: the date if it is a session (a benchmark date), else the next session.
    day0 = bench.index[bench.index.searchsorted(pd.Timestamp(start), side="left")].date()
    moves = [stock_move(code, _closes(bars, code), day0) for code in dict.fromkeys(concern_codes)]
    bench_move = stock_move(benchmark, bench, day0)
    common = dict(day0=day0, moves=moves, benchmark_move=bench_move, last_bar=last_bar, sample=sample, **base)
    if not catalyst.date.is_exact:
        return CatalystReaction(status="inexact", **common)
    if not theme_codes:
        return CatalystReaction(status="no_stocks", **common)
    lo, hi = study_range(start, windows)
    window_bench = bench.loc[(bench.index >= pd.Timestamp(lo)) & (bench.index <= pd.Timestamp(hi))].rename(benchmark)
    study_bars = bars.loc[bars["code"].isin(theme_codes) & (bars["date"] >= pd.Timestamp(lo)) & (bars["date"] <= pd.Timestamp(hi))]
    results = event_study_windows(study_bars, window_bench, start, list(windows), theme_codes)
    return CatalystReaction(status="ok", results=results, **common)
