"""The alerts log view model: fired alerts and webhook deliveries, newest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class AlertRow:
    key: str
    fired_at: str  # "YYYY-MM-DD HH:MM"
    rule: str
    text: str
    as_of: str
    replay: bool
    sample: bool


@dataclass(frozen=True)
class DeliveryRow:
    key: str
    at: str
    channel: str
    what: str
    status: str
    detail: str


@dataclass(frozen=True)
class RuleRow:
    id: str
    scope: str
    when: str
    param: str
    enabled: bool


@dataclass
class AlertLog:
    alerts: list[AlertRow] = field(default_factory=list)
    deliveries: list[DeliveryRow] = field(default_factory=list)
    rules: list[RuleRow] = field(default_factory=list)
    #: Problems in the rules file, as `file:line:col: ...` lines.
    problems: list[str] = field(default_factory=list)


def rule_rows(ruleset: Any) -> list[RuleRow]:
    rows = []
    for r in ruleset.rules:
        param = "—" if r.param is None else f"{r.param:g}" if isinstance(r.param, float) else str(r.param)
        rows.append(RuleRow(r.id, r.stock or (r.theme or ""), r.when, param, r.enabled))
    return rows


def _minute(text: str | None) -> str:
    return (text or "")[:16].replace("T", " ")


def build_log(alerts: list[Any], deliveries: list[dict[str, Any]], language: str = "zh") -> AlertLog:
    """Rows for the log screen from `episodes.recent_alerts` and `delivery.recent_deliveries`."""
    out = AlertLog()
    for a in alerts:
        out.alerts.append(AlertRow(f"a{a.id}", _minute(a.fired_at), a.rule_id, a.text_en if language == "en" else a.text_zh,
                                   _minute(a.as_of), a.replay, a.is_sample))  # fmt: skip
    for i, d in enumerate(deliveries):
        code = f"code {d['code']} " if d.get("code") not in (None, "0") else ""
        http = f"HTTP {d['http_status']} " if d.get("http_status") else ""
        detail = f"{http}{code}{d.get('message') or ''}".strip()
        out.deliveries.append(DeliveryRow(f"d{i}", _minute(d["at"]), f"{d['channel']} ({d['kind']})", d["what"], d["status"], detail))
    return out


def load_alert_log(data_dir: Path, alerts_file: Path | None = None, *, language: str = "zh", limit: int = 200) -> AlertLog:
    """Read the log from the store and the rules from their file (call from a worker thread)."""
    from tui.alerts.delivery import recent_deliveries
    from tui.alerts.episodes import recent_alerts
    from tui.alerts.rules import load_rules
    from tui.store import Store

    with Store.open(data_dir) as store:
        log = build_log(recent_alerts(store.conn, limit), recent_deliveries(store.conn, limit), language)
    if alerts_file is not None:
        ruleset = load_rules(Path(alerts_file))
        log.rules = rule_rows(ruleset)
        log.problems = [str(d) for d in ruleset.diagnostics]
    return log


def toggle_rule(alerts_file: Path, rule_id: str, enabled: bool) -> str:
    """Switch a rule on or off through the comment-preserving editor; returns the message."""
    from tui.alerts.editing import AlertsEditor

    return AlertsEditor(alerts_file).set_enabled(rule_id, enabled).message
