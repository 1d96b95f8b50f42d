"""An intent journal for edits that touch several files (a stock moved to another theme).

Each file is replaced atomically (tui.config.atomic), but a move writes two files, and a
process killed between the two renames left the stock in both themes. So before the first
rename the move writes a journal, `.backup/<id>.journal` in the first file's directory, holding
every file's content before and after; it removes the journal once the last rename is done.

The next run (any CLI command, the app's start and each reload, any move) finds a journal left
by a killed run and finishes it:
- every file holds its "before" or its "after" content: the move is completed (roll forward:
  the "after" content is written where it is missing), so the stock ends in exactly one theme;
- a file holds neither (someone edited it since): nothing is written, the journal is removed
  and the message says which file to check, since rolling either way could undo that edit.

A journal is written atomically (temp file, fsync, rename), so it is either complete or absent.
Orphan temporary files (`.<name>.<random>.tmp`) of killed writes are removed at the same time.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tui.config import atomic

JOURNAL_SUFFIX = ".journal"
#: Journals are written under the lock of this (never existing) file of the directory, so the
#: clean-up can tell a killed journal write's temp file from one being written.
JOURNAL_LOCK_NAME = "journal"


@dataclass(frozen=True)
class Change:
    """One file of a multi-file edit: its content before and after."""

    path: Path
    before: bytes
    after: bytes


#: Called after each durable step of a journaled edit (tests use it to simulate a kill there).
step_hook: Callable[[str], None] = lambda step: None


def _journal_dir(changes: list[Change]) -> Path:
    return atomic.backup_dir(changes[0].path.parent)


def begin(changes: Iterable[Change], what: str) -> Path:
    """Write the journal of an edit about to replace several files; returns its path."""
    items = list(changes)
    payload = {
        "version": 1,
        "what": what,
        "created": time.time(),
        "files": [
            {"path": str(c.path.resolve()), "before": c.before.decode("utf-8"), "after": c.after.decode("utf-8")}
            for c in items
        ],
    }
    folder = _journal_dir(items)
    path = folder / f"move-{os.getpid()}-{time.monotonic_ns()}{JOURNAL_SUFFIX}"
    with atomic.file_lock(folder.parent / JOURNAL_LOCK_NAME):
        atomic.atomic_write(path, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    step_hook("journal-written")
    return path


def finish(journal: Path) -> None:
    """The edit is complete on disk: drop its journal."""
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()
    step_hook("journal-removed")


def _read(journal: Path) -> tuple[str, list[Change]] | None:
    try:
        payload = json.loads(journal.read_text(encoding="utf-8"))
        files = [Change(Path(f["path"]), f["before"].encode("utf-8"), f["after"].encode("utf-8")) for f in payload["files"]]
        return str(payload.get("what", "an edit")), files
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def recover_journal(journal: Path) -> str | None:
    """Complete (or, when a file was edited since, abandon) one journaled edit. Returns a
    message for the user, or None when the journal was already finished."""
    read = _read(journal)
    if read is None:
        if not journal.exists():  # finished by its own (live) writer since it was listed
            return None
        with contextlib.suppress(OSError):
            journal.unlink()
        return f"{journal}: an unreadable edit journal was removed"
    what, changes = read
    with atomic.file_locks([c.path for c in changes]):
        if not journal.exists():  # another process finished it while we waited for the locks
            return None
        current = {c.path: _current(c.path) for c in changes}
        edited = [c.path for c in changes if current[c.path] not in (c.before, c.after)]
        if edited:
            journal.unlink()
            return (
                f"an interrupted edit ({what}) was not completed because "
                f"{', '.join(str(p) for p in edited)} changed since; check that file"
            )
        todo = [c for c in changes if current[c.path] != c.after]
        for c in todo:
            atomic.atomic_write(c.path, c.after)
        journal.unlink()
    if not todo:
        return None
    return f"completed an interrupted edit ({what}): {', '.join(str(c.path) for c in todo)}"


def recover(directory: Path) -> list[str]:
    """Finish the journaled edits left in `directory` by killed runs and remove orphan
    temporary files; returns a message per thing done (empty when there was nothing)."""
    messages: list[str] = []
    if not directory.is_dir():
        return messages
    folder = directory / atomic.BACKUP_DIR
    if folder.is_dir():
        for journal in sorted(folder.glob(f"*{JOURNAL_SUFFIX}")):
            try:
                msg = recover_journal(journal)
            except OSError as exc:
                msg = f"{journal}: an interrupted edit could not be completed: {exc.strerror or exc}"
            if msg:
                messages.append(msg)
        _remove_temps(folder, directory)
    _remove_temps(directory, directory)
    return messages


#: `.<file>.<random>.tmp` as tempfile.mkstemp names the temp files of tui.config.atomic.
_TEMP_NAME = re.compile(r"^\.(?P<target>.+\.(?:yaml|yml|journal))\.[A-Za-z0-9_]{8}\.tmp$")


def _remove_temps(folder: Path, directory: Path) -> None:
    """Remove `.<name>.<random>.tmp` files in `folder` left by killed writes. Each is removed
    under the lock its writer held (the YAML file's, or the journal lock), so a write in
    progress in another process keeps its temp file."""
    for name in {p.name for p in folder.glob(".*.tmp")}:
        m = _TEMP_NAME.match(name)
        if m is None:  # not one of ours (only YAML files and journals are written this way)
            continue
        target = m["target"]
        owner = directory / (JOURNAL_LOCK_NAME if target.endswith(JOURNAL_SUFFIX) else target)
        with contextlib.suppress(OSError), atomic.file_lock(owner):
            (folder / name).unlink()
