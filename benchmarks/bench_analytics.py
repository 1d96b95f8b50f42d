"""Timing of tui.analytics on a synthetic market: 5,000 stocks x ~10 years of sessions.

Run: python benchmarks/bench_analytics.py
Prints one plain line per figure: "<what>: <seconds> s (target < x s)".
The history is generated with a seeded numpy generator: log-normal daily moves clipped to
the board limit, prices rounded to the cent, about 0.5% of bars dropped as suspensions.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from tui.analytics import event_study_many, limit_flags, trailing_returns
from tui.analytics.theme_index import theme_index

N_STOCKS = 5_000
N_SESSIONS = 2_500
SEED = 20240102


def synthetic_market(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.Series]:
    sessions = pd.bdate_range("2015-01-05", periods=N_SESSIONS)
    prefixes = np.array(["600", "601", "603", "000", "002", "300", "301", "688"])
    board = prefixes[np.arange(N_STOCKS) % len(prefixes)]
    codes = np.array(
        [f"{board[i]}{i // len(prefixes):03d}" for i in range(N_STOCKS)], dtype=object
    )
    limit = np.where(np.isin(board, ["300", "301", "688"]), 0.2, 0.1)
    moves = rng.normal(0.0003, 0.025, size=(N_SESSIONS, N_STOCKS))
    moves = np.clip(moves, -limit * 0.999, limit * 0.999)
    close = np.round(rng.uniform(3, 80, N_STOCKS) * np.cumprod(1 + moves, axis=0), 2)
    close = np.maximum(close, 0.01)
    spread = np.abs(rng.normal(0, 0.01, size=close.shape))
    high = np.round(close * (1 + spread), 2)
    low = np.round(close * (1 - spread), 2)
    open_ = np.round((high + low) / 2, 2)
    keep = rng.random(close.shape) > 0.005  # suspensions
    keep[0] = True
    # long format, sorted by code then date
    keep_t = keep.T.ravel()
    frame = pd.DataFrame(
        {
            "code": pd.array(np.repeat(codes, N_SESSIONS)[keep_t], dtype="str"),
            "date": np.tile(sessions.to_numpy(), N_STOCKS)[keep_t],
            "open": open_.T.ravel()[keep_t],
            "high": high.T.ravel()[keep_t],
            "low": low.T.ravel()[keep_t],
            "close": close.T.ravel()[keep_t],
            "volume": rng.uniform(1e3, 1e6, keep_t.sum()),
        }
    )
    bench = pd.Series(
        3000 * np.cumprod(1 + rng.normal(0.0002, 0.012, N_SESSIONS)), index=sessions, name="sh000300"
    )
    return frame, bench


def timed(label: str, target: float | None, fn, repeat: int = 3):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    suffix = f" (target < {target} s)" if target is not None else ""
    print(f"{label}: {best:.3f} s{suffix}")
    return result


def main() -> None:
    rng = np.random.default_rng(SEED)
    start = time.perf_counter()
    bars, bench = synthetic_market(rng)
    print(f"synthetic history: {bars['code'].nunique()} stocks x {len(bench)} sessions, "
          f"{len(bars):,} bars, built in {time.perf_counter() - start:.1f} s")
    codes = list(rng.choice(bars["code"].unique(), 50, replace=False))
    theme = bars.loc[bars["code"].isin(codes)].reset_index(drop=True)  # what Store.bars_for returns
    caps = pd.Series(rng.uniform(5e9, 5e11, 50), index=codes)
    days = list(pd.to_datetime(rng.choice(bench.index[30:-30].to_numpy(), 100, replace=False)))

    timed("theme index, 50 stocks, equal weight (50-stock frame)", 0.2, lambda: theme_index(theme))
    timed("theme index, 50 stocks, cap weight (50-stock frame)", 0.2,
          lambda: theme_index(theme, weighting="cap", market_caps=caps))
    timed("theme index, 50 stocks picked from the 5,000-stock frame", None,
          lambda: theme_index(bars, codes))
    res = timed("event study, 100 catalysts x 50 stocks x 4 windows (50-stock frame)", 1.0,
                lambda: event_study_many(theme, bench, days))
    timed("event study, 100 catalysts x 50 stocks x 4 windows, picked from 5,000", None,
          lambda: event_study_many(bars, bench, days, codes=codes))
    print(f"event study results: {len(res)}; mean n = {np.mean([r.n for r in res]):.1f}")
    flags = timed(f"limit flags, 50 stocks x {N_SESSIONS} sessions ({len(theme):,} bars)", None,
                  lambda: limit_flags(theme, prices="qfq"))
    print(f"limit flags: {int(flags['limit_up'].sum())} limit-up closes, "
          f"{int(flags['uncertain'].sum())} uncertain")
    timed("trailing returns, 5,000 stocks", None, lambda: trailing_returns(bars), repeat=1)
    timed(f"limit flags, 5,000 stocks ({len(bars):,} bars)", None,
          lambda: limit_flags(bars, prices="qfq"), repeat=1)


if __name__ == "__main__":
    main()
