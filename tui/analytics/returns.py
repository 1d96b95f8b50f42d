"""Trailing returns (last 1/5/20/60 sessions and year-to-date) from daily closes.

Rules
-----
* Returns are fractions (0.05 = +5%) computed on the closes given (use forward-adjusted,
  qfq, bars so dividends and splits do not show up as moves).
* Sessions are the dates of the frame (the union over all codes) unless the caller passes a
  session index. "Last N sessions" at ``as_of`` compares the close on ``as_of`` with the close
  N sessions earlier.
* A stock without a bar on a session (suspended, or no bar yet since its last one) carries
  its last close; the ``last_date`` column shows how fresh the carried close is.
* NaN where the history is too short: fewer than N sessions before ``as_of`` in the calendar,
  or no bar of that stock on or before the base session. Year-to-date uses the last close
  before 1 January of ``as_of``'s year as the base, NaN if the stock has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from tui.analytics._frames import DateLike, benchmark_series, prepare_bars, to_timestamp, wide

DEFAULT_PERIODS: tuple[int, ...] = (1, 5, 20, 60)


def return_columns(periods: Sequence[int] = DEFAULT_PERIODS, ytd: bool = True) -> list[str]:
    """Column names used by this module: ret_1d, ret_5d, ..., ret_ytd."""
    return [f"ret_{n}d" for n in periods] + (["ret_ytd"] if ytd else [])


def _as_of_position(index: pd.DatetimeIndex, as_of: DateLike | None) -> int:
    if len(index) == 0:
        raise ValueError("no sessions to compute returns on")
    if as_of is None:
        return len(index) - 1
    pos = int(index.searchsorted(to_timestamp(as_of), side="right")) - 1
    if pos < 0:
        raise ValueError(f"as_of {as_of} is before the first session {index[0].date()}")
    return pos


def returns_from_table(
    table: pd.DataFrame,
    *,
    periods: Sequence[int] = DEFAULT_PERIODS,
    as_of: DateLike | None = None,
    ytd: bool = True,
) -> pd.DataFrame:
    """Trailing returns for every column of a date x code close matrix (vectorised).

    ``table`` is indexed by the session dates, NaN where a code has no bar. Returns a frame
    indexed by code with one column per period (see ``return_columns``).
    """
    table = table.sort_index()
    filled = table.ffill().to_numpy(dtype="float64")
    index = pd.DatetimeIndex(table.index)
    pos = _as_of_position(index, as_of)
    last = filled[pos]
    out: dict[str, np.ndarray] = {}
    for n in periods:
        base_pos = pos - int(n)
        out[f"ret_{n}d"] = (
            last / filled[base_pos] - 1.0 if base_pos >= 0 else np.full(last.shape, np.nan)
        )
    if ytd:
        year_start = pd.Timestamp(year=index[pos].year, month=1, day=1)
        base_pos = int(index.searchsorted(year_start, side="left")) - 1
        out["ret_ytd"] = last / filled[base_pos] - 1.0 if base_pos >= 0 else np.full(
            last.shape, np.nan
        )
    return pd.DataFrame(out, index=pd.Index(table.columns, name="code"))


def trailing_returns(
    bars: pd.DataFrame,
    *,
    periods: Sequence[int] = DEFAULT_PERIODS,
    as_of: DateLike | None = None,
    codes: Iterable[str] | None = None,
    sessions: pd.DatetimeIndex | None = None,
    ytd: bool = True,
) -> pd.DataFrame:
    """Per-stock trailing returns from a long bars frame.

    Returns a frame indexed by code with ``ret_<n>d`` columns, ``ret_ytd``, ``close`` (the
    close used at ``as_of``, carried if suspended), ``last_date`` (the stock's last bar on or
    before ``as_of``) and ``as_of`` (the session the returns end on).
    """
    frame = prepare_bars(bars, codes)
    table = wide(frame, "close", None if sessions is None else pd.DatetimeIndex(sessions))
    index = pd.DatetimeIndex(table.index)
    pos = _as_of_position(index, as_of)
    table = table.iloc[: pos + 1]
    result = returns_from_table(table, periods=periods, ytd=ytd)
    result["close"] = table.ffill().iloc[-1].to_numpy(dtype="float64")
    have = table.notna().to_numpy()
    last_idx = np.where(have.any(axis=0), have.shape[0] - 1 - np.argmax(have[::-1], axis=0), -1)
    last_dates = np.where(last_idx >= 0, index.to_numpy()[np.maximum(last_idx, 0)], np.datetime64("NaT"))
    result["last_date"] = pd.to_datetime(last_dates)
    result["as_of"] = index[pos]
    if codes is not None:
        result = result.reindex(pd.Index(list(dict.fromkeys(codes)), name="code"))
    return result


def series_returns(
    close: pd.Series | pd.DataFrame,
    *,
    periods: Sequence[int] = DEFAULT_PERIODS,
    as_of: DateLike | None = None,
    code: str | None = None,
    ytd: bool = True,
) -> dict[str, float]:
    """Trailing returns of one close series (an index level or a benchmark).

    Accepts a date-indexed Series or a bars frame (``code`` picks one of several codes).
    Returns ``{"ret_1d": ..., "ret_ytd": ...}`` with NaN where the history is too short.
    """
    series, name = benchmark_series(close, code)
    table = series.to_frame(name)
    result = returns_from_table(table, periods=periods, as_of=as_of, ytd=ytd)
    return {key: float(value) for key, value in result.iloc[0].items()}
