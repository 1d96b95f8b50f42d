"""Pilot: every tab, every catalyst's detail and every stock's detail screen of a theme with
little or no data (tests/fixtures/sparse_store.py NAMED): nothing crashes, no measurement
"fails", and no NaN/None reaches the screen."""

from __future__ import annotations

import re

import pytest
from textual.widgets import DataTable, Static, TabbedContent

from tests.conftest import wait_for_startup
from tests.fixtures.sparse_store import NAMED, TODAY, build
from tui.ui.app import make_app
from tui.ui.screens.stock_detail import StockDetailScreen

SIZE = (160, 50)
TABS = ["tab-board", "tab-catalysts", "tab-indicators", "tab-index", "tab-problems", "tab-board"]
BAD = re.compile(r"\b(nan|NaN|None|NaT|inf)\b|计算失败")


def row_keys(table: DataTable) -> list[str]:
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


def screen_text(screen) -> str:
    parts = [str(w.render()) for w in screen.query(Static)]
    for table in screen.query(DataTable):
        parts += [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
    return "\n".join(parts)


async def settle(app, pilot) -> None:
    await wait_for_startup(pilot)
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("case", list(NAMED))
async def test_every_view_of_a_theme_with_little_or_no_data(tmp_path, case):
    ctx = build(tmp_path, NAMED[case])
    app = make_app(ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.selected_theme_id == "zz-new"
        seen = []
        for tab in TABS:
            app.action_show_tab(tab)
            await settle(app, pilot)
            assert app.query_one(TabbedContent).active == tab
            seen.append(screen_text(app.screen))

        # Every catalyst's detail, with its measured reaction loaded.
        app.action_show_tab("tab-catalysts")
        await settle(app, pilot)
        table = app.query_one("#catalysts-table", DataTable)
        for key in [k for k in row_keys(table) if k.startswith("event-")]:
            table.focus()
            table.move_cursor(row=row_keys(table).index(key))
            await pilot.pause()
            await settle(app, pilot)
            body = str(app.query_one("#catalysts-detail #detail-body").render())
            assert "测试事件" in body
            seen.append(body)

        # Every stock's detail screen.
        app.action_show_tab("tab-board")
        await settle(app, pilot)
        board = app.query_one("#board-table", DataTable)
        stocks = [k for k in row_keys(board) if not k.startswith("segment:")]
        assert len(stocks) == len(NAMED[case].stocks) + NAMED[case].unlisted
        for key in stocks:
            board.focus()
            board.move_cursor(row=row_keys(board).index(key))
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, StockDetailScreen)
            seen.append(screen_text(app.screen))
            await pilot.press("escape")
            await settle(app, pilot)
        assert app.is_running and app.return_code is None
        for text in seen:
            assert not BAD.search(text), BAD.search(text).group(0) + " in\n" + text
