"""Pilot tests: the board, theme switching, catalysts, indicators, problems, refresh."""

from __future__ import annotations

import shutil
import threading
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from textual.geometry import Region
from textual.widgets import DataTable, TabbedContent

from tests.conftest import BROKEN, CATALYSTS, TODAY, WATCHLISTS, wait_for_startup, wait_until
from tests.ui.fakes import FakeSource
from tui.context import Context
from tui.settings import Settings
from tui.sources.base import FailureKind
from tui.ui.app import make_app
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.board_pane import SEGMENT_KEY_PREFIX, BoardPane
from tui.ui.widgets.status_line import StatusLine

SIZE = (160, 50)
#: Wide enough that the board's last column (关联原因) is on screen (tests that read it drawn).
WIDE = (200, 50)
SHANGHAI = ZoneInfo("Asia/Shanghai")

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


def stock_keys(table: DataTable) -> list[str]:
    return [k for k in row_keys(table) if not k.startswith(SEGMENT_KEY_PREFIX)]


def cell(app, key: str, column: str) -> str:
    return str(app.query_one("#board-table", DataTable).get_cell(key, column))


async def settle(app, pilot) -> None:
    await wait_for_startup(pilot)


async def test_board_opens_with_the_sample_data_clearly_marked(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one("#board-table", DataTable)
        keys = row_keys(table)
        segments = [k.removeprefix(SEGMENT_KEY_PREFIX) for k in keys if k.startswith(SEGMENT_KEY_PREFIX)]
        assert segments == ["上游", "中游", "下游", "配套"]
        assert len(stock_keys(table)) == 34
        # 300133's last sample close (2025-11-21) is 7.65, +0.02 on 7.63.
        assert cell(app, "300133", "price") == "7.65"
        assert cell(app, "300133", "change_pct") == "+0.26%"
        assert "样本" in cell(app, "300133", "flags")
        assert cell(app, "300133", "as_of").startswith("25-11-21 15:00")
        # No sample bars for 688256: blanks, never invented figures.
        assert cell(app, "688256", "price") == "—"
        header = str(app.query_one("#board-header").render())
        assert "样本数据" in header and "2025-11-21" in header and "最高标" in header
        status = str(app.query_one(StatusLine).render())
        assert "休市" in status and "样本" in status and "未刷新" in status


async def test_detail_panel_follows_the_cursor(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one("#board-table", DataTable)
        table.move_cursor(row=row_keys(table).index("300872"))
        await pilot.pause()
        detail = str(app.query_one("#board-detail #detail-body").render())
        assert "启明星汉" in detail and "60个月" in detail and "样本数据，非实时" in detail


async def test_switching_themes_with_keys_and_sidebar(make_ctx, tmp_path: Path):
    lists = tmp_path / "lists"
    lists.mkdir()
    shutil.copy(WATCHLISTS / "compute-power.yaml", lists / "a.yaml")
    (lists / "b.yaml").write_text(SECOND_THEME, encoding="utf-8")
    app = make_app(make_ctx(lists, CATALYSTS), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.selected_theme_id == "compute-power"
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.selected_theme_id == "second"
        assert row_keys(app.query_one("#board-table", DataTable)) == [SEGMENT_KEY_PREFIX + "上游", "300133"]
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert app.selected_theme_id == "compute-power"
        app.query_one("#sidebar").focus()
        await pilot.press("down")
        await pilot.pause()
        assert app.selected_theme_id == "second"


async def test_sort_by_key_and_by_header_click(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one("#board-table", DataTable)
        await pilot.press("s")  # user order: the watchlist's order, no group rows
        await pilot.pause()
        assert stock_keys(table)[:3] == ["688041", "688256", "603019"] and len(row_keys(table)) == 34
        await pilot.press("s")  # 涨跌幅, largest first; stocks without a price last
        await pilot.pause()
        keys = row_keys(table)
        assert keys[0] == "300133"  # the only riser on 2025-11-21
        assert keys[-1].startswith("name:") or cell(app, keys[-1], "change_pct") == "—"
        await pilot.press("o")
        await pilot.pause()
        assert row_keys(table)[0] == "300042"  # 朗科科技 -9.67%, the laggard
        # Clicking the 代码 header sorts by code.
        board = app.query_one(BoardPane)
        table.post_message(DataTable.HeaderSelected(table, table.ordered_columns[0].key, 0, table.ordered_columns[0].label))
        await pilot.pause()
        assert board.sort_mode == "code"
        codes = [k for k in row_keys(table) if not k.startswith("name:")]
        assert codes == sorted(codes)
        await pilot.press("g")
        await pilot.pause()
        assert row_keys(table)[0] == SEGMENT_KEY_PREFIX + "上游"


async def test_filter_as_you_type_and_escape_clears(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one("#board-table", DataTable)
        await pilot.press("slash", "华")
        await pilot.pause()
        assert set(stock_keys(table)) == {"300133", "002602", "000156", "002335"}  # 华策 华通 华数 科华
        await pilot.press("backspace", "3", "0", "0", "1")
        await pilot.pause()
        assert stock_keys(table) == ["300133"]
        await pilot.press("escape")
        await pilot.pause()
        assert len(stock_keys(table)) == 34
        # A former name matches too.
        await pilot.press("slash", "S", "T", "华")
        await pilot.pause()
        assert stock_keys(table) == ["002602"]


async def test_refresh_success_updates_cells_in_place(shipped_ctx):
    source = FakeSource({"300133": (8.00, 7.65), "002602": (18.18, 16.53)}, as_of=datetime(2026, 11, 20, 15, 0, tzinfo=SHANGHAI))
    app = make_app(shipped_ctx, today=TODAY, source_factory=lambda: source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        board = app.query_one(BoardPane)
        rebuilds = []
        original = board._rebuild
        board._rebuild = lambda order: (rebuilds.append(order), original(order))  # type: ignore[method-assign]
        await pilot.press("r")
        await settle(app, pilot)
        assert app.refresh_count == 1 and not app.refreshing
        assert cell(app, "300133", "price") == "8.00"
        assert cell(app, "300133", "change_pct") == "+4.58%"
        assert "样本" not in cell(app, "300133", "flags")
        # +10% on a ±10% main-board stock closes at the limit: 涨停.
        assert "涨停" in cell(app, "002602", "flags")
        assert cell(app, "300133", "amount") == "1.50亿"
        assert rebuilds == []  # same rows in the same order: cells were diffed, not rebuilt
        status = str(app.query_one(StatusLine).render())
        assert "在线" in status
        assert "quotes" in source.calls


async def test_refresh_failure_keeps_the_old_figures(shipped_ctx):
    source = FakeSource(fail=FailureKind.NETWORK)
    app = make_app(shipped_ctx, today=TODAY, source_factory=lambda: source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert cell(app, "300133", "price") == "7.65"  # the sample figure is still there
        assert "样本" in cell(app, "300133", "flags")
        status = str(app.query_one(StatusLine).render())
        assert "离线" in status and "网络不可达" in status
        assert any("网络不可达" in str(n.message) for n in app._notifications)


async def test_slow_refresh_keeps_the_ui_responsive_and_never_overlaps(shipped_ctx):
    gate = threading.Event()
    source = FakeSource({"300133": (8.0, 7.65)}, gate=gate)
    app = make_app(shipped_ctx, today=TODAY, source_factory=lambda: source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        assert app.refreshing
        board = app.query_one(BoardPane)
        started = time.perf_counter()
        await pilot.press("s")
        await pilot.pause()
        assert board.sort_mode == "user" and time.perf_counter() - started < 0.5
        assert not app.start_refresh(manual=True)  # a second refresh is refused while one runs
        assert "刷新中" in str(app.query_one(StatusLine).render())
        gate.set()
        await settle(app, pilot)
        assert not app.refreshing and cell(app, "300133", "price") == "8.00"
        assert source.calls.count("quotes") == 1


async def test_quit_while_a_refresh_hangs_is_immediate(shipped_ctx):
    gate = threading.Event()  # never set: a stalled server
    app = make_app(shipped_ctx, today=TODAY, source_factory=lambda: FakeSource(gate=gate))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        assert app.refreshing
        started = time.perf_counter()
        await pilot.press("q")
        await pilot.pause()
    assert time.perf_counter() - started < 2.0
    gate.set()


async def test_trading_hours_poll_and_stale_marks_with_a_frozen_clock(shipped_ctx):
    clock = {"now": datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)}  # a Monday session
    source = FakeSource({"300133": (8.0, 7.65)}, as_of=datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    app = make_app(shipped_ctx, today=datetime(2026, 11, 23).date(), now=lambda: clock["now"], source_factory=lambda: source, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "交易中" in str(app.query_one(StatusLine).render())
        app.tick()  # trading and no poll yet: starts one
        await settle(app, pilot)
        assert app.refresh_count == 1 and "样本" not in cell(app, "300133", "flags")
        assert "过期" not in cell(app, "300133", "flags")
        app.tick()  # the next poll is not due until an interval after the last one finished
        await settle(app, pilot)
        assert app.refresh_count == 1
        # Three minutes later with a 60 s interval, the 10:00 quote is stale.
        clock["now"] = datetime(2026, 11, 23, 10, 3, tzinfo=SHANGHAI)
        app.redraw()
        await pilot.pause()
        assert "过期" in cell(app, "300133", "flags")
        # At lunch the app does not poll.
        clock["now"] = datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)
        app._next_poll_at = 0
        app.tick()
        await settle(app, pilot)
        assert app.refresh_count == 1
        assert "午间休市" in str(app.query_one(StatusLine).render())


async def test_red_up_by_default_and_green_up_when_set(tmp_path: Path):
    def ctx(up: str) -> Context:
        return Context(watchlists=WATCHLISTS, catalysts=CATALYSTS, data_dir=tmp_path / "data", settings=Settings(up_color=up), today_override=TODAY)

    for up, expected in (("red", "error"), ("green", "success")):
        app = make_app(ctx(up), today=TODAY)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            style = app.query_one("#board-table", DataTable).get_cell("300133", "change_pct").style
            assert str(style).split()[0] == app.theme_variables[expected], (up, style)


async def test_catalyst_view_upcoming_past_undated_and_detail(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "tab-catalysts"
        table = app.query_one("#catalysts-table", DataTable)
        keys = row_keys(table)
        assert keys[:2] == ["group:upcoming:2026-12", "qingyang-200k-p-2026-12-31"]
        assert keys.index("group:past:2026-06") < keys.index("group:past:2025-03") < keys.index("hangzhou-scheduling-platform-2025-03-13") < keys.index("group:undated")
        assert keys[-1] == "annuoqi-restructuring"
        await settle(app, pilot)  # the trading calendar arrives from a worker
        n = app.calendar.trading_days_between(TODAY, date(2026, 12, 31))
        assert str(table.get_cell("qingyang-200k-p-2026-12-31", "countdown")) == f"T-{n} · 39天"
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
        table = app.query_one("#indicators-table", DataTable)
        assert str(table.get_cell("voucher-uptake", "status")) == "无数据"
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
        await settle(app, pilot)
        assert [t.id for t in app.project.themes] == ["compute-power"]
        await pilot.press("5")
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
        await settle(app, pilot)
        (lists / "b.yaml").write_text(SECOND_THEME + '  - code: "300067"\n    name: 安诺其\n    segment: 上游\n', encoding="utf-8")
        await pilot.press("R")
        await settle(app, pilot)
        assert "300067" in row_keys(app.query_one("#board-table", DataTable))
        assert cell(app, "300067", "price") == "4.72"


async def test_a_file_change_seen_while_the_app_closes_is_ignored(make_ctx, tmp_path: Path):
    """The file watcher can tick while the app tears its widgets down (e.g. just after a
    save): it must not raise NoMatches out of a timer."""
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "b.yaml").write_text(SECOND_THEME, encoding="utf-8")
    app = make_app(make_ctx(lists, CATALYSTS), today=TODAY, load_data=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        (lists / "b.yaml").write_text(SECOND_THEME + "# edited\n", encoding="utf-8")
        await app.query_one("#sidebar").remove()  # as during teardown
        app.watch_files()  # no exception
        await pilot.pause()


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
    assert not app.is_running


async def test_english_labels(shipped_ctx):
    app = make_app(shipped_ctx, language="en", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.title == "Theme Tracker"
        assert "sample" in cell(app, "300133", "flags")
        await pilot.press("3")
        await pilot.pause()
        assert str(app.query_one("#indicators-table", DataTable).get_cell("voucher-uptake", "status")) == "no data"


async def test_missing_watchlists_directory_opens_empty_with_a_problem(make_ctx, tmp_path: Path):
    app = make_app(make_ctx(tmp_path / "nope", tmp_path / "nope.yaml"), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.project.themes == []
        assert any("watchlists directory not found" in d.message for d in app.project.diagnostics)


async def test_enter_opens_the_stock_detail_and_escape_returns(shipped_ctx):
    from tui.ui.screens.stock_detail import StockDetailScreen

    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one("#board-table", DataTable)
        table.move_cursor(row=row_keys(table).index("300133"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, StockDetailScreen)
        assert app.screen.stock.code == "300133"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StockDetailScreen)


async def test_in_app_schedule_runs_quote_slots_through_the_app(tmp_path: Path):
    clock = {"now": datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)}
    source = FakeSource({"300133": (8.0, 7.65)}, as_of=clock["now"])
    ctx = Context(watchlists=WATCHLISTS, catalysts=CATALYSTS, data_dir=tmp_path / "data", settings=Settings(run_schedule_in_app=True), today_override=datetime(2026, 11, 23).date())
    app = make_app(ctx, today=datetime(2026, 11, 23).date(), now=lambda: clock["now"], source_factory=lambda: source, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.schedule is not None and app.schedule.running
        app.tick()  # the app's own poll steps aside while the schedule runs
        await settle(app, pilot)
        assert app.refresh_count == 0
        await app.schedule.quotes_tick()  # a quote slot in the session
        await settle(app, pilot)
        assert app.refresh_count == 1 and cell(app, "300133", "price") == "8.00"
        clock["now"] = datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)  # lunch: the slot does nothing
        await app.schedule.quotes_tick()
        await settle(app, pilot)
        assert app.refresh_count == 1
    assert app.schedule is None or not app.schedule.running


async def test_live_reload_within_two_seconds_and_last_valid_version_kept(make_ctx, tmp_path: Path):
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "b.yaml").write_text(SECOND_THEME, encoding="utf-8")
    app = make_app(make_ctx(lists, CATALYSTS), today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        # An editor saves a valid change: it shows up within two seconds, with no key pressed.
        (lists / "b.yaml").write_text(SECOND_THEME + '  - code: "300067"\n    name: 安诺其\n    segment: 上游\n', encoding="utf-8")
        await wait_until(pilot, lambda: "300067" in row_keys(app.query_one("#board-table", DataTable)), "the saved stock on the board", timeout=2.0)
        # Then a broken save: the last valid version stays, the error is shown with its line.
        (lists / "b.yaml").write_text(SECOND_THEME + "  - code: 300067\n    name: 安诺其\n", encoding="utf-8")
        await wait_until(pilot, lambda: bool(app.project.errors), "the broken save's error", timeout=2.0)
        assert any(d.line == 9 and "not quoted" in d.message for d in app.project.errors)
        assert "300067" in row_keys(app.query_one("#board-table", DataTable))
        assert any("上一个有效版本" in str(n.title) for n in app._notifications)


async def test_user_text_in_brackets_is_shown_as_written(make_ctx, tmp_path: Path):
    """Names, segments and reasons are the user's words, never console markup."""
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "t.yaml").write_text(
        "id: brackets\nname: 括号\nsegments: ['[a]段']\nstocks:\n"
        "  - code: '300133'\n    name: '[b]华策'\n    segment: '[a]段'\n    reason: '[tbc] 待验证'\n",
        encoding="utf-8",
    )
    app = make_app(make_ctx(lists), today=TODAY)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        table = app.query_one("#board-table", DataTable)
        rendered = "\n".join(strip.text for strip in table.render_lines(Region(0, 0, table.size.width, table.row_count + 1)))
        assert "[b]华策" in rendered and "▌[a]段" in rendered and "[tbc] 待" in rendered


MARKUP_LIKE_THEME = """\
id: markup
name: '[/] 主题 [b]'
description: '[/]'
segments: [{name: '[/]段', description: '[/i] 说明'}]
stocks:
  - code: '300133'
    name: '[/]华策'
    segment: '[/]段'
    reason: '[/] 原因 [red]'
    risks: ['[/] 风险']
    tags: ['[/]']
    notes: '[/] 笔记'
indicators:
  - id: ind
    name: '[/] 指标'
    unit: '%'
    target: {value: 80, note: '[/]'}
    readings:
      - {date: 2025-06-30, value: 40, note: '[/] 读数'}
"""
MARKUP_LIKE_CATALYSTS = """\
catalysts:
  - id: c1
    date: 2025-06-30
    title: '[/] 催化 [bold'
    kind: industry
    themes: [markup]
    stocks: ['300133']
    outcome: '[/]'
    claimed_reaction: '[/] 3日涨12%'
"""


async def test_text_that_looks_like_markup_never_breaks_a_screen(make_ctx, tmp_path: Path):
    """Every user-written field may hold '[/]' or '[b': each tab, the detail screen and the
    filters still draw it as written."""
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "m.yaml").write_text(MARKUP_LIKE_THEME, encoding="utf-8")
    catalysts = tmp_path / "catalysts.yaml"
    catalysts.write_text(MARKUP_LIKE_CATALYSTS, encoding="utf-8")
    app = make_app(make_ctx(lists, catalysts), today=TODAY)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        assert not app.project.diagnostics
        def drawn(table_id: str) -> str:
            table = app.query_one(table_id, DataTable)
            return "\n".join(strip.text for strip in table.render_lines(Region(0, 0, table.size.width, table.row_count + 1)))

        assert "[/]华策" in drawn("#board-table") and "[/] 原因" in drawn("#board-table")
        for keys in (["slash", "left_square_bracket", "slash"], ["escape"], ["2"], ["slash", "left_square_bracket"], ["escape"]):
            await pilot.press(*keys)
            await pilot.pause()
            assert app.is_running
        assert "[/] 催化 [bold" in drawn("#catalysts-table")
        await pilot.press("3")
        await pilot.pause()
        assert "[/] 指标" in drawn("#indicators-table")
        for key in ("4", "5", "1"):
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running
        sidebar = app.query_one("#sidebar")
        assert "[/] 主题 [b]" in "\n".join(strip.text for strip in sidebar.render_lines(Region(0, 0, sidebar.size.width, 3)))
        app.query_one("#board-table").focus()
        for key in ("e", "m"):  # the edit and move forms list segments and themes by name
            await pilot.press(key)
            await wait_until(pilot, lambda: type(app.screen).__name__.endswith("Form"), f"the form of {key!r}")
            assert app.is_running
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("enter")  # the stock's detail screen
        await wait_until(pilot, lambda: type(app.screen).__name__ == "StockDetailScreen", "the stock's detail screen")
        await app.workers.wait_for_complete()
        assert app.is_running


async def test_the_collector_is_tuned_while_the_app_runs_and_restored_after(shipped_ctx):
    import gc

    before = gc.get_threshold()
    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert gc.get_freeze_count() > 0 and gc.get_threshold()[2] > before[2]
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before
