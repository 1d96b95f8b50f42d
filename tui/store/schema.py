"""The store's schema as an ordered list of migrations.

The schema version lives in SQLite's ``PRAGMA user_version`` (0 for a new file). Each
migration runs in its own ``BEGIN IMMEDIATE`` transaction together with the version bump, so
a crash mid-migration leaves the previous version intact, and two processes opening the same
new file at once cannot both apply a step: the second re-reads the version under the write
lock and finds nothing left to do.

Never edit a migration that has shipped; append a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.errors import ThemeTrackerError
from tui.store.connection import immediate

if TYPE_CHECKING:  # imported when a migration runs: opening an up-to-date store never needs it
    from sqlite_utils import Database


class SchemaTooNewError(ThemeTrackerError):
    """The database was written by a newer version of the app."""


@dataclass(frozen=True)
class Migration:
    """One schema step: ``apply`` brings a database at ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[Database], None]


def _v1_initial(db: Database) -> None:
    """Meta, daily bars, latest quotes and the fetch log."""
    db.execute(
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,          -- JSON
            updated_at TEXT NOT NULL      -- ISO 8601, Asia/Shanghai
        )
        """
    )
    # Clustered on (code, adjust, date): one stock's history is one contiguous b-tree range,
    # so "last 250 bars of X" is a single range scan with no rowid lookups.
    db.execute(
        """
        CREATE TABLE bars (
            code TEXT NOT NULL,
            adjust TEXT NOT NULL,         -- 'qfq' or 'raw'
            date TEXT NOT NULL,           -- YYYY-MM-DD
            open REAL,
            high REAL,
            low REAL,
            close REAL NOT NULL,
            volume REAL,                  -- lots (手)
            amount REAL,                  -- yuan
            source TEXT NOT NULL,
            is_sample INTEGER NOT NULL DEFAULT 0,
            fetched_at TEXT NOT NULL,     -- when we stored it (the bar's as-of is its date)
            PRIMARY KEY (code, adjust, date)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE quotes (
            code TEXT PRIMARY KEY,
            name TEXT,
            price REAL,
            change REAL,
            change_pct REAL,
            volume REAL,
            amount REAL,
            turnover_rate REAL,
            market_cap REAL,
            open REAL,
            high REAL,
            low REAL,
            prev_close REAL,
            limit_up REAL,
            limit_down REAL,
            suspended INTEGER NOT NULL DEFAULT 0,
            as_of TEXT,                   -- when the source says the price is from
            fetched_at TEXT NOT NULL,     -- when we fetched that price
            source TEXT NOT NULL,
            is_sample INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute(
        """
        CREATE TABLE fetch_log (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            code TEXT,
            ok INTEGER NOT NULL,
            error_class TEXT,
            error_message TEXT,
            at TEXT NOT NULL
        )
        """
    )


def _v2_checked_at_and_log_index(db: Database) -> None:
    """quotes.checked_at (last fetch that saw the code, even if it kept the old price) and an
    index so that "latest attempt per (kind, code)" does not scan the whole log."""
    db["quotes"].add_column("checked_at", str)
    db.execute("UPDATE quotes SET checked_at = fetched_at")
    db["fetch_log"].create_index(["kind", "code", "at"], index_name="ix_fetch_log_kind_code_at")


def _v3_snapshots(db: Database) -> None:
    """The daily snapshot history: one row per (session, theme, code), written by
    `theme-tracker snapshot` (and the schedule's after-close job)."""
    db.execute(
        """
        CREATE TABLE snapshots (
            session TEXT NOT NULL,        -- YYYY-MM-DD, the trading session
            theme TEXT NOT NULL,          -- theme id
            code TEXT NOT NULL,
            name TEXT,
            segment TEXT,
            close REAL,
            change_pct REAL,              -- %
            amount REAL,                  -- yuan
            turnover_rate REAL,           -- %
            market_cap REAL,              -- yuan
            ret_5d REAL,                  -- fraction
            ret_20d REAL,                 -- fraction
            limit_flag TEXT,              -- 'up', 'down' or ''
            suspended INTEGER NOT NULL DEFAULT 0,
            as_of TEXT,                   -- ISO 8601, Asia/Shanghai
            source TEXT,
            stale INTEGER NOT NULL DEFAULT 0,
            is_sample INTEGER NOT NULL DEFAULT 0,
            written_at TEXT NOT NULL,     -- when this row last changed
            PRIMARY KEY (session, theme, code)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX ix_snapshots_code_session ON snapshots (code, session)")


def _v4_compact_bars(db: Database) -> None:
    """Bars name their source by a small id (the `sources` table) instead of repeating the
    text on every row, and the time each stock's series was last written moves from every
    row to `bar_series`: a quarter of a million bars take a third less space, and ingesting
    them a third less time. Every existing bar is kept; each series' fetched_at is the latest
    of its rows'."""
    db.execute("CREATE TABLE sources (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
    db.execute("INSERT INTO sources (name) SELECT DISTINCT source FROM bars ORDER BY source")
    db.execute(
        """
        CREATE TABLE bar_series (
            code TEXT NOT NULL,
            adjust TEXT NOT NULL,
            fetched_at TEXT NOT NULL,     -- when a write last touched this series
            PRIMARY KEY (code, adjust)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        "INSERT INTO bar_series (code, adjust, fetched_at)"
        " SELECT code, adjust, max(fetched_at) FROM bars GROUP BY code, adjust"
    )
    db.execute(
        """
        CREATE TABLE bars_v4 (
            code TEXT NOT NULL,
            adjust TEXT NOT NULL,         -- 'qfq' or 'raw'
            date TEXT NOT NULL,           -- YYYY-MM-DD
            open REAL,
            high REAL,
            low REAL,
            close REAL NOT NULL,
            volume REAL,                  -- lots (手)
            amount REAL,                  -- yuan
            source_id INTEGER NOT NULL REFERENCES sources (id),
            is_sample INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (code, adjust, date)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        "INSERT INTO bars_v4 SELECT b.code, b.adjust, b.date, b.open, b.high, b.low, b.close,"
        " b.volume, b.amount, s.id, b.is_sample FROM bars AS b JOIN sources AS s ON s.name = b.source"
        " ORDER BY b.code, b.adjust, b.date"
    )
    db.execute("DROP TABLE bars")
    db.execute("ALTER TABLE bars_v4 RENAME TO bars")


def _v5_alerts(db: Database) -> None:
    """Alerts (issue 17): once-per-episode state, the log of fired alerts, and every webhook
    delivery attempt. State is keyed by namespace ('live' or 'replay', so that replaying a
    past session never touches the live episodes), rule and subject."""
    db.execute(
        """
        CREATE TABLE alert_state (
            namespace TEXT NOT NULL,      -- 'live' or 'replay'
            rule_id TEXT NOT NULL,
            subject TEXT NOT NULL,        -- a code, a theme id, a catalyst id, theme/indicator
            active INTEGER NOT NULL,      -- 1 while the condition holds (fired once)
            episode TEXT NOT NULL DEFAULT '',  -- the date of a dated episode
            changed_at TEXT NOT NULL,
            PRIMARY KEY (namespace, rule_id, subject)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE alert_log (
            id INTEGER PRIMARY KEY,
            fired_at TEXT NOT NULL,       -- ISO 8601, Asia/Shanghai
            namespace TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            condition TEXT NOT NULL,
            subject TEXT NOT NULL,
            subject_name TEXT,
            session TEXT,                 -- YYYY-MM-DD evaluated
            as_of TEXT,                   -- the figure's time
            is_sample INTEGER NOT NULL DEFAULT 0,
            replay INTEGER NOT NULL DEFAULT 0,
            text_zh TEXT NOT NULL,
            text_en TEXT NOT NULL,
            data TEXT                     -- JSON
        )
        """
    )
    db.execute("CREATE INDEX ix_alert_log_fired_at ON alert_log (fired_at)")
    db.execute(
        """
        CREATE TABLE alert_deliveries (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            channel TEXT NOT NULL,        -- the channel's name
            kind TEXT NOT NULL,           -- wecom, dingtalk, feishu, json
            what TEXT NOT NULL,           -- 'alerts' or 'brief'
            alert_ids TEXT,               -- JSON list of alert_log ids
            status TEXT NOT NULL,         -- sent, failed, quiet, rate_limited
            attempts INTEGER NOT NULL DEFAULT 0,
            http_status INTEGER,
            code TEXT,                    -- the platform's errcode / code
            message TEXT
        )
        """
    )
    db.execute("CREATE INDEX ix_alert_deliveries_channel_at ON alert_deliveries (channel, at)")
def _v8_inbox(db: Database) -> None:
    """The catalyst inbox (tui.store.inbox): fetched announcements, Q&A and news awaiting
    triage, and the catalysts fetched rather than typed (earnings dates, previews, lock-ups)."""
    from tui.store.inbox import create_inbox_tables

    create_inbox_tables(db.conn)


def _v6_boards(db: Database) -> None:
    """Concept and industry boards: the last good board list of each kind, each board's
    constituents and its daily index, each with the time it was fetched (the cache that
    `board list`, `board show` and `theme diff` fall back to when Eastmoney fails)."""
    db.execute(
        """
        CREATE TABLE boards (
            kind TEXT NOT NULL,           -- 'concept' or 'industry'
            code TEXT NOT NULL,           -- BKxxxx
            name TEXT NOT NULL,
            price REAL,
            change_pct REAL,              -- %
            up_count INTEGER,
            down_count INTEGER,
            leader_name TEXT,
            leader_change_pct REAL,       -- %
            market_cap REAL,              -- yuan
            turnover_rate REAL,           -- %
            PRIMARY KEY (kind, code)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE board_fetches (
            board TEXT NOT NULL,          -- 'list:concept', 'list:industry', or a BK code
            part TEXT NOT NULL,           -- 'list', 'members' or 'bars'
            fetched_at TEXT NOT NULL,     -- ISO 8601, Asia/Shanghai
            source TEXT NOT NULL,
            PRIMARY KEY (board, part)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE board_members (
            board TEXT NOT NULL,          -- BKxxxx
            code TEXT NOT NULL,
            name TEXT,
            price REAL,
            change_pct REAL,              -- %
            amount REAL,                  -- yuan
            turnover_rate REAL,           -- %
            PRIMARY KEY (board, code)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE board_bars (
            board TEXT NOT NULL,          -- BKxxxx
            date TEXT NOT NULL,           -- YYYY-MM-DD
            open REAL,
            high REAL,
            low REAL,
            close REAL NOT NULL,
            amount REAL,                  -- yuan
            PRIMARY KEY (board, date)
        ) WITHOUT ROWID
        """
    )


def _v7_limit_pools(db: Database) -> None:
    """Eastmoney's whole-market limit pools (issue 15): one row per (session, pool, code);
    a refresh replaces a session's pool whole (tui.store.limit_pools)."""
    db.execute(
        """
        CREATE TABLE limit_pool (
            session TEXT NOT NULL,        -- YYYY-MM-DD
            pool TEXT NOT NULL,           -- zt 涨停 / prev 昨日涨停 / zb 炸板 / dt 跌停
            code TEXT NOT NULL,
            name TEXT,
            change_pct REAL,
            price REAL,
            amount REAL,
            turnover_rate REAL,
            float_cap REAL,
            streak INTEGER,               -- 连板数 (zt), 昨日连板数 (prev)
            first_seal TEXT,              -- HH:MM:SS
            last_seal TEXT,
            opens INTEGER,                -- 炸板次数 / 开板次数
            down_streak INTEGER,          -- 连续跌停 (dt)
            industry TEXT,                -- 所属行业
            seal_fund REAL,
            stats TEXT,                   -- 涨停统计 "days/count"
            fetched_at TEXT NOT NULL,
            source TEXT NOT NULL,
            PRIMARY KEY (session, pool, code)
        )
        """
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _v1_initial),
    Migration(2, "quotes.checked_at; fetch_log index", _v2_checked_at_and_log_index),
    Migration(3, "snapshots history table", _v3_snapshots),
    Migration(4, "bars: source ids and per-series fetch times", _v4_compact_bars),
    Migration(5, "alerts: episode state, alert log, deliveries", _v5_alerts),
    Migration(6, "concept and industry boards cache", _v6_boards),
    Migration(7, "limit_pool: whole-market limit pools", _v7_limit_pools),
    Migration(8, "catalyst inbox and fetched catalysts", _v8_inbox),
)

LATEST_VERSION = MIGRATIONS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    """The version recorded in the file (0 for a new, empty database)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int | None = None) -> list[int]:
    """Apply every pending migration up to ``target`` (default: the latest).

    Returns the versions applied by this call. Raises :class:`SchemaTooNewError` if the file
    is ahead of this code.
    """
    target = LATEST_VERSION if target is None else target
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise SchemaTooNewError(
            f"the database schema is version {current}, newer than this app's "
            f"{LATEST_VERSION}: upgrade theme-tracker or use another --data-dir"
        )
    applied: list[int] = []
    if current == target:
        return applied
    # sqlite-utils costs ~30 ms to import: only when there is a migration to run.
    from sqlite_utils import Database

    db = Database(conn, execute_plugins=False)
    for migration in MIGRATIONS:
        if migration.version > target:
            break
        if migration.version <= current:
            continue
        with immediate(conn):
            # Re-check under the write lock: another process may have migrated meanwhile.
            current = schema_version(conn)
            if migration.version <= current:
                continue
            if current != migration.version - 1:  # pragma: no cover - defensive
                raise RuntimeError(f"schema at v{current}, cannot apply v{migration.version}")
            migration.apply(db)
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
        current = migration.version
        applied.append(migration.version)
    return applied
