"""Edit alerts.yaml without destroying it: the project's comment-preserving editor
(tui.config.editing / splice / atomic) applied to the rules file.

Every edit is validated with the rules model first, changes only its own lines (comments and
layout survive), is written atomically with the previous version kept in ``.backup/``, is refused if
the file changed on disk since it was loaded, and is undone if the written file no longer
loads as well as before.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from tui.alerts.rules import Rule, load_rules
from tui.config.editing import UNSET, EditError, EditResult, YamlFileEditor, _check_model
from tui.config.splice import Splicer

RULE_ORDER = ("id", "stock", "theme", "when", "value", "ratio", "min", "days", "enabled", "note")
EDITABLE = RULE_ORDER[1:]
_NEW_FILE = "# Alert rules (theme-tracker alerts check). See the README, section Alerts.\nrules:\n"


def _item(fields: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key in RULE_ORDER:
        value = fields.get(key)
        if value is None:
            continue
        out[key] = DoubleQuotedScalarString(value) if key == "stock" else value
    return out


class AlertsEditor(YamlFileEditor):
    """The alert rules file."""

    kind = "alerts"

    def __init__(self, path: Path | str, *, backups: bool = True, create: bool = False) -> None:
        path = Path(path)
        if create and not path.exists():
            from tui.config import atomic

            atomic.atomic_write(path, _NEW_FILE.encode("utf-8"))
        super().__init__(path, backups=backups)

    def _check_shape(self) -> None:
        if not isinstance(self.data, dict) or "rules" not in self.data:
            raise EditError(f"{self.path}: not an alerts file (a mapping with a 'rules:' list)")
        if self.data["rules"] is not None and not isinstance(self.data["rules"], list):
            raise EditError(f"{self.path}: rules: expected a list; fix it first (theme-tracker alerts validate)")

    def _errors_of(self, path: Path) -> Counter[str]:
        import re

        return Counter(re.sub(r"\bline \d+", "line N", d.message) for d in load_rules(path).errors)

    def rules(self) -> list[dict[str, Any]]:
        return [r if isinstance(r, dict) else {} for r in (self.data.get("rules") or [])]

    def _index(self, rule_id: str) -> int:
        for i, r in enumerate(self.rules()):
            if r.get("id") == rule_id:
                return i
        raise EditError(f"no rule {rule_id!r} in {self.path}")

    def add_rule(self, id: str, *, when: str, stock: str | None = None, theme: str | None = None,
                 value: float | None = None, ratio: float | None = None, min: int | None = None,
                 days: int | None = None, enabled: bool | None = None, note: str | None = None) -> EditResult:  # fmt: skip
        """Add a rule at the end of the file."""
        sp = self._splicer()
        if any(r.get("id") == id for r in self.rules()):
            raise EditError(f"rule {id!r} already exists in {self.path}")
        fields = {"id": id, "stock": stock, "theme": theme, "when": when, "value": value, "ratio": ratio,
                  "min": min, "days": days, "enabled": enabled, "note": note}  # fmt: skip
        item = _item(fields)
        _check_model(Rule, dict(item), f"rule {id}")
        sp.insert_item(("rules",), len(self.rules()), item)
        return self._commit(sp, f"added rule {id} ({self.path})")

    def update_rule(self, rule_id: str, **changes: Any) -> EditResult:
        """Change fields of a rule (None removes the field; UNSET leaves it)."""
        changes = {k: v for k, v in changes.items() if v is not UNSET}
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise EditError(f"cannot edit {', '.join(sorted(unknown))} of a rule; editable: {', '.join(EDITABLE)}")
        sp: Splicer = self._splicer()
        index = self._index(rule_id)
        current = dict(self.rules()[index])
        for k, v in changes.items():
            if v is None:
                current.pop(k, None)
            else:
                current[k] = v
        _check_model(Rule, current, f"rule {rule_id}")
        for k, v in changes.items():
            if v is None:
                sp.delete_key(("rules", index), k)
            else:
                sp.set_value(("rules", index), k, DoubleQuotedScalarString(v) if k == "stock" else v, order=RULE_ORDER)
        return self._commit(sp, f"updated {', '.join(changes) or 'nothing'} of rule {rule_id} ({self.path})")

    def set_enabled(self, rule_id: str, enabled: bool) -> EditResult:
        """Switch a rule off (``enabled: false``) or back on (the key is removed: on is the default)."""
        return self.update_rule(rule_id, enabled=None if enabled else False)

    def remove_rule(self, rule_id: str) -> EditResult:
        sp = self._splicer()
        sp.delete_item(("rules",), self._index(rule_id))
        return self._commit(sp, f"removed rule {rule_id} ({self.path})")
