"""Every UI label exists in both languages, and every label is used somewhere in the code.

A key counts as used when the code holds it as a string, or builds it: an expression that is
exactly a prefix ending in "." or "_" plus something (``"tab." + name``, ``f"bench.{code}"``) uses
every key with that prefix whose rest is itself a string of the code, or the end of one after
a dash (``connection="online"`` gives ``status.online``; ``"tab-board"`` gives ``tab.board``).
New keys pass as soon as the code uses them either way; a key nothing could produce fails.
"""

from __future__ import annotations

import ast
from functools import cache

from tests.conftest import ROOT
from tui.ui.i18n import LABELS

I18N = ROOT / "tui" / "ui" / "i18n.py"


@cache
def code_strings() -> tuple[set[str], set[str]]:
    """(every string constant of tui/ outside i18n.py, the dynamic key prefixes)."""
    strings: set[str] = set()
    prefixes: set[str] = set()
    for path in (ROOT / "tui").rglob("*.py"):
        if path == I18N:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                left = node.left
                if isinstance(left, ast.Constant) and isinstance(left.value, str) and left.value.endswith((".", "_")):
                    prefixes.add(left.value)
            elif isinstance(node, ast.JoinedStr) and len(node.values) == 2:
                first, second = node.values[0], node.values[1]
                if isinstance(first, ast.Constant) and isinstance(second, ast.FormattedValue) and str(first.value).endswith((".", "_")):
                    prefixes.add(str(first.value))
    return strings, prefixes


def is_used(key: str) -> bool:
    strings, prefixes = code_strings()
    if key in strings:
        return True
    for prefix in prefixes:
        if key.startswith(prefix):
            rest = key[len(prefix):]
            if rest in strings or any(s.endswith("-" + rest) for s in strings):
                return True
    return False


def test_every_key_exists_in_both_languages():
    zh, en = set(LABELS["zh"]), set(LABELS["en"])
    assert not zh - en, f"only in Chinese: {sorted(zh - en)}"
    assert not en - zh, f"only in English: {sorted(en - zh)}"
    assert all(LABELS["zh"][k].strip() and LABELS["en"][k].strip() for k in zh), "an empty label"


def test_no_label_is_unused():
    unused = sorted(k for k in LABELS["zh"] if not is_used(k))
    assert not unused, f"labels no code uses (delete them, or use them): {unused}"


def test_the_rule_sees_built_keys_and_rejects_made_up_ones():
    _, prefixes = code_strings()
    assert {"tab.", "bench.", "status."} <= prefixes
    assert is_used("tab.board") and is_used("status.online") and is_used("bench.sh000300")
    assert is_used("detail.basis_quote")  # "detail.basis_" + basis, the board's "quote"
    assert not is_used("tab.no_such_tab_anywhere") and not is_used("quotes.never_shown_anywhere")
