"""Security codes: which exchange and board a code belongs to, and its daily price limit.

A-share codes are six digits; the first digits tell the exchange and board. Hong Kong codes
are five digits, and a user's file marks them explicitly (`market: HK`, see
`check_listing`): a five-digit code alone is far more often an A-share code missing a digit
("68804" for "688041") than a Hong Kong listing. Indices need a market prefix (sh000300) because their codes collide with
stock codes (上证指数 000001 vs 平安银行 000001).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from tui.domain.labels import BOARD_LABELS as _BOARD_LABELS


class Exchange(str, Enum):
    SH = "SH"
    SZ = "SZ"
    BJ = "BJ"
    HK = "HK"


class Board(str, Enum):
    MAIN = "main"
    STAR = "star"  # 科创板
    CHINEXT = "chinext"  # 创业板
    BSE = "bse"  # 北交所
    HK = "hk"


BOARD_LABELS = {Board(k): v for k, v in _BOARD_LABELS.items()}

# ChiNext moved from ±10% to ±20% with the registration reform.
CHINEXT_20PCT_FROM = date(2020, 8, 24)

# (prefix, exchange, board); the longest matching prefix wins.
_PREFIXES: tuple[tuple[str, Exchange, Board], ...] = (
    ("600", Exchange.SH, Board.MAIN),
    ("601", Exchange.SH, Board.MAIN),
    ("603", Exchange.SH, Board.MAIN),
    ("605", Exchange.SH, Board.MAIN),
    ("688", Exchange.SH, Board.STAR),
    ("689", Exchange.SH, Board.STAR),
    ("000", Exchange.SZ, Board.MAIN),
    ("001", Exchange.SZ, Board.MAIN),
    ("002", Exchange.SZ, Board.MAIN),
    ("003", Exchange.SZ, Board.MAIN),
    ("300", Exchange.SZ, Board.CHINEXT),
    ("301", Exchange.SZ, Board.CHINEXT),
    ("920", Exchange.BJ, Board.BSE),
    ("4", Exchange.BJ, Board.BSE),
    ("8", Exchange.BJ, Board.BSE),
)

A_SHARE_PREFIXES = tuple(p for p, _, _ in _PREFIXES)

# ASCII digits only: Python's \d also matches full-width "３００１３３" (see _full_width).
_A_SHARE_RE = re.compile(r"^\d{6}$", re.ASCII)
_HK_RE = re.compile(r"^\d{5}$", re.ASCII)
_FULL_WIDTH_DIGITS = "０１２３４５６７８９"


class CodeError(ValueError):
    """A code that is not a valid A-share or Hong Kong code."""


@dataclass(frozen=True, slots=True)
class SecurityCode:
    """A parsed security code."""

    code: str
    exchange: Exchange
    board: Board

    @property
    def is_a_share(self) -> bool:
        return self.exchange is not Exchange.HK

    @property
    def symbol(self) -> str:
        """Code with a lowercase market prefix, as Sina/Tencent want it (sz300133, hk00700)."""
        return f"{self.exchange.value.lower()}{self.code}"

    @property
    def board_label(self) -> str:
        return BOARD_LABELS[self.board]

    def limit_pct(self, on: date | None = None, *, st: bool = False) -> float | None:
        """Daily price limit as a fraction (0.1 for ±10%), or None where there is none.

        ST status only narrows main-board limits (±5%); newly listed stocks have no limit for
        their first five sessions, which callers handle because it depends on listing history.
        """
        if self.board is Board.HK:
            return None
        if self.board is Board.BSE:
            return 0.30
        if self.board is Board.STAR:
            return 0.20
        if self.board is Board.CHINEXT:
            if on is not None and on < CHINEXT_20PCT_FROM:
                return 0.05 if st else 0.10
            return 0.20
        return 0.05 if st else 0.10


#: The values of a stock's `market:` field.
MARKETS = ("A", "HK")

HK_HINT = 'for a Hong Kong listing write market: HK beside the code (code: "00700", market: HK)'


def _full_width(code: str) -> None:
    """Full-width digits (typed with a Chinese input method) get their own message."""
    if any(ch in _FULL_WIDTH_DIGITS for ch in code):
        ascii_code = code.translate(str.maketrans(_FULL_WIDTH_DIGITS, "0123456789"))
        raise CodeError(f"code {code!r} is written with full-width digits; type it with ASCII digits: \"{ascii_code}\"")


def check_listing(code: str, market: str | None) -> SecurityCode:
    """Parse a code as the user's files must write it: a Hong Kong listing only when
    `market` says "HK" (then five digits), an A-share code otherwise (six digits).

    Raises CodeError with the reason; a five-digit code without `market: HK` says how to
    write a Hong Kong listing, as the issue that found "68804" passing for one asked.
    """
    if market is not None and market not in MARKETS:
        raise CodeError(f"market {market!r} must be one of: {', '.join(MARKETS)}")
    if isinstance(code, str):
        _full_width(code)
    if market == "HK":
        if not isinstance(code, str) or not _HK_RE.match(code):
            raise CodeError(f"code {code!r}: a Hong Kong listing (market: HK) has a five-digit code, e.g. \"00700\"")
        return parse_code(code)
    if isinstance(code, str) and _HK_RE.match(code):
        raise CodeError(f"code {code!r} has five digits: A-share codes have six digits; {HK_HINT}")
    return parse_code(code)


def parse_code(code: str) -> SecurityCode:
    """Parse a six-digit A-share or five-digit Hong Kong code; raise CodeError with the reason."""
    if not isinstance(code, str):
        raise CodeError(f"code must be a quoted string, got {type(code).__name__} {code!r}")
    _full_width(code)
    if _HK_RE.match(code):
        return SecurityCode(code, Exchange.HK, Board.HK)
    if not _A_SHARE_RE.match(code):
        raise CodeError(
            f"code {code!r} must be six digits (A-share), or five digits with market: HK (Hong Kong)"
        )
    for prefix, exchange, board in _PREFIXES:
        if code.startswith(prefix):
            return SecurityCode(code, exchange, board)
    raise CodeError(
        f"code {code!r} has an unknown prefix; A-share codes start with "
        "600/601/603/605/688/689 (SH), 000/001/002/003/300/301 (SZ), or 4/8/920 (BJ)"
    )
