"""Messages say what is true: no "pass --X" where --X cannot help (issue 13 item 4)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CATALYSTS, ROOT, WATCHLISTS
from tui.cli import main


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_event_study_with_no_theme_loaded_says_so(capsys, tmp_path: Path):
    empty = tmp_path / "watchlists"
    empty.mkdir()
    code, err = run(capsys, "--watchlists", str(empty), "--catalysts", str(CATALYSTS), "--data-dir", str(tmp_path / "d"),
                    "event-study", "--date", "2025-03-13")
    assert code == 1
    assert "no theme is loaded" in err and "holds no watchlist files" in err
    assert "several themes" not in err


def test_event_study_with_a_missing_watchlists_directory(capsys, tmp_path: Path):
    code, err = run(capsys, "--watchlists", str(tmp_path / "nope"), "--data-dir", str(tmp_path / "d"),
                    "event-study", "--date", "2025-03-13")
    assert code == 1 and "does not exist" in err


def test_event_study_with_only_invalid_files_points_to_validate(capsys, tmp_path: Path):
    wl = tmp_path / "watchlists"
    wl.mkdir()
    (wl / "bad.yaml").write_text("id: Bad Id\nname: x\n", encoding="utf-8")
    code, err = run(capsys, "--watchlists", str(wl), "--data-dir", str(tmp_path / "d"), "event-study", "--date", "2025-03-13")
    assert code == 1 and "none of the 1 file(s)" in err and "theme-tracker validate" in err


def test_event_study_with_several_themes_names_them(capsys, tmp_path: Path):
    wl = tmp_path / "watchlists"
    wl.mkdir()
    shutil.copyfile(WATCHLISTS / "compute-power.yaml", wl / "compute-power.yaml")
    shutil.copyfile(ROOT / "tests" / "fixtures" / "editing" / "theme.yaml", wl / "storage.yaml")
    code, err = run(capsys, "--watchlists", str(wl), "--catalysts", str(CATALYSTS), "--data-dir", str(tmp_path / "d"),
                    "event-study", "--date", "2025-03-13")
    assert code == 2 and "no theme was given and" in err and "compute-power" in err and "pass --theme ID" in err


def test_event_study_unknown_theme_lists_the_known_ones(capsys, tmp_path: Path):
    code, err = run(capsys, "--watchlists", str(WATCHLISTS), "--catalysts", str(CATALYSTS), "--data-dir", str(tmp_path / "d"),
                    "event-study", "--date", "2025-03-13", "--theme", "nope")
    assert code == 2 and "theme 'nope' is not defined" in err and "compute-power" in err


def test_edit_with_watchlists_pointing_at_a_file_says_it_is_not_a_directory(capsys, tmp_path: Path):
    f = tmp_path / "file.yaml"
    shutil.copyfile(WATCHLISTS / "compute-power.yaml", f)
    code, err = run(capsys, "--watchlists", str(f), "watchlist", "remove", "compute-power", "300133")
    assert code == 2 and "not a directory" in err and "not found" not in err


def test_catalyst_edit_with_a_directory_for_the_calendar(capsys, tmp_path: Path):
    code, err = run(capsys, "--catalysts", str(tmp_path), "catalyst", "set-status", "x", "happened")
    assert code == 2 and "a directory, not a catalyst file" in err


def test_snapshot_with_no_theme_loaded_says_why(capsys, tmp_path: Path):
    empty = tmp_path / "watchlists"
    empty.mkdir()
    code, err = run(capsys, "--watchlists", str(empty), "--data-dir", str(tmp_path / "d"), "snapshot", "--out", str(tmp_path / "o"))
    assert code == 1 and "holds no watchlist files" in err and "nothing to snapshot" in err
