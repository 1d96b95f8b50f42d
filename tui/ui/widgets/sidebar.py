"""The list of themes on the left."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.domain.models import Theme


class ThemeSidebar(OptionList):
    """One entry per theme: its name and how many stocks it tracks."""

    DEFAULT_CSS = """
    ThemeSidebar { width: 22; height: 1fr; border: round $primary-darken-2; }
    ThemeSidebar:focus { border: round $primary; }
    """

    def set_themes(self, themes: list[Theme], current: str | None) -> None:
        self.clear_options()
        for theme in themes:
            listed = sum(1 for s in theme.stocks if s.code)
            # The theme's name is the user's text: shown as written, never read as markup.
            prompt = Content.assemble(theme.name, "\n", (f"{theme.id} · {listed}/{len(theme.stocks)}", "dim"))
            self.add_option(Option(prompt, id=theme.id))
        if current is not None:
            try:
                self.highlighted = self.get_option_index(current)
            except Exception:  # noqa: BLE001 - the theme vanished on reload
                self.highlighted = 0 if themes else None
