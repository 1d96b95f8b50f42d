"""The theme index view model: the selected theme as one index against its benchmark.

An equal-weighted index of the theme's listed A-share stocks (and a market-cap-weighted one when
the latest quotes carry market caps) over the last year of stored daily bars, rebased to 100 at
the first session shown, with the theme's benchmark and 沪深300 rebased likewise; trailing
1/5/20/60-session and year-to-date returns with the excess over the benchmark, and what went
into the index (members counted, stocks without bars, stale members, missing caps, notes).

The year is anchored to the newest stored bar of the theme's stocks, not to today, so the
shipped sample (which ends 2025-11-21) still shows a full year.

:func:`build_theme_index_view` (pure pandas) turns bars and caps into a
:class:`ThemeIndexView`; :func:`load_theme_index_view` reads them from a Store of the calling
thread's own (call it in a worker thread). pandas and the analytics are imported inside the
functions, so importing this module costs nothing at start-up. Drawn by
:class:`tui.ui.widgets.theme_index_pane.ThemeIndexPane`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tui.domain.codes import parse_code
from tui.domain.models import Theme

if TYPE_CHECKING:
    import pandas as pd

#: Trailing-return periods, in sessions.
PERIODS: tuple[int, ...] = (1, 5, 20, 60)
#: How far back from the newest stored bar the index starts (calendar years).
WINDOW_YEARS = 1
#: The broad-market benchmark drawn beside the theme's own.
MARKET_BENCHMARK = "sh000300"

#: Row keys of :attr:`ThemeIndexView.returns` besides the benchmark codes.
EQUAL, CAP, EXCESS_EQUAL, EXCESS_CAP = "equal", "cap", "excess_equal", "excess_cap"


@dataclass(frozen=True)
class ThemeIndexView:
    """What the pane shows for one theme; empty ``dates`` = nothing to draw."""

    benchmark: str
    codes: list[str]
    """The theme's listed A-share codes asked for, in watchlist order."""
    used: list[str] = field(default_factory=list)
    """Codes with bars in the window: the index members."""
    missing: list[str] = field(default_factory=list)
    """Codes without bars in the window: excluded."""
    dates: list[date] = field(default_factory=list)
    equal: list[float] = field(default_factory=list)
    """The equal-weighted index, 100 at ``dates[0]``."""
    cap: list[float] | None = None
    """The cap-weighted index, or None when no member has a market cap."""
    benchmarks: dict[str, list[float]] = field(default_factory=dict)
    """Benchmark code -> its close on ``dates`` rebased to 100 (NaN before its first bar);
    only benchmarks with data in the window."""
    bench_as_of: dict[str, date] = field(default_factory=dict)
    returns: dict[str, dict[str, float]] = field(default_factory=dict)
    """Row ("equal", "cap", a benchmark code, "excess_equal", "excess_cap") ->
    {"ret_1d": ..., "ret_ytd": ...} as fractions, NaN where the history is too short."""
    stale: dict[str, str] = field(default_factory=dict)
    """Members whose last bar is before the last session (code -> ISO date)."""
    cap_missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    is_sample: bool = False
    sample_only: bool = False
    sample_as_of: date | None = None
    sources: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    """Display names of rows that are not benchmarks (a concept board overlaid: issue 18)."""

    @property
    def has_data(self) -> bool:
        return bool(self.dates)

    @property
    def as_of(self) -> date | None:
        """The index's last session."""
        return self.dates[-1] if self.dates else None


def theme_codes(theme: Theme) -> tuple[list[str], list[str]]:
    """(listed A-share codes, other codes such as Hong Kong) of a theme, in watchlist order,
    without duplicates; delisted and unlisted stocks are left out."""
    a_share: dict[str, None] = {}
    other: dict[str, None] = {}
    for stock in theme.stocks:
        if not stock.code or stock.status in ("delisted", "unlisted", "ipo_filed"):
            continue
        try:
            sec = parse_code(stock.code)
        except ValueError:
            other.setdefault(stock.code, None)
            continue
        (a_share if sec.is_a_share else other).setdefault(stock.code, None)
    return list(a_share), list(other)


