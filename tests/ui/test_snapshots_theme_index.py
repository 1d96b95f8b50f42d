"""SVG snapshots of the theme index pane (layout only: behaviour is asserted in
test_theme_index_pane.py). Today is frozen and the bars are the shipped sample, so nothing here
depends on the machine or the clock; the data directory is never shown."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from tests.conftest import CATALYSTS, TODAY, WATCHLISTS, wait_until
from tui.config.loader import load_project
from tui.ui.i18n import Labels
from tui.ui.widgets.theme_index_pane import ThemeIndexPane


class Host(App[None]):
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = data_dir
        project = load_project(WATCHLISTS, CATALYSTS)
        self.index_theme = next(t for t in project.themes if t.id == "compute-power")

    def compose(self) -> ComposeResult:
        yield ThemeIndexPane(Labels("zh"), id="theme-index")

    def on_mount(self) -> None:
        self.query_one(ThemeIndexPane).show(self.index_theme, self.data_dir, TODAY)


async def _index_loaded(pilot) -> None:
    pane = pilot.app.query_one(ThemeIndexPane)
    # The chart is mounted, and the load started, on the pane's first Show.
    await wait_until(pilot, lambda: pane.chart is not None and pane.view is not None, "the index drawn")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def test_theme_index_80x24(snap_compare, tmp_path):
    assert snap_compare(Host(tmp_path / "data"), terminal_size=(80, 24), run_before=_index_loaded)


def test_theme_index_160x50(snap_compare, tmp_path):
    assert snap_compare(Host(tmp_path / "data"), terminal_size=(160, 50), run_before=_index_loaded)
