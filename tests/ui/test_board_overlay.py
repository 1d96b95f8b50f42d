"""The theme-index tab overlays a concept board's own index (`v`) with the theme's excess."""

from __future__ import annotations

import shutil
import time

import pandas as pd
import pytest
from textual.widgets import Static

from tests.conftest import CATALYSTS, TODAY, WATCHLISTS, wait_for_startup
from tests.fixtures import board_frames as rec
from tui.context import Context
from tui.ui.app import make_app
from tui.ui.widgets.theme_index_pane import ThemeIndexPane
from tui.views.boards import add_board_overlay, excess_key, overlay_key
from tui.views.theme_index import EQUAL, ThemeIndexView


def test_add_board_overlay_rebases_and_measures_the_excess():
    dates = list(pd.bdate_range("2025-03-03", periods=6).date)
    view = ThemeIndexView("sz399006", ["300133"], used=["300133"], dates=dates,
                          equal=[100, 101, 102, 103, 104, 110.0],
                          returns={EQUAL: {"ret_1d": 110 / 104 - 1, "ret_5d": 0.10}})
    bars = pd.DataFrame({"date": pd.to_datetime([str(d) for d in dates]), "close": [50, 50, 51, 52, 52, 55.0]})
    assert add_board_overlay(view, "BK1134", "算力租赁（BK1134）", bars)
    assert view.benchmarks[overlay_key("BK1134")] == pytest.approx([100, 100, 102, 104, 104, 110.0])
    assert view.returns[overlay_key("BK1134")]["ret_5d"] == pytest.approx(0.10)
    assert view.returns[excess_key("BK1134")]["ret_1d"] == pytest.approx((110 / 104 - 1) - (55 / 52 - 1))
    assert view.returns[excess_key("BK1134")]["ret_5d"] == pytest.approx(0.0)


async def test_v_overlays_the_recorded_board(tmp_path):
    shutil.copytree(WATCHLISTS, tmp_path / "watchlists")
    path = tmp_path / "watchlists" / "compute-power.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nsegments:", "\nboards: [{code: BK1134, name: 算力租赁}]\n\nsegments:", 1), encoding="utf-8")
    ctx = Context(watchlists=tmp_path / "watchlists", catalysts=CATALYSTS, data_dir=tmp_path / "data", today_override=TODAY)
    source = rec.FakeBoardSource()
    fake = rec.FakeBoards()
    source.boards = lambda: fake  # type: ignore[method-assign]
    app = make_app(ctx, today=TODAY, source_factory=lambda: source, poll=False)
    async with app.run_test(size=(140, 50)) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("4")
        pane = app.query_one(ThemeIndexPane)
        deadline = time.monotonic() + 20
        while pane.view is None:
            assert time.monotonic() < deadline, "the index never loaded"
            await pilot.pause(0.05)
        await pilot.press("v")
        deadline = time.monotonic() + 20
        while pane.view is None or overlay_key("BK1134") not in pane.view.benchmarks:
            assert time.monotonic() < deadline, "the board was never overlaid"
            await pilot.pause(0.05)
        assert ("history", "BK1134") in fake.calls
        returns = str(pane.query_one("#ti-returns", Static).render())
        assert "算力租赁（BK1134）" in returns and "超额" in returns
        await pilot.press("v")
        deadline = time.monotonic() + 20
        while pane.view is None or overlay_key("BK1134") in pane.view.benchmarks:
            assert time.monotonic() < deadline, "the overlay stayed"
            await pilot.pause(0.05)
