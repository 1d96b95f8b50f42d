"""Which inbox items matter to a theme: keywords mark items relevant, mute patterns hide
routine filings.

* A theme's `keywords:` (watchlist field) are matched case-insensitively as plain text in an
  item's title, category and detail (a Q&A answer, a news snippet). An item matching a
  keyword of any theme its stock belongs to is *relevant*: marked and sorted first.
* A theme's `mute:` patterns (regular expressions, matched against the title) hide routine
  filings. A theme without `mute:` uses DEFAULT_MUTE_PATTERNS; `mute: []` mutes nothing. An
  item is muted when a pattern of each of its stock's themes matches and it is not relevant:
  a keyword wins over a mute pattern (a 董事会决议 about a new 智算 centre stays visible).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tui.domain.models import Theme

#: Routine filings muted by default: board/supervisory/shareholder meeting boilerplate,
#: convertible-bond notices, sponsors' and lawyers' opinions, audit-firm and insider-register
#: formalities. Documented in the README ("The catalyst inbox").
DEFAULT_MUTE_PATTERNS: tuple[str, ...] = (
    r"董事会.{0,12}决议公告",
    r"监事会.{0,12}决议公告",
    r"股东(大)?会.{0,12}决议公告",
    r"召开.{0,20}股东(大)?会的?通知",
    r"法律意见书",
    r"可转债|可转换公司债券|转股价格|转股结果|付息公告",
    r"独立董事",
    r"核查意见|持续督导|保荐",
    r"内幕信息知情人",
    r"会计师事务所",
    r"章程|议事规则|管理制度",
)


@dataclass(frozen=True)
class ThemeRules:
    """One theme's compiled keywords and mute patterns."""

    theme_id: str
    keywords: tuple[str, ...]
    mute: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, theme: Theme) -> ThemeRules:
        patterns = DEFAULT_MUTE_PATTERNS if theme.mute is None else tuple(theme.mute)
        return cls(theme.id, tuple(theme.keywords), tuple(re.compile(p) for p in patterns))


@dataclass(frozen=True)
class Relevance:
    relevant: bool
    muted: bool
    matched: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()


def rules_by_code(themes: Iterable[Theme]) -> dict[str, list[ThemeRules]]:
    """For each listed code, the rules of every theme it belongs to."""
    out: dict[str, list[ThemeRules]] = {}
    for theme in themes:
        rules = ThemeRules.of(theme)
        for stock in theme.stocks:
            if stock.code:
                out.setdefault(stock.code, []).append(rules)
    return out


def classify(title: str, text: str, rules: list[ThemeRules]) -> Relevance:
    """The relevance of an item with `title` (and other `text`: category, answer, snippet)
    to a stock in the themes of `rules`."""
    haystack = f"{title}\n{text}".lower()
    matched: list[str] = []
    themes: list[str] = []
    for r in rules:
        hits = [k for k in r.keywords if k.lower() in haystack]
        if hits:
            themes.append(r.theme_id)
            matched += [k for k in hits if k not in matched]
    if matched:
        return Relevance(True, False, tuple(matched), tuple(themes))
    muted = bool(rules) and all(any(p.search(title) for p in r.mute) for r in rules)
    return Relevance(False, muted)
