"""Snapshot benchmark: a whole-process `python -m tui snapshot` of 1,000 stocks (40 synthetic
themes x 25 stocks in a temporary watchlists directory) from a warm store holding 250
sessions of synthetic bars per stock.

Run: python benchmarks/bench_snapshot.py  (prints one figure per line).
Target on the 2-core dev machine: a whole-process snapshot < 1.0 s (median of the runs).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.store import Store  # noqa: E402

N_THEMES = 40
PER_THEME = 25
N_SESSIONS = 250
RUNS = 7
LAST_DAY = "2026-02-27"

def codes() -> list[str]:
    """1,000 distinct valid codes across the boards (SH main, SZ main, ChiNext)."""
    base = (600000, 1, 300001)
    return [f"{base[i % 3] + i:06d}" for i in range(N_THEMES * PER_THEME)]


def write_watchlists(directory: Path, all_codes: list[str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for t in range(N_THEMES):
        lines = [
            f"id: theme-{t:02d}",
            f"name: 合成题材{t:02d}",
            "benchmark: sz399006",
            "segments: [上游, 中游, 下游]",
            "stocks:",
        ]
        for j in range(PER_THEME):
            code = all_codes[t * PER_THEME + j]
            lines += [f'  - code: "{code}"', f"    name: 股票{code}", f"    segment: {('上游', '中游', '下游')[j % 3]}"]
        (directory / f"theme-{t:02d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def synthetic_bars(all_codes: list[str], rng: np.random.Generator) -> pd.DataFrame:
    days = pd.bdate_range(end=LAST_DAY, periods=N_SESSIONS)
    frames = []
    for code in [*all_codes, "sz399006"]:
        steps = rng.normal(0, 0.02, N_SESSIONS).clip(-0.095, 0.095)
        close = (20 * np.cumprod(1 + steps)).round(2)
        frames.append(pd.DataFrame({
            "code": code, "date": days, "open": close, "high": close * 1.01, "low": close * 0.99,
            "close": close, "volume": rng.uniform(1e4, 1e6, N_SESSIONS), "amount": rng.uniform(1e7, 1e9, N_SESSIONS),
            "adjust": "qfq", "source": "bench:synthetic", "is_sample": False,
        }))  # fmt: skip
    frame = pd.concat(frames, ignore_index=True)
    frame["code"] = frame["code"].astype("str")
    frame["adjust"] = frame["adjust"].astype("str")
    frame["source"] = frame["source"].astype("str")
    return frame


def main() -> int:
    rng = np.random.default_rng(6)
    all_codes = codes()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        watchlists = tmp_path / "watchlists"
        data = tmp_path / "data"
        out = tmp_path / "out"
        write_watchlists(watchlists, all_codes)
        (tmp_path / "catalysts.yaml").write_text("catalysts: []\n", encoding="utf-8")
        t0 = time.perf_counter()
        with Store.open(data, load_sample=False) as store:
            store.upsert_bars(synthetic_bars(all_codes, rng))
        print(f"setup: {len(all_codes)} stocks x {N_SESSIONS} sessions stored in {time.perf_counter() - t0:.2f} s")

        # Bytecode caching on, as on a user's machine (see bench_app.py); the warm-up writes it.
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env = {**base, "THEME_TRACKER_TODAY": LAST_DAY, "TQDM_DISABLE": "1",
               "THEME_TRACKER_CONFIG": str(tmp_path / "settings.toml")}
        cmd = [sys.executable, "-m", "tui", "--watchlists", str(watchlists), "--catalysts",
               str(tmp_path / "catalysts.yaml"), "--data-dir", str(data), "snapshot", "--out", str(out)]

        cpu: list[float] = []

        def once() -> tuple[float, subprocess.CompletedProcess]:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
            return elapsed, proc

        elapsed, proc = once()  # warm-up: OS cache, .pyc files, the snapshots table
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        times = []
        cpu.clear()
        for _ in range(RUNS):
            elapsed, proc = once()
            assert proc.returncode == 0, proc.stderr
            times.append(elapsed)
        written = proc.stdout.split()
        rows = sum(1 for _ in open(written[0], encoding="utf-8")) - 1
        run_cpu = list(cpu)
        baseline = [once_python(env) for _ in range(3)]
        print(f"files written: {len(written)} ({', '.join(Path(p).name for p in written)})")
        print(f"stocks.csv rows: {rows}")
        print(f"whole-process snapshot, {N_THEMES} themes x {PER_THEME} stocks: median {statistics.median(times):.3f} s, "
              f"min {min(times):.3f} s, max {max(times):.3f} s over {RUNS} runs (target < 1.0 s)")
        print(f"CPU time (user+sys) per run: median {statistics.median(run_cpu):.3f} s")
        print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPU(s)")
        print(f"for scale: python -c 'import pandas' takes {statistics.median(baseline):.3f} s here")
        print(f"last run stderr: {proc.stderr.strip().splitlines()[-1]}")
    return 0


def once_python(env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import pandas"], env=env, check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    raise SystemExit(main())
