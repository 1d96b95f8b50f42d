"""Market breadth of a set of stocks on one day: up/down/flat counts, mean and median move.

A stock's move on a day is its close over its previous bar's close minus 1 (a fraction);
a stock without a bar that day (suspended) or without an earlier bar (first day of data)
has no move and is counted in ``missing``. ``flat`` means |move| <= ``flat_tolerance``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from tui.analytics._frames import DateLike, iso, prepare_bars, to_timestamp, wide


@dataclass(frozen=True)
class Breadth:
    """Counts and average move of one day."""

    day: str
    up: int
    down: int
    flat: int
    missing: int
    n: int
    mean: float | None
    median: float | None

    def to_dict(self) -> dict:
        return asdict(self)


def daily_moves(
    bars: pd.DataFrame, day: DateLike | None = None, codes: Iterable[str] | None = None
) -> pd.Series:
    """Move of each code on ``day`` (default: the last date in ``bars``), NaN if it has none."""
    frame = prepare_bars(bars, codes)
    if frame.empty:
        raise ValueError("no bars for the codes asked for")
    table = wide(frame, "close")
    target = table.index[-1] if day is None else to_timestamp(day)
    if target in table.index:
        pos = table.index.get_loc(target)
        prev = table.iloc[:pos].ffill().iloc[-1] if pos > 0 else table.iloc[0] * np.nan
        moves = table.iloc[pos] / prev - 1.0
    else:
        moves = pd.Series(np.nan, index=table.columns)
    universe = list(dict.fromkeys(codes)) if codes is not None else list(table.columns)
    result = moves.reindex(pd.Index(universe, name="code")).astype("float64")
    result.name = iso(target)
    return result


def breadth(
    bars: pd.DataFrame,
    day: DateLike | None = None,
    codes: Iterable[str] | None = None,
    *,
    flat_tolerance: float = 0.0,
) -> Breadth:
    """Up/down/flat counts and mean/median move of ``codes`` on ``day``."""
    moves = daily_moves(bars, day, codes)
    values = moves.to_numpy(dtype="float64")
    present = values[~np.isnan(values)]
    flat = np.abs(present) <= flat_tolerance
    return Breadth(
        day=str(moves.name),
        up=int(((present > 0) & ~flat).sum()),
        down=int(((present < 0) & ~flat).sum()),
        flat=int(flat.sum()),
        missing=int(np.isnan(values).sum()),
        n=int(present.size),
        mean=float(present.mean()) if present.size else None,
        median=float(np.median(present)) if present.size else None,
    )
