"""The layer order, read from the code: every import of every module of ``tui`` (at module
level, inside functions, and under ``TYPE_CHECKING``) is collected with an AST walk, then:

* imports run only down the layers
  foundations <- config/sources/store <- analytics/alerts <- views/jobs/export <- commands/ui <- cli
  (alerts' quiet hours, pure time arithmetic that the settings check, sit with the foundations);
* no headless module (everything outside ``tui.ui``, and the ``app`` command that opens it) can
  reach Textual, even through an import inside a function;
* the first paint's modules import no data stack at module level, importing a command or the
  store never imports akshare, and validating never reaches it;
* outside the UI, module-level imports (a submodule importing its package included) have no
  cycle, so background threads importing at once cannot deadlock; and they do not, even
  started together (the proof that the app needs no import lock of its own).

This replaces the subprocess checks that imported one module at a time: a lazy import inside a
function was invisible to them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "tui"

#: Layers, lowest first. A module may import its own layer and those below it.
#: A module is placed by its longest matching prefix.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("tui.__init__", "tui.errors", "tui.paths", "tui.formats", "tui.domain", "tui.alerts.quiet"),
    ("tui.settings", "tui.config", "tui.sources", "tui.store"),
    ("tui.analytics", "tui.alerts", "tui.inbox"),
    ("tui.views", "tui.jobs", "tui.export"),
    ("tui.context", "tui.commands", "tui.ui"),
    ("tui.cli", "tui.__main__"),
)
#: Third-party packages that are (or pull in) Textual.
TEXTUAL = {"textual", "textual_plot", "textual_hires_canvas"}
#: Modules that may reach Textual: the UI and the command that starts it.
UI_PREFIXES = ("tui.ui", "tui.commands.app")
#: The heavy data stack: never imported at module level by what the first paint imports.
DATA_STACK = {"pandas", "numpy", "akshare", "exchange_calendars", "sqlite_utils"}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    #: "top" (runs on import), "lazy" (inside a function), "typing" (TYPE_CHECKING only).
    kind: str
    line: int


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1]) if parts[-1] == "__init__" else ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(module: str, node: ast.Import | ast.ImportFrom, is_package: bool) -> Iterable[str]:
    known = modules()
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    base = node.module or ""
    if node.level:
        anchor = module.split(".") if is_package else module.split(".")[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, *([base] if base else [])])
    yield base
    for alias in node.names:
        if f"{base}.{alias.name}" in known:  # `from package import submodule`
            yield f"{base}.{alias.name}"


@cache
def edges() -> tuple[Edge, ...]:
    found: list[Edge] = []
    for module, path in modules().items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

        def walk(node: ast.AST, kind: str) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    found.extend(Edge(module, t, kind, child.lineno) for t in _targets(module, child, is_package))
                elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                    walk(child, "lazy" if kind == "top" else kind)
                elif isinstance(child, ast.If) and _is_type_checking(child.test):
                    for stmt in child.body:
                        walk(ast.Module(body=[stmt], type_ignores=[]), "typing")
                    for stmt in child.orelse:
                        walk(ast.Module(body=[stmt], type_ignores=[]), kind)
                else:
                    walk(child, kind)

        walk(tree, "top")
    return tuple(found)


def _ours(name: str) -> str | None:
    """The module of ours that importing ``name`` loads (None for third-party)."""
    known = modules()
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def layer_of(module: str) -> int:
    best, rank = "", None
    key = "tui.__init__" if module == "tui" else module
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (key == prefix or key.startswith(prefix + ".")) and len(prefix) > len(best):
                best, rank = prefix, i
    assert rank is not None, f"{module} is in no layer: add it to LAYERS"
    return rank


def graph(kinds: set[str], *, parents: bool = True) -> dict[str, set[str]]:
    """module -> what importing it loads (modules of ours, third-party top-level names)."""
    out: dict[str, set[str]] = {m: set() for m in modules()}
    for e in edges():
        if e.kind not in kinds:
            continue
        target = _ours(e.target)
        if target is None:
            out[e.source].add(e.target.split(".")[0])
        elif target != e.source:
            out[e.source].add(target)
            if parents:
                out[e.source].update(p for p in _parents(target) if p != e.source)
    if parents:
        for m in modules():
            out[m].update(_parents(m))
    return out


def reach(start: str, g: dict[str, set[str]]) -> dict[str, str]:
    """Everything ``start`` reaches in ``g``: name -> the module it was reached from."""
    seen = {start: start}
    stack = [start]
    while stack:
        here = stack.pop()
        for nxt in g.get(here, ()):
            if nxt not in seen:
                seen[nxt] = here
                stack.append(nxt)
    return seen


def path_to(target: str, seen: dict[str, str]) -> str:
    chain = [target]
    while seen[chain[-1]] != chain[-1]:
        chain.append(seen[chain[-1]])
    return " -> ".join(reversed(chain))


def test_the_walk_sees_imports_inside_functions_and_type_checking_blocks():
    kinds = {(e.source, e.target): e.kind for e in edges()}
    assert kinds[("tui.commands.app", "tui.ui.app")] == "lazy"
    assert kinds[("tui.views.theme_index", "tui.analytics.theme_index")] == "lazy"
    assert kinds[("tui.ui.widgets.theme_index_pane", "tui.ui.widgets.price_chart")] in {"typing", "lazy"}
    assert kinds[("tui.store.store", "tui.store.frames")] == "top"
    assert len(modules()) > 80


def test_every_module_sits_in_a_layer_and_imports_only_down():
    wrong = []
    for e in edges():
        target = _ours(e.target)
        if target is None or target == e.source:
            continue
        if layer_of(target) > layer_of(e.source):
            wrong.append(f"{modules()[e.source].relative_to(ROOT)}:{e.line}: {e.source} ({e.kind}) imports {target}")
    assert not wrong, "imports running up the layers:\n" + "\n".join(wrong)


def test_the_data_layer_knows_nothing_of_the_ui_and_the_yaml_layer_nothing_of_the_store():
    for e in edges():
        target = _ours(e.target) or e.target
        if not e.source.startswith(UI_PREFIXES):
            assert not target.startswith("tui.ui"), f"{e.source} imports {target}"
        if e.source.startswith("tui.config"):
            assert not target.startswith(("tui.store", "tui.sources")), f"{e.source} imports {target}"
        if e.source.startswith("tui.analytics"):
            assert not target.startswith(("tui.store", "tui.sources", "tui.config")), f"{e.source} imports {target}"


def test_no_headless_module_can_reach_textual_even_through_lazy_imports():
    g = graph({"top", "lazy"})
    headless = [m for m in modules() if not m.startswith(UI_PREFIXES)]
    assert "tui.cli" in headless and "tui.commands.refresh" in headless
    for module in headless:
        seen = reach(module, g)
        bad = sorted(TEXTUAL & set(seen))
        assert not bad, f"{module} reaches Textual: {path_to(bad[0], seen)}"


def test_every_headless_command_is_checked():
    from tui.commands import COMMAND_MODULES

    g = graph({"top", "lazy"})
    for command in COMMAND_MODULES:
        seen = reach(command, g)
        if command == "tui.commands.app":
            assert "textual" in seen  # the walk follows the lazy import that opens the app
        else:
            assert not TEXTUAL & set(seen), f"{command}: {path_to(sorted(TEXTUAL & set(seen))[0], seen)}"


def test_validating_never_reaches_akshare_and_importing_a_command_never_imports_it():
    lazy = graph({"top", "lazy"})
    top = graph({"top"})
    seen = reach("tui.commands.validate", lazy)
    assert "akshare" not in seen, path_to("akshare", seen)
    for module in modules():
        if module == "tui.sources.akshare_source":
            continue  # imports akshare on first fetch, inside its functions
        seen = reach(module, top)
        assert not {"akshare", "requests"} & set(seen), f"{module} imports akshare at import time"


@pytest.mark.parametrize(
    "module",
    [
        "tui.ui.app",
        "tui.ui.widgets.catalysts_pane",
        "tui.ui.widgets.theme_index_pane",
        "tui.ui.widgets.board_pane",
        "tui.domain.calendar",
        "tui.config.loader",
    ],
)
def test_what_the_first_paint_imports_loads_no_data_stack(module):
    seen = reach(module, graph({"top"}))
    heavy = sorted((DATA_STACK | {"tui.store.store"}) & set(seen))
    assert not heavy, f"{module} imports {heavy[0]} at start-up: {path_to(heavy[0], seen)}"


def test_no_import_cycle_outside_the_ui():
    """A cycle through a package (``tui.store`` importing ``tui.store.store``, which imported
    ``tui.store``) lets two threads importing at once deadlock on Python's module locks."""
    g = graph({"top"})
    headless = {m for m in modules() if not m.startswith("tui.ui")}
    sub = {m: {t for t in g[m] if t in headless} for m in headless}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in sorted(sub[m]):
            if state.get(t) == 1:
                cycle = stack[stack.index(t):] + [t]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(headless):
        if m not in state:
            visit(m)


