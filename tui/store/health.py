"""What is wrong with the store, in words a user can act on; checking it; rebuilding it.

SQLite reports a damaged, read-only or full database as `sqlite3.DatabaseError` from whichever
query first touches the bad page, often deep inside a command. The CLI and the app turn those
errors into one message (`describe`) that says what is wrong, where the file is, and what to
do: `theme-tracker store check` (SQLite's integrity check) and `theme-tracker store rebuild`,
which moves the damaged file aside (never deletes it) and starts a new store with the shipped
sample. The YAML watchlists and catalysts are separate files and are never touched.
"""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tui.store.store import DB_FILENAME, StoreError

#: sqlite3 error texts by kind (the driver exposes no stable code before Python 3.11's
#: `sqlite_errorcode`, which is used first where present).
_DAMAGED = ("malformed", "not a database", "file is encrypted", "corrupt")
_READ_ONLY = ("readonly", "read-only")
_FULL = ("database or disk is full",)
_DAMAGED_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_READ_ONLY_CODES = {8}  # SQLITE_READONLY
_FULL_CODES = {13}  # SQLITE_FULL


def db_path(data_dir: Path) -> Path:
    return Path(data_dir).expanduser() / DB_FILENAME


def kind_of(exc: BaseException) -> str:
    """"damaged", "read-only", "full", "locked" or "other" for a store error."""
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "full"
    if code in _DAMAGED_CODES or any(t in text for t in _DAMAGED):
        return "damaged"
    if code in _READ_ONLY_CODES or any(t in text for t in _READ_ONLY):
        return "read-only"
    if code in _FULL_CODES or any(t in text for t in _FULL):
        return "full"
    if "locked" in text or "busy" in text:
        return "locked"
    return "other"


def is_store_error(exc: BaseException | None) -> bool:
    """True for a failure of the store itself (damaged, read-only, full), as opposed to a
    network or source failure: the app must not blame the network for it."""
    return isinstance(exc, (StoreError, sqlite3.DatabaseError))


def store_kind(exc: BaseException) -> str:
    """kind_of for the error or, for a StoreError, the SQLite/OS error under it."""
    cause = exc.__cause__ if isinstance(exc, StoreError) and exc.__cause__ is not None else exc
    return kind_of(cause)


def describe(exc: BaseException, data_dir: Path) -> str:
    """One message for a store error: what is wrong, where, and how to recover."""
    path = db_path(data_dir)
    kind = kind_of(exc)
    if kind == "damaged":
        return (
            f"the store at {path} is damaged ({exc}). Check it with `theme-tracker store check`; "
            "`theme-tracker store rebuild` moves it aside and starts a new store with the sample data "
            "(your watchlists and catalysts are not touched; run `theme-tracker refresh` afterwards)"
        )
    if kind == "read-only":
        return (
            f"the store at {path} is read-only ({exc}): make the file and its folder writable, "
            "or pass --data-dir DIR to use another store"
        )
    if kind == "full":
        return f"the disk holding the store at {path} is full ({exc}): free some space and run the command again"
    if kind == "locked":
        return f"the store at {path} is busy: another theme-tracker process holds it ({exc}); try again"
    return f"the store at {path} could not be used: {exc}. Check it with `theme-tracker store check`"


@dataclass(frozen=True)
class CheckResult:
    path: Path
    exists: bool
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.exists and not self.problems


def check(data_dir: Path, *, max_errors: int = 20) -> CheckResult:
    """Run SQLite's integrity check on the store (read-only: the file is not changed)."""
    path = db_path(data_dir)
    if not path.is_file():
        return CheckResult(path, False, ())
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as exc:
        return CheckResult(path, True, (str(exc),))
    try:
        rows = conn.execute(f"PRAGMA integrity_check({int(max_errors)})").fetchall()
        lines = [line for r in rows for line in str(r[0]).splitlines()]
        problems = tuple(line for line in lines if line.strip().lower() not in ("ok", "*** in database main ***"))
    except sqlite3.DatabaseError as exc:
        problems = (str(exc),)
    finally:
        conn.close()
    return CheckResult(path, True, problems)


def rebuild(data_dir: Path) -> tuple[Path | None, Path]:
    """Move the store aside (`theme-tracker.db.damaged-<time>`, with its -wal/-shm files) and
    open a new one, which loads the shipped sample. Returns (where the old file went, new path)."""
    from tui.store.store import Store

    path = db_path(data_dir)
    moved: Path | None = None
    if path.exists():
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        moved = path.with_name(f"{path.name}.damaged-{stamp}")
        try:
            for suffix in ("", "-wal", "-shm"):
                part = path.with_name(path.name + suffix)
                if part.exists():
                    part.rename(moved.with_name(moved.name + suffix))
        except OSError as exc:
            raise StoreError(f"cannot move the store at {path} aside: {exc.strerror or exc}") from None
    with Store.open(data_dir):
        pass
    return moved, path
