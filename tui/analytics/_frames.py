"""Shared helpers: normalise a long bars frame, pivot it wide, and read a benchmark series.

Internal to ``tui.analytics``; every public module builds on these so the rules about
adjustments, dates and codes live in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import numpy as np
import pandas as pd

DateLike = date | datetime | pd.Timestamp | str


def to_timestamp(day: DateLike) -> pd.Timestamp:
    """A midnight, tz-naive Timestamp for a date-like value."""
    ts = pd.Timestamp(day)
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def iso(ts: pd.Timestamp | date | None) -> str | None:
    """ISO date string (YYYY-MM-DD) or None."""
    if ts is None or (isinstance(ts, float) and np.isnan(ts)) or ts is pd.NaT:
        return None
    return pd.Timestamp(ts).date().isoformat()


def prepare_bars(
    bars: pd.DataFrame,
    codes: Iterable[str] | None = None,
    *,
    adjust: str | None = "qfq",
    columns: Iterable[str] = ("close",),
) -> pd.DataFrame:
    """Select ``code``, ``date`` and ``columns`` from a bars-contract frame.

    * ``codes``: keep only these codes (order irrelevant).
    * ``adjust``: if the frame has an ``adjust`` column holding more than one value, keep the
      rows with this value (a frame holding a single adjustment is used as it is).
    * ``date`` becomes datetime64 at midnight. Row order is kept; ``wide`` sorts and
      rejects duplicated (code, date) rows, which would make every result ambiguous.
    """
    missing = {"code", "date", *columns} - set(bars.columns)
    if missing:
        raise ValueError(f"bars frame lacks column(s) {sorted(missing)}")
    frame = bars
    if adjust is not None and "adjust" in frame.columns:
        kinds = frame["adjust"].unique()
        if len(kinds) > 1:
            frame = frame.loc[frame["adjust"] == adjust]
    if codes is not None:
        wanted = list(dict.fromkeys(codes))
        frame = frame.loc[frame["code"].isin(wanted)]
    out = frame.loc[:, ["code", "date", *columns]].copy()
    out["date"] = _midnight(out["date"])
    return out.reset_index(drop=True)


def _midnight(dates: pd.Series) -> pd.Series:
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates)
    elif getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates.dt.normalize()


def wide(frame: pd.DataFrame, column: str = "close", sessions: pd.DatetimeIndex | None = None):
    """Pivot a prepared long frame to a date x code matrix (NaN where a stock has no bar).

    Built with integer codes (``pd.factorize``) and one numpy scatter, which is several times
    faster than ``DataFrame.pivot`` on millions of rows. Columns are sorted codes, rows sorted
    dates (or ``sessions`` if given: bars on other dates are dropped). Raises ValueError if a
    (code, date) pair has more than one row.
    """
    code_idx, code_labels = pd.factorize(frame["code"], sort=True)
    date_idx, date_labels = pd.factorize(frame["date"], sort=True)
    n_dates, n_codes = len(date_labels), len(code_labels)
    cell = date_idx.astype("int64") * max(n_codes, 1) + code_idx
    if n_dates * n_codes and np.bincount(cell, minlength=n_dates * n_codes).max() > 1:
        counts = np.bincount(cell)
        bad = int(np.flatnonzero(counts > 1)[0])
        raise ValueError(
            f"bars frame has more than one row for {code_labels[bad % n_codes]} on "
            f"{iso(date_labels[bad // n_codes])}; pass a single adjustment per code and date"
        )
    matrix = np.full((n_dates, n_codes), np.nan)
    matrix[date_idx, code_idx] = frame[column].to_numpy(dtype="float64")
    table = pd.DataFrame(
        matrix, index=pd.DatetimeIndex(date_labels, name="date"), columns=pd.Index(code_labels, name="code")
    )
    if sessions is not None:
        table = table.reindex(pd.DatetimeIndex(sessions))
    return table


def benchmark_series(
    benchmark: pd.Series | pd.DataFrame, code: str | None = None
) -> tuple[pd.Series, str]:
    """Return (close series indexed by midnight dates, name) from a Series or a bars frame.

    A DataFrame must have ``date`` and ``close`` columns; if it has a ``code`` column with
    several codes, ``code`` picks one (matched exactly, or ignoring an sh/sz/bj prefix).
    """
    if isinstance(benchmark, pd.Series):
        series = benchmark.astype("float64")
        name = str(benchmark.name) if benchmark.name is not None else code or "benchmark"
    else:
        frame = benchmark
        if "code" in frame.columns:
            available = list(dict.fromkeys(frame["code"].tolist()))
            if code is not None:
                pick = [c for c in available if c == code or _strip_prefix(c) == _strip_prefix(code)]
                if not pick:
                    raise ValueError(f"benchmark frame has no code {code!r}; it has {available}")
                frame = frame.loc[frame["code"] == pick[0]]
                name = pick[0]
            elif len(available) == 1:
                name = available[0]
            else:
                raise ValueError(f"benchmark frame holds several codes {available}; pass one")
        else:
            name = code or "benchmark"
        series = pd.Series(
            frame["close"].to_numpy(dtype="float64"), index=pd.to_datetime(frame["date"])
        )
    series.index = pd.DatetimeIndex(series.index).normalize()
    if series.index.tz is not None:
        series.index = series.index.tz_localize(None)
    series = series.loc[~series.index.duplicated(keep="last")].sort_index().dropna()
    series.name = name
    return series, name


def _strip_prefix(code: str) -> str:
    low = code.lower()
    return code[2:] if low[:2] in ("sh", "sz", "bj") and len(code) > 2 else code
