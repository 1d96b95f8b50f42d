"""Pilot: live reload of a renamed stock shows the new name in the board's 名称 column, whole."""

from __future__ import annotations

import time

from textual.widgets import DataTable

from tests.conftest import CATALYSTS, TODAY, WATCHLISTS, wait_for_startup
from tui.context import Context
from tui.ui.app import make_app

SIZE = (160, 50)


def board_line(table: DataTable, code: str) -> str:
    lines = [table.render_line(y).text for y in range(table.size.height)]
    return next(line for line in lines if f" {code} " in line)


async def test_a_rename_saved_in_the_yaml_shows_whole_in_the_name_column(tmp_path):
    lists = tmp_path / "lists"
    lists.mkdir()
    path = lists / "compute-power.yaml"
    path.write_bytes((WATCHLISTS / "compute-power.yaml").read_bytes())
    ctx = Context(watchlists=lists, catalysts=CATALYSTS, data_dir=tmp_path / "data", today_override=TODAY)
    app = make_app(ctx, today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        table = app.query_one("#board-table", DataTable)
        assert "中科曙光" in board_line(table, "603019")
        # Saved in an editor while the app runs: the file watcher reloads it.
        path.write_text(path.read_text(encoding="utf-8").replace("name: 中科曙光", "name: 中科曙光信息产业"), encoding="utf-8")
        deadline = time.monotonic() + 5
        while app.project.stock_names().get("603019") != "中科曙光信息产业":
            if time.monotonic() > deadline:
                raise AssertionError("the edited file was not reloaded within 5 s")
            await pilot.pause(0.05)
        await pilot.pause()
        line = board_line(table, "603019")
        assert "中科曙光信息产业" in line, line
        assert str(table.get_cell("603019", "name")) == "中科曙光信息产业"
        # A name longer than the widest column shows it is cut, never as another name.
        path.write_text(path.read_text(encoding="utf-8").replace("name: 中科曙光信息产业", "name: 中科曙光信息产业股份有限公司"), encoding="utf-8")
        deadline = time.monotonic() + 5
        while app.project.stock_names().get("603019") != "中科曙光信息产业股份有限公司":
            if time.monotonic() > deadline:
                raise AssertionError("the edited file was not reloaded within 5 s")
            await pilot.pause(0.05)
        await pilot.pause()
        assert "中科曙光信息产…" in board_line(table, "603019")
