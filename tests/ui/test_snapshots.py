"""SVG snapshots of each view at 120×40 (layout only: behaviour is asserted in test_app.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import BROKEN, CATALYSTS, TODAY, WATCHLISTS
from tui.context import Context
from tui.ui.app import make_app

SIZE = (120, 40)


def app_for(tmp_path: Path, watchlists: Path = WATCHLISTS):
    ctx = Context(watchlists=watchlists, catalysts=CATALYSTS, data_dir=tmp_path / "data", today_override=TODAY)
    return make_app(ctx, today=TODAY)


def test_stocks_view(snap_compare, tmp_path):
    assert snap_compare(app_for(tmp_path), terminal_size=SIZE)


def test_catalysts_view(snap_compare, tmp_path):
    assert snap_compare(app_for(tmp_path), terminal_size=SIZE, press=["2"])


def test_indicators_view(snap_compare, tmp_path):
    assert snap_compare(app_for(tmp_path), terminal_size=SIZE, press=["3"])


def test_problems_view(snap_compare, tmp_path, monkeypatch):
    lists = tmp_path / "lists"
    lists.mkdir()
    shutil.copy(WATCHLISTS / "compute-power.yaml", lists / "a.yaml")
    for name in ("unquoted_code.yaml", "unit_mismatch.yaml"):
        shutil.copy(BROKEN / name, lists / name)
    shutil.copy(CATALYSTS, tmp_path / "catalysts.yaml")
    # Relative paths, so the snapshot does not depend on where the test runs.
    monkeypatch.chdir(tmp_path)
    ctx = Context(watchlists=Path("lists"), catalysts=Path("catalysts.yaml"), data_dir=tmp_path / "data", today_override=TODAY)
    assert snap_compare(make_app(ctx, today=TODAY), terminal_size=SIZE, press=["4"])


def test_help_screen(snap_compare, tmp_path):
    assert snap_compare(app_for(tmp_path), terminal_size=SIZE, press=["question_mark"])
