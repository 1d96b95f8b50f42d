"""SVG snapshots of the boards view, a board's constituents and the theme diff (layout only:
behaviour is asserted in test_boards_view.py). The boards are recorded frames and the clock is
the app's frozen evening of TODAY, so nothing depends on the machine."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import CATALYSTS, TODAY, WATCHLISTS
from tests.fixtures import board_frames as rec
from tui.context import Context
from tui.ui.app import make_app


@pytest.fixture
def app(tmp_path):
    shutil.copytree(WATCHLISTS, tmp_path / "watchlists", ignore=shutil.ignore_patterns("*.bak", ".backup"))
    ctx = Context(watchlists=tmp_path / "watchlists", catalysts=CATALYSTS, data_dir=tmp_path / "data", today_override=TODAY)
    source = rec.FakeBoardSource()
    fake = rec.FakeBoards()
    source.boards = lambda: fake  # type: ignore[method-assign]
    return make_app(ctx, today=TODAY, source_factory=lambda: source, poll=False)


async def _settled(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _press_then_settle(*keys: str):
    async def run(pilot) -> None:
        await _settled(pilot)
        for key in keys:
            await pilot.press(key)
            await _settled(pilot)

    return run


def test_boards_view_120x40(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 40), run_before=_press_then_settle("b"))


def test_board_constituents_120x40(snap_compare, app):
    # BK1134 is the fifth board by move; open it from the filtered list.
    assert snap_compare(app, terminal_size=(120, 40), run_before=_press_then_settle("b", "slash", "算", "力", "enter", "enter"))


def test_theme_diff_120x40(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 40), run_before=_press_then_settle("b", "slash", "算", "力", "enter", "c"))
