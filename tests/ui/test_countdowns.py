"""Pilot: `T-N` means trading days everywhere: the board's 催化 column and the catalysts tab
show the same countdown for the same event."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable

from tests.conftest import TODAY, wait_for_startup
from tui.ui.app import make_app

EVENT = "qingyang-200k-p-2026-12-31"  # 300657 and four others; 39 calendar days after TODAY


async def test_board_and_catalysts_tab_show_one_trading_day_countdown(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for_startup(pilot)
        assert app.calendar is not None
        catalysts = app.query_one("#catalysts-table", DataTable)
        tab = str(catalysts.get_cell(EVENT, "countdown"))
        n = app.calendar.trading_days_between(TODAY, date(2026, 12, 31))
        assert tab == f"T-{n} · 39天" and n < 39
        board = app.query_one("#board-table", DataTable)
        for code in ("300657", "301085", "603322", "300846"):
            assert str(board.get_cell(code, "next")) == f"T-{n}", code
