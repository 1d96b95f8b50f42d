"""Pilot tests: where the keyboard focus goes (tabs, forms, filters), as a user presses keys."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import DataTable, Input, TabbedContent

from tests.conftest import TODAY, wait_for_startup, wait_until
from tui.ui.app import make_app

SIZE = (160, 50)
MAIN = {
    "tab-board": "board-table",
    "tab-catalysts": "catalysts-table",
    "tab-indicators": "indicators-table",
    "tab-index": "theme-index",
    "tab-problems": "problems-table",
}


def focused_id(app) -> str | None:
    return app.focused.id if app.focused is not None else None


def active_tab(app) -> str:
    return app.query_one(TabbedContent).active


async def test_each_tab_focuses_its_main_table_by_key(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        for key, tab in [("2", "tab-catalysts"), ("3", "tab-indicators"), ("4", "tab-index"), ("5", "tab-problems"), ("1", "tab-board")]:
            await pilot.press(key)
            await pilot.pause()
            assert (active_tab(app), focused_id(app)) == (tab, MAIN[tab])
        # 2 then 1: the board's keys work again, and the footer shows them.
        await pilot.press("2", "1")
        await pilot.pause()
        assert focused_id(app) == "board-table"
        assert "slash" in app.screen.active_bindings and "s" in app.screen.active_bindings
        board = app.query_one("#board-table", DataTable)
        row = board.cursor_row
        await pilot.press("down")
        assert board.cursor_row == row + 1
        await pilot.press("slash")
        await pilot.pause()
        assert focused_id(app) == "board-filter"


async def test_down_moves_the_catalyst_cursor_after_switching_tabs(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("2")
        await pilot.pause()
        table = app.query_one("#catalysts-table", DataTable)
        assert table.row_count > 2
        row = table.cursor_row
        await pilot.press("down")
        assert table.cursor_row == row + 1


async def test_a_clicked_tab_focuses_its_table(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        tabs = app.query_one(TabbedContent)
        await pilot.click(tabs.get_tab("tab-catalysts"))
        await pilot.pause()
        assert (active_tab(app), focused_id(app)) == ("tab-catalysts", "catalysts-table")
        await pilot.click(tabs.get_tab("tab-board"))
        await pilot.pause()
        assert (active_tab(app), focused_id(app)) == ("tab-board", "board-table")


async def test_a_tab_chosen_in_the_palette_focuses_its_table(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
        palette = app.screen
        await pilot.press(*"问题")
        await wait_until(pilot, lambda: palette._list_visible and palette.query_one("CommandList").option_count > 0, "a matching command")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette closed")
        await pilot.pause()
        assert (active_tab(app), focused_id(app)) == ("tab-problems", "problems-table")


async def test_the_palette_filter_on_another_tab_keeps_the_filter_focused(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("2")
        await pilot.pause()
        from tui.ui.widgets.board_pane import BoardPane

        app.query_one(BoardPane).action_focus_filter()
        await pilot.pause()
        assert (active_tab(app), focused_id(app)) == ("tab-board", "board-filter")


async def test_forms_open_with_the_first_field_focused(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY, poll=False, load_data=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "AddStockForm", "the add-stock form")
        await pilot.pause()
        assert focused_id(app) == "code"
        await pilot.press(*"300418")
        assert app.screen.query_one("#code", Input).value == "300418"
        await pilot.press("escape")
        await wait_until(pilot, lambda: type(app.screen).__name__ != "AddStockForm", "the form closed")
        await pilot.press("2", "n")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CatalystForm", "the add-catalyst form")
        await pilot.pause()
        assert focused_id(app) == "id"


async def test_esc_on_the_table_clears_the_filter_and_digits_switch_tabs(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        table = app.query_one("#board-table", DataTable)
        box = app.query_one("#board-filter", Input)
        everything = table.row_count
        await pilot.press("slash", *"300", "enter")
        await pilot.pause()
        assert focused_id(app) == "board-table" and box.value == "300"
        assert 0 < table.row_count < everything
        await pilot.press("escape")
        await pilot.pause()
        assert box.value == "" and table.row_count == everything and focused_id(app) == "board-table"
        # With a filter still set, digits on the table switch tabs: they never type into it.
        await pilot.press("slash", *"300", "enter", "2")
        await pilot.pause()
        assert (active_tab(app), focused_id(app)) == ("tab-catalysts", "catalysts-table")
        await pilot.press("3")
        await pilot.pause()
        assert active_tab(app) == "tab-indicators" and box.value == "300"
        # In a text box digits are text (`/` selects the old filter: typing replaces it).
        await pilot.press("1", "slash", "4", "2")
        await pilot.pause()
        assert (active_tab(app), focused_id(app), box.value) == ("tab-board", "board-filter", "42")
