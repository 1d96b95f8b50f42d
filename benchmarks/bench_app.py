"""App benchmarks: process start to first painted board, to quotes shown, exit; refresh processing.

Synthetic data: 40 themes × 25 stocks (1,000 codes) in watchlist files, and a warm store with
60 sessions of bars and a quote for every code. The app runs as a real process in a pty; times
are from spawning the process to the first appearance of a marker on the terminal.

Run: .venv/bin/python benchmarks/bench_app.py
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.domain.market import SHANGHAI  # noqa: E402
from tui.store import Store  # noqa: E402

THEMES, PER_THEME = 40, 25
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
COLUMNS, LINES = 160, 50


def codes() -> list[str]:
    # Valid SZ main-board / ChiNext / SH codes, all distinct.
    out = []
    for i in range(THEMES * PER_THEME):
        prefix = ("000", "002", "300", "600", "603")[i % 5]
        out.append(f"{prefix}{i:03d}")
    return out


def write_watchlists(directory: Path, all_codes: list[str]) -> None:
    directory.mkdir(parents=True)
    for t in range(THEMES):
        lines = [f"id: theme-{t:02d}", f"name: 基准题材{t:02d}", "segments: [上游, 中游, 下游]", "stocks:"]
        for j in range(PER_THEME):
            code = all_codes[t * PER_THEME + j]
            lines += [f'  - code: "{code}"', f"    name: 样股{t:02d}{j:02d}", f"    segment: {('上游', '中游', '下游')[j % 3]}", "    reason: 基准测试"]
        (directory / f"theme-{t:02d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def warm_store(data_dir: Path, all_codes: list[str]) -> None:
    rng = np.random.default_rng(7)
    sessions = pd.bdate_range("2026-08-20", periods=60)
    rows = []
    for code in all_codes:
        close = 10 * np.cumprod(1 + rng.normal(0, 0.02, len(sessions)))
        rows.append(pd.DataFrame({"code": code, "date": sessions, "open": close, "high": close * 1.01, "low": close * 0.99, "close": close.round(2), "volume": 1e5, "amount": 1e8, "adjust": "qfq", "source": "bench", "is_sample": False}))
    bars = pd.concat(rows, ignore_index=True)
    as_of = datetime(2026, 11, 13, 15, 0, tzinfo=SHANGHAI)
    quotes = pd.DataFrame({
        "code": all_codes, "name": None, "price": 12.34, "change": 0.1, "change_pct": 0.82, "volume": 1e5,
        "amount": 2e8, "turnover_rate": 1.5, "market_cap": 5e9, "open": 12.2, "high": 12.5, "low": 12.1,
        "prev_close": 12.24, "limit_up": np.nan, "limit_down": np.nan, "suspended": False, "as_of": as_of,
        "fetched_at": as_of, "source": "bench", "is_sample": False,
    })
    with Store.open(data_dir, load_sample=False) as store:
        store.upsert_bars(bars)
        store.upsert_quotes(quotes)


#: The floor, run in the same session for scale: a bare Textual app with the same frame
#: (header, tabs, footer) and one 25-row x 17-column table, painting the same marker.
FLOOR_APP = """
from textual.app import App
from textual.widgets import DataTable, Footer, Header, TabbedContent, TabPane

class Floor(App):
    def compose(self):
        yield Header()
        with TabbedContent():
            with TabPane("行情"):
                yield DataTable()
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns(*[f"c{i}" for i in range(17)])
        for r in range(25):
            table.add_row(f"样股00{r:02d}", *[f"{r * 1.1:.2f}"] * 16)

Floor().run()
"""


def _spawn(argv: list[str], env: dict[str, str]) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:
        # A real terminal has a window size; a bare pty reports 0x0, and Textual then lays the
        # screen out again after the first frame (three extra resizes), which no user sees.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        os.execve(sys.executable, [sys.executable, *argv], env)
    return pid, fd


def _env(data_dir: Path) -> dict[str, str]:
    # Bytecode caching on, as on a user's machine (this sandbox sets PYTHONDONTWRITEBYTECODE,
    # which makes every start compile the project's modules again); a warm-up run writes them.
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**base, "THEME_TRACKER_DATA_DIR": str(data_dir), "THEME_TRACKER_CONFIG": str(data_dir / "none.toml"), "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(LINES), "PYTHONPATH": str(ROOT)}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) the process has used so far: unlike wall time,
    hardly affected by other processes competing for the cores (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_floor_once(data_dir: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) from spawning the bare app to its painted table."""
    start = time.perf_counter()
    pid, fd = _spawn(["-c", FLOOR_APP], _env(data_dir))
    seen = b""
    painted = cpu = float("nan")
    deadline = start + 30
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.01)
        if ready:
            seen += os.read(fd, 1 << 16)
            if "样股0000".encode() in seen:
                painted = time.perf_counter() - start
                cpu = cpu_seconds(pid)
                break
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    os.close(fd)
    return painted, cpu


