"""Pilot tests: open the app, switch themes, open the catalyst and indicator views."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import DataTable, TabbedContent

from tests.conftest import BROKEN, CATALYSTS, TODAY, WATCHLISTS
from tui.ui.app import make_app
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.stocks_pane import SEGMENT_KEY_PREFIX

SIZE = (120, 40)

SECOND_THEME = """\
id: second
name: 第二个题材
segments: [上游]
stocks:
  - code: "300133"
    name: 华策影视
    segment: 上游
    reason: 测试用
"""


def row_keys(table: DataTable) -> list[str]:
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


async def test_opens_on_the_shipped_theme_grouped_by_segment(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.selected_theme_id == "compute-power"
        keys = row_keys(app.query_one("#stocks-table", DataTable))
        segments = [k.removeprefix(SEGMENT_KEY_PREFIX) for k in keys if k.startswith(SEGMENT_KEY_PREFIX)]
        assert segments == ["上游", "中游", "下游", "配套"]
        assert len([k for k in keys if not k.startswith(SEGMENT_KEY_PREFIX)]) == 34
        assert "name:基流科技" in keys and "300133" in keys
        # The first stock's reason and risks are in the detail panel.
        detail = str(app.query_one("#stocks-detail #detail-body").render())
        assert "海光信息" in detail and "台积电7nm" in detail


async def test_moving_the_cursor_shows_that_stocks_reason(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one("#stocks-table", DataTable)
        table.focus()
        target = row_keys(table).index("300872")
        table.move_cursor(row=target)
        await pilot.pause()
        detail = str(app.query_one("#stocks-detail #detail-body").render())
        assert "启明星汉" in detail and "60个月" in detail


async def test_switching_themes_with_keys_and_sidebar(make_ctx, tmp_path: Path):
    lists = tmp_path / "lists"
    lists.mkdir()
    shutil.copy(WATCHLISTS / "compute-power.yaml", lists / "a.yaml")
    (lists / "b.yaml").write_text(SECOND_THEME, encoding="utf-8")
    app = make_app(make_ctx(lists, CATALYSTS), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.selected_theme_id == "compute-power"
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.selected_theme_id == "second"
        table = app.query_one("#stocks-table", DataTable)
        assert row_keys(table) == [SEGMENT_KEY_PREFIX + "上游", "300133"]
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert app.selected_theme_id == "compute-power"
        # The sidebar drives it too.
        app.query_one("#sidebar").focus()
        await pilot.press("down")
        await pilot.pause()
        assert app.selected_theme_id == "second"


async def test_catalyst_view_upcoming_past_undated_and_detail(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "tab-catalysts"
        table = app.query_one("#catalysts-table", DataTable)
        keys = row_keys(table)
        assert keys[:2] == ["group:upcoming", "qingyang-200k-p-2026-12-31"]
        assert keys.index("group:past") < keys.index("hangzhou-scheduling-platform-2025-03-13") < keys.index("group:undated")
        assert keys[-1] == "annuoqi-restructuring"
        assert str(table.get_cell("qingyang-200k-p-2026-12-31", "countdown")) == "39天后"
        table.focus()
        table.move_cursor(row=keys.index("hangzhou-scheduling-platform-2025-03-13"))
        await pilot.pause()
        detail = str(app.query_one("#catalysts-detail #detail-body").render())
        assert "算力租赁指数3日涨12%" in detail and "海光信息 688041" in detail


async def test_indicator_view_shows_status_target_and_readings(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "tab-indicators"
        table = app.query_one("#indicators-table", DataTable)
        assert str(table.get_cell("voucher-uptake", "status")) == "无数据"
        assert str(table.get_cell("voucher-uptake", "latest")) == "—"
        assert str(table.get_cell("idc-rack-occupancy-aofei-zjk", "latest")) == "< 50%"
        assert str(table.get_cell("huace-compute-scale", "latest")) == "37,000 P"
        table.focus()
        table.move_cursor(row=row_keys(table).index("huace-compute-scale"))
        await pilot.pause()
        detail = str(app.query_one("#indicators-detail #detail-body").render())
        assert "2025-12-31  8,000 P" in detail and "2026-05  37,000 P" in detail


async def test_broken_file_opens_with_the_rest_and_lists_problems(make_ctx, tmp_path: Path):
    lists = tmp_path / "lists"
    lists.mkdir()
    shutil.copy(WATCHLISTS / "compute-power.yaml", lists / "a.yaml")
    shutil.copy(BROKEN / "syntax_error.yaml", lists / "b.yaml")
    app = make_app(make_ctx(lists, CATALYSTS), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [t.id for t in app.project.themes] == ["compute-power"]
        await pilot.press("4")
        await pilot.pause()
        problems = app.query_one("#problems-table", DataTable)
        assert problems.row_count == 1
        assert str(problems.get_cell("p0", "where")).endswith("b.yaml:6:1")
        assert any("b.yaml:6:1" in str(n.message) for n in app._notifications)


async def test_reload_picks_up_an_edited_file(make_ctx, tmp_path: Path):
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "b.yaml").write_text(SECOND_THEME, encoding="utf-8")
    app = make_app(make_ctx(lists, CATALYSTS), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (lists / "b.yaml").write_text(SECOND_THEME + '  - code: "300067"\n    name: 安诺其\n    segment: 上游\n', encoding="utf-8")
        await pilot.press("R")
        await pilot.pause()
        assert "300067" in row_keys(app.query_one("#stocks-table", DataTable))


async def test_scope_toggle_shows_all_themes_catalysts(make_ctx, tmp_path: Path):
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "b.yaml").write_text(SECOND_THEME, encoding="utf-8")
    app = make_app(make_ctx(lists, CATALYSTS), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        table = app.query_one("#catalysts-table", DataTable)
        narrow = table.row_count
        await pilot.press("a")
        await pilot.pause()
        assert table.row_count > narrow


async def test_help_opens_and_closes_and_q_quits(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (0, None)
    assert not app.is_running


async def test_english_labels(shipped_ctx):
    app = make_app(shipped_ctx, language="en", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        table = app.query_one("#indicators-table", DataTable)
        assert str(table.get_cell("voucher-uptake", "status")) == "no data"
        assert app.title == "Theme Tracker"


async def test_missing_watchlists_directory_opens_empty_with_a_problem(make_ctx, tmp_path: Path):
    app = make_app(make_ctx(tmp_path / "nope", tmp_path / "nope.yaml"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.project.themes == []
        assert any("watchlists directory not found" in d.message for d in app.project.diagnostics)