def _as_date(value: object) -> date:
    import pandas as pd

    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def build_theme_index_view(
    codes: Sequence[str],
    bars: pd.DataFrame,
    bench_bars: pd.DataFrame,
    *,
    benchmark: str,
    market_caps: Mapping[str, float] | None = None,
    extra_benchmarks: Sequence[str] = (MARKET_BENCHMARK,),
    periods: Sequence[int] = PERIODS,
) -> ThemeIndexView:
    """Build the indices of ``codes`` from ``bars`` (bars contract, already cut to the window)
    and measure them against ``benchmark`` (and ``extra_benchmarks``) from ``bench_bars``.

    The index rules are :mod:`tui.analytics.theme_index`'s: the calendar is the union of the
    members' bar dates, a suspended member carries its last close (a 0 return that day), and a
    member is carried flat after its last bar and listed as stale. Benchmarks are aligned to the
    index's sessions (carried over a missing day) and rebased at their first value shown; their
    returns are measured up to the index's last session.
    """
    import numpy as np
    import pandas as pd

    from tui.analytics.returns import series_returns
    from tui.analytics.theme_index import index_vs_benchmark, theme_index

    codes = list(dict.fromkeys(codes))
    present = set(bars["code"].astype(str)) if not bars.empty else set()
    used = [c for c in codes if c in present]
    missing = [c for c in codes if c not in present]
    if not used:
        return ThemeIndexView(benchmark, codes, missing=missing)
    frame = bars.loc[bars["code"].isin(used)]
    equal = theme_index(frame, used, weighting="equal")
    dates_index = pd.DatetimeIndex(equal.level.index)

    cap_index = None
    caps = {
        c: float(v)
        for c, v in (market_caps or {}).items()
        if c in used and v is not None and math.isfinite(float(v)) and float(v) > 0
    }
    if caps:
        built = theme_index(frame, used, weighting="cap", market_caps=caps)
        if built.weighting == "cap":
            cap_index = built

    wanted = list(dict.fromkeys([benchmark, *extra_benchmarks]))
    benchmarks: dict[str, list[float]] = {}
    bench_as_of: dict[str, date] = {}
    returns: dict[str, dict[str, float]] = {EQUAL: equal.returns(periods=periods)}
    if cap_index is not None:
        returns[CAP] = cap_index.returns(periods=periods)
    nan_row = {k: math.nan for k in returns[EQUAL]}
    for code in wanted:
        rows = bench_bars.loc[bench_bars["code"] == code] if not bench_bars.empty else bench_bars
        if rows.empty:
            continue
        close = pd.Series(rows["close"].to_numpy(dtype="float64"), index=pd.to_datetime(rows["date"]).dt.normalize())
        close = close.loc[~close.index.duplicated(keep="last")].sort_index().dropna()
        shown = close.reindex(dates_index).ffill()
        first = shown.dropna()
        if first.empty:
            continue
        benchmarks[code] = (shown / first.iloc[0] * 100.0).tolist()
        bench_as_of[code] = close.index[-1].date()
        if code == benchmark:
            table = index_vs_benchmark(equal, close, periods=periods)
            returns[code] = {k: float(v) for k, v in table.loc["benchmark"].items()}
            returns[EXCESS_EQUAL] = {k: float(v) for k, v in table.loc["excess"].items()}
            if cap_index is not None:
                returns[EXCESS_CAP] = {k: returns[CAP][k] - returns[code].get(k, math.nan) for k in returns[CAP]}
        else:
            returns[code] = series_returns(close, periods=periods, as_of=dates_index[-1])
    for key in list(returns):
        returns[key] = {k: returns[key].get(k, math.nan) for k in nan_row}

    flags = frame["is_sample"].to_numpy(dtype=bool) if "is_sample" in frame else np.zeros(len(frame), dtype=bool)
    sample_as_of = _as_date(frame.loc[flags, "date"].max()) if flags.any() else None
    sources = sorted({str(s) for s in frame.loc[~flags, "source"].dropna()}) if "source" in frame else []
    return ThemeIndexView(
        benchmark=benchmark,
        codes=codes,
        used=used,
        missing=missing,
        dates=[ts.date() for ts in dates_index],
        equal=equal.level.tolist(),
        cap=cap_index.level.tolist() if cap_index is not None else None,
        benchmarks=benchmarks,
        bench_as_of=bench_as_of,
        returns=returns,
        stale=dict(equal.stale),
        cap_missing=list(cap_index.cap_missing) if cap_index is not None else [],
        notes=list(dict.fromkeys([*equal.notes, *(cap_index.notes if cap_index is not None else [])])),
        is_sample=bool(flags.any()),
        sample_only=bool(flags.all()),
        sample_as_of=sample_as_of,
        sources=sources,
    )


def load_theme_index_view(
    data_dir: Path,
    codes: Sequence[str],
    benchmark: str,
    *,
    extra_benchmarks: Sequence[str] = (MARKET_BENCHMARK,),
    years: int = WINDOW_YEARS,
) -> ThemeIndexView:
    """Open a Store on ``data_dir`` (this thread's own) and build the view of the last
    ``years`` of bars up to the newest stored bar of ``codes``."""
    import pandas as pd

    from tui.store.store import Store

    codes = list(dict.fromkeys(codes))
    with Store.open(data_dir) as store:
        bounds = store.bar_date_bounds(codes)
        if not bounds:
            return ThemeIndexView(benchmark, codes, missing=codes)
        end = max(last for _first, last in bounds.values())
        start = (pd.Timestamp(end) - pd.DateOffset(years=years)).date()
        bars = store.bars_for(codes, adjust="qfq", start=start, end=end)
        wanted = list(dict.fromkeys([benchmark, *extra_benchmarks]))
        bench_bars = store.bars_for(wanted, start=start, end=end)
        quotes = store.latest_quotes(codes)
    caps: dict[str, float] = {}
    if not quotes.empty and "market_cap" in quotes:
        for code, cap in zip(quotes["code"], quotes["market_cap"]):
            if cap is not None and math.isfinite(float(cap)) and float(cap) > 0:
                caps[str(code)] = float(cap)
    return build_theme_index_view(
        codes, bars, bench_bars, benchmark=benchmark, market_caps=caps, extra_benchmarks=extra_benchmarks
    )
