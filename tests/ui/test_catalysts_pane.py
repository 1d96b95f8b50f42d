"""Pilot tests of the catalyst calendar pane: month groups, T−N countdowns, the filter, and
the detail's moves since and measured-vs-claimed reaction (computed in a worker)."""

from __future__ import annotations

import csv
import json
import threading
import warnings
from datetime import date
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input

from tests.conftest import CATALYSTS, ROOT, TODAY, WATCHLISTS, wait_for_startup
from tui.views import catalyst_reaction
from tui.cli import main
from tui.config.loader import load_project
from tui.domain.calendar import TradingCalendar
from tui.domain.dates import PartialDate
from tui.ui.app import make_app
from tui.ui.i18n import Labels
from tui.ui.widgets.catalysts_pane import CatalystsPane

SIZE = (160, 50)
HANGZHOU = "hangzhou-scheduling-platform-2025-03-13"
QINGYANG = "qingyang-200k-p-2026-12-31"
STOCKS_CSV = ROOT / "tui" / "data" / "sample" / "a_share_daily_qfq_20240102_20251121.csv"


class Host(App):
    """The pane alone, fed like app.py feeds it (no app calendar, no app ctx)."""

    def __init__(self, data_dir: Path | None, language: str = "zh") -> None:
        super().__init__()
        self.labels = Labels(language)
        self.project = load_project(WATCHLISTS, CATALYSTS)
        self.data_dir = data_dir

    def compose(self) -> ComposeResult:
        yield CatalystsPane(self.labels, id="catalysts")

    def on_mount(self) -> None:
        pane = self.query_one(CatalystsPane)
        if self.data_dir is not None:
            pane.set_data_dir(self.data_dir)
        pane.show(self.project, self.project.themes[0], TODAY)


def row_keys(table: DataTable) -> list[str]:
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


def detail(app) -> str:
    return str(app.query_one("#catalysts-detail #detail-body").render())


def scope(app) -> str:
    return str(app.query_one("#catalysts-scope").render())


async def settle(app, pilot) -> None:
    await wait_for_startup(pilot)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def select(app, pilot, cid: str) -> None:
    table = app.query_one("#catalysts-table", DataTable)
    table.focus()
    table.move_cursor(row=row_keys(table).index(cid))
    await pilot.pause()
    await settle(app, pilot)


def xshg_sessions_between(after: date, upto: date) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import exchange_calendars as xcals

        sessions = xcals.get_calendar("XSHG").sessions
    return sum(1 for ts in sessions if after < ts.date() <= upto)


# --------------------------------------------------------------------------- list


