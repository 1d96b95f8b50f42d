"""Read a YAML file safely into plain Python values, keeping where each value came from.

The parser's events (libyaml through ruamel.yaml.clib when installed) are turned into dicts,
lists and scalars by hand in one pass: no object is ever constructed from a tag, so no code
runs, and no node tree is built. Plain scalars are resolved with ruamel.yaml's own YAML 1.2
implicit-resolver table, so a value reads exactly as ruamel.yaml's safe loader would type it
(dates stay text). Every value's line and column is kept in a position table keyed by its path
(("stocks", 3, "code")), so validation errors point at the exact spot.

Limits keep a hostile or broken file from hurting the process: size, nesting depth and node
count are checked, and anchors/aliases (which can expand exponentially) are refused.

`_convert` does the same for an already composed node tree (the editing code composes
fragments to locate them); tests check that both give identical documents.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import implicit_resolvers

from tui.config.diagnostics import Diagnostic

MAX_BYTES = 2_000_000
MAX_DEPTH = 24
MAX_NODES = 200_000

YamlPath = tuple[str | int, ...]

_T = "tag:yaml.org,2002:"


class YamlReadError(Exception):
    """The file cannot be read as YAML at all; carries the diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


@dataclass
class YamlDocument:
    """A YAML file's data with the position of every value and mapping key."""

    path: Path
    data: Any
    value_pos: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    raw_scalars: dict[YamlPath, str] = field(default_factory=dict)

    def pos(self, path: YamlPath, *, key: bool = False) -> tuple[int, int]:
        """Line/column (1-based) of a path; the nearest enclosing value if it is absent."""
        table = self.key_pos if key else self.value_pos
        if path in table:
            return table[path]
        p = tuple(path)
        while p:
            if p in self.value_pos:
                return self.value_pos[p]
            if p in self.key_pos:
                return self.key_pos[p]
            p = p[:-1]
        return self.value_pos.get((), (1, 1))

    def diag(self, path: YamlPath, message: str, *, key: bool = False, **kw: Any) -> Diagnostic:
        line, col = self.pos(path, key=key)
        return Diagnostic(self.path, line, col, message, **kw)


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise YamlReadError(
            Diagnostic(path, line, col, f"file is not UTF-8: byte 0x{bad} cannot be decoded; save it as UTF-8")
        ) from None
    return text.removeprefix("\ufeff")


#: YAML 1.2 implicit resolvers by a plain scalar's first character ("" for the empty scalar),
#: in ruamel.yaml's order: the first whose pattern matches gives the tag, else str. ruamel.yaml
#: resolves with 1.2 rules under the C parser whatever a %YAML directive says; so do we.
_IMPLICIT: dict[str, list[tuple[str, Any]]] = {}
for _versions, _tag, _regexp, _firsts in implicit_resolvers:
    if (1, 2) in _versions:
        for _first in _firsts:
            _IMPLICIT.setdefault(_first, []).append((_tag, _regexp))


def _implicit_tag(text: str) -> str:
    """The tag ruamel.yaml's resolver gives a plain (unquoted, untagged) scalar."""
    for tag, regexp in _IMPLICIT.get(text[:1], ()):
        if regexp.match(text):
            return tag
    return _T + "str"


def _scalar(node: ScalarNode) -> Any:
    return _scalar_value(node.tag, node.value)


def _scalar_value(tag: str, text: str) -> Any:
    if tag == _T + "str" or tag == _T + "timestamp" or tag == _T + "binary":
        return text  # dates stay text: the model parses them with a clear message
    if tag == _T + "null":
        return None
    if tag == _T + "bool":
        return text.lower() in ("true", "yes", "on", "y")
    if tag == _T + "int":
        t = text.replace("_", "")
        try:
            return int(t, 10)
        except ValueError:
            try:
                return int(t, 0)
            except ValueError:
                return text
    if tag == _T + "float":
        t = text.replace("_", "").lower()
        if t in (".inf", "+.inf"):
            return math.inf
        if t == "-.inf":
            return -math.inf
        if t == ".nan":
            return math.nan
        return float(t)
    raise ValueError(f"unsupported tag {tag}")


