"""The alert rules file (alerts.yaml): the model and a tolerant loader.

A rule has an id, a scope (``stock: "600589"``, ``theme: compute-power`` or ``theme: all``)
and one condition (``when``), with the parameter that condition takes::

    rules:
      - id: theme-limit-up
        theme: compute-power
        when: limit_up

Loading follows the watchlists' rules: every problem is a located diagnostic
(``file:line:col``), a bad rule is dropped and the others still load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tui.config.diagnostics import Diagnostic, Severity
from tui.config.validation import validate_item
from tui.config.yaml_reader import YamlDocument, YamlReadError, read_yaml
from tui.domain.codes import parse_code

ALL_THEMES = "all"

#: Stock conditions: evaluated per stock of the scope on the session's figures.
STOCK_CONDITIONS = (
    "price_above", "price_below", "change_pct_above", "change_pct_below",
    "amount_surge", "volume_surge", "limit_up", "limit_down", "broken", "streak",
)  # fmt: skip
#: Theme conditions: one verdict per theme of the scope.
THEME_CONDITIONS = ("theme_limit_ups", "theme_vs_benchmark")
#: Calendar and file conditions: catalysts, indicators, the inbox.
CATALYST_CONDITIONS = ("catalyst_due", "catalyst_overdue")
INDICATOR_CONDITIONS = ("indicator_stale", "indicator_off_track", "indicator_new_reading")
INBOX_CONDITIONS = ("inbox_item",)
CONDITIONS = STOCK_CONDITIONS + THEME_CONDITIONS + CATALYST_CONDITIONS + INDICATOR_CONDITIONS + INBOX_CONDITIONS
#: Conditions that read market data (and so obey the bad-data guards).
MARKET_CONDITIONS = STOCK_CONDITIONS + THEME_CONDITIONS

When = Literal[
    "price_above", "price_below", "change_pct_above", "change_pct_below",
    "amount_surge", "volume_surge", "limit_up", "limit_down", "broken", "streak",
    "theme_limit_ups", "theme_vs_benchmark", "catalyst_due", "catalyst_overdue",
    "indicator_stale", "indicator_off_track", "indicator_new_reading", "inbox_item",
]  # fmt: skip

#: The parameter each condition needs (required unless it has a default below).
PARAMS: dict[str, str | None] = {
    "price_above": "value", "price_below": "value", "change_pct_above": "value",
    "change_pct_below": "value", "amount_surge": "ratio", "volume_surge": "ratio",
    "limit_up": None, "limit_down": None, "broken": None, "streak": "min",
    "theme_limit_ups": "min", "theme_vs_benchmark": "value", "catalyst_due": "days",
    "catalyst_overdue": None, "indicator_stale": None, "indicator_off_track": None,
    "indicator_new_reading": "days", "inbox_item": None,
}  # fmt: skip
PARAM_DEFAULTS: dict[str, Any] = {"indicator_new_reading": 7}
_PARAM_HELP = {
    "value": "a number (a price in yuan, a 涨跌幅 or a theme's excess move in %)",
    "ratio": "how many times the 20-session average, e.g. 3",
    "min": "a whole number",
    "days": "a number of trading days (calendar days for indicator_new_reading)",
}


class Rule(BaseModel):
    """One alert rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    stock: str | None = None
    theme: str | None = None
    when: When
    value: float | None = None
    ratio: float | None = Field(default=None, gt=0)
    min: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=0, le=366)
    enabled: bool = True
    note: str | None = None

    @field_validator("stock", mode="before")
    @classmethod
    def _code(cls, value: object) -> object:
        if value is None:
            return None
        if isinstance(value, bool) or isinstance(value, (int, float)):
            raise ValueError(f"stock was read as the number {value!r} because it is not quoted; write it in quotes")
        parse_code(str(value))
        return value

    @model_validator(mode="after")
    def _shape(self) -> Rule:
        if (self.stock is None) == (self.theme is None):
            raise ValueError('a rule needs exactly one scope: stock: "600589", theme: <theme id> or theme: all')
        if self.stock is not None and self.when in THEME_CONDITIONS:
            raise ValueError(f"when: {self.when} is about a theme; give theme: <id> or theme: all, not stock")
        needed = PARAMS[self.when]
        for name in ("value", "ratio", "min", "days"):
            if getattr(self, name) is not None and name != needed:
                what = f"takes {needed}" if needed else "takes no parameter"
                raise ValueError(f"{name} is not used by when: {self.when} (it {what})")
        if needed and getattr(self, needed) is None and self.when not in PARAM_DEFAULTS:
            raise ValueError(f"when: {self.when} needs {needed}: {_PARAM_HELP[needed]}")
        if self.when == "price_above" or self.when == "price_below":
            if self.value is not None and self.value <= 0:
                raise ValueError("a price level must be above 0")
        return self

    @property
    def param(self) -> Any:
        """The condition's parameter (with its default)."""
        name = PARAMS[self.when]
        if name is None:
            return None
        value = getattr(self, name)
        return PARAM_DEFAULTS.get(self.when) if value is None else value

    @property
    def scope_label(self) -> str:
        return self.stock if self.stock else ("all themes" if self.theme == ALL_THEMES else f"theme {self.theme}")


