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


@dataclass
class AlertLog:
    alerts: list[AlertRow] = field(default_factory=list)
    deliveries: list[DeliveryRow] = field(default_factory=list)


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


def load_alert_log(data_dir: Path, *, language: str = "zh", limit: int = 200) -> AlertLog:
    """Read the log from the store (call from a worker thread)."""
    from tui.alerts.delivery import recent_deliveries
    from tui.alerts.episodes import recent_alerts
    from tui.store import Store

    with Store.open(data_dir) as store:
        return build_log(recent_alerts(store.conn, limit), recent_deliveries(store.conn, limit), language)
