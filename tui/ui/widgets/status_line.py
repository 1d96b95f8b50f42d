"""The status line: market state, data as-of time, online/offline, last error."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from tui.ui.i18n import Labels


@dataclass
class StatusState:
    market: str | None = None
    calendar_stale: str | None = None
    data_as_of: str | None = None
    sample: bool = False
    connection: str = "not_refreshed"  # online | offline | not_refreshed | refreshing
    progress: str | None = None
    last_error: str | None = None
    files: str = ""


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, labels: Labels, **kw) -> None:
        super().__init__(**kw)
        self.t = labels
        self.state = StatusState()
        self._shown: Text | None = None

    def set(self, **changes: object) -> None:
        for key, value in changes.items():
            setattr(self.state, key, value)
        text = self.render_state()
        if text == self._shown:
            return
        self._shown = text
        # One line whose size never changes: repaint it without laying out the screen again
        # (a refresh reports progress hundreds of times).
        self.update(text, layout=False)

    def render_state(self) -> Text:
        t, s = self.t, self.state
        colors = self.app.theme_variables if self.is_attached else {}
        text = Text()
        text.append(f"{t('status.market')} ")
        text.append(s.market or t("status.calendar_loading"), style="bold")
        if s.calendar_stale:
            text.append(f" ({t('status.calendar_stale')})", style=colors.get("warning", ""))
        text.append(f" · {t('status.data_as_of')} {s.data_as_of or '—'}")
        if s.sample:
            text.append(f" {t('flag.sample')}", style=f"bold {colors.get('warning', '')}")
        conn = t("status." + s.connection)
        style = {"online": colors.get("success", ""), "offline": colors.get("error", "")}.get(s.connection, "")
        text.append(" · ")
        text.append(conn, style=style)
        if s.progress:
            text.append(f" {s.progress}")
        if s.last_error:
            text.append(f" · {t('status.last_error')}{t('msg.colon')}", style="")
            text.append(s.last_error, style=colors.get("error", ""))
        if s.files:
            text.append(f" · {s.files}", style="dim")
        return text
