"""Edit the user's watchlists and catalyst calendar without destroying them.

The YAML files are the user's: hand-written, commented, in git. Every edit here
- is validated first (the item with the project's pydantic models, the whole edited file with
  the project's loader): an invalid edit raises EditError with the reason and writes nothing;
- changes only the lines it is about (see tui.config.splice): comments, key order, quoting,
  blank lines and indentation survive, and adding a stock then removing it gives back the
  original bytes;
- is written atomically (tui.config.atomic): temp file, fsync, rename; the previous version is
  kept as `.backup/<file>` beside it; check + backup + rename run under the file's advisory
  lock (tui.config.atomic.file_lock), so concurrent writers never lose each other's edits;
- is refused with ConflictError when the file changed on disk since the editor loaded it;
- is checked again after the write: if the file no longer loads as well as before, the previous
  version is put back and EditError is raised.

Policies where the data model leaves a choice:
- segment: when a theme declares `segments:`, a stock's segment must be one of them (the
  loader only warns; an edit refuses, since a typo would silently create a new group). A theme
  without declared segments accepts any segment.
- position: a new stock goes after the last stock of its segment group (the longest run of
  stocks with that segment; the earliest on a tie), or, for a segment no stock has yet, after
  the group of the nearest earlier declared segment; otherwise at the end of the list. A new
  catalyst goes at the end of the calendar; a new reading goes in date order (normally last).
- codes are written double-quoted ("300133"); dates are written plain (2025-03-13, 2025Q2).

Use one editor object per file: it remembers the content it loaded. After a successful edit it
holds the new content, so edits can be chained on the same object.
"""

from __future__ import annotations

import errno
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from tui.config import atomic, journal
from tui.config.atomic import LockTimeout
from tui.config.loader import Project, load_files, yaml_files
from tui.config.splice import EditError, PlainText, Splicer, plain_data
from tui.config.validation import validate_item
from tui.config.yaml_reader import YamlDocument, YamlReadError, read_yaml
from tui.domain.codes import CodeError, check_listing
from tui.domain.dates import PartialDate
from tui.domain.models import Catalyst, Reading, Stock
from tui.domain.values import Value
from tui.errors import ExitCode

__all__ = [
    "CatalystEditor",
    "ConflictError",
    "EditError",
    "EditResult",
    "MissingNameError",
    "NameLookup",
    "UNSET",
    "WatchlistEditor",
    "YamlFileEditor",
    "find_indicator",
    "find_theme_file",
    "move_stock",
    "reference_warnings",
]


class ConflictError(EditError):
    """The file changed on disk after the editor loaded it; nothing was written."""


class MissingNameError(EditError):
    """A stock needs a name and none was given or found. (CLI exit code 2: pass --name.)"""

    exit_code = ExitCode.USAGE


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: "leave this field as it is" (None or an empty list removes the field).
UNSET: Any = _Unset()

NameLookup = Callable[[str], "str | None"]

# Canonical field orders: a new key goes after the last existing key that comes before it.
THEME_ORDER = (
    "id", "name", "description", "benchmark", "tags", "keywords", "mute", "source", "boards", "segments", "stocks",
    "indicators",
)
STOCK_ORDER = (
    "code", "market", "name", "status", "status_note", "segment", "reason", "risks", "former_names", "notes", "tags", "source",
)
INDICATOR_ORDER = (
    "id", "name", "unit", "good", "target", "update_every", "subject", "codes", "notes", "source", "readings",
)
READING_ORDER = ("date", "value", "unit", "note", "source")
CATALYST_ORDER = (
    "id", "date", "title", "kind", "themes", "stocks", "impact", "expected", "status", "outcome",
    "claimed_reaction", "notes", "source",
)
STOCK_EDITABLE = ("name", "segment", "reason", "risks", "tags", "notes", "status", "status_note", "former_names", "source")
CATALYST_EDITABLE = CATALYST_ORDER[1:]
_FLOW_LISTS = {"tags", "former_names", "themes", "stocks", "codes"}


@dataclass(frozen=True)
class EditResult:
    """What an edit did: a one-line message, the file, its backup, and any warnings."""

    path: Path
    message: str
    backup: Path | None = None
    warnings: tuple[str, ...] = ()
    changed: bool = True


# --------------------------------------------------------------------------- helpers


