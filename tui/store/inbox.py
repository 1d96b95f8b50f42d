"""Inbox tables: fetched items awaiting triage, and catalysts fetched rather than typed.

* `inbox_items`: announcements, answered investor questions and news of the themes' stocks.
  An item is stored once: a re-fetch of the same (source, source_id) only updates `seen_at`,
  and the same item from another source (an announcement on both Eastmoney and cninfo, a news
  story under two links) is recognised by its `dedupe_key` (code, kind, date for
  announcements, and the title reduced by tui.sources.feeds.normalize_title) and recorded in
  `also_in`. The user's triage (state new / accepted / dismissed / snoozed) is never reset
  by a fetch.
* `fetched_catalysts`: earnings disclosure dates (kind earnings) and lock-up expiries (kind
  risk), keyed `earnings:<code>:<period>` / `lockup:<code>:<date>`; a changed date is
  updated in place and counted in `changes`.
* `earnings_previews`: 业绩预告 rows, one per (code, period, metric), shown with the earnings
  catalyst of the same code and period.

Functions take a sqlite3 connection (Store.conn); SQL is parameterised; writes run in
BEGIN IMMEDIATE transactions (tui.store.connection.immediate).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tui.store.connection import immediate

STATES = ("new", "accepted", "dismissed", "snoozed")

# Frozen with migration 7 (tui.store.schema._v7_inbox): never edit, append a migration.
_DDL_V5 = (
    """
    CREATE TABLE inbox_items (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,         -- em-notice | cninfo | irm | sse-e | em-news
        source_id TEXT NOT NULL,      -- the upstream's id, or the URL
        code TEXT NOT NULL,
        title TEXT NOT NULL,
        date TEXT NOT NULL,           -- YYYY-MM-DD, Asia/Shanghai
        published_at TEXT,            -- as precise as the source gives it
        kind TEXT NOT NULL,           -- announcement | qa | news
        category TEXT,                -- 公告类型, 互动易 / 上证e互动, the news outlet
        link TEXT,
        detail TEXT,                  -- the answer of a Q&A item, a news snippet
        dedupe_key TEXT NOT NULL,
        also_in TEXT,                 -- JSON list of other sources that returned it
        fetched_at TEXT NOT NULL,     -- first fetch that returned it
        seen_at TEXT NOT NULL,        -- last fetch that returned it
        state TEXT NOT NULL DEFAULT 'new'
            CHECK (state IN ('new', 'accepted', 'dismissed', 'snoozed')),
        state_at TEXT,
        snoozed_until TEXT,           -- YYYY-MM-DD: back to new on that day
        catalyst_id TEXT,             -- the catalyst written when accepted
        UNIQUE (source, source_id)
    )
    """,
    "CREATE UNIQUE INDEX ux_inbox_items_dedupe ON inbox_items (dedupe_key)",
    "CREATE INDEX ix_inbox_items_code_state ON inbox_items (code, state, date)",
    """
    CREATE TABLE fetched_catalysts (
        key TEXT PRIMARY KEY,         -- earnings:<code>:<period> | lockup:<code>:<date>
        code TEXT NOT NULL,
        kind TEXT NOT NULL,           -- earnings | risk
        date TEXT,                    -- YYYY-MM-DD: the latest scheduled (or actual) date
        first_date TEXT,              -- the first date announced
        title TEXT NOT NULL,
        status TEXT NOT NULL,         -- expected | happened
        detail TEXT NOT NULL,         -- JSON
        source TEXT NOT NULL,         -- the akshare function
        changes INTEGER NOT NULL DEFAULT 0,
        fetched_at TEXT NOT NULL,
        updated_at TEXT NOT NULL      -- when date, status or detail last changed
    )
    """,
    "CREATE INDEX ix_fetched_catalysts_code ON fetched_catalysts (code, date)",
    """
    CREATE TABLE earnings_previews (
        code TEXT NOT NULL,
        period TEXT NOT NULL,         -- YYYY-MM-DD, the report period's end
        metric TEXT NOT NULL,         -- 预测指标
        type TEXT,                    -- 预告类型: 预增 / 预减 / 扭亏 / …
        change_text TEXT,             -- 业绩变动
        value REAL,                   -- 预测数值, yuan
        change_pct REAL,              -- 业绩变动幅度, %
        reason TEXT,
        last_year REAL,
        notice_date TEXT,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (code, period, metric)
    ) WITHOUT ROWID
    """,
)


def create_inbox_tables(conn: sqlite3.Connection) -> None:
    """Migration 7's tables (called inside the migration's transaction)."""
    for statement in _DDL_V5:
        conn.execute(statement)


def _now_text(now: datetime | None) -> str:
    from tui.sources.normalize import SHANGHAI

    return (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI).isoformat(timespec="seconds")


def dedupe_key(code: str, kind: str, day: str, title: str) -> str:
    """The key under which the same item from two sources or fetches is stored once."""
    from tui.sources.feeds import normalize_title

    norm = normalize_title(title)
    if kind == "announcement":
        return f"{code}|announcement|{day}|{norm}"
    return f"{code}|{kind}|{norm}"


# --------------------------------------------------------------------------- items


@dataclass(frozen=True)
class InboxItem:
    """One stored inbox item."""

    id: int
    source: str
    source_id: str
    code: str
    title: str
    date: str
    published_at: str | None
    kind: str
    category: str | None
    link: str | None
    detail: str | None
    also_in: tuple[str, ...]
    fetched_at: str
    seen_at: str
    state: str
    state_at: str | None
    snoozed_until: str | None
    catalyst_id: str | None

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source, *self.also_in)


_ITEM_SELECT = (
    "SELECT id, source, source_id, code, title, date, published_at, kind, category, link, detail,"
    " also_in, fetched_at, seen_at, state, state_at, snoozed_until, catalyst_id FROM inbox_items"
)


def _item(row: Sequence[Any]) -> InboxItem:
    values = list(row)
    values[11] = tuple(json.loads(values[11])) if values[11] else ()
    return InboxItem(*values)


@dataclass(frozen=True)
class ItemsWritten:
    """What storing fetched items did."""

    inserted: int = 0
    seen_again: int = 0     # the same (source, source_id) as a stored item
    duplicates: int = 0     # the same item from another source (or under another id)

    @property
    def total(self) -> int:
        return self.inserted + self.seen_again + self.duplicates


def upsert_items(conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]], *, now: datetime | None = None) -> ItemsWritten:
    """Store fetched items (dicts with the columns of tui.sources.feeds.ITEM_COLUMNS).

    New items arrive in state new; an item already stored keeps its state and text, and
    records when it was last seen and under which other sources it appeared.
    """
    at = _now_text(now)
    inserted = seen = dupes = 0
    with immediate(conn):
        for row in rows:
            source, source_id = str(row["source"]), str(row["source_id"])
            code, kind, day, title = str(row["code"]), str(row["kind"]), str(row["date"]), str(row["title"])
            if not title or not day:
                continue
            key = dedupe_key(code, kind, day, title)
            hit = conn.execute("SELECT id FROM inbox_items WHERE source = ? AND source_id = ?", (source, source_id)).fetchone()
            if hit is not None:
                conn.execute("UPDATE inbox_items SET seen_at = ? WHERE id = ?", (at, hit[0]))
                seen += 1
                continue
            twin = conn.execute("SELECT id, source, also_in FROM inbox_items WHERE dedupe_key = ?", (key,)).fetchone()
            if twin is not None:
                others = json.loads(twin[2]) if twin[2] else []
                if source != twin[1] and source not in others:
                    others.append(source)
                conn.execute("UPDATE inbox_items SET seen_at = ?, also_in = ? WHERE id = ?",
                             (at, json.dumps(others, ensure_ascii=False) if others else None, twin[0]))
                dupes += 1
                continue
            conn.execute(
                "INSERT INTO inbox_items (source, source_id, code, title, date, published_at, kind, category, link,"
                " detail, dedupe_key, fetched_at, seen_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new')",
                (source, source_id, code, title, day, row.get("published_at") or None, kind,
                 row.get("category") or None, row.get("link") or None, row.get("detail") or None, key, at, at),
            )
            inserted += 1
    return ItemsWritten(inserted, seen, dupes)


def wake_snoozed(conn: sqlite3.Connection, today: date) -> int:
    """Snoozed items whose day has come are new again; returns how many."""
    with immediate(conn):
        cur = conn.execute(
            "UPDATE inbox_items SET state = 'new', snoozed_until = NULL WHERE state = 'snoozed'"
            " AND snoozed_until IS NOT NULL AND snoozed_until <= ?", (today.isoformat(),))
        return cur.rowcount


def list_items(
    conn: sqlite3.Connection,
    *,
    states: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    since: date | None = None,
    fetched_after: str | None = None,
    limit: int | None = None,
) -> list[InboxItem]:
    """Stored items, newest first (date, then id)."""
    where: list[str] = []
    params: list[Any] = []
    if states is not None:
        states = list(states)
        where.append(f"state IN ({', '.join('?' * len(states))})")
        params += states
    if codes is not None:
        codes = list(codes)
        where.append("code IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(codes))
    if since is not None:
        where.append("date >= ?")
        params.append(since.isoformat())
    if fetched_after is not None:
        where.append("fetched_at > ?")
        params.append(fetched_after)
    sql = _ITEM_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY date DESC, id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [_item(r) for r in conn.execute(sql, params)]


def new_items(conn: sqlite3.Connection, *, codes: Iterable[str] | None = None, fetched_after: str | None = None) -> list[InboxItem]:
    """Items in state new, optionally only those first fetched after an ISO time — the query an
    alert rule "a new relevant inbox item" starts from (relevance: tui.inbox.relevance)."""
    return list_items(conn, states=("new",), codes=codes, fetched_after=fetched_after)


def get_item(conn: sqlite3.Connection, item_id: int) -> InboxItem | None:
    row = conn.execute(_ITEM_SELECT + " WHERE id = ?", (int(item_id),)).fetchone()
    return _item(row) if row is not None else None


def set_state(
    conn: sqlite3.Connection,
    item_id: int,
    state: str,
    *,
    snoozed_until: date | None = None,
    catalyst_id: str | None = None,
    now: datetime | None = None,
) -> InboxItem | None:
    """Record the user's triage of an item; returns the updated item (None if there is none)."""
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}, not {state!r}")
    with immediate(conn):
        conn.execute(
            "UPDATE inbox_items SET state = ?, state_at = ?, snoozed_until = ?,"
            " catalyst_id = COALESCE(?, catalyst_id) WHERE id = ?",
            (state, _now_text(now), snoozed_until.isoformat() if snoozed_until else None, catalyst_id, int(item_id)),
        )
    return get_item(conn, item_id)


