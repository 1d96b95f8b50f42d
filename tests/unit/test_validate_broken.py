"""`validate` reports each kind of mistake at its exact line and column, and loses nothing."""

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import BROKEN, CATALYSTS, WATCHLISTS
from tui.cli import main
from tui.config.loader import load_files, load_project
from tui.config.yaml_reader import MAX_BYTES, MAX_DEPTH


def run(capsys, *args: str) -> tuple[int, list[str], str]:
    code = main(["--watchlists", str(WATCHLISTS), "--catalysts", str(CATALYSTS), "validate", *args])
    out, err = capsys.readouterr()
    return code, [line for line in out.splitlines() if line], err


CASES = [
    ("syntax_error.yaml", "6:1: error: YAML syntax error", "started at line 5, column 11"),
    ("unknown_field.yaml", "6:5: error: unknown field 'reson'", "expected one of: code, name"),
    ("missing_field.yaml", "4:5: error: missing required field 'name'", None),
    ("unquoted_code.yaml", "4:11: error: code 002602 was read as the number 2602", "write it in quotes: '002602'"),
    ("bad_code.yaml", "4:11: error: code '3001334' must be six digits", None),
    ("bad_code.yaml", "6:11: error: code '700001' has an unknown prefix", None),
    ("duplicate_code.yaml", "6:11: error: duplicate code 300133", "first at line 4"),
    ("impossible_date.yaml", "3:11: error: date: impossible date 2025-02-30", None),
    ("impossible_date.yaml", "6:11: error: date: impossible date 2025-13", None),
    ("unit_mismatch.yaml", "10:15: error: reading unit '亿元' does not match indicator 'occupancy'", "whose unit is '%'"),
    ("not_utf8.yaml", "2:7: error: file is not UTF-8", None),
    ("unknown_refs.yaml", "5:14: warning: catalyst 'refs' names theme 'no-such-theme'", None),
    ("unknown_refs.yaml", "6:14: warning: catalyst 'refs' names stock 600000", None),
]


@pytest.mark.parametrize(("name", "located", "hint"), CASES)
def test_each_broken_case_is_reported_with_its_position(capsys, name, located, hint):
    code, lines, _ = run(capsys, str(BROKEN / name))
    path = str(BROKEN / name)
    match = [line for line in lines if line.startswith(f"{path}:{located}")]
    assert match, lines
    if hint:
        assert hint in match[0]
    assert code == (0 if "warning" in located else 1)


def test_the_shipped_files_are_valid(capsys):
    code, lines, err = run(capsys)
    assert code == 0 and lines == []
    assert "1 theme(s), 34 stock(s), 17 catalyst(s); 0 error(s), 0 warning(s)" in err


def test_strict_turns_warnings_into_failure(capsys):
    code, _, _ = run(capsys, "--strict", str(BROKEN / "unknown_refs.yaml"))
    assert code == 1


def test_missing_path_is_a_usage_error(capsys):
    code, _, err = run(capsys, "/no/such/file.yaml")
    assert code == 2 and "no such file or directory" in err


def test_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--frobnicate"])
    assert exc.value.code == 2


def test_json_output_lists_every_diagnostic(capsys):
    code = main(["validate", "--format", "json", str(BROKEN / "bad_code.yaml")])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["valid"] is False and report["errors"] == 3
    assert {d["line"] for d in report["diagnostics"]} == {4, 6, 8}


def test_a_broken_file_does_not_stop_the_others(tmp_path: Path):
    shutil.copy(WATCHLISTS / "compute-power.yaml", tmp_path / "a.yaml")
    shutil.copy(BROKEN / "syntax_error.yaml", tmp_path / "b.yaml")
    shutil.copy(BROKEN / "unquoted_code.yaml", tmp_path / "c.yaml")
    project = load_project(tmp_path, CATALYSTS)
    assert [t.id for t in project.themes] == ["compute-power", "unquoted-code"]
    # The unquoted stock is dropped; its quoted neighbour still loads.
    assert [s.code for s in project.themes[1].stocks] == ["300133"]
    assert len(project.themes[0].stocks) == 34
    assert {d.path.name for d in project.errors} == {"b.yaml", "c.yaml"}


def test_bad_catalysts_are_dropped_and_good_ones_load():
    project = load_files([], catalyst_paths=[BROKEN / "impossible_date.yaml"])
    assert [c.id for c in project.catalysts] == ["good-one"]


def test_huge_file_is_refused(tmp_path: Path):
    big = tmp_path / "huge.yaml"
    big.write_text("id: huge\nname: x\nnotes: \"" + "a" * (MAX_BYTES + 10) + "\"\n", encoding="utf-8")
    project = load_files([big])
    assert project.themes == []
    assert "over the" in project.errors[0].message and project.errors[0].line == 1


def test_deep_nesting_is_refused(tmp_path: Path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("id: deep\nname: x\nnotes: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", encoding="utf-8")
    project = load_files([deep])
    assert "nesting deeper than" in project.errors[0].message


def test_billion_laughs_aliases_are_refused(tmp_path: Path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text('a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n', encoding="utf-8")
    project = load_files([bomb])
    assert "anchors" in project.errors[0].message


def test_python_tags_never_construct_objects(tmp_path: Path):
    evil = tmp_path / "evil.yaml"
    evil.write_text("id: evil\nname: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    project = load_files([evil])
    assert project.themes == [] and "not allowed" in project.errors[0].message


def test_validate_directory_and_file_arguments(capsys, tmp_path: Path):
    shutil.copy(WATCHLISTS / "compute-power.yaml", tmp_path / "a.yaml")
    code, lines, err = run(capsys, str(tmp_path), str(CATALYSTS))
    assert code == 0 and lines == [] and "2 file(s)" in err
