"""The first paint's fast path: the validated Project cached by file stamps (tui.config.project_cache)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import BROKEN, CATALYSTS, WATCHLISTS
from tui.config import loader, project_cache
from tui.config.project_cache import cache_path, load_project_cached


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    watchlists = tmp_path / "watchlists"
    shutil.copytree(WATCHLISTS, watchlists)
    catalysts = tmp_path / "catalysts.yaml"
    shutil.copy(CATALYSTS, catalysts)
    return watchlists, catalysts, tmp_path / "data"


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Counts the times the files were really loaded and validated."""
    calls: list[Path] = []
    real = loader.load_project

    def counting(watchlists, catalysts):
        calls.append(watchlists)
        return real(watchlists, catalysts)

    monkeypatch.setattr(project_cache, "load_project", counting)
    return calls


def test_unchanged_files_load_from_the_cache_equal_to_a_fresh_load(files, validations):
    watchlists, catalysts, data = files
    first = load_project_cached(watchlists, catalysts, data)
    second = load_project_cached(watchlists, catalysts, data)
    assert len(validations) == 1
    fresh = loader.load_project(watchlists, catalysts)
    assert second.themes == fresh.themes and second.catalysts == fresh.catalysts
    assert [str(d) for d in second.diagnostics] == [str(d) for d in fresh.diagnostics]
    assert second.theme_files == fresh.theme_files and first.listed_codes() == second.listed_codes()
    assert os.stat(cache_path(data, watchlists, catalysts)).st_mode & 0o777 == 0o600


def test_an_edited_added_or_removed_file_is_validated_again(files, validations):
    watchlists, catalysts, data = files
    load_project_cached(watchlists, catalysts, data)
    theme = next(watchlists.glob("*.yaml"))
    theme.write_text(theme.read_text(encoding="utf-8").replace("name:", "name: ", 1) + "\n", encoding="utf-8")
    load_project_cached(watchlists, catalysts, data)
    shutil.copy(BROKEN / "bad_code.yaml", watchlists / "zz-bad.yaml")
    project = load_project_cached(watchlists, catalysts, data)
    assert any(Path(d.path).name == "zz-bad.yaml" for d in project.errors)  # errors come back too
    (watchlists / "zz-bad.yaml").unlink()
    load_project_cached(watchlists, catalysts, data)
    assert len(validations) == 4


def test_a_broken_or_foreign_cache_file_is_ignored(files, validations):
    watchlists, catalysts, data = files
    load_project_cached(watchlists, catalysts, data)
    path = cache_path(data, watchlists, catalysts)
    path.write_bytes(b"not a pickle")
    assert load_project_cached(watchlists, catalysts, data).themes
    assert len(validations) == 2
    path.chmod(0o666)  # writable by others: never unpickled
    assert load_project_cached(watchlists, catalysts, data).themes
    assert len(validations) == 3


def test_an_unwritable_data_directory_only_costs_speed(files, validations, tmp_path):
    watchlists, catalysts, _ = files
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    assert load_project_cached(watchlists, catalysts, blocker / "data").themes
    assert load_project_cached(watchlists, catalysts, blocker / "data").themes
    assert len(validations) == 2
