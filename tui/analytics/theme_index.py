"""Equal- and market-cap-weighted index of a set of stocks, rebased to 100.

Method
------
* Calendar: the union of the stocks' bar dates, or a caller-provided session index.
* A stock enters the day after its first bar (its first daily return). On a session without
  a bar inside its history (suspension) it carries its last close, so its return that day is 0.
  After its last bar it is also carried flat and listed in ``ThemeIndex.stale`` (code -> last
  bar date), so a delisted stock or a stale fetch never goes unnoticed.
* ``weighting="equal"``: the index return on a day is the plain mean of the members' daily
  returns (rebalanced to equal weights every day).
* ``weighting="cap"``: the weight of a stock on day t is its market cap at the close of t-1,
  reconstructed from the caller's caps (code -> yuan, taken to be as of the last close in the
  frame) as ``cap * close[t-1] / close[last]``, i.e. assuming a constant share count.
  A stock whose cap is missing, NaN or not positive gets the median cap of the stocks that
  have one and is listed in ``cap_missing``; if no stock has a cap the index falls back to
  equal weights and says so in ``weighting`` and ``notes``.
* The level is the compounded daily index return, 100 on ``base_date`` (the first session on
  or after the date asked for; default the first session).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tui.analytics._frames import DateLike, iso, prepare_bars, to_timestamp, wide
from tui.analytics.returns import DEFAULT_PERIODS, returns_from_table, series_returns


@dataclass
class ThemeIndex:
    """A theme index: levels, daily returns and what went into them."""

    level: pd.Series
    daily_return: pd.Series
    members: pd.Series
    weighting: str
    base_date: pd.Timestamp
    codes: list[str]
    cap_missing: list[str] = field(default_factory=list)
    stale: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def returns(
        self,
        *,
        periods: Sequence[int] = DEFAULT_PERIODS,
        as_of: DateLike | None = None,
    ) -> dict[str, float]:
        """Trailing 1/5/20/60-session and YTD returns of the index level."""
        table = self.level.to_frame("index")
        row = returns_from_table(table, periods=periods, as_of=as_of).iloc[0]
        return {key: float(value) for key, value in row.items()}


def theme_index(
    bars: pd.DataFrame,
    codes: Iterable[str] | None = None,
    *,
    weighting: str = "equal",
    market_caps: Mapping[str, float] | pd.Series | None = None,
    base_date: DateLike | None = None,
    sessions: pd.DatetimeIndex | None = None,
) -> ThemeIndex:
    """Build an index of ``codes`` (default: every code in ``bars``) from daily closes."""
    if weighting not in ("equal", "cap"):
        raise ValueError("weighting must be 'equal' or 'cap'")
    frame = prepare_bars(bars, codes)
    if frame.empty:
        raise ValueError("no bars for the codes asked for")
    table = wide(frame, "close", None if sessions is None else pd.DatetimeIndex(sessions))
    table = table.loc[table.notna().any(axis=1).cumsum() > 0]  # start at the first bar
    dates = pd.DatetimeIndex(table.index)
    have = table.notna().to_numpy()
    closes = table.ffill().to_numpy(dtype="float64")
    prev = np.vstack([np.full((1, closes.shape[1]), np.nan), closes[:-1]])
    with np.errstate(invalid="ignore", divide="ignore"):
        daily = closes / prev - 1.0
    valid = ~np.isnan(daily)
    members = valid.sum(axis=1)
    notes: list[str] = []
    cap_missing: list[str] = []
    used = weighting
    columns = [str(c) for c in table.columns]

    if weighting == "cap":
        caps = pd.Series(market_caps if market_caps is not None else {}, dtype="float64")
        caps = caps.reindex(columns)
        bad = ~(caps > 0)
        cap_missing = [c for c, b in zip(columns, bad.to_numpy()) if b]
        if bad.all():
            used = "equal"
            notes.append("no market cap for any stock: fell back to equal weights")
        else:
            if cap_missing:
                notes.append(
                    "no market cap for " + ", ".join(cap_missing)
                    + ": given the median cap of the others"
                )
            caps = caps.where(~bad, float(caps.loc[~bad].median()))
    if used == "cap":
        scale = caps.to_numpy(dtype="float64") / closes[-1]
        weights = np.where(valid, prev * scale, 0.0)
        total = weights.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            index_ret = np.where(total > 0, (np.where(valid, daily, 0.0) * weights).sum(axis=1) / total, 0.0)
    else:
        sums = np.where(valid, daily, 0.0).sum(axis=1)
        index_ret = np.divide(sums, members, out=np.zeros(len(sums)), where=members > 0)

    growth = np.cumprod(1.0 + index_ret)
    if base_date is None:
        base_pos = 0
    else:
        base_pos = int(dates.searchsorted(to_timestamp(base_date), side="left"))
        if base_pos >= len(dates):
            raise ValueError(f"base date {base_date} is after the last session {iso(dates[-1])}")
    level = pd.Series(100.0 * growth / growth[base_pos], index=dates, name="level")

    last_bar = np.where(have.any(axis=0), len(dates) - 1 - np.argmax(have[::-1], axis=0), -1)
    stale = {
        code: iso(dates[pos]) for code, pos in zip(columns, last_bar) if 0 <= pos < len(dates) - 1
    }
    if stale:
        notes.append("carried flat after their last bar: " + ", ".join(f"{c} ({d})" for c, d in stale.items()))
    return ThemeIndex(
        level=level,
        daily_return=pd.Series(index_ret, index=dates, name="return"),
        members=pd.Series(members, index=dates, name="members"),
        weighting=used,
        base_date=dates[base_pos],
        codes=columns,
        cap_missing=cap_missing,
        stale=stale,
        notes=notes,
    )


def index_vs_benchmark(
    index: ThemeIndex | pd.Series,
    benchmark: pd.Series | pd.DataFrame,
    *,
    benchmark_code: str | None = None,
    periods: Sequence[int] = DEFAULT_PERIODS,
    as_of: DateLike | None = None,
) -> pd.DataFrame:
    """Trailing returns of an index level and of a benchmark, side by side.

    Rows ``index`` and ``benchmark`` (plus ``excess`` = index - benchmark); columns
    ``ret_1d`` ... ``ret_ytd``. Both are measured up to the same ``as_of`` (default: the
    index's last session).
    """
    level = index.level if isinstance(index, ThemeIndex) else index
    end = level.index[-1] if as_of is None else as_of
    rows = {
        "index": series_returns(level.rename("index"), periods=periods, as_of=end),
        "benchmark": series_returns(benchmark, periods=periods, as_of=end, code=benchmark_code),
    }
    out = pd.DataFrame(rows).T
    out.loc["excess"] = out.loc["index"] - out.loc["benchmark"]
    return out