# --------------------------------------------------------------------------- fetched catalysts


@dataclass(frozen=True)
class FetchedCatalyst:
    """An earnings date or lock-up expiry fetched from the exchanges' data, not typed by hand."""

    key: str
    code: str
    kind: str
    date: str | None
    first_date: str | None
    title: str
    status: str
    detail: dict[str, Any]
    source: str
    changes: int
    fetched_at: str
    updated_at: str


@dataclass(frozen=True)
class CatalystsWritten:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert_fetched_catalysts(conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]], *, now: datetime | None = None) -> CatalystsWritten:
    """Insert or update fetched catalysts by key; a moved date counts one more change."""
    at = _now_text(now)
    inserted = updated = unchanged = 0
    with immediate(conn):
        for row in rows:
            detail = json.dumps(row.get("detail") or {}, ensure_ascii=False, sort_keys=True)
            old = conn.execute("SELECT date, status, detail, title, changes FROM fetched_catalysts WHERE key = ?", (row["key"],)).fetchone()
            if old is None:
                conn.execute(
                    "INSERT INTO fetched_catalysts (key, code, kind, date, first_date, title, status, detail, source,"
                    " changes, fetched_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (row["key"], row["code"], row["kind"], row.get("date"), row.get("first_date"), row["title"],
                     row["status"], detail, row["source"], int(row.get("changes", 0)), at, at),
                )
                inserted += 1
                continue
            if (old[0], old[1], old[2], old[3]) == (row.get("date"), row["status"], detail, row["title"]):
                conn.execute("UPDATE fetched_catalysts SET fetched_at = ? WHERE key = ?", (at, row["key"]))
                unchanged += 1
                continue
            changes = max(int(row.get("changes", 0)), int(old[4]) + (1 if old[0] != row.get("date") else 0))
            conn.execute(
                "UPDATE fetched_catalysts SET date = ?, first_date = COALESCE(first_date, ?), title = ?, status = ?,"
                " detail = ?, source = ?, changes = ?, fetched_at = ?, updated_at = ? WHERE key = ?",
                (row.get("date"), row.get("first_date"), row["title"], row["status"], detail, row["source"],
                 changes, at, at, row["key"]),
            )
            updated += 1
    return CatalystsWritten(inserted, updated, unchanged)


