"""Market-adjusted event study of a theme's stocks around a catalyst date.

Definitions
-----------
* Sessions are the benchmark's dates, or a caller-provided session index.
* Day 0 is the event date if it is a session, otherwise the next session.
* A window ``[a, b]`` counts sessions relative to day 0 (``[-1, 1]`` is the day before to the
  day after). A stock's window return is ``close(day b) / close(day a-1) - 1`` on
  forward-adjusted (qfq) closes; the benchmark's return is measured the same way.
* Abnormal return = stock return - benchmark return (market-adjusted model).
* The theme figures are equal-weighted means over the stocks that have a bar on EVERY
  session from day a-1 to day b; every other stock is listed in ``excluded`` with a reason
  ("no bars on or before day a-1 (...)", "window ends after the last bar (...)",
  "suspended on 2025-04-07", ...).
* ``t_stat``: cross-sectional t of the abnormal returns, mean / (sample sd / sqrt(n)), when
  n >= 3 and the sd is positive; otherwise None. It is an attribute, not a ``to_dict`` key.

``event_study_many`` computes many events x many windows at once: the per-stock returns,
the completeness test (a cumulative count of missing sessions) and the theme means are
numpy array operations over all (event, window) pairs; only the result objects are built
in a loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from tui.analytics._frames import DateLike, benchmark_series, iso, prepare_bars, to_timestamp, wide

DEFAULT_WINDOWS: tuple[tuple[int, int], ...] = ((-1, 1), (0, 2), (0, 4), (0, 9))
MIN_N_FOR_T = 3


@dataclass
class EventStudyResult:
    """One event, one window."""

    day0: date | None
    window: tuple[int, int]
    benchmark: str
    benchmark_return: float | None
    theme_return: float | None
    theme_abnormal: float | None
    n: int
    stocks: list[dict] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)
    t_stat: float | None = None
    event_date: date | None = None

    def to_dict(self) -> dict:
        """JSON-ready dict with exactly the keys of the CLI contract."""
        return {
            "day0": iso(self.day0),
            "window": [int(self.window[0]), int(self.window[1])],
            "benchmark": self.benchmark,
            "benchmark_return": self.benchmark_return,
            "theme_return": self.theme_return,
            "theme_abnormal": self.theme_abnormal,
            "n": self.n,
            "stocks": [dict(s) for s in self.stocks],
            "excluded": [dict(e) for e in self.excluded],
        }


def _num(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _suspended_reason(column: np.ndarray, lo: int, hi: int, sessions: pd.DatetimeIndex) -> str:
    gaps = lo + np.flatnonzero(np.isnan(column[lo : hi + 1]))
    shown = ", ".join(iso(sessions[i]) for i in gaps[:5])
    more = f" and {len(gaps) - 5} more" if len(gaps) > 5 else ""
    return f"suspended on {shown}{more}"


def event_study_many(
    bars: pd.DataFrame,
    benchmark: pd.Series | pd.DataFrame,
    days: Iterable[DateLike],
    windows: Sequence[tuple[int, int]] = DEFAULT_WINDOWS,
    codes: Iterable[str] | None = None,
    *,
    sessions: pd.DatetimeIndex | Sequence[DateLike] | None = None,
    benchmark_code: str | None = None,
) -> list[EventStudyResult]:
    """Event study for every (day, window) pair, in that order (days outer, windows inner)."""
    windows = [(int(a), int(b)) for a, b in windows]
    for a, b in windows:
        if a > b:
            raise ValueError(f"window [{a}, {b}] ends before it starts")
    bench, bench_name = benchmark_series(benchmark, benchmark_code)
    sess = pd.DatetimeIndex(
        bench.index if sessions is None else pd.to_datetime(list(sessions))
    ).normalize().unique().sort_values()
    if len(sess) == 0:
        raise ValueError("no sessions: the benchmark is empty")
    frame = prepare_bars(bars, codes)
    universe = list(dict.fromkeys(codes)) if codes is not None else list(dict.fromkeys(frame["code"]))
    closes = wide(frame, "close", sess).reindex(columns=universe).to_numpy(dtype="float64")
    bench_close = bench.reindex(sess).to_numpy(dtype="float64")
    n_sess, n_codes = closes.shape

    event_days = [to_timestamp(d) for d in days]
    p0 = sess.searchsorted(pd.DatetimeIndex(event_days), side="left")
    a_arr = np.array([a for a, _ in windows], dtype="int64")
    b_arr = np.array([b for _, b in windows], dtype="int64")
    lo = (p0[:, None] + a_arr[None, :] - 1).ravel()  # pair k = event * W + window
    hi = (p0[:, None] + b_arr[None, :]).ravel()
    valid = (lo >= 0) & (hi < n_sess) & np.repeat(p0 < n_sess, len(windows))
    lo_c, hi_c = np.clip(lo, 0, n_sess - 1), np.clip(hi, 0, n_sess - 1)

    missing = np.isnan(closes)
    cum_missing = np.vstack([np.zeros((1, n_codes), dtype="int64"), np.cumsum(missing, axis=0)])
    complete = valid[:, None] & ((cum_missing[hi_c + 1] - cum_missing[lo_c]) == 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        stock_ret = closes[hi_c] / closes[lo_c] - 1.0
        bench_ret = np.where(valid, bench_close[hi_c] / bench_close[lo_c] - 1.0, np.nan)
    abnormal = stock_ret - bench_ret[:, None]
    n = complete.sum(axis=1)
    safe_n = np.maximum(n, 1)
    theme_ret = np.where(n > 0, np.where(complete, stock_ret, 0.0).sum(axis=1) / safe_n, np.nan)
    mean_ab = np.where(n > 0, np.where(complete, abnormal, 0.0).sum(axis=1) / safe_n, np.nan)
    sq = np.where(complete, (abnormal - mean_ab[:, None]) ** 2, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(sq / np.maximum(n - 1, 1))
        t_stat = np.where((n >= MIN_N_FOR_T) & (sd > 0), mean_ab / (sd / np.sqrt(safe_n)), np.nan)

    has_any = ~missing.all(axis=0)
    first_idx = np.where(has_any, np.argmax(~missing, axis=0), n_sess)
    last_idx = np.where(has_any, n_sess - 1 - np.argmax(~missing[::-1], axis=0), -1)

    results: list[EventStudyResult] = []
    n_w = len(windows)
    for k in range(len(lo)):
        e, w = divmod(k, n_w)
        day0 = sess[p0[e]].date() if p0[e] < n_sess else None
        if not valid[k]:
            if day0 is None:
                why = f"event date after the last session ({iso(sess[-1])})"
            elif lo[k] < 0:
                why = f"window starts before the first session ({iso(sess[0])})"
            else:
                why = f"window ends after the last session ({iso(sess[-1])})"
            excluded = [{"code": c, "reason": why} for c in universe]
            stocks = []
        else:
            inc = complete[k]
            stocks = [
                {"code": universe[j], "return": float(stock_ret[k, j]), "abnormal": _num(abnormal[k, j])}
                for j in np.flatnonzero(inc)
            ]
            excluded = []
            for j in np.flatnonzero(~inc):
                if not has_any[j]:
                    why = "no bars"
                elif first_idx[j] > lo[k]:
                    why = (f"no bars on or before day a-1 ({iso(sess[lo[k]])}); "
                           f"first bar {iso(sess[first_idx[j]])}")
                elif last_idx[j] < hi[k]:
                    why = f"window ends after the last bar ({iso(sess[last_idx[j]])})"
                else:
                    why = _suspended_reason(closes[:, j], lo[k], hi[k], sess)
                excluded.append({"code": universe[j], "reason": why})
        results.append(
            EventStudyResult(
                day0=day0,
                window=windows[w],
                benchmark=bench_name,
                benchmark_return=_num(bench_ret[k]),
                theme_return=_num(theme_ret[k]),
                theme_abnormal=_num(mean_ab[k]),
                n=int(n[k]),
                stocks=stocks,
                excluded=excluded,
                t_stat=_num(t_stat[k]),
                event_date=event_days[e].date(),
            )
        )
    return results


def event_study_windows(
    bars: pd.DataFrame,
    benchmark: pd.Series | pd.DataFrame,
    day: DateLike,
    windows: Sequence[tuple[int, int]] = DEFAULT_WINDOWS,
    codes: Iterable[str] | None = None,
    **kwargs,
) -> list[EventStudyResult]:
    """One event, several windows (default [-1,+1], [0,+2], [0,+4], [0,+9])."""
    return event_study_many(bars, benchmark, [day], windows, codes, **kwargs)


def event_study(
    bars: pd.DataFrame,
    benchmark: pd.Series | pd.DataFrame,
    day: DateLike,
    window: tuple[int, int] = (-1, 1),
    codes: Iterable[str] | None = None,
    **kwargs,
) -> EventStudyResult:
    """One event, one window. ``kwargs``: ``sessions``, ``benchmark_code``."""
    return event_study_many(bars, benchmark, [day], [window], codes, **kwargs)[0]


def summary_frame(results: Sequence[EventStudyResult]) -> pd.DataFrame:
    """One row per result: event_date, day0, a, b, benchmark, returns, n, t_stat, n_excluded."""
    return pd.DataFrame(
        {
            "event_date": [r.event_date for r in results],
            "day0": [r.day0 for r in results],
            "a": [r.window[0] for r in results],
            "b": [r.window[1] for r in results],
            "benchmark": [r.benchmark for r in results],
            "benchmark_return": [r.benchmark_return for r in results],
            "theme_return": [r.theme_return for r in results],
            "theme_abnormal": [r.theme_abnormal for r in results],
            "n": [r.n for r in results],
            "t_stat": [r.t_stat for r in results],
            "n_excluded": [len(r.excluded) for r in results],
        }
    )
