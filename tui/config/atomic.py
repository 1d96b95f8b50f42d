"""Crash-safe file replacement, one-generation backups and change detection.

A file is replaced by writing a temporary file in the same directory (so the rename stays on
one filesystem), flushing and fsyncing it, then `os.replace`-ing it over the original and
fsyncing the directory. A crash at any point leaves either the old file or the new one, never
a mix; the temporary file is named `.<name>.<random>.tmp`, so the watchlist loader (which
reads `*.yaml`/`*.yml`) never picks it up.

The previous version is kept as `.backup/<name>` in the file's directory (one generation,
replaced on each write). The loader reads only the `*.yaml` files of the directory itself, so
a backup is never read as a watchlist, and the folder carries its own `.gitignore` (`*`), so
git ignores it in any repository. Restore one with
`cp watchlists/.backup/compute-power.yaml watchlists/`.

Writers of one file take an advisory lock (`.backup/<name>.lock`, `fcntl.flock`) around
"check that the file is what I loaded, back it up, rename the new version over it": without
it a second writer could land between the check and the rename and its edit would be lost.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import os
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

BACKUP_SUFFIX = ".bak"  # the former `<file>.bak` location; kept for callers that knew it
BACKUP_DIR = ".backup"
#: How long a writer waits for another writer of the same file before giving up.
LOCK_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Fingerprint:
    """What a file held when it was read: the hash of its bytes."""

    sha256: str

    @classmethod
    def of(cls, data: bytes) -> Fingerprint:
        return cls(hashlib.sha256(data).hexdigest())

    def matches(self, path: Path) -> bool:
        """True when the file on disk still holds the same bytes (a bare `touch` is no change)."""
        # Always hash: the files are small, and coarse mtimes (1-2 s on some filesystems)
        # would miss a quick second write of the same size.
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest() == self.sha256
        except FileNotFoundError:
            return False


def backup_dir(directory: Path) -> Path:
    """`directory/.backup`, created (with a `.gitignore` of `*`) when missing."""
    folder = directory / BACKUP_DIR
    if not folder.is_dir():
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            with contextlib.suppress(OSError):
                ignore.write_text("# theme-tracker backups and edit locks: not part of the project\n*\n", encoding="utf-8")
    return folder


def backup_path(path: Path) -> Path:
    """Where the previous version of `path` is kept: `.backup/<name>` beside it."""
    return path.parent / BACKUP_DIR / path.name


def lock_path(path: Path) -> Path:
    return path.parent / BACKUP_DIR / f"{path.name}.lock"


class LockTimeout(OSError):
    """Another writer held the file's lock for longer than LOCK_TIMEOUT_S."""


# Locks this thread holds: lock file -> (fd, depth). Per thread, not per process: flock locks
# belong to an open file, so another thread of the app (a form's save in a worker while the
# main thread reloads) opens its own descriptor and waits, as another process would.
_local = threading.local()


def _held() -> dict[Path, tuple[int, int]]:
    held = getattr(_local, "held", None)
    if held is None:
        held = _local.held = {}
    return held


@contextlib.contextmanager
def file_lock(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the advisory write lock of `path` (re-entrant within a thread).

    Every writer of the project's YAML files (the CLI, the app's forms) takes it around
    check + backup + rename, so two writers never interleave. Advisory: an editor outside
    theme-tracker does not take it, which the conflict check (content hash) still catches.
    """
    lock = lock_path(Path(path))
    held = _held()
    if lock in held:
        fd, depth = held[lock]
        held[lock] = (fd, depth + 1)
    else:
        backup_dir(lock.parent.parent)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _acquire(fd, lock, LOCK_TIMEOUT_S if timeout is None else timeout)
        except BaseException:
            os.close(fd)
            raise
        held[lock] = (fd, 1)
    try:
        yield
    finally:
        fd, depth = held[lock]
        if depth > 1:
            held[lock] = (fd, depth - 1)
        else:
            del held[lock]
            with contextlib.suppress(OSError):
                _unlock(fd)
            os.close(fd)


@contextlib.contextmanager
def file_locks(paths: Iterable[Path], timeout: float | None = None) -> Iterator[None]:
    """Hold the locks of several files, taken in a fixed order (so two writers cannot deadlock)."""
    with contextlib.ExitStack() as stack:
        for p in sorted({Path(p).resolve() for p in paths}):
            stack.enter_context(file_lock(p, timeout))
        yield


def _acquire(fd: int, lock: Path, timeout: float) -> None:
    if fcntl is None:  # pragma: no cover - not a POSIX system: no advisory locks
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    errno.EWOULDBLOCK,
                    f"another edit of this file has held its lock for {timeout:g} s; try again",
                    str(lock),
                ) from None
            time.sleep(0.01)  # polling a lock held by another process; no event to wait on


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def temp_files(path: Path) -> list[Path]:
    """Temporary files a killed write of `path` may have left (`.<name>.<random>.tmp`)."""
    return sorted(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def current_umask() -> int:
    """The process's umask. Read from /proc where there is one: setting it to read it back
    (the only portable way) would briefly let other threads create files with no mask."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """The mode the new file gets: the file's own when it exists, else what `open()` would give
    under the user's umask. mkstemp makes 0600 files, which kept shared reports private."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def write_temp(path: Path, data: bytes) -> Path:
    """Write `data` to a new fsynced temporary file next to `path` (same mode as `path`, or
    the umask's for a new file)."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, _mode_for(path))
    except BaseException:
        discard(tmp)
        raise
    return tmp


def discard(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()


def commit(tmp: Path, path: Path) -> None:
    """Rename the temporary file over `path`; on failure remove it and leave `path` as it was."""
    try:
        os.replace(tmp, path)
    except BaseException:
        discard(tmp)
        raise
    _fsync_dir(path.parent)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (temp file, fsync, rename)."""
    commit(write_temp(path, data), path)


def write_backup(path: Path, data: bytes) -> Path:
    """Keep `data` (the file's current bytes) as `.backup/<name>`, written atomically."""
    target = backup_path(path)
    backup_dir(path.parent)
    tmp = write_temp(target, data)
    commit(tmp, target)
    return target