def fetched_catalysts(conn: sqlite3.Connection, codes: Iterable[str] | None = None) -> list[FetchedCatalyst]:
    """Fetched catalysts (of `codes`), by date (undated last)."""
    sql = ("SELECT key, code, kind, date, first_date, title, status, detail, source, changes, fetched_at, updated_at"
           " FROM fetched_catalysts")
    params: list[Any] = []
    if codes is not None:
        sql += " WHERE code IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(codes)))
    sql += " ORDER BY date IS NULL, date, key"
    out = []
    for r in conn.execute(sql, params):
        values = list(r)
        values[7] = json.loads(values[7]) if values[7] else {}
        out.append(FetchedCatalyst(*values))
    return out


_PREVIEW_FIELDS = ("type", "change_text", "value", "change_pct", "reason", "last_year", "notice_date")


def upsert_previews(conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]], *, now: datetime | None = None) -> int:
    """Store 业绩预告 rows (dicts with tui.sources.feeds.PREVIEW_COLUMNS); returns rows written."""
    at = _now_text(now)
    n = 0
    with immediate(conn):
        for row in rows:
            conn.execute(
                "INSERT INTO earnings_previews (code, period, metric, type, change_text, value, change_pct, reason,"
                " last_year, notice_date, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (code, period, metric) DO UPDATE SET type = excluded.type,"
                " change_text = excluded.change_text, value = excluded.value, change_pct = excluded.change_pct,"
                " reason = excluded.reason, last_year = excluded.last_year, notice_date = excluded.notice_date,"
                " fetched_at = excluded.fetched_at",
                (row["code"], row["period"], row["metric"] or "", *(row.get(f) for f in _PREVIEW_FIELDS), at),
            )
            n += 1
    return n


def previews(conn: sqlite3.Connection, codes: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Stored previews as dicts (code, period, metric, type, change_text, value, change_pct,
    reason, last_year, notice_date), by code and period."""
    sql = "SELECT code, period, metric, " + ", ".join(_PREVIEW_FIELDS) + " FROM earnings_previews"
    params: list[Any] = []
    if codes is not None:
        sql += " WHERE code IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(codes)))
    sql += " ORDER BY code, period, metric"
    names = ("code", "period", "metric", *_PREVIEW_FIELDS)
    return [dict(zip(names, r)) for r in conn.execute(sql, params)]
