"""Messages that workers post to the app: small dataclasses named as past-tense facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class BoardDataLoaded(Message):
    """Quotes and recent bars were read from the store."""

    inputs: Any  # tui.store.readers.BoardInputs


@dataclass
class CalendarLoaded(Message):
    """The trading calendar is ready (exchange-calendars imported off the UI thread)."""

    calendar: Any  # tui.domain.calendar.TradingCalendar


@dataclass
class RefreshProgressed(Message):
    done: int
    total: int
    label: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RefreshProgressed)


@dataclass
class RefreshFinished(Message):
    """A refresh ended (successfully or not); `inputs` is the store re-read afterwards."""

    summary: Any  # tui.jobs.refresh.RefreshSummary
    inputs: Any
    manual: bool
