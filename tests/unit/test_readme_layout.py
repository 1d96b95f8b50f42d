"""The README's layout section lists every folder of the tree, one line each, and no other."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import ROOT

#: Folders the layout leaves out: generated or nested data of a listed folder.
NOT_LISTED = ("tests/ui/__snapshots__", "tests/fixtures/broken", "tests/fixtures/editing", "tests/fixtures/shipped/", "tui/data")


def layout_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Layout", 1)[1]
    block = section.split("```", 2)[1]
    return [line for line in block.splitlines() if line.strip()]


def tree_folders() -> set[str]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    folders = {f.rsplit("/", 1)[0] for f in files if "/" in f}
    return {f for f in folders if not f.startswith(NOT_LISTED) or f == "tui/data/sample"}


def test_every_folder_has_one_line_and_every_line_is_a_folder():
    listed = [re.match(r"(\S+)/\s", line).group(1) for line in layout_lines()]
    assert len(listed) == len(set(listed)), "a folder listed twice"
    assert set(listed) == tree_folders(), (sorted(tree_folders() - set(listed)), sorted(set(listed) - tree_folders()))