#: What the app's background threads import first, each on its own.
BACKGROUND_IMPORTS = [
    "tui.store",
    "tui.store.store",
    "tui.store.readers",
    "tui.analytics",
    "tui.analytics.board",
    "tui.analytics.theme_index",
    "tui.analytics.event_study",
    "tui.sources.calls",
    "tui.jobs.refresh",
    "tui.jobs.app_jobs",
    "tui.views.theme_index",
    "tui.views.price",
    "tui.views.catalyst_reaction",
    "tui.domain.calendar",
    "exchange_calendars",
    "pandas",
]

CONCURRENT_IMPORT = """
import sys, threading
names = sys.argv[1:]
barrier = threading.Barrier(len(names))
errors = []
def load(name):
    barrier.wait()
    try:
        __import__(name)
        if name == "tui.store":
            from tui.store import Store  # noqa: F401
        if name == "tui.analytics":
            from tui.analytics import event_study_windows  # noqa: F401
    except BaseException as exc:
        errors.append(f"{name}: {type(exc).__name__}: {exc}")
threads = [threading.Thread(target=load, args=(n,)) for n in names]
for t in threads: t.start()
for t in threads: t.join()
print("\\n".join(errors))
sys.exit(1 if errors else 0)
"""


@pytest.mark.parametrize("attempt", range(3))
def test_background_threads_can_import_the_data_stack_at_once_without_a_lock(attempt):
    """Before tui.store lost its cycle this failed most runs with "deadlock detected by
    _ModuleLock('tui.store.store')"; the app then needed a hand-kept import lock."""
    order = BACKGROUND_IMPORTS[attempt:] + BACKGROUND_IMPORTS[:attempt]
    result = subprocess.run(
        [sys.executable, "-c", CONCURRENT_IMPORT, *order], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
