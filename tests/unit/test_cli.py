"""Global options, the settings file, and `python -m tui`."""

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import CATALYSTS, ROOT, WATCHLISTS, cli_env
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


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    """The CLI as a user runs it: its own process, through the same entry as the console script."""
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120, env=cli_env(), **kw)


def test_the_process_exits_with_each_outcome_and_all_output_written(tmp_path: Path):
    ok = _cli("validate", "--format", "json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["valid"] is True  # stdout complete
    assert "0 error(s)" in ok.stderr
    bad = _cli("validate", str(ROOT / "tests" / "fixtures" / "broken" / "bad_code.yaml"))
    assert bad.returncode == 1 and bad.stdout.count("error:") == 3
    usage = _cli("validate", "--frobnicate")
    assert usage.returncode == 2 and "unrecognized arguments: --frobnicate" in usage.stderr
    helped = _cli("--help")
    assert helped.returncode == 0 and "usage: theme-tracker" in helped.stdout and "snapshot" in helped.stdout
    out = tmp_path / "snaps"
    snap = _cli("--data-dir", str(tmp_path / "data"), "snapshot", "--date", "2025-03-14", "--out", str(out))
    assert snap.returncode == 0, snap.stderr
    written = snap.stdout.split()
    assert len(written) == 6 and all(Path(p).stat().st_size > 0 for p in written)
    assert json.loads((out / "2025-03-14" / "snapshot.json").read_text(encoding="utf-8"))["session"] == "2025-03-14"


def test_a_reader_that_goes_away_is_not_an_error(tmp_path: Path):
    """`snapshot --out - | true`: the reader has gone before the JSON is written, so the writer
    meets a closed pipe; that ends it quietly, as Unix tools do."""
    piped = subprocess.run(
        f"{sys.executable} -m tui --data-dir {tmp_path / 'data'} snapshot --date 2025-03-14 --format json --out - | true; exit ${{PIPESTATUS[0]}}",
        shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=120, env=cli_env(),
    )
    assert piped.returncode == 0, piped.stderr
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr and "Exception ignored" not in piped.stderr
