"""Minimal-diff edits of a YAML text: insert, replace and delete whole lines located by ruamel.

Why splices and not `load → modify → dump` of the whole document: ruamel.yaml round-trips an
untouched file byte for byte, but it attaches the comments (and blank lines) that follow a list
item to that item. Appending a stock after the last one of a segment group would then put it
below the group's trailing `# ---- 中游` comment, and removing that stock would delete the
comment. Here the document is composed with ruamel.yaml (typ="rt") to find where every node
starts and ends; each edit then replaces exactly the lines (or characters) of the node it
touches, and new fragments are rendered by ruamel.yaml with the file's own indentation
(mapping indent, sequence indent and dash offset, detected from the file). Everything outside
the edited lines is left as it was, comments included, so `git diff` shows only the edit.

Each edit also applies the same change to a plain-data model of the file (`expected`), and
`finish()` re-reads the spliced text and refuses the result unless it reads back exactly as
that model: a splice can never silently change anything else.

Rules a person would follow, kept here:
- a new list item goes right after the content of the item before it, so a comment or blank
  line trailing that item (a section comment like `# ---- 配套`) stays below the new item;
- lists whose items are separated by blank lines (the catalyst calendar, indicators) get a
  blank line before a new item, and lose it again when the item is removed;
- removing an item removes its own lines only (from its dash to its last value), so adding
  an item and removing it again gives back the original bytes;
- emptying a list writes `key: []`; adding to `key: []` turns it into a block list;
- a new mapping key goes after the existing key that precedes it in a canonical field order.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from tui.config.yaml_reader import YamlDocument, YamlReadError, _convert
from tui.errors import ThemeTrackerError

Path_ = tuple[str | int, ...]
_WS = " \t\r\n"


class EditError(ThemeTrackerError):
    """An edit was refused: an invalid value, an unknown item, or text that cannot be edited
    safely. The file is left untouched. (CLI exit code 1.)"""


#: Raised by the splice layer itself (flow-style list, unparsable YAML, …); an EditError.
SpliceError = EditError


class PlainText(str):
    """A string written without quotes (dates: `2025-03-13`, `2025Q2`, `2026`)."""


_RESOLVER = VersionedResolver()


class _Representer(RoundTripRepresenter):
    pass


def _represent_plain(representer: RoundTripRepresenter, data: PlainText) -> Any:
    # Tag the scalar with what its plain form resolves to, so the emitter may write it plain.
    tag = _RESOLVER.resolve(ScalarNode, str(data), (True, False))
    return representer.represent_scalar(tag, str(data))


_Representer.add_representer(PlainText, _represent_plain)


@dataclass(frozen=True)
class IndentStyle:
    """Block indentation of a file, in ruamel.yaml's terms (YAML.indent)."""

    mapping: int = 2  # a nested mapping's keys, relative to its parent key
    sequence: int = 4  # a list item's content, relative to the parent key
    offset: int = 2  # a list item's dash, relative to the parent key


def plain_data(text: str, name: str = "<text>", *, pure: bool = False) -> Any:
    """Read YAML text into plain values exactly as the project's reader does (dates stay text).

    By default with the parser the reader uses (the C parser, libyaml, when ruamel.yaml.clib is
    installed); `pure=True` uses ruamel's Python parser, which composes the node tree the
    splices are located with. The two differ on a few edge cases (`[:0]` is accepted by the
    Python parser only), so new fragments are checked with both."""
    yaml = YAML(typ="safe", pure=pure)
    try:
        node = yaml.compose(text)
    except YAMLError as exc:
        raise SpliceError(f"{name}: not valid YAML: {exc}") from None
    return _node_data(node, name)


def _node_data(node: Node | None, name: str = "<text>") -> Any:
    """Plain values of a composed node, as the project's reader makes them."""
    if node is None:
        return None
    try:
        return _convert(YamlDocument(Path(name), None), node, ())
    except YamlReadError as exc:
        raise SpliceError(str(exc)) from None


