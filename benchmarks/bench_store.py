"""Store benchmark: ingest a whole-market quote snapshot and 1,000 stocks x 250 sessions of
bars into a fresh store, then time reads of one stock's last 250 bars.

Run: python benchmarks/bench_store.py  (prints one figure per line).
Targets on the 2-core dev machine: ingest < 1.0 s; read < 1 ms (median).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.store import Store, frames  # noqa: E402
from tui.store.store import BARS_PER_STATEMENT  # noqa: E402

N_QUOTES = 5_600
N_STOCKS = 1_000
N_SESSIONS = 250
N_READS = 2_000


def make_quotes(rng: np.random.Generator) -> pd.DataFrame:
    """A synthetic whole-market snapshot in the quotes contract (5,600 codes)."""
    codes = [f"{600000 + i:06d}" if i % 2 else f"{i:06d}" for i in range(N_QUOTES)]
    price = rng.uniform(2, 200, N_QUOTES).round(2)
    prev = (price / rng.uniform(0.9, 1.1, N_QUOTES)).round(2)
    price[::97] = np.nan  # suspended stocks
    now = pd.Timestamp("2026-03-02 10:15:03", tz="Asia/Shanghai")
    return pd.DataFrame(
        {
            "code": pd.array(codes, dtype="str"),
            "name": pd.array([f"股票{i}" for i in range(N_QUOTES)], dtype="str"),
            "price": price,
            "change": price - prev,
            "change_pct": (price / prev - 1) * 100,
            "volume": rng.uniform(1e3, 1e6, N_QUOTES),
            "amount": rng.uniform(1e6, 1e9, N_QUOTES),
            "turnover_rate": rng.uniform(0, 20, N_QUOTES),
            "market_cap": rng.uniform(1e9, 1e12, N_QUOTES),
            "open": prev,
            "high": price,
            "low": prev,
            "prev_close": prev,
            "limit_up": (prev * 1.1).round(2),
            "limit_down": (prev * 0.9).round(2),
            "suspended": np.isnan(price),
            "as_of": pd.Series([now] * N_QUOTES),
            "fetched_at": pd.Series([now + pd.Timedelta(seconds=1)] * N_QUOTES),
            "source": pd.array(["akshare:stock_zh_a_spot_em"] * N_QUOTES, dtype="str"),
            "is_sample": np.zeros(N_QUOTES, dtype=bool),
        }
    )


def make_bars(rng: np.random.Generator) -> pd.DataFrame:
    """1,000 stocks x 250 weekday sessions of synthetic qfq bars (bars contract)."""
    dates = pd.bdate_range("2025-01-02", periods=N_SESSIONS)
    n = N_STOCKS * N_SESSIONS
    close = rng.uniform(5, 50, n).round(2)
    return pd.DataFrame(
        {
            "code": pd.array(np.repeat([f"{300000 + i:06d}" for i in range(N_STOCKS)], N_SESSIONS), dtype="str"),
            "date": np.tile(dates.values, N_STOCKS),
            "open": close,
            "high": close * 1.02,
            "low": close * 0.98,
            "close": close,
            "volume": rng.uniform(1e3, 1e6, n),
            "amount": rng.uniform(1e6, 1e9, n),
            "adjust": pd.array(["qfq"] * n, dtype="str"),
            "source": pd.array(["akshare:stock_zh_a_hist"] * n, dtype="str"),
            "is_sample": np.zeros(n, dtype=bool),
        }
    )


def main() -> None:
    rng = np.random.default_rng(42)
    quotes, bars = make_quotes(rng), make_bars(rng)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = Store.open(Path(tmp) / "a")  # includes loading the shipped sample
        t1 = time.perf_counter()
        print(f"open new store + load sample bars (9,127 rows): {(t1 - t0) * 1e3:.1f} ms")
        store.close()
        t0 = time.perf_counter()
        store = Store.open(Path(tmp) / "a")
        print(f"reopen existing store: {(time.perf_counter() - t0) * 1e3:.1f} ms")
        store.close()

        t0 = time.perf_counter()
        batch = frames.bar_batch(bars)
        many, rest = batch.statement_params([1] * len(batch.sources), BARS_PER_STATEMENT)
        print(f"bars frame -> statement parameters alone ({batch.n:,} rows): "
              f"{(time.perf_counter() - t0) * 1e3:.1f} ms")
        del many, rest, batch

        store = Store.open(Path(tmp) / "b", load_sample=False)
        t0 = time.perf_counter()
        rq = store.upsert_quotes(quotes)
        t1 = time.perf_counter()
        rb = store.upsert_bars(bars)
        t2 = time.perf_counter()
        print(f"ingest quotes ({len(quotes):,} rows): {(t1 - t0) * 1e3:.1f} ms  [{rq}]")
        print(f"ingest bars ({len(bars):,} rows): {(t2 - t1) * 1e3:.1f} ms  [{rb}]")
        print(f"ingest total: {(t2 - t0):.3f} s (target < 1.0 s)")
        print(f"load average during run: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
              f"on {os.cpu_count()} cores")

        t0 = time.perf_counter()
        again = store.upsert_bars(bars)
        print(f"re-upsert same bars (idempotent): {(time.perf_counter() - t0) * 1e3:.1f} ms  [{again}]")

        t0 = time.perf_counter()
        store.upsert_quotes(quotes)
        print(f"re-upsert same quotes: {(time.perf_counter() - t0) * 1e3:.1f} ms")

        codes = [f"{300000 + i:06d}" for i in range(N_STOCKS)]
        cold: list[float] = []
        for i in range(N_READS):
            code = codes[i % N_STOCKS]
            t0 = time.perf_counter()
            store._read_bars(code, "qfq", None, None, 250)  # bypasses the read cache
            cold.append(time.perf_counter() - t0)
        warm: list[float] = []
        for _ in range(N_READS):
            t0 = time.perf_counter()
            frame = store.bars("300500", limit=250)
            warm.append(time.perf_counter() - t0)
        assert len(frame) == 250
        first_calls: list[float] = []
        for code in codes[:N_STOCKS]:
            t0 = time.perf_counter()
            store.bars(code, limit=250)
            first_calls.append(time.perf_counter() - t0)
        print(f"bars(code, limit=250) uncached SQL+frame: median {statistics.median(cold) * 1e3:.3f} ms, "
              f"p95 {sorted(cold)[int(0.95 * len(cold))] * 1e3:.3f} ms over {N_READS} reads")
        print(f"bars(code, limit=250) first call per code: median {statistics.median(first_calls) * 1e3:.3f} ms "
              f"over {len(first_calls)} codes")
        print(f"bars(code, limit=250) repeated (read cache): median {statistics.median(warm) * 1e3:.3f} ms, "
              f"p95 {sorted(warm)[int(0.95 * len(warm))] * 1e3:.3f} ms over {N_READS} reads")
        print(f"db size: {store.path.stat().st_size / 1e6:.1f} MB")
        store.close()


if __name__ == "__main__":
    main()