@dataclass
class RuleSet:
    """The rules that loaded, and the problems found."""

    path: Path | None = None
    rules: list[Rule] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    found: bool = False

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def active(self) -> list[Rule]:
        return [r for r in self.rules if r.enabled]

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def parse_rules(doc: YamlDocument) -> RuleSet:
    """Validate a read document as a rules file."""
    out = RuleSet(path=doc.path, found=True)
    data = doc.data
    if data is None:
        return out
    if not isinstance(data, dict) or "rules" not in data:
        out.diagnostics.append(doc.diag((), "an alerts file must be a mapping with a 'rules:' list"))
        return out
    for key in data:
        if key != "rules":
            out.diagnostics.append(doc.diag((key,), f"unknown field {key!r}; expected 'rules'", key=True))
    items = data["rules"]
    if items is None:
        return out
    if not isinstance(items, list):
        out.diagnostics.append(doc.diag(("rules",), "rules: expected a list"))
        return out
    seen: dict[str, int] = {}
    for i, raw in enumerate(items):
        if not isinstance(raw, dict):
            out.diagnostics.append(doc.diag(("rules", i), f"a rule must be a mapping with id, a scope and when; got {type(raw).__name__}"))
            continue
        rule, problems = validate_item(doc, Rule, raw, ("rules", i))
        out.diagnostics += problems
        if rule is None:
            continue
        if rule.id in seen:
            line = doc.pos(("rules", seen[rule.id]))[0]
            out.diagnostics.append(doc.diag(("rules", i, "id"), f"duplicate rule id {rule.id!r} (first at line {line}); the second is ignored"))
            continue
        seen[rule.id] = i
        out.rules.append(rule)
    return out


def load_rules(path: Path, project: Any = None) -> RuleSet:
    """Load ``path`` (a missing file is no rules, not an error); with ``project``, warn about
    themes and stocks that no watchlist has."""
    path = Path(path)
    if not path.is_file():
        return RuleSet(path=path)
    try:
        doc = read_yaml(path)
    except YamlReadError as exc:
        return RuleSet(path=path, diagnostics=[exc.diagnostic], found=True)
    rules = parse_rules(doc)
    if project is not None:
        rules.diagnostics += reference_warnings(doc, rules, project)
    return rules


def reference_warnings(doc: YamlDocument, rules: RuleSet, project: Any) -> list[Diagnostic]:
    """Warnings for rules that name a theme or a stock no watchlist defines."""
    theme_ids = {t.id for t in project.themes}
    codes = {s.code for t in project.themes for s in t.stocks if s.code}
    index = {raw.get("id"): i for i, raw in enumerate((doc.data or {}).get("rules") or []) if isinstance(raw, dict)}
    out = []
    for rule in rules.rules:
        i = index.get(rule.id, 0)
        if rule.theme and rule.theme != ALL_THEMES and rule.theme not in theme_ids:
            out.append(doc.diag(("rules", i, "theme"), f"rule {rule.id!r} names theme {rule.theme!r}, which no watchlist defines", severity=Severity.WARNING))
        if rule.stock and rule.stock not in codes:
            out.append(doc.diag(("rules", i, "stock"), f"rule {rule.id!r} names stock {rule.stock}, which is in no watchlist", severity=Severity.WARNING))
    return out