async def test_groups_by_bucket_and_month_with_undated_last(tmp_path):
    app = Host(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        keys = row_keys(app.query_one("#catalysts-table", DataTable))
        groups = [k for k in keys if k.startswith("group:")]
        assert groups == [
            "group:upcoming:2026-12",
            "group:past:2026-06", "group:past:2026-05", "group:past:2026-04", "group:past:2026-01",
            "group:past:2025-05", "group:past:2025-04", "group:past:2025-03",
            "group:past:2024-09", "group:past:2024-08",
            "group:undated",
        ]
        # Each catalyst sits under the header of its own month.
        project = app.project
        for c in project.catalysts_for_theme(project.themes[0]):
            header = next(k for k in reversed(keys[: keys.index(c.id)]) if k.startswith("group:"))
            assert header.endswith(f"{c.date.start:%Y-%m}" if c.date else "undated"), (c.id, header)
        table = app.query_one("#catalysts-table", DataTable)
        assert [str(c) for c in table.get_row("group:past:2025-03")[:2]] == ["▌已过去", "2025-03"]
        assert [str(c) for c in table.get_row("group:upcoming:2026-12")[:2]] == ["▌即将发生", "2026-12"]
        assert [str(c) for c in table.get_row("group:undated")[:2]] == ["▌未定日期", ""]
        assert keys[-5:] == ["group:undated", "jiliu-hk-ipo-filing", "domestic-chip-orders", "zhejiang-compute-special-bonds", "annuoqi-restructuring"]


async def test_countdown_in_trading_and_calendar_days_once_the_calendar_is_set(tmp_path):
    app = Host(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one("#catalysts-table", DataTable)
        pane = app.query_one(CatalystsPane)
        assert str(table.get_cell(QINGYANG, "countdown")) == "39天后"  # no calendar yet
        assert "交易日历加载中" in scope(app)
        calendar = TradingCalendar(today=TODAY)
        pane.set_calendar(calendar)
        await pilot.pause()
        n = xshg_sessions_between(TODAY, date(2026, 12, 31))
        assert n > 20
        assert str(table.get_cell(QINGYANG, "countdown")) == f"T-{n} · 39天"
        assert f"T-{n} · 39天" in detail(app)  # the first row is highlighted
        assert not calendar.calendar_stale


async def test_countdown_past_the_calendars_end_is_marked_and_does_not_crash(tmp_path):
    app = Host(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        pane = app.query_one(CatalystsPane)
        # A catalyst two weeks past XSHG's end (2026-12-31).
        later = app.project.catalysts[0].model_copy(update={"id": "later-2027", "date": PartialDate.parse("2027-01-15"), "status": "expected"})
        app.project.catalysts.append(later)
        calendar = TradingCalendar(today=TODAY)
        pane.set_calendar(calendar)
        await pilot.pause()
        table = app.query_one("#catalysts-table", DataTable)
        n = xshg_sessions_between(TODAY, date(2026, 12, 31))
        extra = 10  # weekdays 2027-01-04..01-15; 01-01 (元旦) is a fixed holiday
        assert str(table.get_cell("later-2027", "countdown")) == f"≈T-{n + extra} · 54天"
        assert not calendar.calendar_stale
        assert "2026-12-31 之后按工作日估算" in scope(app)
        assert row_keys(table)[:4] == ["group:upcoming:2026-12", QINGYANG, "group:upcoming:2027-01", "later-2027"]


async def test_filter_tokens_kind_status_stock_and_chinese_labels(tmp_path):
    app = Host(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        pane = app.query_one(CatalystsPane)
        table = app.query_one("#catalysts-table", DataTable)
        total = len([k for k in row_keys(table) if not k.startswith("group:")])
        theme_cats = app.project.catalysts_for_theme(app.project.themes[0])

        def shown() -> set[str]:
            return {k for k in row_keys(table) if not k.startswith("group:")}

        table.focus()
        await pilot.press("slash")
        assert app.query_one("#catalysts-filter", Input).has_focus
        await pilot.press(*"policy")
        await pilot.pause()
        policy = {c.id for c in theme_cats if c.kind == "policy"}
        assert shown() == policy
        assert f"筛选：policy · {len(policy)}/{total}" in scope(app)
        await pilot.press("space", *"预期")
        await pilot.pause()
        assert shown() == {c.id for c in theme_cats if c.kind == "policy" and c.status == "expected"} == {
            "compute-vouchers-first-batch-2025q2", "zhejiang-compute-special-bonds"}
        await pilot.press("enter")
        assert table.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert shown() == {c.id for c in theme_cats} and pane.filter_text == ""
        assert not app.query_one("#catalysts-filter", Input).has_class("visible")

        for text, expected in [
            ("政策", policy),
            ("expected", {c.id for c in theme_cats if c.status == "expected"}),
            ("已发生 行业事件", {c.id for c in theme_cats if c.status == "happened" and c.kind == "industry"}),
            ("688041", {HANGZHOU, "domestic-chip-orders"}),
            ("海光信息", {HANGZHOU, "domestic-chip-orders"}),
            ("300846 峰会", {"aidc-summit-2025-05-27"}),
            ("compute-power", {c.id for c in theme_cats}),
            ("调度平台", {c.id for c in theme_cats if "调度平台" in c.title}),
            ("云智聚能", {HANGZHOU}),
        ]:
            pane.set_filter(text)
            await pilot.pause()
            assert shown() == expected, text
        pane.set_filter("no-such-thing")
        await pilot.pause()
        assert table.row_count == 0 and "没有符合筛选条件的催化剂" in detail(app)
        assert f"0/{total}" in scope(app)


async def test_scope_toggle_keeps_the_filter(make_ctx, tmp_path):
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "a.yaml").write_text((WATCHLISTS / "compute-power.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (lists / "b.yaml").write_text('id: second\nname: 第二个\nstocks:\n  - code: "300133"\n    name: 华策影视\n', encoding="utf-8")
    app = make_app(make_ctx(lists, CATALYSTS), today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.selected_theme_id = "second"
        await pilot.press("2")
        await pilot.pause()
        pane = app.query_one(CatalystsPane)
        pane.set_filter("happened")
        await pilot.pause()
        narrow = app.query_one("#catalysts-table", DataTable).row_count
        await pilot.press("a")
        await pilot.pause()
        assert pane.all_themes and app.query_one("#catalysts-table", DataTable).row_count > narrow
        assert "全部题材 · 筛选：happened" in scope(app)


# --------------------------------------------------------------------------- detail


async def test_measured_reaction_matches_the_cli_next_to_the_claim(shipped_ctx, capsys):
    code = main([
        "--watchlists", str(WATCHLISTS), "--catalysts", str(CATALYSTS), "--data-dir", str(shipped_ctx.data_dir),
        "event-study", "--catalyst", HANGZHOU, "--window", "0:2", "--format", "json",
    ])
    cli = json.loads(capsys.readouterr().out)
    assert code == 0
    app = make_app(shipped_ctx, today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        await select(app, pilot, HANGZHOU)
        pane = app.query_one(CatalystsPane)
        reaction = pane.reaction_for(HANGZHOU)
        assert reaction is not None and reaction.status == "ok"
        mine = next(r for r in reaction.results if r.window == (0, 2))
        assert {**mine.to_dict(), "t_stat": mine.t_stat} == {k: cli[k] for k in (*mine.to_dict(), "t_stat")}

        text = detail(app)
        lines = text.splitlines()
        claimed = next(i for i, line in enumerate(lines) if "算力租赁指数3日涨12%" in line)
        assert lines[claimed].startswith("来源所称反应：")
        assert lines[claimed + 1].startswith("实测反应：") and "沪深300 sh000300" in lines[claimed + 1]
        assert "day0 2025-03-13" in lines[claimed + 1] and "样本数据" in lines[claimed + 1]
        row = next(line for line in lines[claimed:] if line.strip().startswith("[+0,+2]"))
        cells = row.split()
        pct = lambda x: f"{x * 100:+.2f}%"  # noqa: E731
        assert cells == ["[+0,+2]", pct(cli["theme_return"]), pct(cli["benchmark_return"]), pct(cli["theme_abnormal"]), str(cli["n"]), f"{cli['t_stat']:.2f}"]
        assert any(line.strip().startswith("[-1,+1]") for line in lines) and any(line.strip().startswith("[+0,+4]") for line in lines)


async def test_moves_since_the_event_from_the_csv(shipped_ctx):
    with STOCKS_CSV.open(encoding="utf-8") as fh:
        rows = sorted((r["date"], float(r["close"])) for r in csv.DictReader(fh) if r["code"] == "688041")
    base = [close for day, close in rows if day < "2025-03-13"][-1]
    expected = rows[-1][1] / base - 1
    app = make_app(shipped_ctx, today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        await select(app, pilot, HANGZHOU)
        text = detail(app)
        assert "相关股票：仅所列个股：自 2025-03-12 收盘至 2025-11-21 收盘各自涨跌（前复权，未扣基准；题材实测见下） · 样本数据" in text
        line = next(line for line in text.splitlines() if "海光信息 688041" in line)
        assert line.split()[-1] == f"{expected * 100:+.2f}%"
        assert "华数传媒 000156" in text and "本地无日线" in text
        move = next(m for m in app.query_one(CatalystsPane).reaction_for(HANGZHOU).moves if m.code == "688041")
        assert move.move == pytest.approx(expected, abs=1e-12)


async def test_month_precision_undated_and_future_catalysts_say_why_they_are_not_measured(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        await select(app, pilot, "nfra-leasing-list-2024-08")
        assert "实测反应：日期只精确到 2024-08：没有具体交易日，无法测量反应。" in detail(app)
        await select(app, pilot, "huace-compute-cloud-billing-2026-01")
        assert "实测反应：日期只精确到 2026-01：没有具体交易日，无法测量反应。" in detail(app)
        await select(app, pilot, "compute-vouchers-first-batch-2025q2")
        text = detail(app)
        assert "日期只精确到 2025Q2：没有具体交易日，无法测量反应" in text
        assert "日期只精确到 2025Q2，从该期首个交易日 2025-04-01 的前一收盘起算" in text  # moves, though
        await select(app, pilot, "domestic-chip-orders")
        assert "实测反应：事件没有日期：没有具体交易日，无法测量反应。" in detail(app)
        await select(app, pilot, QINGYANG)
        text = detail(app)
        assert "事件日期 2026-12-31 晚于本地日线（截至 2025-11-21），尚无法测量。" in text
        assert "事件日期晚于本地日线，尚无事件后的涨跌" in text


async def test_reaction_is_computed_off_the_ui_thread_and_cached(tmp_path, monkeypatch):
    release = threading.Event()
    calls: list[str] = []
    real = catalyst_reaction.load_reaction

    def slow(data_dir, catalyst, *args, **kwargs):
        calls.append(catalyst.id)
        release.wait(5)
        return real(data_dir, catalyst, *args, **kwargs)

    monkeypatch.setattr(catalyst_reaction, "load_reaction", slow)
    app = Host(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one("#catalysts-table", DataTable)
        table.focus()
        table.move_cursor(row=row_keys(table).index(HANGZHOU))
        await pilot.pause()
        assert "实测反应：计算中…" in detail(app)
        await pilot.press("down")  # the UI answers while the worker waits
        await pilot.pause()
        assert row_keys(table)[table.cursor_row] == "citic-preview-2025-03-11"
        release.set()
        await settle(app, pilot)
        await select(app, pilot, HANGZHOU)
        assert "[+0,+2]" in detail(app)
        n = len(calls)
        await select(app, pilot, "citic-preview-2025-03-11")
        await select(app, pilot, HANGZHOU)
        assert len(calls) == n and calls.count(HANGZHOU) == 1  # cached


async def test_errors_are_shown_in_the_panel(tmp_path, monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(catalyst_reaction, "load_reaction", boom)
    app = Host(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await select(app, pilot, HANGZHOU)
        assert "实测反应：计算失败：RuntimeError: disk on fire" in detail(app)
        assert app.is_running


async def test_english_labels(tmp_path):
    app = Host(tmp_path / "data", language="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.query_one(CatalystsPane).set_calendar(TradingCalendar(today=TODAY))
        await pilot.pause()
        table = app.query_one("#catalysts-table", DataTable)
        n = xshg_sessions_between(TODAY, date(2026, 12, 31))
        assert str(table.get_cell(QINGYANG, "countdown")) == f"T-{n} · 39d"
        assert [str(c) for c in table.get_row("group:upcoming:2026-12")[:2]] == ["▌Upcoming", "2026-12"]
        await select(app, pilot, HANGZHOU)
        text = detail(app)
        assert "Measured reaction：theme" in text and "vs CSI 300 sh000300" in text
        await select(app, pilot, "nfra-leasing-list-2024-08")
        assert "Dated only to 2024-08: a reaction cannot be measured without a day." in detail(app)
