"""Timing of the limit-up ladder: streaks and daily heat for 1,000 stocks x 250 sessions.

Run: python benchmarks/bench_ladder.py
Prints one plain line per figure: "<what>: <seconds> s (target < x s)" (best of 5 runs).
The year is synthetic (seeded numpy): daily moves with fat tails so that about 3% of bars
close at the limit and runs of several 连板 occur; prices rounded to the cent; 0.5% of bars
dropped as suspensions. This is timing input only, never shown as market data.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from tui.analytics.ladder import heat_series, ladder_day, ladder_states

N_STOCKS = 1_000
N_SESSIONS = 250
SEED = 20250221


def synthetic_year(rng: np.random.Generator) -> pd.DataFrame:
    sessions = pd.bdate_range("2025-01-02", periods=N_SESSIONS)
    prefixes = np.array(["600", "601", "603", "000", "002", "300", "301", "688"])
    board = prefixes[np.arange(N_STOCKS) % len(prefixes)]
    codes = np.array([f"{board[i]}{i // len(prefixes):03d}" for i in range(N_STOCKS)], dtype=object)
    limit = np.where(np.isin(board, ["300", "301", "688"]), 0.2, 0.1)
    moves = rng.standard_t(3, size=(N_SESSIONS, N_STOCKS)) * 0.03
    hot = rng.random((N_SESSIONS, N_STOCKS)) < 0.03
    moves = np.where(hot, limit, np.clip(moves, -limit, limit))
    close = np.empty((N_SESSIONS, N_STOCKS))
    close[0] = np.round(rng.uniform(3, 80, N_STOCKS), 2)
    for t in range(1, N_SESSIONS):  # cent-rounded path so limit closes are exact
        close[t] = np.maximum(np.floor(close[t - 1] * (1 + moves[t]) * 100 + 0.5) / 100, 0.01)
    spread = np.abs(rng.normal(0, 0.01, size=close.shape))
    high = np.maximum(np.round(close * (1 + spread), 2), close)
    low = np.minimum(np.round(close * (1 - spread), 2), close)
    open_ = np.where(hot & (rng.random(close.shape) < 0.3), close, np.round((high + low) / 2, 2))
    high = np.where(open_ == close, np.where(hot, close, high), high)
    low = np.where((open_ == close) & hot, close, low)
    keep = rng.random(close.shape) > 0.005
    keep[0] = True
    keep_t = keep.T.ravel()
    return pd.DataFrame(
        {
            "code": pd.array(np.repeat(codes, N_SESSIONS)[keep_t], dtype="str"),
            "date": np.tile(sessions.to_numpy(), N_STOCKS)[keep_t],
            "open": open_.T.ravel()[keep_t],
            "high": high.T.ravel()[keep_t],
            "low": low.T.ravel()[keep_t],
            "close": close.T.ravel()[keep_t],
        }
    )


def best_of(fn, repeat: int = 5) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    bars = synthetic_year(np.random.default_rng(SEED))
    print(f"input: {N_STOCKS} stocks x {N_SESSIONS} sessions = {len(bars):,} bars")
    for prices in ("raw", "qfq"):
        t_states, states = best_of(lambda: ladder_states(bars, prices=prices))
        t_heat, heat = best_of(lambda: heat_series(states))
        t_both, _ = best_of(lambda: heat_series(ladder_states(bars, prices=prices)))
        print(f"ladder_states ({prices}): {t_states:.4f} s")
        print(f"heat_series ({prices}): {t_heat:.4f} s")
        print(f"streaks + heat ({prices}): {t_both:.4f} s (target < 0.1 s)")
    t_day, day = best_of(lambda: ladder_day(states))
    print(f"ladder_day (one session, all stocks): {t_day:.4f} s")
    print(f"check: {int(states['limit_up'].sum()):,} limit-up closes, max streak {int(states['streak'].max())}, "
          f"last day ladder {day.to_dict()['ladder']}, mean daily limit-ups {heat['limit_up'].mean():.1f}")


if __name__ == "__main__":
    main()
