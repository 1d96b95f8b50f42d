"""The interface between alerts and the inbox (issue 16, built in parallel).

The ``inbox_item`` condition asks an :class:`InboxProvider` for the items relevant to a rule's
themes or stocks that arrived on the evaluated day; each item fires once (its id is the
episode). :func:`find_provider` returns a provider only when the inbox package exists: until
then ``inbox_item`` rules load and validate, and every evaluation reports them as skipped
("the inbox is not available") instead of guessing.

To wire it once the inbox lands: give ``tui.inbox`` a function
``alert_items(store, *, themes, codes, day) -> Iterable[InboxItem-like]`` (objects with ``id``,
``title``, ``received_at``), and nothing else here changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class InboxItem:
    id: str
    title: str
    received_at: datetime | None = None


class InboxProvider(Protocol):
    def relevant_items(self, *, themes: Sequence[str], codes: Sequence[str], day: date) -> Iterable[InboxItem]: ...


@dataclass
class _ModuleProvider:
    store: Any
    func: Any

    def relevant_items(self, *, themes: Sequence[str], codes: Sequence[str], day: date) -> Iterable[InboxItem]:
        return list(self.func(self.store, themes=list(themes), codes=list(codes), day=day))


def find_provider(store: Any) -> InboxProvider | None:
    """The inbox's provider if ``tui.inbox`` offers ``alert_items``; None otherwise."""
    try:
        module = importlib.import_module("tui.inbox")
    except ImportError:
        return None
    func = getattr(module, "alert_items", None)
    return _ModuleProvider(store, func) if callable(func) else None
