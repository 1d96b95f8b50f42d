"""Deliver a message to the configured channels: quiet hours, per-channel rate limits, and a
row in ``alert_deliveries`` for every delivery and failure."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tui.alerts.channels import KINDS, Channel, Message, SendResult, send
from tui.alerts.quiet import in_quiet_hours
from tui.errors import UsageError
from tui.store.connection import immediate

#: For `--webhook KIND=URL`: the signing secret comes from this variable, if set.
SECRET_ENV = {"dingtalk": "THEME_TRACKER_DINGTALK_SECRET", "feishu": "THEME_TRACKER_FEISHU_SECRET"}


@dataclass(frozen=True)
class DeliveryOutcome:
    channel: Channel
    status: str  # sent, failed, quiet, rate_limited
    result: SendResult | None = None

    @property
    def refused(self) -> bool:
        return self.status == "failed"

    def describe(self) -> str:
        if self.result is not None and self.status in ("sent", "failed"):
            return ("sent: " if self.status == "sent" else "refused: ") + self.result.describe(self.channel)
        what = "quiet hours: not sent" if self.status == "quiet" else "rate limit reached: not sent"
        return f"{what}: {self.channel.label} ({self.channel.kind})"


def channels_from_settings(alerting: Any, env: Mapping[str, str] | None = None) -> tuple[list[Channel], list[str]]:
    """Channels of ``[[alerting.webhooks]]``, with URLs and secrets read from the environment;
    a channel whose variable is unset is left out with a problem line."""
    env = os.environ if env is None else env
    out, problems = [], []
    for i, hook in enumerate(alerting.webhooks):
        name = hook.name or f"{hook.kind}#{i + 1}"
        url = hook.url if hook.url is not None else env.get(hook.url_env or "", "")
        if not url:
            problems.append(f"webhook {name}: environment variable {hook.url_env} is not set; channel skipped")
            continue
        secret = None
        if hook.secret_env:
            secret = env.get(hook.secret_env) or None
            if secret is None:
                problems.append(f"webhook {name}: environment variable {hook.secret_env} is not set; sending unsigned")
        rate = hook.rate_limit_per_minute or alerting.rate_limit_per_minute
        out.append(Channel(hook.kind, url, name, secret, hook.feishu_msg_type, rate))
    return out, problems


def parse_webhook_option(text: str, *, rate_limit: int = 20, env: Mapping[str, str] | None = None) -> Channel:
    """`--webhook KIND=URL`; DingTalk and Feishu secrets from THEME_TRACKER_<KIND>_SECRET."""
    env = os.environ if env is None else env
    kind, sep, url = text.partition("=")
    kind = kind.strip().lower()
    if not sep or kind not in KINDS or not url.strip():
        raise UsageError(f"--webhook {text!r}: write KIND=URL with KIND one of {', '.join(KINDS)}")
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--webhook {text!r}: the URL must start with http:// or https://")
    secret = env.get(SECRET_ENV[kind]) if kind in SECRET_ENV else None
    return Channel(kind, url.strip(), f"--webhook {kind}", secret or None, "post", rate_limit)


def _sent_last_minute(conn: Any, channel: str, now: datetime) -> int:
    since = (now - timedelta(minutes=1)).isoformat(timespec="seconds")
    return int(conn.execute(
        "SELECT count(*) FROM alert_deliveries WHERE channel = ? AND at >= ? AND status IN ('sent', 'failed')",
        (channel, since),
    ).fetchone()[0])  # fmt: skip


def _record(conn: Any, now: datetime, channel: Channel, what: str, alert_ids: Sequence[int], status: str,
            result: SendResult | None) -> None:  # fmt: skip
    with immediate(conn):
        conn.execute(
            "INSERT INTO alert_deliveries (at, channel, kind, what, alert_ids, status, attempts, http_status, code, message)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (now.isoformat(timespec="seconds"), channel.label, channel.kind, what, json.dumps(list(alert_ids)), status,
             result.attempts if result else 0, result.http_status if result else None,
             None if result is None or result.code is None else str(result.code), result.message if result else None),
        )  # fmt: skip


def deliver(
    conn: Any,
    channels: Sequence[Channel],
    message: Message,
    *,
    now: datetime,
    quiet_hours: str | None = None,
    what: str = "alerts",
    alert_ids: Sequence[int] = (),
    send_fn: Callable[[Channel, Message], SendResult] = send,
) -> list[DeliveryOutcome]:
    """Send ``message`` to every channel (unless in quiet hours or over its rate limit) and
    record each outcome."""
    quiet = in_quiet_hours(quiet_hours, now)
    out = []
    for channel in channels:
        if quiet:
            outcome = DeliveryOutcome(channel, "quiet")
        elif _sent_last_minute(conn, channel.label, now) >= channel.rate_limit_per_minute:
            outcome = DeliveryOutcome(channel, "rate_limited")
        else:
            result = send_fn(channel, message)
            outcome = DeliveryOutcome(channel, "sent" if result.ok else "failed", result)
        _record(conn, now, channel, what, alert_ids, outcome.status, outcome.result)
        out.append(outcome)
    return out


def recent_deliveries(conn: Any, limit: int = 100) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT at, channel, kind, what, alert_ids, status, attempts, http_status, code, message"
        " FROM alert_deliveries ORDER BY id DESC LIMIT ?", (int(limit),)
    ).fetchall()  # fmt: skip
    keys = ("at", "channel", "kind", "what", "alert_ids", "status", "attempts", "http_status", "code", "message")
    return [dict(zip(keys, r)) for r in rows]
