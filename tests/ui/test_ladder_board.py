"""Pilot and snapshot tests of the board's 连板 column and the header's 最高标 / ladder line,
on the shipped sample bars cut at 2025-02-27 (大位科技 600589 at its 5th limit-up)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.conftest import CATALYSTS, WATCHLISTS, wait_for_startup
from tui.context import Context
from tui.store import Store
from tui.ui.app import make_app
from tui.ui.widgets.board_pane import BoardPane

DAY = date(2025, 2, 27)


def ctx_cut_at(tmp_path: Path, day: date) -> Context:
    """A store holding the shipped sample up to ``day`` (later bars deleted: a replay of that
    evening; test setup only)."""
    data_dir = tmp_path / "data"
    with Store.open(data_dir) as store:
        store.conn.execute("DELETE FROM bars WHERE date > ?", (day.isoformat(),))
        store.conn.commit()
    # Relative paths into the test's own copies (tests/conftest.py): the status line shows them,
    # and a snapshot must not hold the folder the repository was cloned into.
    return Context(watchlists=Path("watchlists"), catalysts=Path("catalysts.yaml"), data_dir=data_dir, today_override=day)


def cell(app, key: str, column: str) -> str:
    return str(app.query_one("#board-table", DataTable).get_cell(key, column))


async def test_board_shows_the_ladder_and_the_real_highest_streak(tmp_path):
    app = make_app(ctx_cut_at(tmp_path, DAY), today=DAY, poll=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for_startup(pilot)
        # qfq sample prices: every limit hit is within a tick, so marked "?" (uncertain).
        assert cell(app, "600589", "ladder") == "5板 一字?"
        assert cell(app, "300738", "ladder") == ""
        header = str(app.query_one("#board-header").render())
        assert "最高标 大位科技 600589 5板 一字" in header
        assert "梯队 5板×1" in header and "晋级率 1/2 50%" in header
        assert "领涨 奥飞数据 300738 +11.03%" in header  # the top gainer, labelled as such
        board = app.query_one(BoardPane)
        board.set_sort("ladder")
        await pilot.pause()
        table = app.query_one("#board-table", DataTable)
        first = table.coordinate_to_cell_key((0, 0)).row_key.value
        assert first == "600589"


async def test_ladder_column_in_english(tmp_path):
    app = make_app(ctx_cut_at(tmp_path, DAY), today=DAY, poll=False, language="en")
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for_startup(pilot)
        assert cell(app, "600589", "ladder") == "5B 1W?"
        header = str(app.query_one("#board-header").render())
        assert "Highest streak 大位科技 600589 5B 1W" in header and "Top gainer" in header


@pytest.mark.parametrize("size", [(120, 40), (160, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_board_ladder_snapshot(snap_compare, tmp_path, size):
    async def loaded(pilot) -> None:
        await wait_for_startup(pilot)

    app = make_app(ctx_cut_at(tmp_path, DAY), today=DAY, poll=False)
    assert snap_compare(app, terminal_size=size, run_before=loaded)


async def test_heat_chart_under_the_index(tmp_path):
    from tui.ui.widgets.heat_chart import HeatChart
    from tui.ui.widgets.theme_index_pane import ThemeIndexPane

    app = make_app(ctx_cut_at(tmp_path, DAY), today=DAY, poll=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("4")
        pane = app.query_one(ThemeIndexPane)
        for _ in range(500):
            if pane.view is not None:
                break
            await pilot.pause(0.02)
        else:
            raise AssertionError("the index tab never loaded")
        await app.workers.wait_for_complete()
        await pilot.pause()
        chart = app.query_one(HeatChart)
        assert chart.view is not None and chart.view.dates[-1] == DAY
        assert chart.view.top_streak[-1] == 5 and chart.view.limit_up[-1] == 1
        shown = str(chart.render())
        assert "题材热度" in shown and "最高标高度" in shown and "最高 5 02-27" in shown
        assert "涨停数" in shown and "炸板率" in shown


def test_heat_chart_snapshot(snap_compare, tmp_path):
    async def index_tab(pilot) -> None:
        from tui.ui.widgets.theme_index_pane import ThemeIndexPane

        await wait_for_startup(pilot)
        await pilot.press("4")
        pane = pilot.app.query_one(ThemeIndexPane)
        for _ in range(500):
            if pane.view is not None:
                break
            await pilot.pause(0.02)
        else:
            raise AssertionError("the index tab never loaded")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    app = make_app(ctx_cut_at(tmp_path, DAY), today=DAY, poll=False)
    assert snap_compare(app, terminal_size=(160, 50), run_before=index_tab)
