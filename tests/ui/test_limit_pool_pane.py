"""Pilot and snapshot tests of the 涨停池 tab, on recorded-shape pool frames (no network), and
its fallback to the themes' own ladder when no pool is stored."""

from __future__ import annotations

import difflib
import shutil
from datetime import date
from pathlib import Path

from textual.widgets import DataTable, Input

from tests.conftest import CATALYSTS, WATCHLISTS, wait_for_startup
from tests.unit.test_views_limit_pool import pool_frame
from tui.context import Context
from tui.store import Store
from tui.store.limit_pools import write_limit_pools
from tui.ui.app import make_app
from tui.ui.widgets.limit_pool_pane import GROUP_PREFIX, LimitPoolPane

DAY = date(2025, 2, 27)


def make_ctx(tmp_path: Path, *, with_pool: bool, copy_lists: bool = True) -> Context:
    """A copy of the shipped watchlists (tests that edit them), or the shipped ones as they are
    (the snapshot: the status line shows the path, which must not depend on tmp_path)."""
    lists = tmp_path / "lists" if copy_lists else Path("watchlists")  # relative: the test's own copy
    if copy_lists:
        shutil.copytree(WATCHLISTS, lists)
    data = tmp_path / "data"
    with Store.open(data) as store:  # the shipped sample cut at DAY (test setup)
        store.conn.execute("DELETE FROM bars WHERE date > ?", (DAY.isoformat(),))
        store.conn.commit()
        if with_pool:
            write_limit_pools(store, pool_frame())
    return Context(watchlists=lists, catalysts=Path("catalysts.yaml"), data_dir=data, today_override=DAY)


async def open_pool_tab(pilot) -> LimitPoolPane:
    await wait_for_startup(pilot)
    await pilot.press("6")
    pane = pilot.app.query_one(LimitPoolPane)
    table = pane.query_one("#pool-table", DataTable)
    for _ in range(500):  # loaded, drawn, and the table focused (its cursor row is highlighted)
        if pane.view is not None and table.row_count and pilot.app.focused is table:
            break
        await pilot.pause(0.02)
    else:
        raise AssertionError("the pool tab never loaded")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pane


def keys(pane: LimitPoolPane) -> list[str]:
    table = pane.query_one("#pool-table", DataTable)
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


async def test_pool_marks_theme_members_and_groups_the_rest_by_industry(tmp_path):
    app = make_app(make_ctx(tmp_path, with_pool=True), today=DAY, poll=False)
    async with app.run_test(size=(160, 50)) as pilot:
        pane = await open_pool_tab(pilot)
        assert keys(pane) == [
            GROUP_PREFIX + "theme:compute-power", "theme:compute-power|600589", "theme:compute-power|600126",
            GROUP_PREFIX + "industry:软件开发", "industry:软件开发|002230", "industry:软件开发|300033",
            GROUP_PREFIX + "industry:文化传媒", "industry:文化传媒|603000",
        ]
        table = pane.query_one("#pool-table", DataTable)
        assert str(table.get_cell("theme:compute-power|600589", "ladder")) == "5板 一字"
        assert str(table.get_cell("industry:软件开发|002230", "themes")) == "不属于任何题材"
        header = str(pane.query_one("#pool-header").render())
        assert "最高标 大位科技 600589 5板 一字" in header
        assert "市场梯队 5板×1 3板×1 2板×1 首板×2" in header
        assert "炸板率 2/7 29%" in header and "晋级率 3/4 75%" in header


async def test_n_adds_a_pool_stock_to_the_theme_keeping_comments(tmp_path):
    ctx = make_ctx(tmp_path, with_pool=True)
    path = ctx.watchlists / "compute-power.yaml"
    before = path.read_text(encoding="utf-8")
    app = make_app(ctx, today=DAY, poll=False)
    async with app.run_test(size=(160, 50)) as pilot:
        pane = await open_pool_tab(pilot)
        table = pane.query_one("#pool-table", DataTable)
        table.move_cursor(row=keys(pane).index("industry:软件开发|002230"))
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#code", Input).value == "002230"
        assert app.screen.query_one("#name", Input).value == "科大讯飞"
        assert "2板" in app.screen.query_one("#notes", Input).value
        await pilot.press("ctrl+s")
        for _ in range(500):
            if "002230" in path.read_text(encoding="utf-8"):
                break
            await pilot.pause(0.02)
        else:
            raise AssertionError("the stock was never written")
        after = path.read_text(encoding="utf-8")
        # Every line (comments included) kept; only the new stock's lines inserted.
        ops = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False).get_opcodes()
        assert {op[0] for op in ops} == {"equal", "insert"}
        inserted = [line for op in ops if op[0] == "insert" for line in after.splitlines()[op[3]:op[4]]]
        assert inserted[0].strip() == '- code: "002230"' and any("涨停池 2025-02-27" in line for line in inserted)
        for _ in range(500):
            if "theme:compute-power|002230" in keys(pane):
                break
            await pilot.pause(0.02)
        else:
            raise AssertionError("the pool never showed the stock as a member")
        # A member already in the theme is not added twice.
        table.move_cursor(row=keys(pane).index("theme:compute-power|600589"))
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen.query_one("#pool-table"), DataTable)  # no form opened


async def test_without_a_stored_pool_the_themes_own_ladder_is_shown(tmp_path):
    app = make_app(make_ctx(tmp_path, with_pool=False), today=DAY, poll=False)
    async with app.run_test(size=(160, 50)) as pilot:
        pane = await open_pool_tab(pilot)
        assert pane.view.fallback
        assert keys(pane) == [GROUP_PREFIX + "theme:compute-power", "theme:compute-power|600589"]
        header = str(pane.query_one("#pool-header").render())
        assert "未取到全市场涨停池" in header and "样本" in header


def test_pool_tab_snapshot(snap_compare, tmp_path):
    async def run_before(pilot) -> None:
        await open_pool_tab(pilot)

    app = make_app(make_ctx(tmp_path, with_pool=True, copy_lists=False), today=DAY, poll=False)
    assert snap_compare(app, terminal_size=(160, 50), run_before=run_before)


async def test_pool_in_english(tmp_path):
    app = make_app(make_ctx(tmp_path, with_pool=True), today=DAY, poll=False, language="en")
    async with app.run_test(size=(160, 50)) as pilot:
        pane = await open_pool_tab(pilot)
        header = str(pane.query_one("#pool-header").render())
        assert "Highest streak 大位科技 600589 5B 1W" in header and "Market ladder 5B×1 3B×1 2B×1 1st×2" in header
        assert "1→2 1/1" in header and "进" not in header
        table = pane.query_one("#pool-table", DataTable)
        assert str(table.get_cell("industry:软件开发|002230", "themes")) == "In none of your themes"
