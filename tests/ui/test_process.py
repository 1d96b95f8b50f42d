"""Whole-process behaviour: the app's imports at start, and `q` while a fetch hangs."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import textwrap
import time

import pytest

from tests.conftest import CATALYSTS, ROOT, WATCHLISTS

#: The status line's market states (tui.domain.calendar): shown once the calendar has loaded.
MARKET_STATES = ["集合竞价", "待开盘", "交易中", "休市", "收盘竞价", "已收盘"]


def test_opening_the_app_does_not_import_akshare(tmp_path):
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        from datetime import date
        from pathlib import Path
        from tui.context import Context
        from tui.ui.app import make_app

        async def main():
            ctx = Context(watchlists=Path(r"{WATCHLISTS}"), catalysts=Path(r"{CATALYSTS}"), data_dir=Path(r"{tmp_path / 'data'}"))
            app = make_app(ctx, today=date(2026, 11, 22))
            async with app.run_test(size=(120, 40)) as pilot:
                for _ in range(1500):  # quotes, then the calendar, load after the first paint
                    if app.data_started:
                        break
                    await pilot.pause(0.02)
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert app.inputs is not None and app.calendar is not None
            print("akshare" in sys.modules)

        asyncio.run(main())
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_the_first_paint_imports_no_data_stack(tmp_path):
    """The first frame reads only the YAML files: pandas, the store, exchange-calendars and the
    chart library load after it (each would add a tenth of a second or more to it)."""
    script = textwrap.dedent(
        f"""
        import asyncio, json, sys
        from datetime import date
        from pathlib import Path
        from tui.context import Context
        from tui.ui.app import ThemeTrackerApp

        HEAVY = ("pandas", "sqlite_utils", "exchange_calendars", "textual_plot", "numpy", "akshare")
        seen = {{}}

        async def main():
            ctx = Context(watchlists=Path(r"{WATCHLISTS}"), catalysts=Path(r"{CATALYSTS}"), data_dir=Path(r"{tmp_path / 'data'}"))
            class Probe(ThemeTrackerApp):
                CSS_PATH = str(Path(sys.modules[ThemeTrackerApp.__module__].__file__).with_name("app.tcss"))

                def on_mount(self):
                    # Registered first: runs after the first refresh, before the data loading
                    # that on_mount schedules for the same moment.
                    self.call_after_refresh(lambda: seen.update(painted=[m for m in HEAVY if m in sys.modules], names=self.query_one("#board-table").row_count))
                    super().on_mount()

            app = Probe(ctx, today=date(2026, 11, 22))
            async with app.run_test(size=(120, 40)) as pilot:
                for _ in range(1500):
                    if app.data_started:
                        break
                    await pilot.pause(0.02)
                assert app.inputs is not None
            print(json.dumps(seen))

        asyncio.run(main())
        """
    )
    probe = tmp_path / "probe.py"  # a file: Textual locates a subclass's CSS through its source
    probe.write_text(script, encoding="utf-8")
    result = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, cwd=ROOT, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["names"] > 0  # the board was painted with the theme's stocks
    assert seen["painted"] == []


def _read(fd: int, seconds: float) -> bytes:
    """What the terminal printed within `seconds` (keeps the child from blocking on output)."""
    seen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def _read_until(fd: int, needles: list[bytes], timeout: float, what: str, done=None) -> bytes:
    """Read the terminal until one of `needles` appeared (or `done()` holds); raise if neither
    comes within `timeout`."""
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen += _read(fd, 0.1)
        if any(n in seen for n in needles) or (done is not None and done()):
            return seen
    raise AssertionError(f"{what}: not seen within {timeout} s; the terminal showed {seen[-400:]!r}")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_q_exits_within_two_seconds_while_a_refresh_hangs(tmp_path):
    """A stalled server must not hold the exit (a peer tracker takes minutes there)."""
    hung = tmp_path / "hung"
    env = {
        **os.environ,
        "THEME_TRACKER_SOURCE": "tests.ui.fakes:HangingSource",
        "THEME_TRACKER_DATA_DIR": str(tmp_path / "data"),
        "THEME_TRACKER_CONFIG": str(tmp_path / "settings.toml"),
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        "LINES": "40",
        "PYTHONPATH": str(ROOT),
        "THEME_TRACKER_TEST_HUNG": str(hung),
    }
    pid, fd = pty.fork()
    if pid == 0:  # child: the real CLI, in a terminal
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "tui", "--watchlists", str(WATCHLISTS), "--catalysts", str(CATALYSTS)], env)
    try:
        # The calendar has loaded once the status line shows a market state.
        _read_until(fd, [label.encode() for label in MARKET_STATES], 60, "the market state")
        os.write(fd, b"r")
        _read_until(fd, [], 30, "the refresh hung inside the source", done=hung.exists)
        started = time.monotonic()
        os.write(fd, b"q")
        status = None
        while time.monotonic() - started < 10:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            _read(fd, 0.05)  # keep draining the terminal
        elapsed = time.monotonic() - started
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
    assert status is not None and os.WIFEXITED(status), "the app did not exit"
    assert elapsed < 2.0, f"exit took {elapsed:.2f} s"


# ---------------------------------------------------------------- a theme with no stored data

NEW_THEMES = {
    "one stock without bars": 'id: zz-new\nname: 新题材\nstocks: [{code: "300418", name: 昆仑万维}]\n',
    "no stocks": "id: zz-new\nname: 新题材\nstocks: []\n",
    "only unlisted companies": "id: zz-new\nname: 新题材\nstocks: [{name: 某算力公司, status: unlisted}]\n",
}


def _run_app_in_a_pty(tmp_path, watchlists, keys: bytes) -> tuple[int | None, bytes]:
    """Start the real CLI in a terminal, wait until the calendar has loaded (the market state
    shows: the board data loads before it), press `keys`, then `q`; (exit status, output)."""
    env = {
        **os.environ,
        "THEME_TRACKER_SOURCE": "sample",
        "THEME_TRACKER_DATA_DIR": str(tmp_path / "data"),
        "THEME_TRACKER_CONFIG": str(tmp_path / "settings.toml"),
        "THEME_TRACKER_TODAY": "2026-11-22",  # a Sunday: the market state reads 休市
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        "LINES": "40",
        "PYTHONPATH": str(ROOT),
    }
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "tui", "--watchlists", str(watchlists), "--catalysts", str(CATALYSTS)], env)
    status = None
    seen = b""
    try:
        seen += _read_until(fd, ["休市".encode()], 60, "the market state")
        for key in keys:
            os.write(fd, bytes([key]))
            seen += _read(fd, 0.5)  # let the key's redraw happen
        os.write(fd, b"q")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            seen += _read(fd, 0.05)
        else:
            status = None
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
    return status, seen


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
@pytest.mark.parametrize("kind", list(NEW_THEMES))
@pytest.mark.parametrize(("file_name", "keys"), [("ai-apps.yaml", b""), ("zz.yaml", b"]")], ids=["first-at-start-up", "next-theme-key"])
def test_a_theme_with_no_stored_bars_opens_without_a_crash(tmp_path, kind, file_name, keys):
    """A new theme offline (no stored bars, no stocks, or only unlisted companies) is the normal
    state of every new theme: it crashed the board at start-up (sorted first) and on `]`."""
    watchlists = tmp_path / "watchlists"
    watchlists.mkdir()
    (watchlists / "compute-power.yaml").write_bytes((WATCHLISTS / "compute-power.yaml").read_bytes())
    (watchlists / file_name).write_text(NEW_THEMES[kind], encoding="utf-8")
    status, seen = _run_app_in_a_pty(tmp_path, watchlists, keys)
    text = seen.decode("utf-8", "replace")
    assert "Traceback" not in text and "Error" not in text, text[-3000:]
    assert status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, text[-3000:]
