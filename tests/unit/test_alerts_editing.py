"""alerts.yaml edited through the comment-preserving editor."""

from __future__ import annotations

import pytest

from tui.alerts.editing import AlertsEditor
from tui.alerts.rules import load_rules
from tui.config.editing import ConflictError, EditError

ORIGINAL = """# my alerts
rules:
  # the issue's minimal form
  - id: theme-limit-up
    theme: compute-power
    when: limit_up   # keep this comment
"""


def test_add_disable_and_remove_keep_comments_and_bytes(tmp_path):
    path = tmp_path / "alerts.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    editor = AlertsEditor(path)
    editor.add_rule("dawei-7", stock="600589", when="price_above", value=7.5)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(ORIGINAL) and 'stock: "600589"' in text and "value: 7.5" in text
    assert (tmp_path / ".backup" / "alerts.yaml").read_text(encoding="utf-8") == ORIGINAL
    editor.set_enabled("theme-limit-up", False)
    rules = load_rules(path)
    assert [r.enabled for r in rules.rules] == [False, True] and "# keep this comment" in path.read_text(encoding="utf-8")
    editor.set_enabled("theme-limit-up", True)
    editor.remove_rule("dawei-7")
    assert path.read_text(encoding="utf-8") == ORIGINAL


def test_invalid_edits_are_refused_and_write_nothing(tmp_path):
    path = tmp_path / "alerts.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    editor = AlertsEditor(path)
    with pytest.raises(EditError, match="needs min"):
        editor.add_rule("s", theme="all", when="streak")
    with pytest.raises(EditError, match="already exists"):
        editor.add_rule("theme-limit-up", theme="all", when="limit_up")
    with pytest.raises(EditError, match="not used"):
        editor.update_rule("theme-limit-up", value=3)
    assert path.read_text(encoding="utf-8") == ORIGINAL
    path.write_text(ORIGINAL + "  - id: x\n    theme: all\n    when: limit_down\n", encoding="utf-8")
    with pytest.raises(ConflictError):
        editor.remove_rule("theme-limit-up")


def test_a_new_file_can_be_created(tmp_path):
    editor = AlertsEditor(tmp_path / "alerts.yaml", create=True)
    editor.add_rule("theme-limit-up", theme="compute-power", when="limit_up")
    assert [r.id for r in load_rules(tmp_path / "alerts.yaml").rules] == ["theme-limit-up"]
