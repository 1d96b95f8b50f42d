"""Loader of a catalyst's measured reaction (tui.analytics.catalyst_reaction) from the store.

:func:`load_reaction` reads exactly the bars :func:`~tui.analytics.catalyst_reaction.compute_reaction`
needs (the same range ``theme-tracker event-study`` reads, so the two always agree) from a
Store of the calling thread's own: call it in a worker thread (sqlite connections cannot cross
threads).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pandas as pd

from tui.analytics.catalyst_reaction import (
    MOVE_LOOKBACK_DAYS,
    REACTION_BENCHMARK,
    REACTION_WINDOWS,
    CatalystReaction,
    compute_reaction,
    study_range,
)
from tui.domain.models import Catalyst
from tui.store.store import Store


def load_reaction(
    data_dir: str | Path,
    catalyst: Catalyst,
    theme_codes: Sequence[str],
    concern_codes: Sequence[str],
    *,
    theme_id: str | None = None,
    benchmark: str = REACTION_BENCHMARK,
    windows: Sequence[tuple[int, int]] = REACTION_WINDOWS,
) -> CatalystReaction:
    """Read what :func:`compute_reaction` needs from a Store of this thread's own."""
    if catalyst.date is None:
        return compute_reaction(catalyst, theme_codes, concern_codes, pd.DataFrame(), pd.DataFrame(), theme_id=theme_id, benchmark=benchmark, windows=windows)
    start = catalyst.date.start
    lo, hi = study_range(start, windows)
    move_from = start - timedelta(days=MOVE_LOOKBACK_DAYS)
    with Store.open(data_dir) as store:
        frames = [store.bars_for(list(theme_codes), adjust="qfq", start=lo, end=hi)]
        if concern_codes:
            frames.append(store.bars_for(list(concern_codes), adjust="qfq", start=min(lo, move_from)))
        bench_bars = store.bars(benchmark, adjust="qfq", start=min(lo, move_from))
        sample_as_of = store.get_meta("sample_as_of")
        bench_last_bar = store.last_bar_date(benchmark) if bench_bars.empty else None
    nonempty = [f for f in frames if len(f)]
    bars = pd.concat(nonempty, ignore_index=True).drop_duplicates(["code", "date"]) if nonempty else frames[0]
    return compute_reaction(
        catalyst, theme_codes, concern_codes, bars, bench_bars,
        theme_id=theme_id, benchmark=benchmark, windows=windows, sample_as_of=sample_as_of,
        bench_last_bar=bench_last_bar,
    )
