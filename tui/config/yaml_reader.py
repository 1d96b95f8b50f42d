"""Read a YAML file safely into plain Python values, keeping where each value came from.

The file is composed into a node tree (no object construction, so no code runs), then turned
into dicts, lists and scalars by hand. Every value's line and column is kept in a position
table keyed by its path (("stocks", 3, "code")), so validation errors point at the exact spot.

Limits keep a hostile or broken file from hurting the process: size, nesting depth and node
count are checked, and anchors/aliases (which can expand exponentially) are refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    CollectionEndEvent,
    NodeEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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


def _check_shape(path: Path, yaml: YAML, text: str) -> None:
    """Walk parser events (iteratively) to refuse deep nesting, too many nodes and aliases."""
    depth = 0
    nodes = 0
    for event in yaml.parse(text):
        if isinstance(event, AliasEvent):
            line, col = event.start_mark.line + 1, event.start_mark.column + 1
            raise YamlReadError(Diagnostic(path, line, col, "anchors and aliases (*name) are not supported; write the value out"))
        if isinstance(event, NodeEvent):
            nodes += 1
            if getattr(event, "anchor", None):
                line, col = event.start_mark.line + 1, event.start_mark.column + 1
                raise YamlReadError(Diagnostic(path, line, col, f"anchors (&{event.anchor}) are not supported; write the value out"))
            if nodes > MAX_NODES:
                line, col = event.start_mark.line + 1, event.start_mark.column + 1
                raise YamlReadError(Diagnostic(path, line, col, f"file has more than {MAX_NODES:,} values; refusing to load it"))
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line, col = event.start_mark.line + 1, event.start_mark.column + 1
                raise YamlReadError(Diagnostic(path, line, col, f"nesting deeper than {MAX_DEPTH} levels; refusing to load it"))
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def _scalar(node: ScalarNode) -> Any:
    tag, text = node.tag, node.value
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
            key = key_node.value if key_node.tag == _T + "str" else _scalar(key_node)
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
        raise YamlReadError(Diagnostic(path, 1, 1, f"cannot read file: {exc.strerror or exc}")) from None
    text = _decode(path, raw)
    yaml = YAML(typ="safe")  # the C parser (ruamel.yaml.clib) when installed: ~10x faster
    doc = YamlDocument(path, None)
    try:
        _check_shape(path, yaml, text)
        node = yaml.compose(text)
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
    if node is None:
        doc.data = None
        return doc
    doc.data = _convert(doc, node, ())
    return doc
