"""Triage: accept an inbox item into catalysts.yaml, dismiss it, or snooze it.

Accepting writes a catalyst through the comment-preserving editor (tui.config.editing), with
the item's source (outlet, title, date, link), its stock and the stock's themes; status
happened, or expected when the item is dated after today. The item is then marked accepted
with the new catalyst's id. The YAML is written first: if it cannot be (invalid kind, the file
changed on disk), the item stays new and nothing is half-done.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tui.config.editing import CatalystEditor, EditError, EditResult
from tui.config.loader import Project
from tui.errors import ExitCode, ThemeTrackerError
from tui.sources.feeds import SOURCE_OUTLETS
from tui.store import inbox as inbox_store
from tui.store.inbox import InboxItem

#: Default snooze: the item comes back as new this many days later.
SNOOZE_DAYS = 3

#: The catalyst kind suggested for an item, by words of its title (first match wins).
_KIND_RULES: tuple[tuple[str, str], ...] = (
    (r"年度报告|半年度报告|季度报告|业绩预告|业绩快报|利润分配|分红", "earnings"),
    (r"减持|解禁|问询函|监管|处罚|立案|风险提示|诉讼|质押|退市", "risk"),
    (r"中标|合同|订单|框架协议|采购", "order"),
    (r"定增|向特定对象发行|募集|可转债|融资|上市|IPO|配股", "financing"),
)


class TriageError(ThemeTrackerError):
    """The item cannot be triaged as asked (unknown id, already accepted)."""

    exit_code = ExitCode.USAGE


def suggested_kind(item: InboxItem) -> str:
    """The catalyst kind to propose for an item: from its title, else company (announcements)
    or other."""
    for pattern, kind in _KIND_RULES:
        if re.search(pattern, item.title):
            return kind
    return "company" if item.kind in ("announcement", "qa") else "other"


def catalyst_id_for(item: InboxItem) -> str:
    """A stable, slug-safe catalyst id for an accepted item: inbox-<code>-<date>-<id>."""
    return f"inbox-{item.code}-{item.date}-{item.id}"


def _title(item: InboxItem, names: dict[str, str]) -> str:
    name = names.get(item.code, "")
    if item.kind == "qa":
        return f"{name}互动问答：{item.title}" if name else item.title
    if name and not item.title.startswith(name):
        return f"{name}：{item.title}"
    return item.title


def _load_item(conn: sqlite3.Connection, item_id: int) -> InboxItem:
    item = inbox_store.get_item(conn, item_id)
    if item is None:
        raise TriageError(f"no inbox item {item_id} (see theme-tracker inbox list)")
    return item


@dataclass(frozen=True)
class Accepted:
    item: InboxItem
    catalyst_id: str
    edit: EditResult


def accept(
    conn: sqlite3.Connection,
    item_id: int,
    catalysts: Path,
    project: Project,
    *,
    today: date,
    kind: str | None = None,
    impact: str | None = None,
    title: str | None = None,
) -> Accepted:
    """Write the item as a catalyst to `catalysts` and mark it accepted."""
    item = _load_item(conn, item_id)
    if item.state == "accepted":
        raise TriageError(f"inbox item {item_id} was already accepted as catalyst {item.catalyst_id}")
    if not catalysts.is_file():
        raise TriageError(f"{catalysts}: catalyst file not found; pass --catalysts FILE")
    names = project.stock_names()
    themes = [t.id for t in project.themes if any(s.code == item.code for s in t.stocks)]
    catalyst_id = catalyst_id_for(item)
    editor = CatalystEditor(catalysts)
    day = date.fromisoformat(item.date)
    source: dict[str, Any] = {
        "outlet": SOURCE_OUTLETS.get(item.source, item.source), "title": item.title, "date": item.date,
        "url": item.link or None,
    }
    existing = [c.get("id") for c in editor.catalysts()]
    if catalyst_id in existing:  # written before a crash, never marked: just mark it now
        edit = EditResult(catalysts, f"catalyst {catalyst_id} already in {catalysts}", changed=False)
    else:
        edit = editor.add_catalyst(
            catalyst_id, title=title or _title(item, names), date=item.date, kind=kind or suggested_kind(item),
            themes=themes, stocks=[item.code], impact=impact, status="expected" if day > today else "happened",
            notes=(item.detail[:500] if item.kind == "qa" and item.detail else None), source=source,
        )
    updated = inbox_store.set_state(conn, item.id, "accepted", catalyst_id=catalyst_id)
    assert updated is not None
    return Accepted(updated, catalyst_id, edit)


def dismiss(conn: sqlite3.Connection, item_id: int) -> InboxItem:
    _load_item(conn, item_id)
    item = inbox_store.set_state(conn, item_id, "dismissed")
    assert item is not None
    return item


def snooze(conn: sqlite3.Connection, item_id: int, *, today: date, days: int = SNOOZE_DAYS) -> InboxItem:
    """Hide the item until `today + days`, when it is new again."""
    if days < 1:
        raise TriageError("snooze for at least one day")
    _load_item(conn, item_id)
    item = inbox_store.set_state(conn, item_id, "snoozed", snoozed_until=today + timedelta(days=days))
    assert item is not None
    return item


def restore(conn: sqlite3.Connection, item_id: int) -> InboxItem:
    """Put a dismissed or snoozed item back to new (an accepted one keeps its catalyst)."""
    current = _load_item(conn, item_id)
    if current.state == "accepted":
        raise TriageError(f"inbox item {item_id} was accepted as catalyst {current.catalyst_id}; edit the calendar instead")
    item = inbox_store.set_state(conn, item_id, "new")
    assert item is not None
    return item


__all__ = ["Accepted", "EditError", "SNOOZE_DAYS", "TriageError", "accept", "catalyst_id_for", "dismiss", "restore",
           "snooze", "suggested_kind"]
