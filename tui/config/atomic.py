"""Crash-safe file replacement, one-generation backups and change detection.

A file is replaced by writing a temporary file in the same directory (so the rename stays on
one filesystem), flushing and fsyncing it, then `os.replace`-ing it over the original and
fsyncing the directory. A crash at any point leaves either the old file or the new one, never
a mix; the temporary file is named `.<name>.<random>.tmp`, so the watchlist loader (which
reads `*.yaml`/`*.yml`) never picks it up.

The previous version is kept as `<name>.bak` next to the file (one generation, replaced on
each write; also not a `*.yaml` file, so the loader ignores it). Restore it with
`mv compute-power.yaml.bak compute-power.yaml`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

BACKUP_SUFFIX = ".bak"


@dataclass(frozen=True)
class Fingerprint:
    """What a file looked like when it was read: content hash, size and modification time."""

    sha256: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, data: bytes, path: Path | None = None) -> Fingerprint:
        mtime = 0
        if path is not None:
            with contextlib.suppress(OSError):
                mtime = path.stat().st_mtime_ns
        return cls(hashlib.sha256(data).hexdigest(), len(data), mtime)

    def matches(self, path: Path) -> bool:
        """True when the file on disk still holds the same bytes (a bare `touch` is no change)."""
        # Always hash: the files are small, and coarse mtimes (1-2 s on some filesystems)
        # would miss a quick second write of the same size.
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest() == self.sha256
        except FileNotFoundError:
            return False


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


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


def write_temp(path: Path, data: bytes) -> Path:
    """Write `data` to a new fsynced temporary file next to `path` (same mode as `path`)."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
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
    """Keep `data` (the file's current bytes) as `<path>.bak`, written atomically."""
    target = backup_path(path)
    tmp = write_temp(path, data)
    commit(tmp, target)
    return target
