"""Key-press latency while a refresh runs: is the UI still responsive (issue: < 100 ms)?

The app runs headless (Textual's test driver) on 40 themes x 25 stocks. A manual refresh
(`r`: quotes, then two daily histories per stock and the benchmarks) is served by a synthetic
source that does what a real one costs this process: each call waits 5 ms as for the network
(releasing the GIL), then builds its frame with pandas (holding it); 300 stocks get 250 new
sessions each, the rest nothing new; the refresh job normalises and stores everything, all in
background threads. The refresh runs once untouched, then again while `s` (cycle the sort:
re-sort and redraw the board) is pressed every 100 ms. Two latencies per press, from posting
the key event: to the end of the action's handler, and to the end of the first repaint after
it (the new order on screen).

Run: .venv/bin/python benchmarks/bench_key_latency.py  (prints its figures).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_app import bench_project  # noqa: E402

from tests.ui.fakes import quote_frame  # noqa: E402
from tui.domain.market import SHANGHAI  # noqa: E402
from tui.context import Context  # noqa: E402
from tui.sources.base import FetchResult  # noqa: E402
from tui.ui.app import make_app  # noqa: E402
from tui.ui.widgets.board_pane import BoardPane  # noqa: E402

NETWORK_WAIT_S = 0.005
PRESS_EVERY_S = 0.1
#: Stocks whose histories the refresh fetches (quotes are fetched for all 1,000).
N_STOCKS = 300
#: Presses measured with nothing else running, for scale.
IDLE_PRESSES = 30


class SyntheticSource:
    """Fresh quotes and 250 sessions of bars per stock, built with pandas on every call."""

    name = "synthetic"

    def __init__(self, all_codes: list[str], with_history: set[str]) -> None:
        self.prices = {c: (12.5, 12.34) for c in all_codes}
        self.with_history = with_history
        self.sessions = pd.bdate_range(end="2026-11-13", periods=250)
        self.rng = np.random.default_rng(3)

    def fetch_quotes(self, wanted: list[str]) -> FetchResult:
        time.sleep(NETWORK_WAIT_S * 20)
        as_of = datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)
        return FetchResult(quote_frame({c: self.prices[c] for c in wanted if c in self.prices}, as_of=as_of), [], self.name)

    def _bars(self, code: str, adjust: str) -> pd.DataFrame:
        time.sleep(NETWORK_WAIT_S)
        close = 10 * np.cumprod(1 + self.rng.normal(0, 0.02, len(self.sessions)))
        return pd.DataFrame({
            "code": pd.array([code] * len(close), dtype="str"), "date": self.sessions,
            "open": close, "high": close * 1.01, "low": close * 0.99, "close": close.round(2),
            "volume": 1e5, "amount": 1e8, "adjust": pd.array([adjust] * len(close), dtype="str"),
            "source": pd.array([self.name] * len(close), dtype="str"), "is_sample": False,
        })

    def fetch_bars(self, code, start, end, adjust="qfq") -> FetchResult:
        if code not in self.with_history:  # nothing new for the others
            time.sleep(NETWORK_WAIT_S)
            return FetchResult(self._bars(code, adjust).iloc[0:0], [], self.name)
        return FetchResult(self._bars(code, adjust), [], self.name)

    def fetch_index_bars(self, symbol, start, end) -> FetchResult:
        return FetchResult(self._bars(symbol, "qfq"), [], self.name)

    def fetch_trade_dates(self) -> FetchResult:
        return FetchResult(pd.DataFrame({"date": pd.Series(self.sessions)}), [], self.name)


async def measure(tmp: Path, all_codes: list[str], with_history: set[str]) -> tuple[list[tuple[float, float]], list[tuple[float, float]], float, float, int]:
    """(idle latencies, latencies during the refresh, refresh seconds with presses, without,
    fetches stored); each latency is (to the handler's end, to the repaint's end)."""
    ctx = Context(watchlists=tmp / "watchlists", catalysts=tmp / "catalysts.yaml", data_dir=tmp / "data")
    source = SyntheticSource(all_codes, with_history)
    app = make_app(ctx, today=date(2026, 11, 16), source_factory=lambda: source, poll=False)
    handled: list[float] = []
    painted: list[float] = []
    async with app.run_test(size=(160, 50)) as pilot:
        while not app.data_started:
            await pilot.pause(0.02)
        board = app.query_one(BoardPane)
        cycle = board.action_cycle_sort
        screen = app.screen
        repaint = screen._compositor_refresh

        def timed_cycle() -> None:
            cycle()
            handled.append(time.perf_counter())

        def timed_repaint() -> None:
            repaint()
            painted.append(time.perf_counter())

        board.action_cycle_sort = timed_cycle  # type: ignore[method-assign]
        screen._compositor_refresh = timed_repaint  # type: ignore[method-assign]

        async def refresh() -> float:
            started = time.perf_counter()
            app.action_refresh()
            await pilot.pause()
            while app.refreshing:
                await asyncio.sleep(0.02)
            return time.perf_counter() - started

        async def press() -> tuple[float, float]:
            sent = time.perf_counter()
            count = len(handled)
            app.simulate_key("s")
            while len(handled) == count:
                await asyncio.sleep(0.0005)
            # The first repaint that finishes after the handler shows the new order.
            while not painted or painted[-1] < handled[-1]:
                await asyncio.sleep(0.0005)
            return handled[-1] - sent, next(t for t in painted if t >= handled[-1]) - sent

        idle = [await press() for _ in range(IDLE_PRESSES)]
        quiet_s = await refresh()  # no key presses: the refresh's own pace
        started = time.perf_counter()
        app.action_refresh()
        busy: list[tuple[float, float]] = []
        while app.refreshing:
            busy.append(await press())
            await asyncio.sleep(PRESS_EVERY_S)
        busy_s = time.perf_counter() - started
        stored = app.last_summary.fetched if app.last_summary is not None else 0
        await app.action_quit()
    return idle, busy, busy_s, quiet_s, stored


def _summary(values: list[float]) -> str:
    ms = sorted(x * 1000 for x in values)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return f"median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        all_codes = bench_project(tmp)
        idle, busy, busy_s, quiet_s, fetched = asyncio.run(measure(tmp, all_codes, set(all_codes[:N_STOCKS])))
    print(f"manual refresh (quotes of 1,000 stocks + 2 histories of {N_STOCKS:,}, synthetic source): {quiet_s:.1f} s alone, {busy_s:.1f} s while keys are pressed; {fetched:,} fetches stored")
    print(f"key press -> handler done, idle: {_summary([h for h, _ in idle])}; during the refresh: {_summary([h for h, _ in busy])} over {len(busy)} presses; target < 100 ms")
    print(f"key press -> new board painted, idle: {_summary([p for _, p in idle])}; during the refresh: {_summary([p for _, p in busy])}")


if __name__ == "__main__":
    main()
