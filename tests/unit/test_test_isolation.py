"""The test suite's own guarantees: never the user's working-tree files."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import CATALYSTS, ROOT, SHIPPED, WATCHLISTS


def test_tests_read_copies_of_the_shipped_files_not_the_working_tree():
    assert WATCHLISTS.is_relative_to(SHIPPED) and CATALYSTS.is_relative_to(SHIPPED)
    assert Path.cwd() != ROOT  # the CLI's default paths are a test's own copies
    assert (Path.cwd() / "watchlists" / "compute-power.yaml").read_bytes() == (WATCHLISTS / "compute-power.yaml").read_bytes()


def _committed(path: str) -> bytes | None:
    try:
        return subprocess.run(["git", "show", f"HEAD:{path}"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


@pytest.mark.parametrize("name", ["catalysts.yaml", *sorted(f"watchlists/{p.name}" for p in WATCHLISTS.glob("*.yaml"))])
def test_the_fixture_copies_equal_the_committed_shipped_files(name):
    """Not the working tree's (a user edits those): the committed version. When the shipped
    files change, copy them to tests/fixtures/shipped/ in the same commit."""
    committed = _committed(name)
    if committed is None:
        pytest.skip("not a git checkout")
    assert (SHIPPED / name).read_bytes() == committed, f"tests/fixtures/shipped/{name} differs from the committed {name}"