def to_yaml_value(value: Any, *, flow: bool = False) -> Any:
    """Turn plain Python values into ruamel objects; lists/dicts in flow style if `flow`."""
    if isinstance(value, (CommentedMap, CommentedSeq)):
        return value
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = to_yaml_value(v, flow=True) if flow else to_yaml_value(v)
        if flow:
            m.fa.set_flow_style()
        return m
    if isinstance(value, (list, tuple)):
        s = CommentedSeq([to_yaml_value(v, flow=True) if flow else to_yaml_value(v) for v in value])
        if flow:
            s.fa.set_flow_style()
        return s
    if isinstance(value, str) and "\n" in value and type(value) is str:
        # A literal block (|-) reads best, but only text without blank, space-led or
        # space-ended lines survives one exactly whatever follows it; else escape it.
        lines = value.split("\n")
        if all(line.strip() and line == line.strip() for line in lines):
            return LiteralScalarString(value)
        return DoubleQuotedScalarString(value)
    return value


def _matches(intended: Any, got: Any) -> bool:
    """Whether a value read back from a rendered fragment is the value meant to be written."""
    if isinstance(intended, PlainText):
        return str(got) == str(intended)
    if isinstance(intended, str):
        return isinstance(got, str) and got == str(intended)
    if isinstance(intended, dict):
        return isinstance(got, dict) and list(map(str, intended)) == list(got) and all(
            _matches(v, got[str(k)]) for k, v in intended.items()
        )
    if isinstance(intended, (list, tuple)):
        return isinstance(got, list) and len(got) == len(intended) and all(_matches(a, b) for a, b in zip(intended, got))
    if isinstance(intended, float) and isinstance(got, float) and math.isnan(intended):
        return math.isnan(got)
    return type(got) is type(intended) and got == intended


def _double_quoted(value: Any) -> Any:
    """The same value with every (non-date) string double-quoted: escapes keep any text exact."""
    if isinstance(value, PlainText):
        return value
    if isinstance(value, str):
        return DoubleQuotedScalarString(str(value))
    if isinstance(value, dict):
        m = CommentedMap((k, _double_quoted(v)) for k, v in value.items())
        if isinstance(value, CommentedMap) and value.fa.flow_style():
            m.fa.set_flow_style()
        return m
    if isinstance(value, (list, tuple)):
        seq = CommentedSeq(_double_quoted(v) for v in value)
        if isinstance(value, CommentedSeq) and value.fa.flow_style():
            seq.fa.set_flow_style()
        return seq
    return value


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


