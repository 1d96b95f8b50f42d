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

from tui.analytics._frames import DateLike, iso, prepare_bars, to_timestamp


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
    target = frame["date"].max() if day is None else to_timestamp(day)
    first_of_code = frame["code"].ne(frame["code"].shift())
    prev = frame["close"].shift().where(~first_of_code)
    moves = (frame["close"] / prev - 1.0).where(frame["date"].eq(target))
    on_day = pd.Series(moves.to_numpy(), index=frame["code"].to_numpy()).dropna()
    universe = list(dict.fromkeys(codes)) if codes is not None else list(dict.fromkeys(frame["code"]))
    result = on_day.reindex(pd.Index(universe, name="code"))
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