def run_app_once(watchlists: Path, catalysts: Path, data_dir: Path) -> tuple[float, float, float, float]:
    """(first paint, quotes shown, exit) wall seconds and the CPU seconds to the first paint."""
    start = time.perf_counter()
    pid, fd = _spawn(["-m", "tui", "--watchlists", str(watchlists), "--catalysts", str(catalysts)], _env(data_dir))
    seen = b""
    first_paint = quotes_shown = None
    paint_cpu = float("nan")
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline and quotes_shown is None:
        ready, _, _ = select.select([fd], [], [], 0.01)
        if not ready:
            continue
        seen += os.read(fd, 1 << 16)
        if first_paint is None and "样股0000".encode() in seen:
            first_paint = time.perf_counter() - start
            paint_cpu = cpu_seconds(pid)
        if first_paint is not None and b"12.34" in seen:
            quotes_shown = time.perf_counter() - start
    os.write(fd, b"q")
    t_quit = time.perf_counter()
    while True:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        select.select([fd], [], [], 0.01)
        try:
            os.read(fd, 1 << 16)
        except OSError:
            pass
    exit_time = time.perf_counter() - t_quit
    os.close(fd)
    return first_paint or float("nan"), quotes_shown or float("nan"), exit_time, paint_cpu


def bench_refresh_processing(data_dir: Path, all_codes: list[str]) -> None:
    from tests.ui.fakes import FakeSource
    from tui.analytics.board import build_board
    from tui.jobs.refresh import run_refresh
    from tui.store.readers import read_board_inputs

    prices = {c: (12.5, 12.34) for c in all_codes}
    source = FakeSource(prices, as_of=datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI))
    with Store.open(data_dir, load_sample=False) as store:
        t = time.perf_counter()
        run_refresh(store, source, all_codes, today=date(2026, 11, 16), now=datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI), quotes=True, history=False)
        t_refresh = time.perf_counter() - t
        t = time.perf_counter()
        inputs = read_board_inputs(store, all_codes, ["sh000300", "sz399006"])
        t_read = time.perf_counter() - t
    names = {c: c for c in all_codes}
    t = time.perf_counter()
    for k in range(THEMES):
        theme_codes = all_codes[k * PER_THEME:(k + 1) * PER_THEME]
        build_board(theme_codes, names, inputs.quotes, inputs.bars, now=datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI), stale_after=timedelta(seconds=90))
    t_boards = time.perf_counter() - t
    t = time.perf_counter()
    build_board(all_codes, names, inputs.quotes, inputs.bars, now=datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI))
    t_one = time.perf_counter() - t
    print(f"refresh job, 1,000 quotes (fake source) into the store: {t_refresh * 1000:.0f} ms")
    print(f"read board inputs for 1,000 codes (quotes + 50 days of bars): {t_read * 1000:.0f} ms")
    print(f"build 40 theme boards of 25 rows: {t_boards * 1000:.0f} ms ({t_boards / THEMES * 1000:.1f} ms each)")
    print(f"build one 1,000-row board: {t_one * 1000:.0f} ms")


def bench_project(directory: Path) -> list[str]:
    """`watchlists/`, `catalysts.yaml` and a warm store `data/` under `directory`; the codes."""
    all_codes = codes()
    write_watchlists(directory / "watchlists", all_codes)
    (directory / "catalysts.yaml").write_text("catalysts: []\n", encoding="utf-8")
    warm_store(directory / "data", all_codes)
    return all_codes


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        t = time.perf_counter()
        all_codes = bench_project(tmp_path)
        print(f"setup: {THEMES} themes x {PER_THEME} stocks, 60 sessions of bars, warm store in {time.perf_counter() - t:.1f} s")
        run_app_once(tmp_path / "watchlists", tmp_path / "catalysts.yaml", tmp_path / "data")  # warm-up: .pyc files, OS cache
        run_floor_once(tmp_path / "data")
        results, floors = [], []
        for _ in range(RUNS):  # interleaved, so that both see the same machine
            results.append(run_app_once(tmp_path / "watchlists", tmp_path / "catalysts.yaml", tmp_path / "data"))
            floors.append(run_floor_once(tmp_path / "data"))
        paints, quotes, exits, paint_cpus = zip(*results)
        floor_walls, floor_cpus = zip(*floors)
        print(f"process start -> first painted board: median {statistics.median(paints):.3f} s (min {min(paints):.3f}, max {max(paints):.3f}) over {RUNS} runs after a warm-up; target < 0.6 s")
        print(f"  for scale, the floor in the same runs (bare Textual app, one 25-row table): median {statistics.median(floor_walls):.3f} s (min {min(floor_walls):.3f})")
        ratios = [p / f for p, f in zip(paints, floor_walls)]
        print(f"  first paint / floor (wall), run by run: median {statistics.median(ratios):.2f}x (min {min(ratios):.2f}, max {max(ratios):.2f}); target <= 2.0x")
        print(f"  CPU to first paint: app median {statistics.median(paint_cpus):.3f} s, floor {statistics.median(floor_cpus):.3f} s: "
              f"{statistics.median(paint_cpus) / statistics.median(floor_cpus):.2f}x (CPU time barely depends on the machine's load)")
        print(f"process start -> stored quotes shown: median {statistics.median(quotes):.3f} s (min {min(quotes):.3f}, max {max(quotes):.3f})")
        print(f"q -> process exited: median {statistics.median(exits):.3f} s")
        bench_refresh_processing(tmp_path / "data", all_codes)


if __name__ == "__main__":
    main()
