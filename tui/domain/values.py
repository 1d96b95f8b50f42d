"""Indicator values: an exact number, a range (12–15) or a bound (< 50, > 100000)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum


class ValueKind(str, Enum):
    EXACT = "exact"
    RANGE = "range"
    AT_MOST = "at_most"  # "< 50", "<= 50"
    AT_LEAST = "at_least"  # "> 100000"


_NUM = r"[-+]?\d+(?:\.\d+)?"
_RANGE = re.compile(rf"^({_NUM})\s*(?:-|–|—|~|～|to)\s*({_NUM})$")
_BOUND = re.compile(rf"^(<=|>=|<|>|≤|≥|＜|＞)\s*({_NUM})$")
_EXACT = re.compile(rf"^({_NUM})$")

VALUE_HELP = 'a number, a range "12-15" or [12, 15], or a bound "< 50" / "> 100000"'


@dataclass(frozen=True, slots=True)
class Value:
    """A reading's value. `low`/`high` bound what is known; for a bound one side is open."""

    kind: ValueKind
    low: float | None
    high: float | None
    strict: bool = False  # "<" rather than "<=" (display only)

    @classmethod
    def parse(cls, raw: object) -> Value:
        if isinstance(raw, Value):
            return raw
        if isinstance(raw, bool):
            raise ValueError(f"expected {VALUE_HELP}, got a boolean")
        if isinstance(raw, (int, float)):
            try:
                finite = math.isfinite(raw)
            except OverflowError:  # an int too large for a float
                finite = False
            if not finite:
                raise ValueError(f"expected a finite number, got {_short(raw)}")
            return cls(ValueKind.EXACT, float(raw), float(raw))
        if isinstance(raw, (list, tuple)):
            if len(raw) != 2 or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in raw):
                raise ValueError(f"a range must be two numbers [low, high], got {raw!r}")
            lo, hi = float(raw[0]), float(raw[1])
            return cls._range(lo, hi, raw)
        if isinstance(raw, str):
            text = raw.strip().replace(",", "").rstrip("%").strip()
            if m := _EXACT.match(text):
                v = _finite(m[1], raw)
                return cls(ValueKind.EXACT, v, v)
            if m := _RANGE.match(text):
                return cls._range(_finite(m[1], raw), _finite(m[2], raw), raw)
            if m := _BOUND.match(text):
                op, v = m[1], _finite(m[2], raw)
                if op in ("<", "<=", "≤", "＜"):
                    return cls(ValueKind.AT_MOST, None, v, strict=op in ("<", "＜"))
                return cls(ValueKind.AT_LEAST, v, None, strict=op in (">", "＞"))
        raise ValueError(f"cannot read {raw!r} as a value; expected {VALUE_HELP}")

    @classmethod
    def _range(cls, lo: float, hi: float, raw: object) -> Value:
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"a range must be two finite numbers, got {_short(raw)}")
        if lo > hi:
            raise ValueError(f"range {raw!r} has its low end above its high end")
        return cls(ValueKind.RANGE, lo, hi)

    @property
    def point(self) -> float:
        """One number to plot or compare: the value, a range's midpoint, or the bound."""
        if self.kind is ValueKind.RANGE:
            assert self.low is not None and self.high is not None
            return (self.low + self.high) / 2
        if self.kind is ValueKind.AT_MOST:
            assert self.high is not None
            return self.high
        assert self.low is not None
        return self.low

    def format(self, unit: str = "") -> str:
        def num(x: float | None) -> str:
            assert x is not None
            return f"{x:,.4f}".rstrip("0").rstrip(".")

        sep = "" if unit in ("%", "") else " "
        suffix = f"{sep}{unit}" if unit else ""
        match self.kind:
            case ValueKind.EXACT:
                return f"{num(self.low)}{suffix}"
            case ValueKind.RANGE:
                return f"{num(self.low)}–{num(self.high)}{suffix}"
            case ValueKind.AT_MOST:
                return f"{'<' if self.strict else '≤'} {num(self.high)}{suffix}"
            case _:
                return f"{'>' if self.strict else '≥'} {num(self.low)}{suffix}"


#: The most significant digits a reading may be written with: a figure from a report never has
#: more, and a float keeps about 15-17 anyway.
MAX_DIGITS = 20


def _short(raw: object) -> str:
    text = str(raw) if not isinstance(raw, int) or raw.bit_length() < 1000 else f"a {len(str(raw)) if raw.bit_length() < 14000 else 'huge'}-digit number"
    return text if len(text) <= 40 else f"{text[:20]}… ({len(text):,} characters)"


def _finite(text: str, raw: object) -> float:
    """A number as written, refused when it has more digits than a reading can mean or does
    not fit a float (5,000 nines would otherwise become inf and show as "inf%")."""
    digits = sum(ch.isdigit() for ch in text.split("e")[0].split("E")[0])
    if digits > MAX_DIGITS:
        raise ValueError(f"the number {_short(raw)} has {digits:,} digits; a reading has at most {MAX_DIGITS}")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {_short(raw)} is too large")
    return value
