"""SVG snapshots of the stock detail screen (layout only: behaviour is asserted in
test_stock_detail.py). Today is frozen and the bars are the shipped sample, so nothing here
depends on the machine or the clock; the data directory is never shown."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from tests.conftest import CATALYSTS, TODAY, WATCHLISTS
from tui.config.loader import load_project
from tui.ui.i18n import Labels
from tui.ui.screens.stock_detail import StockDetailScreen


class Host(App[None]):
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, data_dir: Path, key: str = "300133") -> None:
        super().__init__()
        project = load_project(WATCHLISTS, CATALYSTS)
        theme = project.themes[0]
        stock = next(s for s in theme.stocks if s.key == key)
        self.detail = StockDetailScreen(stock, theme, project, data_dir, Labels("zh"), TODAY)

    def on_mount(self) -> None:
        self.push_screen(self.detail)


async def _bars_loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def test_stock_detail_80x24(snap_compare, tmp_path):
    assert snap_compare(Host(tmp_path / "data"), terminal_size=(80, 24), run_before=_bars_loaded)


def test_stock_detail_160x50(snap_compare, tmp_path):
    assert snap_compare(Host(tmp_path / "data"), terminal_size=(160, 50), run_before=_bars_loaded)
