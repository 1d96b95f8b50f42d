"""Partial dates: an exact day (2025-03-13), a month (2024-09), a quarter (2025Q2),
a half-year (2026H1) or a year (2025).

Catalysts and indicator readings are often known only to a month or a quarter. A partial
date keeps its precision for display and gives the first and last day it covers.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum


class Precision(str, Enum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})\s*-?\s*H([12])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")

FORMATS_HELP = "YYYY-MM-DD, YYYY-MM, YYYYQ1..Q4, YYYYH1/H2 or YYYY"


@dataclass(frozen=True, slots=True, order=False)
class PartialDate:
    """A date known to a day, month, quarter, half-year or year."""

    start: date
    end: date
    precision: Precision

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Parse text (or a datetime.date); raise ValueError naming the accepted formats."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, date):
            return cls(value, value, Precision.DAY)
        if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200:
            value = str(value)  # a bare year, e.g. `date: 2026`
        if not isinstance(value, str):
            raise ValueError(f"expected a date ({FORMATS_HELP}), got {type(value).__name__} {value!r}")
        text = value.strip()
        if m := _DAY.match(text):
            y, mo, d = (int(g) for g in m.groups())
            try:
                day = date(y, mo, d)
            except ValueError as exc:
                raise ValueError(f"impossible date {text}: {exc}") from None
            return cls(day, day, Precision.DAY)
        if m := _MONTH.match(text):
            y, mo = int(m[1]), int(m[2])
            if not 1 <= mo <= 12:
                raise ValueError(f"impossible date {text}: month must be 1..12")
            return cls(date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), Precision.MONTH)
        if m := _QUARTER.match(text):
            y, q = int(m[1]), int(m[2])
            first = 3 * (q - 1) + 1
            return cls(date(y, first, 1), date(y, first + 2, calendar.monthrange(y, first + 2)[1]), Precision.QUARTER)
        if m := _HALF.match(text):
            y, h = int(m[1]), int(m[2])
            return cls(date(y, 1, 1), date(y, 6, 30), Precision.HALF) if h == 1 else cls(date(y, 7, 1), date(y, 12, 31), Precision.HALF)
        if m := _YEAR.match(text):
            y = int(m[1])
            return cls(date(y, 1, 1), date(y, 12, 31), Precision.YEAR)
        raise ValueError(f"cannot read {text!r} as a date; expected {FORMATS_HELP}")

    @property
    def is_exact(self) -> bool:
        return self.precision is Precision.DAY

    def __str__(self) -> str:
        s = self.start
        match self.precision:
            case Precision.DAY:
                return s.isoformat()
            case Precision.MONTH:
                return f"{s.year}-{s.month:02d}"
            case Precision.QUARTER:
                return f"{s.year}Q{(s.month - 1) // 3 + 1}"
            case Precision.HALF:
                return f"{s.year}H{1 if s.month == 1 else 2}"
            case _:
                return f"{s.year}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def sort_key(self) -> tuple[date, date]:
        return (self.start, self.end)
