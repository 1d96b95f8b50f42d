"""The catalyst calendar as the app shows it: upcoming with countdowns, past, and undated.

Countdowns are in calendar days here (trading-day countdowns need the exchange calendar,
which lives in tui.domain.calendar). A catalyst known only to a month or quarter counts down
to the first day of its period and counts as "in progress" while its period lasts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

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


def next_catalyst_days(catalysts: list[Catalyst], code: str, today: date) -> int | None:
    """Days to the stock's next upcoming dated catalyst, or None."""
    days = [
        max(0, (c.date.start - today).days)
        for c in catalysts
        if c.date is not None and code in c.stocks and c.date.end >= today and c.status not in ("cancelled", "missed")
    ]
    return min(days) if days else None
