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
    * ``date`` becomes datetime64 at midnight; rows are sorted by code, date; duplicated
      (code, date) rows raise ValueError because they would make every result ambiguous.
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
    if not pd.api.types.is_datetime64_any_dtype(out["date"]):
        out["date"] = pd.to_datetime(out["date"])
    elif getattr(out["date"].dt, "tz", None) is not None:
        out["date"] = out["date"].dt.tz_localize(None)
    out["date"] = out["date"].dt.normalize()
    if not (out["code"].is_monotonic_increasing and _dates_sorted_within(out)):
        out = out.sort_values(["code", "date"], kind="stable")
    if out.duplicated(["code", "date"]).any():
        dup = out.loc[out.duplicated(["code", "date"], keep=False)].iloc[0]
        raise ValueError(
            f"bars frame has more than one row for {dup['code']} on {iso(dup['date'])}; "
            "pass a single adjustment (adjust column) per code and date"
        )
    return out.reset_index(drop=True)


def _dates_sorted_within(frame: pd.DataFrame) -> bool:
    codes = frame["code"].to_numpy()
    dates = frame["date"].to_numpy()
    if len(dates) < 2:
        return True
    same = codes[1:] == codes[:-1]
    return bool(np.all(dates[1:][same] > dates[:-1][same]))


def wide(frame: pd.DataFrame, column: str = "close", sessions: pd.DatetimeIndex | None = None):
    """Pivot a prepared long frame to a date x code matrix (NaN where a stock has no bar)."""
    table = frame.pivot(index="date", columns="code", values=column)
    if sessions is not None:
        table = table.reindex(sessions)
    return table.sort_index()


def carry_forward(table: pd.DataFrame) -> pd.DataFrame:
    """Forward-fill each column after its first value (suspended days keep the last close)."""
    return table.ffill()


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
