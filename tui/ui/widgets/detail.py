"""A scrollable detail panel showing labelled sections of text."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static


class DetailPanel(VerticalScroll, can_focus=False):
    """Shows a title and (label, text) sections for the highlighted row."""

    DEFAULT_CSS = """
    DetailPanel { height: 1fr; padding: 0 1; border-top: solid $primary-darken-2; }
    DetailPanel > Static { width: 1fr; }
    """

    def compose(self):
        yield Static(id="detail-body")

    def show(self, title: str, sections: Iterable[tuple[str, str | Text | None]], *, empty: str = "—") -> None:
        body = Text()
        body.append(title, style="bold")
        for label, value in sections:
            if value is None or value == "" or value == []:
                continue
            body.append("\n")
            body.append(f"{label}：", style="bold dim")
            body.append(value if isinstance(value, Text) else str(value))
        self.query_one("#detail-body", Static).update(body)
        self.scroll_home(animate=False)

    def clear(self, message: str = "") -> None:
        self.query_one("#detail-body", Static).update(Text(message))