def _check_model(model: type[BaseModel], data: Mapping[str, Any], what: str) -> Any:
    """Validate one item with the project's model; raise EditError with readable reasons."""
    plain = {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in data.items()}
    item, diags = validate_item(YamlDocument(Path(what), plain), model, plain, ())
    if item is None:
        raise EditError(f"{what}: " + "; ".join(d.message for d in diags))
    return item


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, dict)) and len(value) == 0)


def _date_text(value: Any, field: str = "date") -> PlainText:
    try:
        return PlainText(str(PartialDate.parse(value.strip() if isinstance(value, str) else value)))
    except ValueError as exc:
        raise EditError(f"{field}: {exc}") from None


def _source(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: v for k, v in value.items() if not _empty(v)}
    return value


def _field_value(key: str, value: Any) -> Any:
    """The value to write for a field, with the project's styles (quoted codes, plain dates)."""
    if key in ("code",):
        return DoubleQuotedScalarString(value)
    if key == "stocks":
        return [DoubleQuotedScalarString(c) for c in value]
    if key in ("date",):
        return _date_text(value)
    if key == "source":
        return _source(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device; free some space and try again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"permission denied ({exc.strerror}); check that the folder is writable"
    return exc.strerror or str(exc)


_LINE_REF = re.compile(r"\bline \d+")


def _error_set(project: Project) -> Counter[str]:
    return Counter(_LINE_REF.sub("line N", d.message) for d in project.errors)


# --------------------------------------------------------------------------- base editor


class YamlFileEditor:
    """One YAML file loaded for editing, with the fingerprint of what was loaded."""

    kind: ClassVar[str] = "theme"

    def __init__(self, path: Path | str, *, backups: bool = True) -> None:
        self.path = Path(path)
        self.backups = backups
        self.reload()

    # -- loading

    def reload(self) -> None:
        """(Re)read the file; forget any earlier content."""
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise EditError(f"{self.path}: cannot read file: {exc.strerror or exc}") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise EditError(f"{self.path}: file is not UTF-8; fix it first (theme-tracker validate)") from None
        self._raw = raw
        self.text = text
        self.fingerprint = atomic.Fingerprint.of(raw)
        self.data = plain_data(text, str(self.path))
        self._baseline = self._errors_of(self.path)
        self._check_shape()

    def _check_shape(self) -> None:
        pass

    def _load(self, path: Path) -> Project:
        if self.kind == "catalysts":
            return load_files([], catalyst_paths=[path])
        return load_files([path])

    def _errors_of(self, path: Path) -> Counter[str]:
        return _error_set(self._load(path))

    def changed_on_disk(self) -> bool:
        """True when the file on disk no longer holds what this editor loaded."""
        return not self.fingerprint.matches(self.path)

    def check_conflict(self) -> None:
        if self.changed_on_disk():
            raise ConflictError(f"{self.path} changed on disk since it was loaded; reload first")

    # -- writing

    def _splicer(self) -> Splicer:
        self.check_conflict()
        return Splicer(self.text, str(self.path))

    def _commit(self, sp: Splicer, message: str, warnings: Iterable[str] = ()) -> EditResult:
        new_text = sp.finish()
        if new_text == self.text:
            return EditResult(self.path, f"no change: {message}", None, tuple(warnings), changed=False)
        data = new_text.encode("utf-8")
        # Check, back up and rename as one critical section under the file's lock (held by
        # every writer, the app's forms included): a writer landing between the check and the
        # rename would otherwise have its edit silently overwritten.
        try:
            with self.locked():
                backup, now = self._write_locked(data)
        except LockTimeout as exc:
            raise ConflictError(f"{self.path}: not written: {exc.strerror}") from None
        except OSError as exc:
            raise EditError(f"{self.path}: not written, the file is unchanged: {_os_reason(exc)}") from None
        self._raw = data
        self.text = new_text
        self.fingerprint = atomic.Fingerprint.of(data)
        self.data = sp.expected
        self._baseline = now
        return EditResult(self.path, message, backup, tuple(warnings))

    def locked(self) -> Any:
        """The file's write lock (a context manager; re-entrant within the process)."""
        return atomic.file_lock(self.path)

    def _write_locked(self, data: bytes) -> tuple[Path | None, Counter[str]]:
        self.check_conflict()
        tmp = atomic.write_temp(self.path, data)
        backup = None
        try:
            added = self._errors_of(tmp) - self._baseline
            if added:
                raise EditError(f"{self.path}: refused, the edit would make the file invalid: " + "; ".join(added))
            self.check_conflict()  # again: a text editor outside theme-tracker takes no lock
            if self.backups:
                backup = atomic.write_backup(self.path, self._raw)
            atomic.commit(tmp, self.path)
        except BaseException:
            atomic.discard(tmp)
            raise
        now = self._errors_of(self.path)
        if now - self._baseline:
            atomic.atomic_write(self.path, self._raw)
            problems = "; ".join(now - self._baseline)
            raise EditError(f"{self.path}: the written file did not validate ({problems}); the previous version was restored")
        return backup, now

    def _restore(self, raw: bytes) -> None:
        """Put back earlier content (used to undo the first half of a two-file move)."""
        with self.locked():
            atomic.atomic_write(self.path, raw)
        self.reload()


# --------------------------------------------------------------------------- watchlists


class WatchlistEditor(YamlFileEditor):
    """A theme file (watchlists/<theme>.yaml): its stocks and indicator readings."""

    kind = "theme"

    def __init__(self, path: Path | str, *, backups: bool = True, name_lookup: NameLookup | None = None) -> None:
        self.name_lookup = name_lookup
        super().__init__(path, backups=backups)

    def _check_shape(self) -> None:
        if not isinstance(self.data, dict) or "id" not in self.data:
            raise EditError(f"{self.path}: not a watchlist file (a mapping with id, name, stocks, …)")
        for key in ("stocks", "indicators"):
            if self.data.get(key) is not None and not isinstance(self.data[key], list):
                raise EditError(f"{self.path}: {key}: expected a list; fix it first (theme-tracker validate)")

    @property
    def theme_id(self) -> str:
        return str(self.data["id"])

    def segment_names(self) -> list[str]:
        names = []
        for seg in self.data.get("segments") or []:
            if isinstance(seg, str):
                names.append(seg)
            elif isinstance(seg, dict) and isinstance(seg.get("name"), str):
                names.append(seg["name"])
        return names

    def stocks(self) -> list[dict[str, Any]]:
        return [s if isinstance(s, dict) else {} for s in (self.data.get("stocks") or [])]

    def stock(self, key: str) -> dict[str, Any]:
        return self.stocks()[self._stock_index(key)]

    def _stock_index(self, key: str, stocks: list[Any] | None = None) -> int:
        stocks = self.stocks() if stocks is None else stocks
        for i, s in enumerate(stocks):
            if isinstance(s, dict) and s.get("code") == key:
                return i
        for i, s in enumerate(stocks):
            if isinstance(s, dict) and not s.get("code") and s.get("name") == key:
                return i
        raise EditError(f"stock {key} is not in theme {self.theme_id!r} ({self.path})")

    def _check_segment(self, segment: str | None) -> None:
        names = self.segment_names()
        if segment and names and segment not in names:
            raise EditError(
                f"segment {segment!r} is not one of theme {self.theme_id!r}'s segments: {', '.join(names)}"
            )

    def _placement(self, segment: str | None, stocks: list[Any]) -> tuple[int, str | None]:
        """(index, section hint): the hint is set when no stock has the segment yet, so the
        stock goes below a section comment naming the segment if there is one."""
        index = self._group_end(segment, stocks)
        if index is not None or not segment:
            return (len(stocks) if index is None else index), None
        return self._empty_group_position(segment, stocks), segment

    def _empty_group_position(self, segment: str, stocks: list[Any]) -> int:
        names = self.segment_names()
        if segment in names:
            for earlier in reversed(names[: names.index(segment)]):
                pos = self._group_end(earlier, stocks)
                if pos is not None:
                    return pos
        return len(stocks)

    @staticmethod
    def _group_end(segment: str | None, stocks: list[Any]) -> int | None:
        """End (exclusive) of the longest run of stocks of `segment` (the earliest on a tie)."""
        if not segment:
            return None

        runs: list[tuple[int, int]] = []
        for i, s in enumerate(stocks):
            if isinstance(s, dict) and s.get("segment") == segment:
                if runs and runs[-1][1] == i:
                    runs[-1] = (runs[-1][0], i + 1)
                else:
                    runs.append((i, i + 1))
        if not runs:
            return None
        return max(runs, key=lambda r: (r[1] - r[0], -r[0]))[1]

    # -- stocks

    def add_stock(
        self,
        code: str | None = None,
        *,
        name: str | None = None,
        segment: str | None = None,
        reason: str | None = None,
        risks: Iterable[str] = (),
        tags: Iterable[str] = (),
        notes: str | None = None,
        status: str | None = None,
        status_note: str | None = None,
        former_names: Iterable[str] = (),
        source: str | Mapping[str, Any] | None = None,
        name_lookup: NameLookup | None = None,
        market: str | None = None,
    ) -> EditResult:
        """Add a stock (by code; or a company without a code, with status unlisted/ipo_filed).
        `market="HK"` marks a Hong Kong listing (five-digit code); a five-digit code without it
        is refused as an A-share code missing a digit."""
        sp = self._splicer()
        code = code.strip() if isinstance(code, str) and code.strip() else None
        stocks = self.stocks()
        if code is not None:
            for s in stocks:
                if s.get("code") == code:
                    raise EditError(f"{code} {s.get('name', '')} is already in theme {self.theme_id!r}".replace("  ", " "))
        if code is not None:
            try:
                check_listing(code, market)
            except CodeError as exc:
                raise EditError(f"stock {code}: {exc}") from None
        if not name and code is not None:
            lookup = name_lookup or self.name_lookup
            name = lookup(code) if lookup else None
        if not name:
            raise MissingNameError(
                f"no name known for {code or 'this stock'}: pass its name (name=..., or --name on the command line)"
            )
        name = name.strip()
        if not name:
            raise EditError(f"the name of {code or 'a stock'} must not be blank")
        if code is None and any(not s.get("code") and s.get("name") == name for s in stocks):
            raise EditError(f"{name} is already in theme {self.theme_id!r}")
        self._check_segment(segment)
        fields: dict[str, Any] = {
            "code": code, "market": market, "name": name, "status": status, "status_note": status_note, "segment": segment,
            "reason": reason, "risks": _str_list(risks), "former_names": _str_list(former_names),
            "notes": notes, "tags": _str_list(tags), "source": source,
        }
        item = {k: _field_value(k, v) for k, v in fields.items() if not _empty(v)}
        _check_model(Stock, item, f"stock {code or name}")
        for k in _FLOW_LISTS & item.keys():
            item[k] = _flow(item[k])
        if isinstance(item.get("source"), dict):
            item["source"] = _flow(item["source"])
        index, hint = self._placement(segment, stocks)
        sp.insert_item(("stocks",), index, item, order=THEME_ORDER, section_hint=hint)
        label = f"{code} {name}" if code else name
        return self._commit(sp, f"added {label} to {self.theme_id} ({self.path})")

    def remove_stock(self, key: str) -> EditResult:
        """Remove a stock (by code, or by name for a company without a code)."""
        sp = self._splicer()
        index = self._stock_index(key)
        name = self.stocks()[index].get("name", "")
        sp.delete_item(("stocks",), index)
        return self._commit(sp, f"removed {key} {name} from {self.theme_id} ({self.path})".replace(f"{name} {name}", name))

    def update_stock(self, key: str, **changes: Any) -> EditResult:
        """Change fields of a stock: name, segment, reason, risks, tags, notes, status, status_note,
        former_names, source. None (or an empty list) removes the field; UNSET leaves it."""
        changes = {k: v for k, v in changes.items() if v is not UNSET}
        unknown = set(changes) - set(STOCK_EDITABLE)
        if unknown:
            raise EditError(f"cannot edit {', '.join(sorted(unknown))} of a stock; editable: {', '.join(STOCK_EDITABLE)}")
        sp = self._splicer()
        index = self._stock_index(key)
        current = dict(self.stocks()[index])
        if "segment" in changes:
            self._check_segment(changes["segment"])
        for k, v in changes.items():
            if k in ("risks", "tags", "former_names") and v is not None:
                v = _str_list(v)
            if _empty(v):
                current.pop(k, None)
            else:
                current[k] = _field_value(k, v)
        _check_model(Stock, current, f"stock {key}")
        apply_changes(sp, ("stocks", index), changes, STOCK_ORDER)
        return self._commit(sp, f"updated {', '.join(changes) or 'nothing'} of {key} in {self.theme_id} ({self.path})")

    # -- readings

    def indicator_ids(self) -> list[str]:
        return [str(i.get("id")) for i in (self.data.get("indicators") or []) if isinstance(i, dict)]

    def add_reading(
        self,
        indicator_id: str,
        *,
        date: Any,
        value: Any,
        source: str | Mapping[str, Any] | None = None,
        note: str | None = None,
        unit: str | None = None,
    ) -> EditResult:
        """Add a reading to an indicator of this theme, in date order."""
        sp = self._splicer()
        indicators = self.data.get("indicators") or []
        idx = next((i for i, ind in enumerate(indicators) if isinstance(ind, dict) and ind.get("id") == indicator_id), None)
        if idx is None:
            raise EditError(f"indicator {indicator_id!r} is not in theme {self.theme_id!r} ({self.path})")
        indicator = indicators[idx]
        date_text = _date_text(date)
        value = reading_value(value)
        ind_unit = indicator.get("unit", "")
        if unit is not None and unit != ind_unit:
            raise EditError(f"unit {unit!r} does not match indicator {indicator_id!r}, whose unit is {ind_unit!r}")
        fields = {"date": date_text, "value": value, "unit": unit, "note": note, "source": source}
        item = {k: _field_value(k, v) if k != "date" else v for k, v in fields.items() if not _empty(v)}
        _check_model(Reading, item, f"reading of {indicator_id}")
        if isinstance(item.get("source"), dict):
            item["source"] = _flow(item["source"])
        readings = indicator.get("readings") or []
        if not isinstance(readings, list):
            raise EditError(f"{self.path}: readings of {indicator_id!r} is not a list; fix it first")
        new_end = PartialDate.parse(str(date_text)).end
        new_value = Value.parse(value)
        pos = 0
        for i, r in enumerate(readings):
            try:
                d = PartialDate.parse(r.get("date"))
            except (ValueError, AttributeError):
                continue
            if str(d) == str(date_text) and _same_value(r.get("value"), new_value):
                raise EditError(f"indicator {indicator_id!r} already has this reading ({date_text}: {value})")
            if d.end <= new_end:
                pos = i + 1
        sp.insert_item(("indicators", idx, "readings"), pos, item, order=INDICATOR_ORDER)
        return self._commit(sp, f"added reading {date_text}: {value} to {indicator_id} ({self.path})")

    def remove_reading(self, indicator_id: str, *, date: Any, value: Any = None) -> EditResult:
        """Remove the indicator's reading of `date` (and `value`, when the date has several)."""
        return _remove_reading(self, indicator_id, date, value)


def _remove_reading(editor: WatchlistEditor, indicator_id: str, date: Any, value: Any) -> EditResult:
    sp = editor._splicer()
    indicators = editor.data.get("indicators") or []
    idx = next((i for i, ind in enumerate(indicators) if isinstance(ind, dict) and ind.get("id") == indicator_id), None)
    if idx is None:
        raise EditError(f"indicator {indicator_id!r} is not in theme {editor.theme_id!r} ({editor.path})")
    date_text = str(_date_text(date))
    wanted = Value.parse(reading_value(value)) if value is not None else None
    readings = indicators[idx].get("readings") or []
    matches = []
    for i, r in enumerate(readings):
        try:
            same_date = str(PartialDate.parse(r.get("date"))) == date_text
        except (ValueError, AttributeError):
            continue
        if same_date and (wanted is None or _same_value(r.get("value"), wanted)):
            matches.append(i)
    if not matches:
        dates = ", ".join(str(r.get("date")) for r in readings if isinstance(r, dict)) or "none"
        what = f"{date_text}" + (f" with value {value}" if value is not None else "")
        raise EditError(f"indicator {indicator_id!r} has no reading {what}; its readings: {dates}")
    if len(matches) > 1:
        values = ", ".join(str(readings[i].get("value")) for i in matches)
        raise EditError(f"indicator {indicator_id!r} has {len(matches)} readings on {date_text} ({values}); pass --value to pick one")
    shown = readings[matches[0]].get("value")
    sp.delete_item(("indicators", idx, "readings"), matches[0])
    return editor._commit(sp, f"removed reading {date_text}: {shown} from {indicator_id} ({editor.path})")


def _same_value(raw: Any, value: Value) -> bool:
    try:
        return Value.parse(raw) == value
    except ValueError:
        return False


def reading_value(value: Any) -> Any:
    """A reading value as written: a number when the text is a number, else the text
    (ranges "12-15", bounds "< 50"); raises EditError for anything Value cannot read."""
    if isinstance(value, str):
        text = value.strip()
        for conv in (int, float):
            try:
                number = conv(text)
            except ValueError:
                continue
            if isinstance(number, float) and not (number == number and abs(number) != float("inf")):
                break
            value = number
            break
        else:
            value = DoubleQuotedScalarString(text) if text[:1] in "<>≤≥＜＞" else text
    try:
        Value.parse(value)
    except ValueError as exc:
        raise EditError(f"value: {exc}") from None
    return value


def _flow(value: Any) -> Any:
    from tui.config.splice import to_yaml_value

    return to_yaml_value(value, flow=True)


def apply_changes(sp: Splicer, path: tuple[str | int, ...], changes: Mapping[str, Any], order: tuple[str, ...]) -> None:
    """Set or remove fields of the mapping at `path` (None / empty removes)."""
    for k, v in changes.items():
        if k in _FLOW_LISTS | {"risks"} and v is not None and not isinstance(v, dict):
            v = _str_list(v)
        if _empty(v):
            sp.delete_key(path, k)
            continue
        value = _field_value(k, v)
        sp.set_value(path, k, value, order=order, flow=k in _FLOW_LISTS or k == "source")


def move_stock(src: WatchlistEditor, dst: WatchlistEditor, key: str, *, segment: Any = UNSET) -> list[EditResult]:
    """Move a stock to another theme and/or segment, keeping its lines (and comments) as written.

    Within one theme the stock moves to its new segment's group. Across themes the stock is
    added to the destination first and then removed from the source, both files locked and an
    intent journal written first; if the removal fails, the destination is restored. A process
    killed between the two writes leaves the journal, and the next run completes the move
    (tui.config.journal.recover), so the stock never stays in both themes.
    """
    same = src.path.resolve() == dst.path.resolve()
    if same and dst is not src:
        dst = src
    src_sp = src._splicer()
    dst_sp = src_sp if same else dst._splicer()
    index = src._stock_index(key)
    item = dict(src.stocks()[index])
    label = f"{item.get('code') or ''} {item.get('name', '')}".strip()
    new_segment = item.get("segment") if segment is UNSET else segment
    if same and new_segment == item.get("segment"):
        return [EditResult(src.path, f"no change: {label} is already in segment {new_segment!r} of {src.theme_id}", changed=False)]
    if not same:
        code = item.get("code")
        for s in dst.stocks():
            if (code and s.get("code") == code) or (not code and not s.get("code") and s.get("name") == item.get("name")):
                raise EditError(f"{label} is already in theme {dst.theme_id!r}")
        if segment is UNSET and new_segment and dst.segment_names() and new_segment not in dst.segment_names():
            raise EditError(
                f"segment {new_segment!r} is not one of theme {dst.theme_id!r}'s segments; "
                f"pass a segment, one of: {', '.join(dst.segment_names())}"
            )
    dst._check_segment(new_segment)
    moved = {k: v for k, v in item.items() if k != "segment"}
    if new_segment:
        moved["segment"] = new_segment
    _check_model(Stock, moved, f"stock {key}")

    raw = src_sp.item_text(("stocks",), index)
    src_sp.delete_item(("stocks",), index)
    stocks = dst_sp.expected.get("stocks") or []
    pos, hint = dst._placement(new_segment, stocks)
    dst_sp.insert_item(("stocks",), pos, raw=raw, order=THEME_ORDER, section_hint=hint)
    if new_segment != item.get("segment"):
        if new_segment:
            dst_sp.set_value(("stocks", pos), "segment", new_segment, order=STOCK_ORDER)
        else:
            dst_sp.delete_key(("stocks", pos), "segment")
    where = f"segment {new_segment}" if new_segment else "no segment"
    if same:
        return [src._commit(src_sp, f"moved {label} to {where} of {src.theme_id} ({src.path})")]
    # Two files: an intent journal makes the pair all-or-nothing even when the process is
    # killed between the renames (the next run completes the move; see tui.config.journal).
    with atomic.file_locks([src.path, dst.path]):
        src.check_conflict()
        dst.check_conflict()
        before = dst._raw
        changes = [
            journal.Change(dst.path, before, dst_sp.finish().encode("utf-8")),
            journal.Change(src.path, src._raw, src_sp.finish().encode("utf-8")),
        ]
        try:
            intent = journal.begin(changes, f"move {label} from {src.theme_id} to {dst.theme_id}")
        except OSError as exc:
            raise EditError(f"{src.path.parent}: not moved, nothing was changed: {_os_reason(exc)}") from None
        written = False
        try:
            first = dst._commit(dst_sp, f"moved {label} to {dst.theme_id}, {where} ({dst.path})")
            written = True
            journal.step_hook("destination-written")
            second = src._commit(src_sp, f"removed {label} from {src.theme_id} ({src.path})")
            journal.step_hook("source-written")
        except BaseException:
            if written:
                dst._restore(before)
            journal.finish(intent)
            raise
        journal.finish(intent)
    return [first, second]


# --------------------------------------------------------------------------- catalysts


class CatalystEditor(YamlFileEditor):
    """The catalyst calendar (catalysts.yaml)."""

    kind = "catalysts"

    def _check_shape(self) -> None:
        if not isinstance(self.data, dict) or "catalysts" not in self.data:
            raise EditError(f"{self.path}: not a catalyst file (a mapping with a 'catalysts:' list)")
        if self.data["catalysts"] is not None and not isinstance(self.data["catalysts"], list):
            raise EditError(f"{self.path}: catalysts: expected a list; fix it first (theme-tracker validate)")

    def catalysts(self) -> list[dict[str, Any]]:
        return [c if isinstance(c, dict) else {} for c in (self.data.get("catalysts") or [])]

    def _index(self, catalyst_id: str) -> int:
        for i, c in enumerate(self.catalysts()):
            if c.get("id") == catalyst_id:
                return i
        raise EditError(f"no catalyst {catalyst_id!r} in {self.path}")

    def catalyst(self, catalyst_id: str) -> dict[str, Any]:
        return self.catalysts()[self._index(catalyst_id)]

    def add_catalyst(
        self,
        id: str,
        *,
        title: str,
        date: Any = None,
        kind: str | None = None,
        themes: Iterable[str] = (),
        stocks: Iterable[str] = (),
        impact: str | None = None,
        expected: str | None = None,
        status: str | None = None,
        outcome: str | None = None,
        claimed_reaction: str | None = None,
        notes: str | None = None,
        source: str | Mapping[str, Any] | None = None,
    ) -> EditResult:
        """Add a catalyst at the end of the calendar."""
        sp = self._splicer()
        if any(c.get("id") == id for c in self.catalysts()):
            raise EditError(f"catalyst {id!r} already exists in {self.path}")
        fields: dict[str, Any] = {
            "id": id, "date": date, "title": title, "kind": kind, "themes": _str_list(themes),
            "stocks": _str_list(stocks), "impact": impact, "expected": expected, "status": status,
            "outcome": outcome, "claimed_reaction": claimed_reaction, "notes": notes, "source": source,
        }
        item = {k: _field_value(k, v) for k, v in fields.items() if not _empty(v)}
        _check_model(Catalyst, item, f"catalyst {id}")
        for k in _FLOW_LISTS & item.keys():
            item[k] = _flow(item[k])
        if isinstance(item.get("source"), dict):
            item["source"] = _flow(item["source"])
        sp.insert_item(("catalysts",), len(self.catalysts()), item)
        return self._commit(sp, f"added catalyst {id} ({self.path})")

    def update_catalyst(self, catalyst_id: str, **changes: Any) -> EditResult:
        """Change fields of a catalyst (None or an empty list removes the field; UNSET leaves it)."""
        changes = {k: v for k, v in changes.items() if v is not UNSET}
        unknown = set(changes) - set(CATALYST_EDITABLE)
        if unknown:
            raise EditError(f"cannot edit {', '.join(sorted(unknown))} of a catalyst; editable: {', '.join(CATALYST_EDITABLE)}")
        if _empty(changes.get("title", "x")):
            raise EditError("a catalyst needs a title")
        sp = self._splicer()
        index = self._index(catalyst_id)
        current = dict(self.catalysts()[index])
        for k, v in changes.items():
            if k in ("themes", "stocks") and v is not None:
                v = _str_list(v)
            if _empty(v):
                current.pop(k, None)
            else:
                current[k] = _field_value(k, v)
        _check_model(Catalyst, current, f"catalyst {catalyst_id}")
        apply_changes(sp, ("catalysts", index), changes, CATALYST_ORDER)
        return self._commit(sp, f"updated {', '.join(changes) or 'nothing'} of catalyst {catalyst_id} ({self.path})")

    def set_status(self, catalyst_id: str, status: str, *, outcome: Any = UNSET) -> EditResult:
        """Set a catalyst's status (expected | confirmed | happened | missed | cancelled) and outcome."""
        result = self.update_catalyst(catalyst_id, status=status, outcome=outcome)
        text = f"catalyst {catalyst_id}: status {status}" + ("" if outcome is UNSET or outcome is None else ", outcome recorded")
        return EditResult(result.path, f"{text} ({self.path})" if result.changed else f"no change: {text}",
                          result.backup, result.warnings, result.changed)

    def remove_catalyst(self, catalyst_id: str) -> EditResult:
        sp = self._splicer()
        sp.delete_item(("catalysts",), self._index(catalyst_id))
        return self._commit(sp, f"removed catalyst {catalyst_id} ({self.path})")


# --------------------------------------------------------------------------- finding files


def _theme_docs(watchlists: Path) -> tuple[list[tuple[Path, Any]], list[str]]:
    from tui.config.loader import directory_problem

    problem = directory_problem(watchlists)
    if problem:
        raise EditError(problem)
    docs, unreadable = [], []
    for path in yaml_files(watchlists):
        try:
            docs.append((path, read_yaml(path).data))
        except YamlReadError:
            unreadable.append(path.name)
    return docs, unreadable


def _unreadable_note(unreadable: list[str]) -> str:
    return f" ({len(unreadable)} unreadable file(s) skipped: {', '.join(unreadable)})" if unreadable else ""


def find_theme_file(watchlists: Path, theme_id: str) -> Path:
    """The watchlist file defining `theme_id` (the first one, as the loader does)."""
    docs, unreadable = _theme_docs(watchlists)
    for path, data in docs:
        if isinstance(data, dict) and data.get("id") == theme_id:
            return path
    known = sorted(str(d["id"]) for _, d in docs if isinstance(d, dict) and "id" in d and "catalysts" not in d)
    raise EditError(f"no theme {theme_id!r} in {watchlists}; themes: {', '.join(known) or 'none'}" + _unreadable_note(unreadable))


def find_indicator(watchlists: Path, indicator_id: str, theme_id: str | None = None) -> tuple[Path, str]:
    """(file, theme id) of the theme holding indicator `indicator_id`."""
    docs, unreadable = _theme_docs(watchlists)
    found = []
    for path, data in docs:
        if not isinstance(data, dict) or (theme_id and data.get("id") != theme_id):
            continue
        for ind in data.get("indicators") or []:
            if isinstance(ind, dict) and ind.get("id") == indicator_id:
                found.append((path, str(data.get("id"))))
                break
    if not found:
        where = f"theme {theme_id!r}" if theme_id else str(watchlists)
        ids = sorted({
            str(ind.get("id")) for _, data in docs if isinstance(data, dict) and (not theme_id or data.get("id") == theme_id)
            for ind in (data.get("indicators") or []) if isinstance(ind, dict) and ind.get("id")
        })
        listed = f"; indicators: {', '.join(ids)}" if ids else "; there are no indicators"
        raise EditError(f"no indicator {indicator_id!r} in {where}{listed}" + _unreadable_note(unreadable))
    if len(found) > 1:
        raise EditError(f"indicator {indicator_id!r} is in several themes ({', '.join(t for _, t in found)}); pass --theme with one of them")
    return found[0]


def reference_warnings(project: Project, *, themes: Iterable[str] = (), stocks: Iterable[str] = ()) -> list[str]:
    """Warnings for catalyst references to themes or stocks no watchlist has (as `validate`)."""
    theme_ids = {t.id for t in project.themes}
    codes = {s.code for t in project.themes for s in t.stocks if s.code}
    out = [f"theme {t!r} is defined by no watchlist" for t in themes if t not in theme_ids]
    out += [f"stock {c} is in no watchlist" for c in stocks if c not in codes]
    return out
