"""Text of the ladder for the board: the per-stock 连板 cell and the header's ladder line.

Pure functions of a board row / a ThemeSummary and the labels: no Textual, no pandas. The
board pane only styles what these return (the ``kind`` says which colour).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Labeler = Callable[[str], str]


@dataclass(frozen=True)
class LadderCell:
    """The 连板 column of one row: its text, what it means (for colour) and its sort value."""

    text: str
    kind: str  # "up" (sealed), "broken", "down", or "" (nothing today)
    sort_value: float | None
    uncertain: bool = False


def _int(value: object) -> int:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
    return 0 if math.isnan(v) else int(v)


def streak_text(streak: int, one_word: bool, t: Labeler) -> str:
    if streak <= 0:
        return ""
    text = t("ladder.first") if streak == 1 else f"{streak}{t('ladder.board')}"
    return f"{text} {t('ladder.one_word')}" if one_word else text


def ladder_cell(row: Mapping[str, object] | None, t: Labeler) -> LadderCell:
    """`5板 一字`, `首板`, `炸板`, `跌停2` (English: `5B 1W`, `1st`, `Failed`, `LD2`); a trailing
    `?` when the state was read on adjusted prices within a tick of the limit.

    Sorts by streak (一字 half a step above), then 炸板 just above nothing, 跌停 runs below."""
    if row is None:
        return LadderCell("", "", None)
    streak, down = _int(row.get("streak")), _int(row.get("down_streak"))
    one_word, broken = bool(row.get("one_word")), bool(row.get("broken"))
    uncertain = bool(row.get("ladder_uncertain"))
    mark = "?" if uncertain else ""
    if streak > 0:
        return LadderCell(streak_text(streak, one_word, t) + mark, "up", streak + (0.5 if one_word else 0.0), uncertain)
    if broken:
        return LadderCell(t("ladder.broken") + mark, "broken", 0.25, uncertain)
    if down > 0:
        text = t("flag.limit_down") + (str(down) if down > 1 else "")
        return LadderCell(text + mark, "down", -float(down), uncertain)
    return LadderCell("", "", 0.0)


def ladder_counts(ladder: Mapping[int, int], t: Labeler) -> str:
    """"5板×1 3板×1 2板×2 首板×4"."""
    def height(h: int) -> str:
        return t("ladder.first") if h == 1 else f"{h}{t('ladder.board')}"

    return " ".join(f"{height(h)}×{c}" for h, c in sorted(ladder.items(), reverse=True))


def rate_text(num: int, den: int, rate: float | None) -> str:
    return "—" if rate is None or not den else f"{num}/{den} {rate * 100:.0f}%"


@dataclass(frozen=True)
class LadderHeader:
    """The header's ladder line, as (label, value, kind) parts the pane styles."""

    parts: list[tuple[str, str, str]]


def ladder_header(summary: object, t: Labeler) -> LadderHeader:
    """最高标 name code N板(一字) · 梯队 … · 炸板率 n/m … · 晋级率 n/m …. 最高标 is always
    there ("—" when nothing sealed); the rest only when it has something to count."""
    get = lambda name, default=None: getattr(summary, name, default)  # noqa: E731
    parts: list[tuple[str, str, str]] = []
    top = _int(get("top_streak", 0))
    if top > 0:
        who = " ".join(x for x in (get("top_streak_name"), get("top_streak_code")) if x)
        parts.append((t("header.top_streak"), f"{who} {streak_text(top, bool(get('top_streak_one_word')), t)}", "up"))
        parts.append((t("header.ladder"), ladder_counts(get("ladder") or {}, t), ""))
    else:
        parts.append((t("header.top_streak"), "—", ""))
    broken = _int(get("broken", 0))
    limit_up = _int(get("limit_up", 0))
    if broken or top > 0:
        parts.append((t("header.broken_rate"), rate_text(broken, broken + limit_up, get("broken_rate")), "broken" if broken else ""))
    prev = _int(get("prev_limit_up", 0))
    if prev:
        parts.append((t("header.promotion"), rate_text(_int(get("promoted", 0)), prev, get("promotion_rate")), ""))
    return LadderHeader(parts)
