"""Pilot tests of the inbox tab: items relevant first, keyboard triage (accept writes the
calendar, dismiss, snooze, restore, open link), fetching from the tab, the board's counts."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from textual.widgets import DataTable, TabbedContent

from tests.conftest import CATALYSTS, TODAY, WATCHLISTS, wait_for_startup
from tests.fixtures import feed_frames as ff
from tui.context import Context
from tui.inbox.fetch import run_inbox_fetch
from tui.sources.feeds import FeedCaller
from tui.store import Store
from tui.store import inbox as inbox_store
from tui.ui.app import make_app
from tui.ui.widgets.inbox_pane import InboxPane

SIZE = (160, 50)
CODES = ["300738", "300133", "688041"]


def feed_caller(fake=None) -> FeedCaller:
    return FeedCaller(loader=lambda: fake or ff.feed_akshare(), sleep=lambda s: None, min_interval=0.0)


def seeded_ctx(tmp_path: Path, *, fetch: bool = True) -> Context:
    """The shipped watchlists and calendar copied to tmp_path, and an inbox fetched from
    recorded frames (TODAY = 2026-11-22, items of 2026-11-08 onwards)."""
    lists = tmp_path / "watchlists"
    shutil.copytree(WATCHLISTS, lists)
    shutil.copy(CATALYSTS, tmp_path / "catalysts.yaml")
    ctx = Context(watchlists=lists, catalysts=tmp_path / "catalysts.yaml", data_dir=tmp_path / "data", today_override=TODAY)
    if fetch:
        with Store.open(ctx.data_dir) as store:
            run_inbox_fetch(store.conn, feed_caller(), CODES, today=TODAY, names={"300738": "奥飞数据"})
    return ctx


async def wait_until(pilot, condition, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def table_titles(app) -> list[str]:
    pane = app.query_one(InboxPane)
    return [r.item.title for r in pane.view.rows] if pane.view else []


async def open_inbox(app, pilot) -> InboxPane:
    await wait_for_startup(pilot)
    await wait_until(pilot, lambda: app.inbox_data is not None, "the inbox to load")
    await pilot.press("7")
    await pilot.pause()
    assert app.query_one(TabbedContent).active == "tab-inbox"
    app.query_one("#inbox-table", DataTable).focus()
    await pilot.pause()
    return app.query_one(InboxPane)


async def test_inbox_lists_relevant_items_first_and_board_counts_them(tmp_path):
    app = make_app(seeded_ctx(tmp_path), today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_inbox(app, pilot)
        rows = pane.view.rows
        assert rows and rows[0].relevant
        flags = [r.relevant for r in rows]
        assert flags == sorted(flags, reverse=True)  # relevant first
        assert "奥飞数据:关于签订算力租赁服务合同的公告" in table_titles(app)
        assert not any("决议公告" in t for t in table_titles(app))  # muted by default
        assert pane.view.muted == 2
        # the board's flags show the count of new relevant items
        board = app.query_one("#board-table", DataTable)
        assert str(board.get_cell("300738", "flags")).startswith("讯")
        # M shows the muted filings
        await pilot.press("M")
        await wait_until(pilot, lambda: any("决议公告" in t for t in table_titles(app)), "muted items shown")


async def test_accept_writes_the_catalyst_and_dismiss_snooze_restore(tmp_path):
    ctx = seeded_ctx(tmp_path)
    app = make_app(ctx, today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_inbox(app, pilot)
        first = pane.highlighted_id()
        item = next(r.item for r in pane.view.rows if r.item.id == first)
        expected_id = f"inbox-{item.code}-{item.date}-{item.id}"
        await pilot.press("a")
        await wait_until(pilot, lambda: first not in [r.item.id for r in pane.view.rows], "the accepted item to leave the list")
        text = ctx.catalysts.read_text(encoding="utf-8")
        assert f"id: \"{expected_id}\"" in text and text.startswith(CATALYSTS.read_text(encoding="utf-8"))  # comments kept
        with Store.open(ctx.data_dir) as store:
            assert inbox_store.get_item(store.conn, first).state == "accepted"
        # the calendar tab sees the new catalyst once the file watcher reloads it
        await wait_until(pilot, lambda: any(c.id == expected_id for c in app.project.catalysts), "the calendar reload")

        await pilot.press("down")
        second = pane.highlighted_id()
        row_before = app.query_one("#inbox-table", DataTable).cursor_row
        await pilot.press("d")
        await wait_until(pilot, lambda: second not in [r.item.id for r in pane.view.rows], "dismissed")
        assert app.query_one("#inbox-table", DataTable).cursor_row == row_before  # the next item, not the top
        await pilot.press("u")
        await wait_until(pilot, lambda: second in [r.item.id for r in pane.view.rows], "restored")
        with Store.open(ctx.data_dir) as store:
            assert inbox_store.get_item(store.conn, second).state == "new"
        third = pane.highlighted_id()
        await pilot.press("s")
        await wait_until(pilot, lambda: third not in [r.item.id for r in pane.view.rows], "snoozed")
        with Store.open(ctx.data_dir) as store:
            assert inbox_store.get_item(store.conn, third).snoozed_until == "2026-11-25"


async def test_open_link_opens_the_items_url(tmp_path, monkeypatch):
    app = make_app(seeded_ctx(tmp_path), today=TODAY, poll=False)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_inbox(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        row = next(r for r in pane.view.rows if r.item.id == pane.highlighted_id())
        assert opened == [row.item.link] and opened[0].startswith("http")


async def test_fetch_from_the_tab_uses_the_sources_feed_caller(tmp_path):
    fake = ff.feed_akshare()

    class Source:
        def feed_caller(self):
            return feed_caller(fake)

    app = make_app(seeded_ctx(tmp_path, fetch=False), today=TODAY, poll=False, source_factory=lambda: Source())
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_inbox(app, pilot)
        assert pane.view.rows == ()
        await pilot.press("f")
        await wait_until(pilot, lambda: pane.view is not None and len(pane.view.rows) > 0, "the fetched items")
        assert fake.calls and not app.feeds_running


async def test_fetch_with_a_source_without_feeds_says_so(tmp_path):
    app = make_app(seeded_ctx(tmp_path, fetch=False), today=TODAY, poll=False, source_factory=lambda: object())
    async with app.run_test(size=SIZE) as pilot:
        await open_inbox(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        assert any("不提供" in n.message for n in app._notifications)


async def test_stock_detail_lists_new_items_and_fetched_catalysts(tmp_path):
    from textual.widgets import Static

    from tui.ui.screens.stock_detail import StockDetailScreen

    app = make_app(seeded_ctx(tmp_path), today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        board = app.query_one("#board-table", DataTable)
        board.focus()
        keys = [board.coordinate_to_cell_key((i, 0)).row_key.value for i in range(board.row_count)]
        board.move_cursor(row=keys.index("300738"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, StockDetailScreen), "the detail screen")
        section = app.screen.query_one("#sd-inbox", Static)
        await wait_until(pilot, lambda: section.has_class("-has-items"), "the inbox section")
        text = str(section.render())
        assert "收件箱新条目" in text and "关于签订算力租赁服务合同的公告" in text
        assert "已抓取日程" in text and "2026年三季报披露" in text and "限售解禁" in text