class Splicer:
    """A YAML text with its composed node tree; each edit rewrites only the lines it touches."""

    def __init__(self, text: str, name: str = "<text>") -> None:
        self.name = name
        self.bom = text.startswith("\ufeff")
        self.text = text[1:] if self.bom else text
        self.newline = "\r\n" if "\r\n" in self.text else "\n"
        self._compose()
        self.expected = _node_data(self.root, name)
        self.style = self._detect_style()

    # ------------------------------------------------------------------ basics

    def result(self) -> str:
        return ("\ufeff" if self.bom else "") + self.text

    def finish(self) -> str:
        """The edited text, after checking it reads back as the expected data."""
        got = _node_data(self.root, self.name)  # composed from the final text by the last edit
        if not _equal(got, self.expected):
            raise SpliceError(
                f"{self.name}: internal error: the edited text does not read back as intended; nothing was written"
            )
        return self.result()

    def _compose(self) -> None:
        try:
            self.root: Node | None = YAML(typ="rt").compose(self.text)
        except YAMLError as exc:
            raise SpliceError(f"{self.name}: not valid YAML, fix it first (theme-tracker validate): {exc}") from None

    def _ls(self, i: int) -> int:
        """Index of the start of the line holding index i."""
        return self.text.rfind("\n", 0, i) + 1

    def _le(self, i: int) -> int:
        """Index just past the end (newline included) of the line holding index i."""
        j = self.text.find("\n", i)
        return len(self.text) if j < 0 else j + 1

    def _col(self, i: int) -> int:
        return i - self._ls(i)

    def _line_is_blank(self, start: int) -> bool:
        return self.text[start : self._le(start)].strip() == ""

    def node(self, path: Path_) -> Node:
        node = self.root
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, SequenceNode) or part >= len(node.value):
                    raise SpliceError(f"{self.name}: no list item at {'/'.join(map(str, path))}")
                node = node.value[part]
            else:
                entry = self._entry(node, part)
                if entry is None:
                    raise SpliceError(f"{self.name}: no key {part!r} at {'/'.join(map(str, path))}")
                node = entry[1]
        if node is None:
            raise SpliceError(f"{self.name}: the file is empty")
        return node

    @staticmethod
    def _entry(node: Node | None, key: str) -> tuple[Node, Node] | None:
        if not isinstance(node, MappingNode):
            return None
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return k, v
        return None

    def _expected_at(self, path: Path_) -> Any:
        data = self.expected
        for part in path:
            data = data[part]
        return data

    # ------------------------------------------------------------------ spans

    @staticmethod
    def _is_null(node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.value == "" and node.style is None

    def _colon(self, key: Node) -> int:
        return self.text.index(":", key.end_mark.index)

    def _strip_back(self, e: int) -> int:
        while e > 0 and self.text[e - 1] in _WS:
            e -= 1
        return e

    def _value_end(self, node: Node) -> int | None:
        """End of a value's content (trailing blank lines excluded); None for an empty value."""
        if isinstance(node, ScalarNode):
            if self._is_null(node):
                return None
            return self._strip_back(node.end_mark.index)
        if getattr(node, "flow_style", False):
            return node.end_mark.index
        if isinstance(node, SequenceNode):
            return self._value_end(node.value[-1]) if node.value else node.end_mark.index
        if isinstance(node, MappingNode):
            if not node.value:
                return node.end_mark.index
            k, v = node.value[-1]
            return self._entry_end(k, v)
        return node.end_mark.index

    def _entry_end(self, key: Node, value: Node) -> int:
        end = self._value_end(value)
        return self._colon(key) + 1 if end is None else end

    def _dash(self, item: Node) -> int:
        i = item.start_mark.index - 1
        while i >= 0 and self.text[i] in _WS:
            i -= 1
        if i < 0 or self.text[i] != "-":
            raise SpliceError(f"{self.name}:{item.start_mark.line + 1}: cannot find the '-' of this list item")
        return i

    def _item_end(self, item: Node) -> int:
        """Index past an item's last line. Comment lines right below it (no blank line between)
        indented deeper than its dash are the item's own and count as its lines; comments at
        the dash's column or after a blank line belong to what follows (a section comment)."""
        content = self._value_end(item)
        if content is None:
            raise SpliceError(f"{self.name}:{item.start_mark.line + 1}: empty list item")
        end = self._le(content - 1)
        dash_col = self._col(self._dash(item))
        while end < len(self.text):
            line = self.text[end : self._le(end)]
            body = line.lstrip(" ")
            if not (body.startswith("#") and len(line) - len(body) > dash_col):
                break
            end = self._le(end)
        return end

    def _item_span(self, item: Node) -> tuple[int, int]:
        return self._ls(self._dash(item)), self._item_end(item)

    def _separated(self, items: Sequence[Node]) -> bool:
        """True when every two neighbouring items have a blank line between them."""
        if len(items) < 2:
            return False
        for a, b in zip(items, items[1:]):
            gap = self.text[self._item_end(a) : self._ls(self._dash(b))]
            if not any(line.strip() == "" for line in gap.splitlines()):
                return False
        return True

    # ------------------------------------------------------------------ style

    def _detect_style(self) -> IndentStyle:
        mapping = sequence = offset = None
        stack = [self.root] if self.root is not None else []
        while stack and (mapping is None or offset is None):
            node = stack.pop(0)
            if isinstance(node, MappingNode) and not node.flow_style:
                for k, v in node.value:
                    kcol = self._col(k.start_mark.index)
                    if isinstance(v, MappingNode) and not v.flow_style and v.value and mapping is None:
                        mapping = self._col(v.value[0][0].start_mark.index) - kcol
                    if isinstance(v, SequenceNode) and not v.flow_style and v.value and offset is None:
                        first = v.value[0]
                        offset = self._col(self._dash(first)) - kcol
                        if isinstance(first, MappingNode) and not first.flow_style and first.value:
                            sequence = self._col(first.value[0][0].start_mark.index) - kcol
                        elif isinstance(first, ScalarNode):
                            sequence = self._col(first.start_mark.index) - kcol
                    stack.append(v)
            elif isinstance(node, SequenceNode) and not node.flow_style:
                stack.extend(node.value)
        mapping = mapping if mapping and mapping > 0 else 2
        offset = offset if offset is not None and offset >= 0 else 2
        if sequence is None or sequence < offset + 2:
            sequence = offset + 2
        return IndentStyle(mapping, sequence, offset)

    # ------------------------------------------------------------------ rendering

    def _dump(self, obj: Any, *, sequence: int | None = None) -> str:
        yaml = YAML(typ="rt")
        yaml.Representer = _Representer
        yaml.indent(mapping=self.style.mapping, sequence=sequence or self.style.sequence, offset=self.style.offset)
        yaml.width = 1_000_000
        yaml.allow_unicode = True
        buf = StringIO()
        yaml.dump(obj, buf)
        return buf.getvalue()

    @staticmethod
    def _dedent(text: str) -> str:
        lines = text.splitlines(keepends=True)
        n = len(lines[0]) - len(lines[0].lstrip(" "))
        out = []
        for line in lines:
            if line.strip() and not line.startswith(" " * n):
                raise SpliceError("internal error: cannot dedent a rendered fragment")
            out.append(line[n:] if line.strip() else line)
        return "".join(out)

    def _indent(self, text: str, col: int, *, first: bool = True) -> str:
        """Indent a col-0 fragment by `col` spaces (not its first line unless `first`)."""
        lines = text.splitlines(keepends=True)
        pad = " " * col
        out = [(pad + line if line.strip() and (first or i) else line) for i, line in enumerate(lines)]
        return "".join(out).replace("\n", self.newline) if self.newline != "\n" else "".join(out)

    def render_entry(self, key: str, value: Any) -> str:
        """`key: value` at column 0 (block values indented in the file's style)."""
        m = CommentedMap()
        m[key] = value
        return self._dump(m)

    def render_item(self, value: Any, item_indent: int) -> str:
        """`- value` at column 0, the item's keys `item_indent` columns right of the dash."""
        item_indent = max(item_indent, 2)
        if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
            # Render the mapping at column 0 in the file's style, then hang it on a dash, so
            # lists nested in the item keep the file's own sequence indentation.
            lines = self._dump(value).splitlines(keepends=True)
            head = "-" + " " * (item_indent - 1) + lines[0]
            return head + "".join((" " * item_indent + line) if line.strip() else line for line in lines[1:])
        return self._dedent(self._dump(CommentedSeq([value]), sequence=self.style.offset + item_indent))

    def _single_line(self, key: str, value: Any) -> str | None:
        text = self.render_entry(key, value)
        if text.count("\n") == 1 and text.startswith(f"{key}: "):
            return text[len(key) + 2 : -1]
        return None

    def _fragment_value(self, fragment: str) -> Any:
        return plain_data(fragment, self.name)

    def _faithful(self, value: Any, render: Any, pick: Any) -> tuple[str, Any, Any]:
        """Render `value`; if it would not read back exactly (a whitespace-only line in a block
        scalar, say), render it again with double-quoted strings. Returns (text, yaml value, read-back)."""
        for candidate in (value, _double_quoted(value)):
            yvalue = to_yaml_value(candidate) if not isinstance(candidate, (CommentedMap, CommentedSeq)) else candidate
            text = render(yvalue)
            try:
                got = pick(self._fragment_value(text))
                also = pick(plain_data(text, self.name, pure=True))
            except EditError:
                continue
            if _matches(value, got) and _matches(value, also):
                return text, yvalue, got
        raise SpliceError(f"{self.name}: cannot write {value!r} so that it reads back unchanged")

    # ------------------------------------------------------------------ text ops

    def _replace(self, start: int, end: int, new: str) -> None:
        self.text = self.text[:start] + new + self.text[end:]
        self._compose()

    def _insert_lines(self, pos: int, fragment: str) -> None:
        """Insert whole lines at a line start (or at the very end of the text)."""
        if pos == len(self.text) and self.text and not self.text.endswith("\n"):
            fragment = self.newline + fragment.removesuffix(self.newline)
        self._replace(pos, pos, fragment)

    def _delete_lines(self, start: int, end: int) -> None:
        if end == len(self.text) and not self.text.endswith("\n") and start > 0:
            start -= 1
            if start > 0 and self.text[start - 1] == "\r":
                start -= 1
        self._replace(start, end, "")

    # ------------------------------------------------------------------ list edits

    def items(self, seq_path: Path_) -> list[Node]:
        """The items of a block list (an absent, empty or `[]` list has none)."""
        parent = self.node(seq_path[:-1]) if seq_path[:-1] else self.root
        key = seq_path[-1]
        entry = self._entry(parent, key) if isinstance(key, str) else None
        if entry is None:
            return []
        node = entry[1]
        if self._is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            raise SpliceError(f"{self.name}:{node.start_mark.line + 1}: {key} is not a list")
        return list(node.value)

    def _after_section_comment(self, pos: int, dash_col: int, hint: str) -> int:
        """If the comment lines from `pos` (before the next item or key) include one at the
        list's column that names `hint` (a section comment like `# ---- 下游`), the index
        just below it; else `pos`."""
        i = pos
        while i < len(self.text):
            line = self.text[i : self._le(i)]
            body = line.lstrip(" ")
            if body.strip() and not body.startswith("#"):
                break
            if body.startswith("#") and len(line) - len(body) >= dash_col and hint in body:
                return self._le(i)
            i = self._le(i)
        return pos

    def insert_item(self, seq_path: Path_, index: int, value: Any = None, *, raw: str | None = None,
                    order: Sequence[str] = (), section_hint: str | None = None) -> None:
        """Insert `value` (or the col-0 item text `raw`) into a list as item number `index`.

        `section_hint`: text of a section comment (e.g. the segment's name) that the new item
        should go below when such a comment follows the item before it."""
        parent_path, key = seq_path[:-1], seq_path[-1]
        assert isinstance(key, str)
        parent = self.node(parent_path) if parent_path else self.root
        entry = self._entry(parent, key)
        if entry is None:
            if raw is not None:
                raise SpliceError(f"{self.name}: no list {key!r} to move the item into")
            self.set_value(parent_path, key, [value], order=order)
            return
        knode, node = entry
        if isinstance(node, SequenceNode) and node.flow_style and node.value:
            raise SpliceError(
                f"{self.name}:{node.start_mark.line + 1}: {key} is written as a flow list [...]; "
                "write it as a block list (one '- ' item per line) to edit it here"
            )
        if not (self._is_null(node) or isinstance(node, SequenceNode)):
            raise SpliceError(f"{self.name}:{node.start_mark.line + 1}: {key} is not a list")
        items = list(node.value) if isinstance(node, SequenceNode) else []
        if not 0 <= index <= len(items):
            raise SpliceError(f"internal error: list index {index} out of range")

        if items:
            dash_col = self._col(self._dash(items[0]))
            first = items[0]
            if isinstance(first, MappingNode) and not first.flow_style and first.value:
                item_indent = self._col(first.value[0][0].start_mark.index) - dash_col
            else:
                item_indent = self.style.sequence - self.style.offset
        else:
            dash_col = self._col(knode.start_mark.index) + self.style.offset
            item_indent = self.style.sequence - self.style.offset

        if raw is not None:
            fragment = raw if raw.endswith("\n") else raw + "\n"
            new_value = self._fragment_value(fragment)[0]
        else:
            fragment, _, new_value = self._faithful(
                value, lambda v: self.render_item(to_yaml_value(v), item_indent), lambda d: d[0]
            )
        # Move the item text to the list's column.
        if raw is not None:
            fragment = self._shift(fragment, dash_col - (len(fragment) - len(fragment.lstrip(" "))))
            fragment = self._indent(fragment, 0)
        else:
            fragment = self._indent(fragment, dash_col)
        blank = self.newline if self._separated(items) else ""

        if not items:
            if isinstance(node, SequenceNode):  # `key: []` → `key:` then a block list
                colon = self._colon(knode)
                self._replace(colon + 1, node.end_mark.index, "")
                knode, node = self._entry(self.node(parent_path) if parent_path else self.root, key)  # type: ignore[misc]
            self._insert_lines(self._le(self._colon(knode)), fragment)
        elif index == 0:
            self._insert_lines(self._ls(self._dash(items[0])), fragment + blank)
        else:
            pos = self._item_end(items[index - 1])
            if section_hint:
                pos = self._after_section_comment(pos, dash_col, section_hint)
            self._insert_lines(pos, blank + fragment)
        self._expected_at(seq_path[:-1]).setdefault(key, None)
        target = self._expected_at(seq_path[:-1])
        if not isinstance(target[key], list):
            target[key] = []
        target[key].insert(index, new_value)

    def _shift(self, fragment: str, delta: int) -> str:
        if delta == 0:
            return fragment
        out = []
        for line in fragment.splitlines(keepends=True):
            if not line.strip():
                out.append(line)
            elif delta > 0:
                out.append(" " * delta + line)
            else:
                if not line.startswith(" " * -delta):
                    raise SpliceError("cannot re-indent the moved item")
                out.append(line[-delta:])
        return "".join(out)

    def item_text(self, seq_path: Path_, index: int) -> str:
        """The lines of a list item, moved to column 0 of its dash (for moving it elsewhere)."""
        item = self.items(seq_path)[index]
        start, end = self._item_span(item)
        text = self.text[start:end].replace("\r\n", "\n")
        text = self._shift(text, -self._col(self._dash(item)))
        return text if text.endswith("\n") else text + "\n"

    def delete_item(self, seq_path: Path_, index: int) -> None:
        items = self.items(seq_path)
        item = items[index]
        start, end = self._item_span(item)
        if len(items) == 1:
            parent_path, key = seq_path[:-1], seq_path[-1]
            self._delete_lines(start, end)
            knode, _ = self._entry(self.node(parent_path) if parent_path else self.root, key)  # type: ignore[misc,arg-type]
            colon = self._colon(knode)
            self._replace(colon + 1, colon + 1, " []")
        else:
            if self._separated(items):
                if index > 0 and start > 0 and self._line_is_blank(self._ls(start - 1)):
                    start = self._ls(start - 1)
                elif index == 0 and end < len(self.text) and self._line_is_blank(end):
                    end = self._le(end)
            self._delete_lines(start, end)
        del self._expected_at(seq_path)[index]

    # ------------------------------------------------------------------ mapping edits

    def set_value(self, map_path: Path_, key: str, value: Any, *, order: Sequence[str] = (),
                  flow: bool = False) -> None:
        """Set `key` of the block mapping at `map_path` (replace its value, or add the key)."""
        mapping = self.node(map_path) if map_path else self.root
        if not isinstance(mapping, MappingNode) or mapping.flow_style or not mapping.value:
            raise SpliceError(f"{self.name}: cannot edit {'/'.join(map(str, map_path)) or 'the top level'}: not a block mapping")
        entry = self._entry(mapping, key)
        if entry is not None:
            knode, vnode = entry
            if isinstance(value, (list, tuple, dict)):
                flow = bool(getattr(vnode, "flow_style", False)) if not self._is_null(vnode) else flow
            entry_text, yvalue, new_value = self._faithful(
                to_yaml_value(value, flow=flow), lambda v: self.render_entry(key, v), lambda d: d[key]
            )
            one_line = self._single_line(key, yvalue)
            if self._is_null(vnode):
                colon = self._colon(knode)
                if one_line is not None:
                    self._replace(colon + 1, colon + 1, " " + one_line)
                else:
                    self._replace(knode.start_mark.index, self._le(colon),
                                  self._indent(entry_text, self._col(knode.start_mark.index), first=False))
            else:
                vstart, vend = vnode.start_mark.index, self._value_end(vnode)
                assert vend is not None
                if one_line is not None and "\n" not in self.text[knode.start_mark.index:vend] and getattr(vnode, "style", None) not in ("|", ">"):
                    self._replace(vstart, vend, one_line)
                else:
                    self._replace(knode.start_mark.index, self._le(vend - 1),
                                  self._indent(entry_text, self._col(knode.start_mark.index), first=False))
        else:
            entry_text, yvalue, new_value = self._faithful(
                to_yaml_value(value, flow=flow), lambda v: self.render_entry(key, v), lambda d: d[key]
            )
            entries = mapping.value
            col = self._col(entries[0][0].start_mark.index)
            pred = None
            if key in order:
                rank = order.index(key)
                before = [(k, v) for k, v in entries if k.value in order and order.index(k.value) < rank]
                pred = before[-1] if before else None
                if pred is None:
                    first_key = entries[0][0]
                    if self.text[self._ls(first_key.start_mark.index):first_key.start_mark.index].strip() == "":
                        self._insert_lines(self._ls(first_key.start_mark.index), self._indent(entry_text, col))
                        self._expected_at(map_path)[key] = new_value
                        return
                    pred = entries[0]
            else:
                pred = entries[-1]
            pos = self._le(self._entry_end(*pred) - 1)
            self._insert_lines(pos, self._indent(entry_text, col))
        self._expected_at(map_path)[key] = new_value

    def delete_key(self, map_path: Path_, key: str) -> None:
        mapping = self.node(map_path) if map_path else self.root
        entry = self._entry(mapping, key)
        if entry is None:
            return
        knode, vnode = entry
        start = self._ls(knode.start_mark.index)
        if self.text[start:knode.start_mark.index].strip():
            raise SpliceError(f"{self.name}:{knode.start_mark.line + 1}: cannot remove {key!r}, the first field of a list item; edit it by hand")
        self._delete_lines(start, self._le(self._entry_end(knode, vnode) - 1))
        del self._expected_at(map_path)[key]

    def copy_expected(self) -> Any:
        return copy.deepcopy(self.expected)
