"""The catalyst calendar as the app shows it: upcoming with countdowns, past, and undated.

`TimelineEntry.days` counts calendar days. `T-N` always counts trading days (sessions after
today up to the event's day): :func:`trading_days_until` and :func:`stock_countdown` take the
trading calendar as an argument (tui.domain.calendar.TradingCalendar, built off the UI thread),
so the board's 催化 column and the catalysts tab always agree. A catalyst known only to a month
or quarter counts down to the first day of its period and counts as "in progress" while its
period lasts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any

from tui.domain.models import Catalyst


class Bucket(str, Enum):
    UPCOMING = "upcoming"
    PAST = "past"
    UNDATED = "undated"


@dataclass(frozen=True)
class TimelineEntry:
    catalyst: Catalyst
    bucket: Bucket
    days: int | None
    """Calendar days from today to the start of the catalyst's date (negative when past)."""
    in_period: bool = False
    """Today falls inside the catalyst's month/quarter (an inexact date that is 'now')."""
    needs_update: bool = False
    """An expected/confirmed catalyst whose date has passed: its status needs updating."""


def countdown_label(entry: TimelineEntry, *, lang: str = "zh") -> str:
    if entry.days is None:
        return "未定" if lang == "zh" else "undated"
    if entry.in_period:
        return "进行中" if lang == "zh" else "this period"
    if entry.days == 0:
        return "今天" if lang == "zh" else "today"
    approx = "" if entry.catalyst.date and entry.catalyst.date.is_exact else "约"
    if entry.days > 0:
        return f"{approx}{entry.days}天后" if lang == "zh" else f"in {'~' if approx else ''}{entry.days}d"
    return f"{approx}{-entry.days}天前" if lang == "zh" else f"{'~' if approx else ''}{-entry.days}d ago"


def build_timeline(catalysts: list[Catalyst], today: date) -> list[TimelineEntry]:
    """Upcoming (soonest first), then past (most recent first), then undated (file order)."""
    upcoming: list[TimelineEntry] = []
    past: list[TimelineEntry] = []
    undated: list[TimelineEntry] = []
    for c in catalysts:
        if c.date is None:
            undated.append(TimelineEntry(c, Bucket.UNDATED, None))
            continue
        days = (c.date.start - today).days
        in_period = not c.date.is_exact and c.date.contains(today)
        pending = c.status in ("expected", "confirmed")
        if c.date.end >= today:
            upcoming.append(TimelineEntry(c, Bucket.UPCOMING, days, in_period))
        else:
            past.append(TimelineEntry(c, Bucket.PAST, days, False, needs_update=pending))
    upcoming.sort(key=lambda e: e.catalyst.date.sort_key())  # type: ignore[union-attr]
    past.sort(key=lambda e: e.catalyst.date.sort_key(), reverse=True)  # type: ignore[union-attr]
    return [*upcoming, *past, *undated]


def status_as_of(catalyst: Catalyst, day: date) -> str:
    """The catalyst's status as it stood on ``day`` (for a replayed report of that day).

    An event dated after ``day`` that has since happened or been missed was still to come on
    ``day``: "expected". Other statuses are kept: a cancellation or confirmation carries no
    date of its own, so the file's status is the best there is.
    """
    if catalyst.date is not None and catalyst.date.start > day and catalyst.status in ("happened", "missed"):
        return "expected"
    return catalyst.status


def next_catalyst_days(catalysts: list[Catalyst], code: str, today: date) -> int | None:
    """Days to the stock's next upcoming dated catalyst, or None."""
    days = [
        max(0, (c.date.start - today).days)
        for c in catalysts
        if c.date is not None and code in c.stocks and c.date.end >= today and c.status not in ("cancelled", "missed")
    ]
    return min(days) if days else None


#: Fixed-date holidays on which SSE/SZSE always close (as in tui.domain.calendar; kept here so
#: that this module does not import the calendar module's lazy exchange-calendars machinery).
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})


def trading_days_until(calendar: Any, today: date, target: date) -> tuple[int, bool]:
    """Sessions after ``today`` up to and including ``target`` (the N of T-N), and whether
    any of them had to be assumed (weekdays past the calendar's known data)."""
    known_end: date = calendar.known_end
    if target <= known_end:
        return calendar.trading_days_between(today, target), False
    n = calendar.trading_days_between(today, known_end) if today < known_end else 0
    d = max(today, known_end) + timedelta(days=1)
    while d <= target:
        if d.weekday() < 5 and (d.month, d.day) not in FIXED_HOLIDAYS:
            n += 1
        d += timedelta(days=1)
    return n, True


def next_catalyst(catalysts: list[Catalyst], code: str, today: date) -> Catalyst | None:
    """The stock's next upcoming dated catalyst (not cancelled or missed), or None."""
    upcoming = [
        c for c in catalysts
        if c.date is not None and code in c.stocks and c.date.end >= today and c.status not in ("cancelled", "missed")
    ]  # fmt: skip
    return min(upcoming, key=lambda c: c.date.start, default=None)  # type: ignore[union-attr]


def stock_countdown(catalysts: list[Catalyst], code: str, today: date, calendar: Any = None, *, lang: str = "zh") -> tuple[str, int | None]:
    """The board's 催化 cell for a stock and its sort key (calendar days to the event).

    With the trading calendar: "T-19" in trading days, like the catalysts tab's "T-19 · 25天"
    ("约" for a month/quarter date, "≈" past the calendar's data); until it has loaded,
    calendar days ("25天"), never a T-N of calendar days.
    """
    c = next_catalyst(catalysts, code, today)
    if c is None or c.date is None:
        return "", None
    days = max(0, (c.date.start - today).days)
    zh = lang == "zh"
    approx = "" if c.date.is_exact else ("约" if zh else "~")
    if not c.date.is_exact and c.date.contains(today):  # as the catalysts tab says it
        return ("进行中" if zh else "this period"), 0
    if calendar is None:
        return f"{approx}{days}{'天' if zh else 'd'}", days
    guessed = False
    n = 0
    if days > 0:
        try:
            n, guessed = trading_days_until(calendar, today, c.date.start)
        except Exception:  # noqa: BLE001 - a broken calendar must not take the board down
            return f"{approx}{days}{'天' if zh else 'd'}", days
    return f"{approx}{'≈' if guessed else ''}T-{n}", days