def _convert(doc: YamlDocument, node: Node, path: YamlPath) -> Any:
    """Turn a composed node into plain values, recording positions (iterative-safe depth)."""
    doc.value_pos[path] = _mark(node)
    tag = node.tag or ""
    if isinstance(node, ScalarNode):
        if not (tag.startswith(_T) or tag in ("", "!")):
            raise YamlReadError(doc.diag(path, f"tag {tag} is not allowed; plain YAML values only"))
        try:
            value = _scalar(node)
        except ValueError:
            raise YamlReadError(doc.diag(path, f"tag {tag} is not allowed; plain YAML values only")) from None
        if not isinstance(value, str):
            doc.raw_scalars[path] = node.value
        return value
    if isinstance(node, SequenceNode):
        if tag != _T + "seq":
            raise YamlReadError(doc.diag(path, f"tag {tag} is not allowed; plain YAML lists only"))
        return [_convert(doc, item, (*path, i)) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        if tag != _T + "map":
            raise YamlReadError(doc.diag(path, f"tag {tag} is not allowed; plain YAML mappings only"))
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                line, col = _mark(key_node)
                raise YamlReadError(Diagnostic(doc.path, line, col, "mapping keys must be plain text"))
            try:
                key = key_node.value if key_node.tag == _T + "str" else _scalar(key_node)
            except ValueError:
                line, col = _mark(key_node)
                raise YamlReadError(Diagnostic(doc.path, line, col, f"tag {key_node.tag} is not allowed in a mapping key; plain text only")) from None
            key = str(key)
            child = (*path, key)
            if key in out:
                first = doc.key_pos[child]
                line, col = _mark(key_node)
                raise YamlReadError(
                    Diagnostic(doc.path, line, col, f"duplicate key {key!r} (first at line {first[0]})")
                )
            doc.key_pos[child] = _mark(key_node)
            out[key] = _convert(doc, value_node, child)
        return out
    raise YamlReadError(doc.diag(path, "unsupported YAML node"))


def read_yaml(path: Path) -> YamlDocument:
    """Read and convert one YAML file; raise YamlReadError with a located diagnostic."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlReadError(
                Diagnostic(path, 1, 1, f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit; refusing to load it")
            )
        raw = path.read_bytes()
    except OSError as exc:
        if path.is_symlink() and not path.exists():
            target = os.readlink(path)
            raise YamlReadError(Diagnostic(path, 1, 1, f"broken symbolic link: it points to {target}, which does not exist")) from None
        raise YamlReadError(Diagnostic(path, 1, 1, f"cannot read file: {exc.strerror or exc}")) from None
    text = _decode(path, raw)
    _check_control_characters(path, text)
    yaml = YAML(typ="safe")  # the C parser (ruamel.yaml.clib) when installed: ~10x faster
    doc = YamlDocument(path, None)
    try:
        _read_events(doc, yaml.parse(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = ""
        if exc.context:
            cm = exc.context_mark
            where = f" started at line {cm.line + 1}, column {cm.column + 1}" if cm is not None and cm is not mark else ""
            context = f" ({exc.context}{where})"
        raise YamlReadError(Diagnostic(path, line, col, f"YAML syntax error: {problem}{context}")) from None
    except YAMLError as exc:
        raise YamlReadError(Diagnostic(path, 1, 1, f"YAML error: {exc}")) from None
    return doc


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_control_characters(path: Path, text: str) -> None:
    """Locate a control character YAML refuses (a NUL byte, often a sign of a binary or damaged
    file) at its line and column; the YAML reader would only give a character offset."""
    m = _CONTROL.search(text)
    if m is None:
        return
    line = text.count("\n", 0, m.start()) + 1
    col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    char = m.group()
    what = "a NUL byte (\\x00)" if char == "\x00" else f"the control character U+{ord(char):04X}"
    raise YamlReadError(Diagnostic(
        path, line, col, f"{what} is not allowed in YAML; the file may be damaged or not a text file: remove it"
    ))


def _event_mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _read_events(doc: YamlDocument, events: Iterable[Any]) -> None:
    """Fill `doc` from a parser's event stream in one pass.

    Shape limits (aliases, anchors, node count, depth) and syntax errors raise as they are met,
    in file order. Problems with the content (a disallowed tag, a duplicate or non-text key) are
    raised only once the whole file has parsed, so a syntax error anywhere is reported first;
    after the first such problem the rest of the file is only checked, not converted.
    """
    path_of = doc.path
    value_pos, raw_scalars = doc.value_pos, doc.raw_scalars
    # One frame per open collection: [container, its path, is_mapping, pending key or index].
    stack: list[list[Any]] = []
    depth = nodes = documents = 0
    first_document: tuple[int, int] | None = None
    problem: YamlReadError | None = None
    for event in events:
        cls = type(event)
        if cls is ScalarEvent or cls is MappingStartEvent or cls is SequenceStartEvent:
            nodes += 1
            if event.anchor:
                line, col = _event_mark(event)
                raise YamlReadError(Diagnostic(path_of, line, col, f"anchors (&{event.anchor}) are not supported; write the value out"))
            if nodes > MAX_NODES:
                line, col = _event_mark(event)
                raise YamlReadError(Diagnostic(path_of, line, col, f"file has more than {MAX_NODES:,} values; refusing to load it"))
            is_scalar = cls is ScalarEvent
            if not is_scalar:
                depth += 1
                if depth > MAX_DEPTH:
                    line, col = _event_mark(event)
                    raise YamlReadError(Diagnostic(path_of, line, col, f"nesting deeper than {MAX_DEPTH} levels; refusing to load it"))
            if problem is not None:
                if not is_scalar:
                    stack.append([None, (), False, 0])
                continue
            # Where this node goes: the document root, the next list item, a key, or a value.
            if not stack:
                node_path: YamlPath = ()
                parent = None
            else:
                parent = stack[-1]
                if parent[2]:
                    if parent[3] is None:  # this node is a mapping key
                        problem = _key(doc, event, parent, is_scalar)
                        if not is_scalar:
                            stack.append([None, (), False, 0])
                        continue
                    node_path = (*parent[1], parent[3])
                else:
                    node_path = (*parent[1], parent[3])
                    parent[3] += 1
            value_pos[node_path] = _event_mark(event)
            tag = event.tag
            if is_scalar:
                if tag is None or tag == "!":
                    tag = _implicit_tag(event.value) if event.implicit[0] else _T + "str"
                if not tag.startswith(_T):
                    problem = YamlReadError(doc.diag(node_path, f"tag {tag} is not allowed; plain YAML values only"))
                    continue
                try:
                    value = _scalar_value(tag, event.value)
                except ValueError:
                    problem = YamlReadError(doc.diag(node_path, f"tag {tag} is not allowed; plain YAML values only"))
                    continue
                if not isinstance(value, str):
                    raw_scalars[node_path] = event.value
            else:
                mapping = cls is MappingStartEvent
                if tag is not None and tag != "!" and tag != (_T + "map" if mapping else _T + "seq"):
                    kind = "mappings" if mapping else "lists"
                    problem = YamlReadError(doc.diag(node_path, f"tag {tag} is not allowed; plain YAML {kind} only"))
                    stack.append([None, (), False, 0])
                    continue
                value = {} if mapping else []
                stack.append([value, node_path, mapping, None if mapping else 0])
            if parent is None:
                doc.data = value
            elif parent[2]:
                parent[0][parent[3]] = value
                parent[3] = None
            else:
                parent[0].append(value)
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            depth -= 1
            stack.pop()
        elif cls is AliasEvent:
            line, col = _event_mark(event)
            raise YamlReadError(Diagnostic(path_of, line, col, "anchors and aliases (*name) are not supported; write the value out"))
        elif cls is DocumentStartEvent:
            documents += 1
            if documents == 1:
                first_document = _event_mark(event)
            else:
                line, col = _event_mark(event)
                first_line, first_col = first_document or (1, 1)
                raise YamlReadError(Diagnostic(path_of, line, col, f"YAML syntax error: a second document starts here; a file holds one document (the first started at line {first_line}, column {first_col})"))
    if problem is not None:
        raise problem


def _key(doc: YamlDocument, event: Any, frame: list[Any], is_scalar: bool) -> YamlReadError | None:
    """Take a mapping key into `frame` (as its pending key); a problem with it is returned."""
    line, col = _event_mark(event)
    if not is_scalar:
        return YamlReadError(Diagnostic(doc.path, line, col, "mapping keys must be plain text"))
    tag = event.tag
    if tag is None or tag == "!":
        tag = _implicit_tag(event.value) if event.implicit[0] else _T + "str"
    if tag == _T + "str":
        key = event.value
    else:
        try:
            key = _scalar_value(tag, event.value)
        except ValueError:
            return YamlReadError(Diagnostic(doc.path, line, col, f"tag {tag} is not allowed in a mapping key; plain text only"))
    key = str(key)
    child = (*frame[1], key)
    if key in frame[0]:
        first = doc.key_pos[child]
        return YamlReadError(Diagnostic(doc.path, line, col, f"duplicate key {key!r} (first at line {first[0]})"))
    doc.key_pos[child] = (line, col)
    frame[3] = key
    return None
