"""Load the watchlists directory and the catalyst calendar into a Project.

Loading is tolerant: every problem becomes a located Diagnostic, and whatever is valid still
loads. A broken file never stops the others; a bad stock, indicator, reading or catalyst is
dropped while the rest of its file loads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.config.diagnostics import Diagnostic, Severity
from tui.config.validation import validate_item
from tui.config.yaml_reader import YamlDocument, YamlReadError, read_yaml
from tui.domain.models import Catalyst, Indicator, Reading, Stock, Theme

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Project:
    """Everything loaded from the user's files, with the problems found on the way."""

    themes: list[Theme] = field(default_factory=list)
    catalysts: list[Catalyst] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    theme_files: dict[str, Path] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    cross_file: list[Diagnostic] = field(default_factory=list, repr=False)
    """The warnings in `diagnostics` that compare files (a catalyst naming a theme or stock no
    watchlist has): live reload checks them again against the versions it keeps showing."""
    catalyst_docs: dict[str, YamlDocument] = field(default_factory=dict, repr=False, compare=False)
    """The document each catalyst was read from (for the positions of those warnings)."""

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def listed_codes(self) -> list[str]:
        """Unique codes of every stock with a code, in watchlist order."""
        seen: dict[str, None] = {}
        for theme in self.themes:
            for stock in theme.stocks:
                if stock.code and stock.status != "delisted":
                    seen.setdefault(stock.code, None)
        return list(seen)

    def stock_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for theme in self.themes:
            for stock in theme.stocks:
                if stock.code:
                    names.setdefault(stock.code, stock.name)
        return names

    def catalysts_for_theme(self, theme: Theme) -> list[Catalyst]:
        codes = {s.code for s in theme.stocks if s.code}
        return [c for c in self.catalysts if theme.id in c.themes or codes.intersection(c.stocks)]

    def catalysts_for_stock(self, code: str) -> list[Catalyst]:
        return [c for c in self.catalysts if code in c.stocks]


# --------------------------------------------------------------------------- themes

_THEME_SCALARS = ("id", "name", "description", "benchmark", "segments", "tags", "source", "boards", "keywords", "mute")


def _list_at(doc: YamlDocument, data: dict[str, Any], key: str, diags: list[Diagnostic]) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        diags.append(doc.diag((key,), f"{key}: expected a list, got {type(value).__name__}"))
        return []
    return value


