"""A theme's daily heat for the index tab: limit-up count, 最高标 height and 炸板率 per session.

``load_heat_view`` reads the last year of the theme's stored bars (raw where they cover the
window, else qfq), runs ``tui.analytics.ladder`` and returns a :class:`HeatView`;
``heat_rows`` squeezes it into a given number of terminal columns (one column = one or more
sessions: the most limit-ups and the highest streak of the bucket, the 炸板率 of its pooled
counts), so the widget only draws characters. No Textual here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

BLOCKS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class HeatView:
    """One theme's heat series, oldest first (empty ``dates`` = nothing to draw)."""

    dates: list[date] = field(default_factory=list)
    limit_up: list[int] = field(default_factory=list)
    top_streak: list[int] = field(default_factory=list)
    broken: list[int] = field(default_factory=list)
    touched: list[int] = field(default_factory=list)
    uncertain: bool = False
    """True when some flags were read on qfq prices within a tick of a limit."""
    is_sample: bool = False

    @property
    def has_data(self) -> bool:
        return bool(self.dates)

    def broken_rate(self, i: int) -> float | None:
        return self.broken[i] / self.touched[i] if self.touched[i] else None


@dataclass(frozen=True)
class HeatRows:
    """The heat squeezed into ``width`` columns: one character per column and row."""

    limit_up: str
    top_streak: str
    broken_rate: str
    max_limit_up: int
    max_streak: int
    first: date | None
    last: date | None
    peak_streak_day: date | None


def build_heat_view(states: Any, codes: list[str] | None = None, *, is_sample: bool = False) -> HeatView:
    """From a ``ladder_states`` frame (pandas), the daily heat of ``codes`` (all when None)."""
    from tui.analytics.ladder import heat_series

    heat = heat_series(states, codes)
    if len(heat) == 0:
        return HeatView(is_sample=is_sample)
    frame = states if codes is None else states.loc[states["code"].isin(codes)]
    hits = frame["limit_up"].to_numpy(dtype=bool) | frame["broken"].to_numpy(dtype=bool) | frame["limit_down"].to_numpy(dtype=bool)
    uncertain = bool((frame["uncertain"].to_numpy(dtype=bool) & hits).any())
    return HeatView(
        dates=[d.date() for d in heat.index],
        limit_up=[int(v) for v in heat["limit_up"]],
        top_streak=[int(v) for v in heat["top_streak"]],
        broken=[int(v) for v in heat["broken"]],
        touched=[int(a + b) for a, b in zip(heat["limit_up"], heat["broken"])],
        uncertain=uncertain,
        is_sample=is_sample,
    )


def load_heat_view(data_dir: Path, codes: list[str], *, years: int = 1) -> HeatView:
    """Open this thread's own Store and build the heat of ``codes`` over the last ``years`` up
    to their newest stored bar (a month more is read so streaks at the start are whole)."""
    import pandas as pd

    from tui.analytics.ladder import ladder_states_preferring_raw
    from tui.store.store import Store

    codes = list(dict.fromkeys(codes))
    with Store.open(data_dir) as store:
        bounds = store.bar_date_bounds(codes)
        if not bounds:
            return HeatView()
        end = max(last for _first, last in bounds.values())
        start = (pd.Timestamp(end) - pd.DateOffset(years=years)).date()
        lead = (pd.Timestamp(start) - pd.DateOffset(days=60)).date()
        qfq = store.bars_for(codes, adjust="qfq", start=lead, end=end)
        raw = store.bars_for(codes, adjust="raw", start=lead, end=end)
    if len(qfq) == 0 and len(raw) == 0:
        return HeatView()
    states = ladder_states_preferring_raw(qfq, raw)
    states = states.loc[states["date"] >= pd.Timestamp(start)]
    sample = bool(len(qfq)) and bool(qfq["is_sample"].fillna(False).astype(bool).all())
    return build_heat_view(states, is_sample=sample)


def _spark(values: list[float], top: float) -> str:
    if top <= 0:
        return "".join(" " if v is None else BLOCKS[1] if v == 0 else BLOCKS[-1] for v in values)
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(" ")
        elif v <= 0:
            out.append(BLOCKS[1] if v == 0 else " ")
        else:
            out.append(BLOCKS[max(2, min(8, math.ceil(v / top * 8)))])
    return "".join(out)


def heat_rows(view: HeatView, width: int) -> HeatRows:
    """Bucket the sessions into at most ``width`` columns (newest on the right)."""
    n = len(view.dates)
    if n == 0 or width <= 0:
        return HeatRows("", "", "", 0, 0, None, None, None)
    cols = min(width, n)
    edges = [round(i * n / cols) for i in range(cols + 1)]
    ups, tops, rates = [], [], []
    for a, b in zip(edges[:-1], edges[1:]):
        ups.append(max(view.limit_up[a:b]))
        tops.append(max(view.top_streak[a:b]))
        touched = sum(view.touched[a:b])
        rates.append(sum(view.broken[a:b]) / touched if touched else None)
    max_up, max_top = max(view.limit_up), max(view.top_streak)
    peak = view.dates[max(range(n), key=lambda i: (view.top_streak[i], i))] if max_top > 0 else None
    return HeatRows(
        limit_up=_spark(ups, max_up),
        top_streak=_spark(tops, max_top),
        broken_rate=_spark(rates, 1.0),
        max_limit_up=max_up,
        max_streak=max_top,
        first=view.dates[0],
        last=view.dates[-1],
        peak_streak_day=peak,
    )
