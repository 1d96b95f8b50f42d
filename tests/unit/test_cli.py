"""Global options, the settings file, and `python -m tui`."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import CATALYSTS, ROOT, WATCHLISTS
from tui.cli import main
from tui.context import resolve_context


def test_settings_file_sets_locations_relative_to_itself(tmp_path: Path, monkeypatch):
    (tmp_path / "lists").mkdir()
    (tmp_path / "settings.toml").write_text('watchlists = "lists"\ncatalysts = "cal.yaml"\nlanguage = "en"\nup_color = "green"\n', encoding="utf-8")
    monkeypatch.setenv("THEME_TRACKER_CONFIG", str(tmp_path / "settings.toml"))
    ctx = resolve_context()
    assert ctx.watchlists == tmp_path / "lists" and ctx.catalysts == tmp_path / "cal.yaml"
    assert ctx.settings.language == "en" and ctx.settings.up_color == "green"


def test_command_line_beats_settings_file(tmp_path: Path, monkeypatch):
    (tmp_path / "settings.toml").write_text('watchlists = "lists"\n', encoding="utf-8")
    monkeypatch.setenv("THEME_TRACKER_CONFIG", str(tmp_path / "settings.toml"))
    assert resolve_context(watchlists="/elsewhere").watchlists == Path("/elsewhere")


def test_bad_settings_file_is_a_clear_usage_error(tmp_path: Path, monkeypatch, capsys):
    (tmp_path / "settings.toml").write_text('up_colour = "red"\n', encoding="utf-8")
    monkeypatch.setenv("THEME_TRACKER_CONFIG", str(tmp_path / "settings.toml"))
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "settings.toml" in err and "up_colour" in err


def test_data_dir_option_and_environment(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("THEME_TRACKER_DATA_DIR", str(tmp_path / "env"))
    assert resolve_context().data_dir == tmp_path / "env"
    assert resolve_context(data_dir=str(tmp_path / "opt")).data_dir == tmp_path / "opt"


def test_python_dash_m_runs_the_same_cli():
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--watchlists", str(WATCHLISTS), "--catalysts", str(CATALYSTS), "validate"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "0 error(s)" in result.stderr


def test_help_lists_the_commands(capsys):
    try:
        main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert "validate" in out and "--watchlists" in out and "--data-dir" in out
