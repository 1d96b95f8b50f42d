"""How numbers and columns are written for A-share users: 万/亿 for large amounts, signed
percentages, text padded to terminal cells (CJK characters are two cells wide).

The one home of these helpers: the board, the panes, the detail screen and the CLI tables all
use them, so a return reads the same everywhere (and NaN is "—" everywhere).
"""

from __future__ import annotations

import math

from rich.cells import cell_len


def _bad(x: object) -> bool:
    """Unknown: None, NaN or infinite (numpy scalars included)."""
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def finite_or_none(value: object) -> float | None:
    """`value` as a float, or None when it is missing, not a number or NaN (JSON's null)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal cells (right-aligned if ``right``)."""
    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap


def fmt_amount(yuan: float | None) -> str:
    """1.23亿, 4567万, 890 (yuan); — when unknown."""
    if _bad(yuan):
        return "—"
    v = float(yuan)  # type: ignore[arg-type]
    a = abs(v)
    if a >= 1e12:
        return f"{v / 1e12:.2f}万亿"
    if a >= 1e8:
        return f"{v / 1e8:.2f}亿"
    if a >= 1e4:
        return f"{v / 1e4:.0f}万"
    return f"{v:.0f}"


def fmt_pct(pct: float | None, *, digits: int = 2, sign: bool = True) -> str:
    """A percentage given in percent units: +1.23%."""
    if _bad(pct):
        return "—"
    return f"{float(pct):+.{digits}f}%" if sign else f"{float(pct):.{digits}f}%"  # type: ignore[arg-type]


def fmt_frac(frac: float | None, *, digits: int = 2) -> str:
    """A return given as a fraction: 0.0123 -> +1.23%."""
    if _bad(frac):
        return "—"
    return fmt_pct(float(frac) * 100, digits=digits)  # type: ignore[arg-type]


def fmt_price(price: float | None) -> str:
    if _bad(price):
        return "—"
    p = float(price)  # type: ignore[arg-type]
    return f"{p:.3f}" if abs(p) < 1 else f"{p:.2f}"


def fmt_change(change: float | None) -> str:
    if _bad(change):
        return "—"
    return f"{float(change):+.2f}"  # type: ignore[arg-type]
