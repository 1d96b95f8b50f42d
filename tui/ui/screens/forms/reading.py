"""Record a new reading of an indicator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from tui.config.editing import EditError, EditResult, WatchlistEditor
from tui.domain.models import Indicator, Theme
from tui.ui.i18n import Labels
from tui.ui.screens.forms.base import EditForm, colon, paren, text_or_none


class ReadingForm(EditForm):
    """A reading of `indicator` (of `theme`, defined in `path`): date (today by default),
    value (a number, a range "12-15" or a bound "< 50", in the indicator's unit), source, note."""

    title_key = "form.add_reading"
    FIRST_FIELD = "#value"  # the date defaults to today

    def __init__(self, labels: Labels, theme: Theme, path: Path, indicator: Indicator, *, today: date) -> None:
        unit = f" · {labels('form.unit')}{colon(labels)}{indicator.unit}" if indicator.unit else ""
        super().__init__(labels, [path], subtitle=f"{indicator.name}{paren(labels, indicator.id)}{unit}")
        self.theme = theme
        self.indicator = indicator
        self.today = today

    def compose_fields(self) -> ComposeResult:
        t = self.t
        yield self.row("form.date", Input(self.today.isoformat(), placeholder=t("form.date_hint"), id="date", compact=True))
        yield self.row("form.value", Input(placeholder=t("form.value_hint"), id="value", compact=True))
        yield self.row("form.source", Input(placeholder=t("form.source_hint"), id="source", compact=True))
        yield self.row("form.note", Input(id="note", compact=True))

    def open_editors(self) -> Any:
        return WatchlistEditor(self.paths[0])

    def make_edit(self) -> Callable[[], EditResult]:
        editor: WatchlistEditor = self.editors
        when = self.value("#date").strip()
        value = self.value("#value").strip()
        if not when:
            raise EditError(self.t("form.date_required"))
        if not value:
            raise EditError(self.t("form.value_required"))
        source = text_or_none(self.value("#source"))
        note = text_or_none(self.value("#note"))
        indicator_id = self.indicator.id
        return lambda: editor.add_reading(indicator_id, date=when, value=value, source=source, note=note)
