"""SVG snapshots of each view (layout only: behaviour is asserted in test_app.py).

Sizes: 80×24 and 160×50 for every screen (issue 4), and 120×40 (the foundation's layout).
Data comes from the shipped sample bars in a fresh store; the clock is frozen.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import BROKEN, CATALYSTS, TODAY, WATCHLISTS, wait_for_startup
from tui.context import Context
from tui.ui.app import make_app

SIZES = [(80, 24), (120, 40), (160, 50)]


def app_for(tmp_path: Path, watchlists: Path = Path("watchlists"), catalysts: Path = Path("catalysts.yaml")):
    """The app on the test's own copies of the shipped files, in its working directory (the
    status line shows the paths as a user passed them)."""
    ctx = Context(watchlists=watchlists, catalysts=catalysts, data_dir=tmp_path / "data", today_override=TODAY)
    return make_app(ctx, today=TODAY, poll=False)


async def loaded(pilot) -> None:
    await wait_for_startup(pilot)


async def loaded_without_toasts(pilot) -> None:
    """The load-error toast lasts 8 s: whether it is still up depended on the machine's load."""
    await wait_for_startup(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_board_view(snap_compare, tmp_path, size):
    assert snap_compare(app_for(tmp_path), terminal_size=size, run_before=loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_board_sorted_by_move(snap_compare, tmp_path, size):
    assert snap_compare(app_for(tmp_path), terminal_size=size, run_before=loaded, press=["s", "s"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_catalysts_view(snap_compare, tmp_path, size):
    assert snap_compare(app_for(tmp_path), terminal_size=size, run_before=loaded, press=["2"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_indicators_view(snap_compare, tmp_path, size):
    assert snap_compare(app_for(tmp_path), terminal_size=size, run_before=loaded, press=["3"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_problems_view(snap_compare, tmp_path, monkeypatch, size):
    lists = tmp_path / "lists"
    lists.mkdir()
    shutil.copy(WATCHLISTS / "compute-power.yaml", lists / "a.yaml")
    for name in ("unquoted_code.yaml", "unit_mismatch.yaml"):
        shutil.copy(BROKEN / name, lists / name)
    shutil.copy(CATALYSTS, tmp_path / "catalysts.yaml")
    # Relative paths, so the snapshot does not depend on where the test runs.
    monkeypatch.chdir(tmp_path)
    assert snap_compare(app_for(tmp_path, Path("lists"), Path("catalysts.yaml")), terminal_size=size, run_before=loaded_without_toasts, press=["5"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen(snap_compare, tmp_path, size):
    assert snap_compare(app_for(tmp_path), terminal_size=size, run_before=loaded, press=["question_mark"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_theme_index_view(snap_compare, tmp_path, size):
    assert snap_compare(app_for(tmp_path), terminal_size=size, run_before=loaded, press=["4"])
