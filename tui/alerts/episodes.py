"""Once per episode, across processes: the alert state machine on SQLite.

For each (namespace, rule, subject): an alert fires when its condition becomes true and not
again until it has been false; a dated condition (a catalyst's date, an indicator reading's
date, an inbox item) fires once per date. A skipped subject (bad data) leaves the state alone.

The decisions and the log rows are written in one ``BEGIN IMMEDIATE`` transaction: two
processes evaluating at once (the app and the schedule) are serialised by SQLite's write lock,
and the second finds the episode already active, so only one of them gets the alert to send.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from tui.alerts.conditions import Verdict
from tui.store.connection import immediate

LIVE = "live"
REPLAY = "replay"


@dataclass(frozen=True)
class Alert:
    """A fired alert (a row of alert_log)."""

    id: int | None
    fired_at: str
    namespace: str
    rule_id: str
    condition: str
    subject: str
    subject_name: str
    session: str | None
    as_of: str | None
    is_sample: bool
    replay: bool
    text_zh: str
    text_en: str
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "fired_at": self.fired_at, "rule": self.rule_id, "when": self.condition,
            "subject": self.subject, "name": self.subject_name, "session": self.session, "as_of": self.as_of,
            "sample": self.is_sample, "replay": self.replay, "text_zh": self.text_zh, "text_en": self.text_en,
            "data": self.data,
        }  # fmt: skip


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def decide(active: bool, episode: str, verdict: Verdict) -> tuple[bool, bool, str]:
    """(fire, new active, new episode) for one verdict given the stored state."""
    if not verdict.true:
        return False, False, episode  # a dated episode keeps its date: never twice per date
    if verdict.episode:
        if verdict.episode != episode:
            return True, True, verdict.episode
        return False, True, episode
    if not active:
        return True, True, ""
    return False, True, episode


def claim(
    conn: Any, verdicts: Sequence[Verdict], *, namespace: str, session: date | None, now: datetime,
    dry_run: bool = False,
) -> list[Alert]:
    """Apply the verdicts to the stored state; return the alerts that fire now (logged, with
    their ids). ``dry_run`` decides on the stored state but writes nothing."""
    fired_at = now.isoformat(timespec="seconds")
    session_text = session.isoformat() if session else None
    out: list[Alert] = []

    def run() -> None:
        # One range read per rule on the primary key (namespace, rule_id, subject); a join on
        # (rule, subject) pairs from JSON made SQLite compare every pair with every row.
        rule_ids = json.dumps(sorted({v.rule.id for v in verdicts}))
        rows = conn.execute(
            "SELECT rule_id, subject, active, episode FROM alert_state"
            " WHERE namespace = ? AND rule_id IN (SELECT value FROM json_each(?))",
            (namespace, rule_ids),
        ).fetchall()
        state = {(r[0], r[1]): (bool(r[2]), r[3]) for r in rows}
        updates = []
        for v in verdicts:
            active, episode = state.get((v.rule.id, v.subject), (False, ""))
            fire, new_active, new_episode = decide(active, episode, v)
            state[(v.rule.id, v.subject)] = (new_active, new_episode)
            if (new_active, new_episode) != (active, episode):
                updates.append((namespace, v.rule.id, v.subject, int(new_active), new_episode, fired_at))
            if not fire:
                continue
            alert = Alert(
                None, fired_at, namespace, v.rule.id, v.rule.when, v.subject, v.subject_name, session_text,
                v.as_of.isoformat(timespec="seconds") if v.as_of else None, v.is_sample, namespace == REPLAY,
                v.text_zh, v.text_en, _json_safe(v.data),
            )  # fmt: skip
            if not dry_run:
                cur = conn.execute(
                    "INSERT INTO alert_log (fired_at, namespace, rule_id, condition, subject, subject_name, session,"
                    " as_of, is_sample, replay, text_zh, text_en, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (alert.fired_at, namespace, alert.rule_id, alert.condition, alert.subject, alert.subject_name,
                     session_text, alert.as_of, int(alert.is_sample), int(alert.replay), alert.text_zh, alert.text_en,
                     json.dumps(alert.data, ensure_ascii=False)),
                )  # fmt: skip
                alert = replace(alert, id=cur.lastrowid)
            out.append(alert)
        if updates and not dry_run:
            conn.executemany(
                "INSERT INTO alert_state (namespace, rule_id, subject, active, episode, changed_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (namespace, rule_id, subject) DO UPDATE SET active = excluded.active,"
                " episode = excluded.episode, changed_at = excluded.changed_at",
                updates,
            )

    if dry_run:
        run()
    else:
        with immediate(conn):
            run()
    return out


def recent_alerts(conn: Any, limit: int = 200, *, namespace: str | None = None) -> list[Alert]:
    """The latest fired alerts, newest first."""
    sql = ("SELECT id, fired_at, namespace, rule_id, condition, subject, subject_name, session, as_of, is_sample,"
           " replay, text_zh, text_en, data FROM alert_log")  # fmt: skip
    params: list[Any] = []
    if namespace is not None:
        sql += " WHERE namespace = ?"
        params.append(namespace)
    rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", [*params, int(limit)]).fetchall()
    return [Alert(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or r[5], r[7], r[8], bool(r[9]), bool(r[10]), r[11], r[12],
                  json.loads(r[13]) if r[13] else {}) for r in rows]  # fmt: skip


def reset(conn: Any, namespace: str) -> int:
    """Forget every episode of ``namespace`` (the log is kept); returns the rows removed."""
    with immediate(conn):
        return conn.execute("DELETE FROM alert_state WHERE namespace = ?", (namespace,)).rowcount


def active_count(conn: Any, namespace: str, keys: Iterable[tuple[str, str]]) -> int:
    wanted = set(keys)
    if not wanted:
        return 0
    rows = conn.execute("SELECT rule_id, subject FROM alert_state WHERE namespace = ? AND active = 1", (namespace,)).fetchall()
    return sum((r[0], r[1]) in wanted for r in rows)
