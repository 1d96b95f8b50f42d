"""Keep the last valid version of a file that became invalid."""

import shutil
from pathlib import Path

from tests.conftest import CATALYSTS, WATCHLISTS
from tui.config.loader import load_project
from tui.config.reload import file_stamps, keep_last_valid


def setup(tmp_path: Path) -> tuple[Path, Path]:
    lists = tmp_path / "lists"
    lists.mkdir()
    shutil.copy(WATCHLISTS / "compute-power.yaml", lists / "compute-power.yaml")
    (lists / "b.yaml").write_text('id: b\nname: B\nstocks:\n  - code: "300133"\n    name: 华策影视\n', encoding="utf-8")
    cat = tmp_path / "catalysts.yaml"
    shutil.copy(CATALYSTS, cat)
    return lists, cat


def test_broken_theme_file_keeps_its_last_valid_content(tmp_path):
    lists, cat = setup(tmp_path)
    old = load_project(lists, cat)
    (lists / "b.yaml").write_text('id: b\nname: B\nstocks:\n  - code: 300133\n    name: 华策影视\n', encoding="utf-8")
    new = load_project(lists, cat)
    outcome = keep_last_valid(old, new, cat)
    assert [t.id for t in outcome.project.themes] == ["b", "compute-power"]
    assert [s.code for s in outcome.project.theme("b").stocks] == ["300133"]  # the old, valid version
    assert outcome.kept_last_valid == [lists / "b.yaml"]
    assert any(d.line == 4 and "not quoted" in d.message for d in outcome.project.errors)


def test_valid_edits_and_new_files_are_taken(tmp_path):
    lists, cat = setup(tmp_path)
    old = load_project(lists, cat)
    (lists / "b.yaml").write_text('id: b\nname: B2\nstocks: []\n', encoding="utf-8")
    (lists / "c.yaml").write_text('id: c\nname: C\n', encoding="utf-8")
    outcome = keep_last_valid(old, load_project(lists, cat), cat)
    assert outcome.project.theme("b").name == "B2" and outcome.project.theme("c") is not None
    assert outcome.kept_last_valid == []


def test_broken_calendar_keeps_the_old_catalysts(tmp_path):
    lists, cat = setup(tmp_path)
    old = load_project(lists, cat)
    cat.write_text(cat.read_text(encoding="utf-8") + "  - id: [broken\n", encoding="utf-8")
    outcome = keep_last_valid(old, load_project(lists, cat), cat)
    assert len(outcome.project.catalysts) == 17 and outcome.kept_last_valid == [cat]


def test_file_stamps_change_on_write_and_on_new_files(tmp_path):
    lists, cat = setup(tmp_path)
    before = file_stamps(lists, cat)
    (lists / "b.yaml").write_text("id: b\nname: changed\n", encoding="utf-8")
    assert file_stamps(lists, cat) != before
    before = file_stamps(lists, cat)
    (lists / "d.yaml").write_text("id: d\nname: D\n", encoding="utf-8")
    assert set(file_stamps(lists, cat)) - set(before) == {lists / "d.yaml"}


def test_cross_file_checks_use_the_last_valid_version_that_is_shown(tmp_path):
    """A watchlist briefly invalid (mid-edit) keeps showing its themes; the catalysts naming
    them must not be reported as naming a theme no watchlist defines (34 false warnings)."""
    lists, cat = setup(tmp_path)
    text = cat.read_text(encoding="utf-8")
    cat.write_text(text.replace("themes: [compute-power]", "themes: [compute-power, nope]", 1), encoding="utf-8")
    old = load_project(lists, cat)
    real = [d for d in old.warnings if "which no watchlist defines" in d.message]
    assert len(real) == 1 and "'nope'" in real[0].message
    broken = (lists / "compute-power.yaml").read_text(encoding="utf-8") + "stocks: [unclosed\n"
    (lists / "compute-power.yaml").write_text(broken, encoding="utf-8")
    new = load_project(lists, cat)
    assert new.theme("compute-power") is None
    assert len([d for d in new.warnings if "'compute-power'" in d.message]) > 10  # what the reload must not show
    outcome = keep_last_valid(old, new, cat)
    project = outcome.project
    assert project.theme("compute-power") is not None and outcome.kept_last_valid == [lists / "compute-power.yaml"]
    assert [d.message for d in project.warnings] == [d.message for d in old.warnings]
    assert [(d.path, d.line, d.col) for d in project.warnings] == [(d.path, d.line, d.col) for d in old.warnings]
    assert len(project.errors) == len(new.errors) >= 1  # the file's own error is still listed


def test_a_broken_calendar_is_checked_as_kept(tmp_path):
    lists, cat = setup(tmp_path)
    old = load_project(lists, cat)
    (lists / "b.yaml").unlink()  # and a theme goes: the kept catalysts are checked against the rest
    cat.write_text(cat.read_text(encoding="utf-8") + "  - id: [broken\n", encoding="utf-8")
    outcome = keep_last_valid(old, load_project(lists, cat), cat)
    assert outcome.kept_last_valid == [cat] and outcome.project.catalysts == old.catalysts
    assert not [d for d in outcome.project.warnings if "which no watchlist defines" in d.message]
