"""Every third-party package the code imports is declared in pyproject.toml (the app's in the
dependencies, the tests' and benchmarks' in the test extra too)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-") for r in requirements}


def _imports(paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    local = {"tui", "tests", "bench_app"}
    return {m for m in found if m not in sys.stdlib_module_names and m not in local}


def _undeclared(modules: set[str], declared: set[str]) -> list[str]:
    dists = packages_distributions()
    missing = []
    for module in sorted(modules):
        provided_by = {d.lower().replace("_", "-").replace(".", "-") for d in dists.get(module, [module])}
        if not provided_by & declared:
            missing.append(f"{module} (from {', '.join(sorted(provided_by))})")
    return missing


def test_the_app_declares_what_it_imports():
    declared = _names(PYPROJECT["project"]["dependencies"])
    used = _imports(sorted((ROOT / "tui").rglob("*.py")))
    assert {"numpy", "rich", "requests", "pandas"} <= used
    assert not _undeclared(used, declared), _undeclared(used, declared)


def test_the_tests_and_benchmarks_declare_what_they_import():
    declared = _names(PYPROJECT["project"]["dependencies"]) | _names(PYPROJECT["project"]["optional-dependencies"]["test"])
    used = _imports(sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "benchmarks").rglob("*.py")))
    assert not _undeclared(used, declared), _undeclared(used, declared)
