"""Pilot tests: the boards view (`b`), a board's constituents, and a theme against its boards."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from tests.conftest import CATALYSTS, TODAY, WATCHLISTS, wait_for_startup
from tests.fixtures import board_frames as rec
from tui.context import Context
from tui.sources.base import FailureKind
from tui.ui.app import make_app
from tui.ui.screens.boards import BoardMembersScreen, BoardsScreen, ThemeDiffScreen
from tui.ui.screens.forms import RemoveStockForm

SIZE = (140, 40)


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    shutil.copytree(WATCHLISTS, tmp_path / "watchlists", ignore=shutil.ignore_patterns("*.bak", ".backup"))
    shutil.copy(CATALYSTS, tmp_path / "catalysts.yaml")
    return Context(watchlists=tmp_path / "watchlists", catalysts=tmp_path / "catalysts.yaml",
                   data_dir=tmp_path / "data", today_override=TODAY)


def app_with(ctx: Context, fake: rec.FakeBoards):
    source = rec.FakeBoardSource()
    source.boards = lambda: fake  # type: ignore[method-assign]
    return make_app(ctx, today=TODAY, source_factory=lambda: source, poll=False)


async def until(pilot, condition, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def keys(table: DataTable) -> list[str]:
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


def status(screen) -> str:
    return str(screen.query_one(".screen-status", Static).render())


async def test_boards_view_search_and_constituents(ctx):
    fake = rec.FakeBoards()
    app = app_with(ctx, fake)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("b")
        screen = app.screen
        assert isinstance(screen, BoardsScreen)
        await until(pilot, lambda: screen.loaded, "the board list")
        table = screen.query_one("#boards-table", DataTable)
        assert table.has_focus and len(keys(table)) == 8 and keys(table)[0] == "BK0437"
        assert "8 个板块 · 数据截至 2026-11-22 20:00" in status(screen)
        await pilot.press("slash")
        assert screen.query_one("#boards-search", Input).has_focus
        await pilot.press(*"算力")
        assert keys(table) == ["BK1134"]
        await pilot.press("enter")  # back to the list, filter kept
        assert table.has_focus and keys(table) == ["BK1134"]
        await pilot.press("enter")
        members = app.screen
        assert isinstance(members, BoardMembersScreen)
        await until(pilot, lambda: members.loaded, "the constituents")
        mtable = members.query_one("#members-table", DataTable)
        assert len(keys(mtable)) == 7
        assert str(mtable.get_cell("300133", "themes")) == "compute-power"
        assert str(mtable.get_cell("300418", "themes")) == ""
        assert "其中 5 只在你的题材里" in status(members)
        # `a` adds the highlighted constituent to the selected theme, through the editor.
        mtable.move_cursor(row=keys(mtable).index("300418"))
        await pilot.press("a")
        await until(pilot, lambda: str(mtable.get_cell("300418", "themes")) == "compute-power", "the add")
        text = (ctx.watchlists / "compute-power.yaml").read_text(encoding="utf-8")
        assert '  - code: "300418"\n    name: 昆仑万维\n    source: {outlet: 东方财富, title: 板块成分 算力租赁（BK1134）' in text
        assert "300418" in app.project.listed_codes()
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")  # clears the filter first
        assert len(keys(table)) == 8
        await pilot.press("escape")
        assert not isinstance(app.screen, BoardsScreen)


async def test_a_failed_fetch_shows_the_cached_list_marked_stale(ctx):
    fake = rec.FakeBoards()
    app = app_with(ctx, fake)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("b")
        screen = app.screen
        await until(pilot, lambda: screen.loaded, "the board list")
        fake.fail = FailureKind.NETWORK
        screen.loaded = False
        await pilot.press("r")
        await until(pilot, lambda: screen.loaded, "the refresh")
        assert len(keys(screen.query_one("#boards-table", DataTable))) == 8
        assert "缓存数据（刷新失败：network unreachable [fake]）" in status(screen)


async def test_theme_diff_one_key_per_suggestion(ctx):
    fake = rec.FakeBoards()
    app = app_with(ctx, fake)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("B")  # the shipped theme records no board
        diff = app.screen
        assert isinstance(diff, ThemeDiffScreen)
        await until(pilot, lambda: diff.loaded, "the diff")
        assert "没有记录板块" in status(diff)
        await pilot.press("escape")
        await pilot.press("b")
        boards = app.screen
        await until(pilot, lambda: boards.loaded, "the board list")
        btable = boards.query_one("#boards-table", DataTable)
        btable.move_cursor(row=keys(btable).index("BK1134"))
        await pilot.press("c")
        diff = app.screen
        assert isinstance(diff, ThemeDiffScreen)
        await until(pilot, lambda: diff.loaded, "the diff")
        table = diff.query_one("#diff-table", DataTable)
        rows = keys(table)
        assert rows[:2] == ["+300418", "+603083"] and "-688041" in rows and len(rows) == 2 + 24
        assert "两边都有 5 只" in status(diff)
        await pilot.press("a")  # adds 300418
        await until(pilot, lambda: "+300418" not in keys(table), "the add")
        assert '"300418"' in (ctx.watchlists / "compute-power.yaml").read_text(encoding="utf-8")
        table.move_cursor(row=keys(table).index("-688041"))
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, RemoveStockForm), "the confirmation")
        await pilot.press("enter")
        await until(pilot, lambda: "-688041" not in keys(table), "the removal")
        assert 'code: "688041"' not in (ctx.watchlists / "compute-power.yaml").read_text(encoding="utf-8")