def _load_theme(doc: YamlDocument) -> tuple[Theme | None, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    data = doc.data
    if not isinstance(data, dict):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        return None, [doc.diag((), f"a watchlist file must be a mapping with id, name, stocks, …; got {got}")]

    head = {k: v for k, v in data.items() if k not in ("stocks", "indicators")}
    theme, problems = validate_item(doc, Theme, head, ())
    diags += problems
    # Keep checking the stocks and indicators of an invalid theme so every problem is reported.
    theme_id = theme.id if theme else str(data.get("id", "?"))
    segment_names = set(theme.segment_names()) if theme else set()
    stocks: list[Stock] = []
    first_seen: dict[str, int] = {}
    for i, raw in enumerate(_list_at(doc, data, "stocks", diags)):
        stock, problems = validate_item(doc, Stock, raw, ("stocks", i))
        diags += problems
        if stock is None:
            continue
        if stock.code:
            if stock.code in first_seen:
                line = doc.pos(("stocks", first_seen[stock.code]))[0]
                diags.append(doc.diag(("stocks", i, "code"), f"duplicate code {stock.code} in theme {theme_id!r} (first at line {line}); the second entry is ignored"))
                continue
            first_seen[stock.code] = i
        if stock.segment and segment_names and stock.segment not in segment_names:
            diags.append(doc.diag(("stocks", i, "segment"), f"segment {stock.segment!r} is not one of this theme's segments: {', '.join(sorted(segment_names))}", severity=Severity.WARNING))
        stocks.append(stock)

    indicators: list[Indicator] = []
    seen_ids: dict[str, int] = {}
    for i, raw in enumerate(_list_at(doc, data, "indicators", diags)):
        indicator, problems = _load_indicator(doc, raw, ("indicators", i))
        diags += problems
        if indicator is None:
            continue
        if indicator.id in seen_ids:
            line = doc.pos(("indicators", seen_ids[indicator.id]))[0]
            diags.append(doc.diag(("indicators", i, "id"), f"duplicate indicator id {indicator.id!r} (first at line {line}); the second is ignored"))
            continue
        seen_ids[indicator.id] = i
        indicators.append(indicator)

    if theme is None:
        return None, diags
    return theme.model_copy(update={"stocks": stocks, "indicators": indicators}), diags


def _load_indicator(doc: YamlDocument, raw: Any, path: tuple[Any, ...]) -> tuple[Indicator | None, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    if not isinstance(raw, dict):
        return None, [doc.diag(path, f"an indicator must be a mapping with id, name, unit, …; got {type(raw).__name__}")]
    head = {k: v for k, v in raw.items() if k != "readings"}
    indicator, problems = validate_item(doc, Indicator, head, path)
    diags += problems
    if indicator is None:
        return None, diags
    readings: list[Reading] = []
    raw_readings = raw.get("readings") or []
    if not isinstance(raw_readings, list):
        diags.append(doc.diag((*path, "readings"), "readings: expected a list"))
        raw_readings = []
    for j, item in enumerate(raw_readings):
        rpath = (*path, "readings", j)
        reading, problems = validate_item(doc, Reading, item, rpath)
        diags += problems
        if reading is None:
            continue
        if reading.unit is not None and reading.unit != indicator.unit:
            diags.append(doc.diag((*rpath, "unit"), f"reading unit {reading.unit!r} does not match indicator {indicator.id!r}, whose unit is {indicator.unit!r}; convert the value or fix the unit"))
            continue
        readings.append(reading)
    readings.sort(key=lambda r: r.date.end)
    return indicator.model_copy(update={"readings": readings}), diags


# ------------------------------------------------------------------------ catalysts


def _load_catalysts(doc: YamlDocument) -> tuple[list[Catalyst], list[Diagnostic]]:
    diags: list[Diagnostic] = []
    data = doc.data
    if data is None:
        return [], []
    if not isinstance(data, dict) or "catalysts" not in data:
        return [], [doc.diag((), "a catalyst file must be a mapping with a 'catalysts:' list")]
    extra = [k for k in data if k != "catalysts"]
    for k in extra:
        diags.append(doc.diag((k,), f"unknown field {k!r}; expected 'catalysts'", key=True))
    items = data["catalysts"]
    if items is None:
        return [], diags
    if not isinstance(items, list):
        return [], [*diags, doc.diag(("catalysts",), "catalysts: expected a list")]
    out: list[Catalyst] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(items):
        catalyst, problems = validate_item(doc, Catalyst, raw, ("catalysts", i))
        diags += problems
        if catalyst is None:
            continue
        if catalyst.id in seen:
            line = doc.pos(("catalysts", seen[catalyst.id]))[0]
            diags.append(doc.diag(("catalysts", i, "id"), f"duplicate catalyst id {catalyst.id!r} (first at line {line}); the second is ignored"))
            continue
        seen[catalyst.id] = i
        out.append(catalyst)
    return out, diags


def check_references(project: Project, docs: dict[str, YamlDocument]) -> list[Diagnostic]:
    """Problems found by comparing files: catalysts naming stocks or themes that none of
    `project`'s themes has (warnings); a five-digit code no watchlist marks as a Hong Kong
    listing (an error)."""
    found: list[Diagnostic] = []
    theme_ids = {t.id for t in project.themes}
    codes = {s.code for t in project.themes for s in t.stocks if s.code}
    hk_codes = {s.code for t in project.themes for s in t.stocks if s.code and s.market == "HK"}
    positions = {c.id: (docs.get(c.id), i) for i, c in enumerate(project.catalysts)}
    for catalyst in project.catalysts:
        doc, _ = positions[catalyst.id]
        if doc is None:
            continue
        idx = _catalyst_index(doc, catalyst.id)
        for j, theme_id in enumerate(catalyst.themes):
            if theme_id not in theme_ids:
                found.append(doc.diag(("catalysts", idx, "themes", j), f"catalyst {catalyst.id!r} names theme {theme_id!r}, which no watchlist defines", severity=Severity.WARNING))
        for j, code in enumerate(catalyst.stocks):
            if len(code) == 5 and code not in hk_codes:
                # A catalyst has no place to mark a listing: a five-digit code must be a stock a
                # watchlist marks `market: HK`, else it is taken for an A-share code missing a digit.
                found.append(doc.diag(("catalysts", idx, "stocks", j), f"catalyst {catalyst.id!r} names stock {code!r}, which has five digits: A-share codes have six digits; for a Hong Kong listing write market: HK beside the code in its watchlist"))
            elif code not in codes:
                found.append(doc.diag(("catalysts", idx, "stocks", j), f"catalyst {catalyst.id!r} names stock {code}, which is in no watchlist", severity=Severity.WARNING))
    return found


def _catalyst_index(doc: YamlDocument, catalyst_id: str) -> int:
    items = doc.data.get("catalysts") if isinstance(doc.data, dict) else None
    for i, raw in enumerate(items or []):
        if isinstance(raw, dict) and raw.get("id") == catalyst_id:
            return i
    return 0


# ------------------------------------------------------------------------ entry points


def is_catalyst_doc(doc: YamlDocument) -> bool:
    return isinstance(doc.data, dict) and "catalysts" in doc.data


def yaml_files(directory: Path) -> list[Path]:
    """The directory's *.yaml/*.yml files, broken symbolic links included (reading one
    reports the link, where skipping it would hide a theme without a word)."""
    return sorted(p for p in directory.iterdir() if p.suffix in YAML_SUFFIXES and (p.is_file() or _dangling(p)))


def _dangling(path: Path) -> bool:
    return path.is_symlink() and not path.exists()


def load_files(paths: Iterable[Path], *, catalyst_paths: Iterable[Path] = ()) -> Project:
    """Load theme files and catalyst files; a file in `paths` holding `catalysts:` counts as one."""
    project = Project()
    cat_docs: dict[str, YamlDocument] = {}
    theme_ids: dict[str, Path] = {}
    catalyst_set = {Path(p) for p in catalyst_paths}
    for path in [*paths, *catalyst_set]:
        project.files.append(path)
        try:
            doc = read_yaml(path)
        except YamlReadError as exc:
            project.diagnostics.append(exc.diagnostic)
            continue
        if path in catalyst_set or is_catalyst_doc(doc):
            catalysts, diags = _load_catalysts(doc)
            project.diagnostics += diags
            known = {c.id for c in project.catalysts}
            for c in catalysts:
                if c.id in known:
                    project.diagnostics.append(doc.diag(("catalysts", _catalyst_index(doc, c.id), "id"), f"duplicate catalyst id {c.id!r}, also in another file; ignored here"))
                    continue
                project.catalysts.append(c)
                cat_docs[c.id] = doc
            continue
        theme, diags = _load_theme(doc)
        project.diagnostics += diags
        if theme is None:
            continue
        if theme.id in theme_ids:
            project.diagnostics.append(doc.diag(("id",), f"theme id {theme.id!r} is already defined in {theme_ids[theme.id]}; this file is ignored"))
            continue
        theme_ids[theme.id] = path
        project.themes.append(theme)
        project.theme_files[theme.id] = path
    project.catalyst_docs = cat_docs
    project.cross_file = check_references(project, cat_docs)
    project.diagnostics += project.cross_file
    return project


def why_no_themes(project: Project, watchlists: Path) -> str:
    """Why `project` has no theme, in words that are true for this case (for messages that
    would otherwise suggest an option that cannot help)."""
    if not watchlists.exists():
        return f"no theme is loaded: {watchlists} does not exist (pass --watchlists DIR)"
    if not watchlists.is_dir():
        return f"no theme is loaded: {watchlists} is not a directory (pass --watchlists DIR)"
    files = [p for p in project.files if p.parent == watchlists] or yaml_files(watchlists)
    if not files:
        return f"no theme is loaded: {watchlists} holds no watchlist files (*.yaml)"
    return (
        f"no theme is loaded: none of the {len(files)} file(s) in {watchlists} defines a valid theme "
        f"({len(project.errors)} error(s); see theme-tracker validate)"
    )


def directory_problem(path: Path) -> str | None:
    """What is wrong with a watchlists directory path, or None when it is a directory."""
    if path.is_dir():
        return None
    if path.exists():
        return f"{path}: not a directory; pass --watchlists DIR"
    return f"{path}: watchlists directory not found; pass --watchlists DIR"


def load_project(watchlists: Path, catalysts: Path | None) -> Project:
    """Load the configured watchlists directory and catalyst file (missing ones are reported)."""
    theme_paths: list[Path] = []
    missing: list[Diagnostic] = []
    if watchlists.is_dir():
        theme_paths = yaml_files(watchlists)
        if not theme_paths:
            missing.append(Diagnostic(watchlists, 1, 1, "no watchlist files (*.yaml) in this directory", Severity.WARNING))
    else:
        what = "not a directory" if watchlists.exists() else "watchlists directory not found"
        missing.append(Diagnostic(watchlists, 1, 1, f"{what}; pass --watchlists DIR or set 'watchlists' in settings"))
    cat_paths: Sequence[Path] = ()
    if catalysts is not None:
        if catalysts.is_file():
            cat_paths = (catalysts,)
        else:
            what = "is a directory, not a catalyst file" if catalysts.is_dir() else "catalyst file not found"
            missing.append(Diagnostic(catalysts, 1, 1, f"{what}; pass --catalysts FILE or set 'catalysts' in settings", Severity.WARNING))
    project = load_files(theme_paths, catalyst_paths=cat_paths)
    project.diagnostics[:0] = missing
    return project
