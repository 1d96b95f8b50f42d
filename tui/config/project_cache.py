"""A fast path for loading unchanged files: the validated Project, cached by file stamps.

Validating every stock, indicator and catalyst with pydantic is most of what the app's first
paint spends beyond Textual itself (a thousand stocks: building the models' validators, then
validating). Between two starts the files rarely change, so :func:`load_project_cached` keeps
the loaded :class:`~tui.config.loader.Project` (with its diagnostics) in the data directory,
keyed by the same ``(mtime_ns, size)`` stamps the app's file watcher uses to notice an edit,
plus the stamps of the code that validates. Any difference, and the files are loaded and
validated again; a missing, unreadable or foreign cache file is simply ignored.

The cache is a pickle, written by this program into its own data directory with mode 0600 and
read only when it is a regular file owned by the current user and writable by no one else
(never a file someone else could have planted).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

from tui import __version__
from tui.config.loader import Project, load_project
from tui.config.reload import file_stamps

#: Cache files live here, under the data directory.
CACHE_DIR = "cache"
#: Bump when the cached shape changes in a way the code stamps would not notice.
FORMAT = 1

#: The modules whose code decides what a loaded Project holds.
_CODE = (
    "tui.config.loader",
    "tui.config.validation",
    "tui.config.yaml_reader",
    "tui.config.diagnostics",
    "tui.domain.models",
    "tui.domain.codes",
    "tui.domain.dates",
    "tui.domain.values",
)


def cache_path(data_dir: Path, watchlists: Path, catalysts: Path | None) -> Path:
    """One cache file per (watchlists, catalysts) pair."""
    name = f"{Path(watchlists).resolve()}\0{Path(catalysts).resolve() if catalysts else ''}"
    return Path(data_dir) / CACHE_DIR / f"project-{hashlib.sha256(name.encode()).hexdigest()[:16]}.pickle"


def _code_stamps() -> list[tuple[str, int, int]]:
    out = []
    for name in _CODE:
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None)
        if path is None:
            out.append((name, 0, 0))
            continue
        st = os.stat(path)
        out.append((name, st.st_mtime_ns, st.st_size))
    return out


def cache_key(watchlists: Path, catalysts: Path | None) -> tuple[Any, ...]:
    stamps = sorted((str(p), *s) for p, s in file_stamps(Path(watchlists), catalysts).items())
    return (FORMAT, __version__, str(watchlists), str(catalysts), stamps, _code_stamps())


def _safe_to_read(path: Path) -> bool:
    try:
        st = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o022:
        return False
    return not hasattr(os, "getuid") or st.st_uid == os.getuid()


def read_cached(path: Path, key: tuple[Any, ...]) -> Project | None:
    """The cached Project if ``path`` holds one for ``key``, else None."""
    if not _safe_to_read(path):
        return None
    try:
        with open(path, "rb") as f:
            stored_key, project = pickle.load(f)
    except Exception:  # noqa: BLE001 - a broken or outdated cache is a cache miss
        return None
    return project if stored_key == key and isinstance(project, Project) else None


def write_cached(path: Path, key: tuple[Any, ...], project: Project) -> None:
    """Keep ``project`` under ``key``; a failure to write only costs the next start its speed."""
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump((key, project), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


def load_project_cached(watchlists: Path, catalysts: Path | None, data_dir: Path) -> Project:
    """:func:`~tui.config.loader.load_project`, from the cache when no file has changed.

    The key is taken before the files are read: a file saved while loading gets a new stamp,
    so the next start validates it again rather than trusting a cache of older bytes.
    """
    key = cache_key(watchlists, catalysts)
    path = cache_path(data_dir, watchlists, catalysts)
    cached = read_cached(path, key)
    if cached is not None:
        return cached
    project = load_project(Path(watchlists), catalysts)
    write_cached(path, key, project)
    return project
