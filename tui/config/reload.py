"""Reloading edited files: keep the last valid version of a file that became invalid.

When a user saves a broken watchlist or calendar while the app runs, the app keeps showing
what that file held when it was last valid, and shows the new errors (with their lines).
Files that are valid (or newly added) take their new content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tui.config.loader import Project, check_references, yaml_files


@dataclass
class ReloadOutcome:
    project: Project
    kept_last_valid: list[Path] = field(default_factory=list)


def _error_paths(project: Project) -> set[Path]:
    """Files with errors of their own (a cross-file error is checked again after merging)."""
    return {Path(d.path) for d in project.errors if not any(d is c for c in project.cross_file)}


def keep_last_valid(old: Project | None, new: Project, catalysts_path: Path | None) -> ReloadOutcome:
    """`new`, except that files with errors keep the themes/catalysts `old` had from them."""
    if old is None:
        return ReloadOutcome(new)
    broken = _error_paths(new)
    kept: list[Path] = []
    themes = []
    new_by_path: dict[Path, list] = {}
    for theme in new.themes:
        new_by_path.setdefault(Path(new.theme_files[theme.id]), []).append(theme)
    old_by_path: dict[Path, list] = {}
    for theme in old.themes:
        old_by_path.setdefault(Path(old.theme_files[theme.id]), []).append(theme)
    theme_files: dict[str, Path] = {}
    order = list(dict.fromkeys([*new_by_path, *(p for p in old_by_path if p in broken)]))
    for path in sorted(order, key=str):
        if path in broken and path in old_by_path:
            chosen = old_by_path[path]
            kept.append(path)
        else:
            chosen = new_by_path.get(path, [])
        for theme in chosen:
            if theme.id in theme_files:  # the same id now defined elsewhere: the valid file wins
                continue
            themes.append(theme)
            theme_files[theme.id] = path
    catalysts, catalyst_docs = new.catalysts, new.catalyst_docs
    if catalysts_path is not None and Path(catalysts_path) in broken and old.catalysts:
        catalysts, catalyst_docs = old.catalysts, old.catalyst_docs
        kept.append(Path(catalysts_path))
    # Cross-file checks compare what is shown: a broken file's themes are the kept ones, so a
    # catalyst naming them is no problem (checking the new load gave dozens of false warnings).
    own = [d for d in new.diagnostics if not any(d is c for c in new.cross_file)]
    merged = Project(themes=themes, catalysts=catalysts, diagnostics=own, theme_files=theme_files, files=new.files)
    merged.catalyst_docs = catalyst_docs
    merged.cross_file = check_references(merged, catalyst_docs)
    merged.diagnostics += merged.cross_file
    return ReloadOutcome(merged, kept)


def file_stamps(watchlists: Path, catalysts: Path | None) -> dict[Path, tuple[int, int]]:
    """(mtime_ns, size) of every watched file; a change in the set or a stamp means reload."""
    paths = yaml_files(watchlists) if watchlists.is_dir() else []
    if catalysts is not None:
        paths.append(catalysts)
    stamps: dict[Path, tuple[int, int]] = {}
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        stamps[path] = (st.st_mtime_ns, st.st_size)
    return stamps
