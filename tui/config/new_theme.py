"""Write a new theme file (`theme-tracker theme new`): from portal boards' constituents, or an
empty theme with a commented template.

The file is written as text, not dumped by a YAML library, so that it reads like the shipped
watchlists (codes quoted, one stock per block, comments where the user has work to do). It
is checked with the project's own loader before it appears under its name, and it appears
atomically and never over an existing file: a temporary file is hard-linked to the target
name, which fails if that name exists.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tui.config import atomic
from tui.config.editing import EditError
from tui.config.loader import load_files

_PLAIN = re.compile(r"[A-Za-z\u3400-\u9fff][\w\u3400-\u9fff（）·]*")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def yaml_text(value: str) -> str:
    """`value` as a YAML scalar: plain when that is unambiguous, else double-quoted (JSON
    strings are valid YAML double-quoted scalars; `*ST华通` would otherwise be an alias)."""
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class BoardMembers:
    """A board and the constituents to write: (code, name) pairs in code order."""

    code: str
    name: str
    kind: str
    members: Sequence[tuple[str, str]]

    def kind_label(self) -> str:
        return "东方财富概念板块" if self.kind == "concept" else "东方财富行业板块"


def render_theme(theme_id: str, name: str, boards: Sequence[BoardMembers], today: date, *, benchmark: str = "sz399006") -> str:
    """The text of a new theme file."""
    lines: list[str] = []
    if boards:
        labels = "、".join(f"{b.kind_label()} {b.name}（{b.code}）" for b in boards)
        lines += [
            f"# {name}: created on {today.isoformat()} by `theme-tracker theme new` from {labels}.",
            "# A board's list is broad and machine-made: give each stock its segment (环节) and reason",
            "# (关联原因), remove the ones that do not belong, and run `theme-tracker theme diff "
            f"{theme_id}` to see what the board added or dropped since.",
            "# Codes are always quoted: an unquoted 002602 would load as the number 2602.",
            "",
        ]
    else:
        lines += [
            f"# {name}: created on {today.isoformat()} by `theme-tracker theme new`.",
            "# Fill in the thesis, the industry-chain segments and the stocks; the commented lines",
            "# below show the form (README: \"The YAML schema\"). Codes are always quoted.",
            "",
        ]
    lines += [f"id: {theme_id}", f"name: {yaml_text(name)}"]
    if not boards:
        lines.append("# description: the thesis in a sentence or two")
    lines.append(f"benchmark: {benchmark}              # 创业板指; sh000300 = 沪深300")
    if boards:
        title = "、".join(f"{b.kind_label()} {b.name}（{b.code}）" for b in boards)
        lines.append(f"source: {{title: {yaml_text(title)}, outlet: 东方财富, date: {today.isoformat()}}}")
        lines.append("boards:                          # kept in step by `theme-tracker theme diff`")
        for b in boards:
            lines.append(f"  - {{code: {b.code}, name: {yaml_text(b.name)}, kind: {b.kind}, added: {today.isoformat()}}}")
    else:
        lines += [
            "# tags: [算力租赁, 智算中心]",
            "# boards:                        # portal boards to keep in step with (`theme diff`)",
            "#   - {code: BK1128, name: CPO概念, kind: concept}",
        ]
    lines += [
        "",
        "segments:                        # industry-chain segments, in display order",
    ]
    lines += [
        "  # - name: 上游",
        "  #   description: 芯片与服务器",
        "  # - name: 中游",
        "",
        "stocks:",
    ]
    if boards:
        seen: set[str] = set()
        for b in boards:
            members = [(c, n) for c, n in b.members if c not in seen]
            if not members:
                continue
            if len(boards) > 1:
                lines.append(f"  # ---- from {b.name}（{b.code}）")
            for code, stock_name in members:
                seen.add(code)
                lines += [f'  - code: "{code}"', f"    name: {yaml_text(stock_name)}"]
    else:
        lines += [
            '  # - code: "300738"               # six digits, quoted',
            "  #   name: 奥飞数据",
            "  #   segment: 中游",
            "  #   reason: 京津冀IDC，绑定张家口智算项目   # 关联原因",
        ]
    return "\n".join(lines) + "\n"


def create_theme_file(path: Path, text: str) -> None:
    """Write `text` as a new file at `path` after checking it loads with no error.

    Raises EditError when the file exists, the content does not validate, or it cannot be
    written; nothing is left behind then.
    """
    if path.exists() or path.is_symlink():
        raise EditError(f"{path} already exists: choose another theme id, or edit that file")
    if not path.parent.is_dir():
        raise EditError(f"{path.parent} is not a directory: create it first, or pass --watchlists DIR")
    data = text.encode("utf-8")
    try:
        tmp = atomic.write_temp(path, data)
    except OSError as exc:
        raise EditError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        project = load_files([tmp])
        errors = [d for d in project.diagnostics if d.is_error]
        if errors:  # pragma: no cover - a bug in render_theme, never a user error
            raise EditError(f"the new theme does not validate: {errors[0].message}")
        # A new file gets the mode any file the user creates gets (mkstemp made it 0600).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            os.link(tmp, path)  # fails if `path` appeared meanwhile: never overwrite
        except FileExistsError:
            raise EditError(f"{path} already exists: choose another theme id, or edit that file") from None
        except OSError as exc:
            raise EditError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        atomic.discard(tmp)
