"""The app with a damaged store says so, where, and how to recover (never "waiting" forever,
never blaming the network)."""

from __future__ import annotations

import sqlite3

from tests.conftest import TODAY, wait_for_startup
from tests.ui.fakes import FakeSource
from tui.store import DB_FILENAME, Store
from tui.ui.app import make_app
from tui.ui.widgets.status_line import StatusLine

SIZE = (160, 50)


def damaged_store(data_dir) -> None:
    with Store.open(data_dir):
        pass
    conn = sqlite3.connect(data_dir / DB_FILENAME)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    db = data_dir / DB_FILENAME
    size = db.stat().st_size
    with db.open("r+b") as f:
        for offset in range(size // 4, size - 4096, 4096):
            f.seek(offset + 64)
            f.write(b"\xde\xad\xbe\xef" * 400)


async def test_a_damaged_store_is_named_with_the_way_to_recover(shipped_ctx):
    damaged_store(shipped_ctx.data_dir)
    source = FakeSource()
    app = make_app(shipped_ctx, today=TODAY, source_factory=lambda: source)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        header = str(app.query_one("#board-header").render())
        assert "本地数据库已损坏" in header and "theme-tracker store rebuild" in header
        assert "等待读取本地数据" not in header
        path = str(shipped_ctx.data_dir / DB_FILENAME)
        assert any(path in str(n.message) and "store check" in str(n.message) for n in app._notifications)
        await pilot.press("r")
        await wait_for_startup(pilot)
        status = str(app.query_one(StatusLine).render())
        assert "离线" not in status and "本地数据库无法使用" in status
        assert not any("network" in str(n.message) for n in app._notifications)
        assert not app.refreshing


async def test_a_damaged_store_in_english(shipped_ctx):
    damaged_store(shipped_ctx.data_dir)
    app = make_app(shipped_ctx, today=TODAY, language="en", source_factory=lambda: FakeSource())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        header = str(app.query_one("#board-header").render())
        assert "The local store is damaged" in header and "store rebuild" in header
