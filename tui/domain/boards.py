"""Concept and industry boards (概念板块 / 行业板块): kinds, codes, and the columns of the
normalized frames that the source adapter produces and the store caches."""

from __future__ import annotations

import re
from typing import Literal

BoardKind = Literal["concept", "industry"]
BOARD_KINDS: tuple[BoardKind, ...] = ("concept", "industry")

#: A board code as Eastmoney writes it (BK1128 = CPO概念).
BK_RE = re.compile(r"^BK\d{4}$")

#: One row per board: its move, breadth (stocks up / down) and leading stock (领涨股票).
BOARD_LIST_COLUMNS: tuple[str, ...] = (
    "kind", "code", "name", "price", "change_pct", "up_count", "down_count", "leader_name",
    "leader_change_pct", "market_cap", "turnover_rate",
)
#: One row per constituent (成分股), with its quote at fetch time.
MEMBER_COLUMNS: tuple[str, ...] = ("code", "name", "price", "change_pct", "amount", "turnover_rate")
#: A board's own daily index.
BOARD_BAR_COLUMNS: tuple[str, ...] = ("date", "open", "high", "low", "close", "amount")


def is_board_code(text: str) -> bool:
    return bool(BK_RE.match(text.strip().upper()))
