"""SVG snapshot of the inbox tab at 120x40 (layout only: behaviour is in test_inbox_tab.py).

Items come from recorded feed frames (tests/fixtures/feed_frames.py) fetched into a fresh
store; paths are relative and the clock is frozen, so the picture is deterministic.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import TODAY, wait_for_startup
from tests.ui.test_inbox_tab import seeded_ctx, wait_until
from tui.context import Context
from tui.ui.app import make_app


async def inbox_loaded(pilot) -> None:
    await wait_for_startup(pilot)
    await wait_until(pilot, lambda: pilot.app.inbox_data is not None, "the inbox to load")
    await pilot.press("7")
    await pilot.pause()


def test_inbox_view_120x40(snap_compare, tmp_path, monkeypatch):
    seeded_ctx(tmp_path)
    monkeypatch.chdir(tmp_path)
    ctx = Context(watchlists=Path("watchlists"), catalysts=Path("catalysts.yaml"), data_dir=Path("data"), today_override=TODAY)
    app = make_app(ctx, today=TODAY, poll=False)
    assert snap_compare(app, terminal_size=(120, 40), run_before=inbox_loaded)
