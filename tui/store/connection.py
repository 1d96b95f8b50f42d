"""Opening SQLite connections the way every writer in the app must: WAL, busy timeout,
explicit transactions.

The connection runs in driver autocommit mode (``isolation_level=None``) so that Python's
sqlite3 module never opens a transaction behind our back; every write goes through
:func:`immediate`, which issues ``BEGIN IMMEDIATE``. Taking the write lock up front means a
read-then-write transaction can never fail half-way with "database is locked": a second writer
waits on the busy timeout at ``BEGIN`` instead of deadlocking on a lock upgrade.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: How long a connection waits for another writer before giving up, in seconds.
BUSY_TIMEOUT_S = 10.0


def connect(path: str | Path, *, busy_timeout_s: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """Open ``path`` in WAL mode with a busy timeout; one connection per thread.

    ``check_same_thread`` stays on, so using a connection from another thread fails loudly
    rather than corrupting a transaction.
    """
    conn = sqlite3.connect(str(path), timeout=busy_timeout_s, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    # journal_mode is persistent in the file; setting it again is a cheap no-op.
    if str(path) != ":memory:":
        mode = _set_wal(conn, busy_timeout_s)
        if str(mode).lower() != "wal":  # pragma: no cover - only on exotic filesystems
            raise sqlite3.OperationalError(f"could not switch {path} to WAL (got {mode})")
    # NORMAL is durable across application crashes in WAL mode; FULL adds an fsync per commit
    # so that a committed write also survives power loss. Quotes are rewritten every few
    # seconds, so FULL costs little and keeps the "writes never lose data" promise.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _set_wal(conn: sqlite3.Connection, busy_timeout_s: float) -> str:
    """Switch to WAL. On a brand-new file two openers can race here, and this pragma does
    not go through the busy handler, so retry "database is locked" for up to the timeout."""
    deadline = time.monotonic() + busy_timeout_s
    delay = 0.005
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in a ``BEGIN IMMEDIATE`` transaction: commit on success, roll back on error.

    Nested use joins the outer transaction (a savepoint would be pointless here: all our
    writes are short and all-or-nothing).
    """
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
