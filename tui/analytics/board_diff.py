"""A theme against portal boards: the boards' members the theme lacks, and the theme's
listed stocks that no board has (pure; the members come from tui.jobs.boards)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from tui.domain.models import Stock, Theme
from tui.formats import finite_or_none


@dataclass(frozen=True)
class Suggestion:
    """A board member the theme lacks (to add), or a theme stock no board has (to review)."""

    code: str
    name: str
    boards: tuple[str, ...]        # labels of the boards that have it (empty for `extra`)
    change_pct: float | None = None
    segment: str | None = None


@dataclass(frozen=True)
class ThemeBoardDiff:
    theme_id: str
    boards: tuple[str, ...]
    missing: tuple[Suggestion, ...]    # in a board, not in the theme
    extra: tuple[Suggestion, ...]      # in the theme, in no board
    common: int

    def to_dict(self) -> dict[str, object]:
        def row(s: Suggestion) -> dict[str, object]:
            return {"code": s.code, "name": s.name, "boards": list(s.boards), "change_pct": s.change_pct,
                    "segment": s.segment}

        return {
            "theme": self.theme_id, "boards": list(self.boards), "common": self.common,
            "missing": [row(s) for s in self.missing], "extra": [row(s) for s in self.extra],
        }


def diff_theme(theme: Theme, members: Sequence[tuple[str, pd.DataFrame]]) -> ThemeBoardDiff:
    """`members`: (board label, constituents frame with code/name/change_pct) per board."""
    listed: dict[str, Stock] = {s.code: s for s in theme.stocks if s.code}
    seen: dict[str, dict[str, object]] = {}
    for label, frame in members:
        for code, name, pct in zip(frame["code"], frame["name"], frame["change_pct"]):
            entry = seen.setdefault(str(code), {"name": str(name), "boards": [], "pct": finite_or_none(pct)})
            entry["boards"].append(label)  # type: ignore[union-attr]
    missing = tuple(
        Suggestion(code, str(e["name"]), tuple(e["boards"]), e["pct"])  # type: ignore[arg-type]
        for code, e in sorted(seen.items())
        if code not in listed
    )
    extra = tuple(
        Suggestion(code, stock.name, (), None, stock.segment)
        for code, stock in listed.items()
        if code not in seen
    )
    return ThemeBoardDiff(theme.id, tuple(label for label, _ in members), missing, extra,
                          sum(1 for code in listed if code in seen))


def codes_of(suggestions: Iterable[Suggestion]) -> list[str]:
    return [s.code for s in suggestions]
