"""The theme heat chart under the index: three rows of bars, one column per session (or per
bucket of sessions when the year is wider than the pane). Only draws: the figures come from
:mod:`tui.views.theme_heat`."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.formats import pad
from tui.ui.i18n import Labels
from tui.views.theme_heat import HeatView, heat_rows

LABEL_WIDTH = 11
SUFFIX_WIDTH = 16


class HeatChart(Static):
    """Limit-up count, 最高标 height and 炸板率 per session."""

    DEFAULT_CSS = """
    HeatChart { height: auto; width: 1fr; }
    """

    def __init__(self, labels: Labels, *, up_color: str = "red", **kw) -> None:
        super().__init__(**kw)
        self.t = labels
        self.up_color = up_color
        self.view: HeatView | None = None

    def show_heat(self, view: HeatView | None) -> None:
        self.view = view
        self.update(self._text())

    def on_resize(self) -> None:
        if self.view is not None:
            self.update(self._text())

    def _color(self, name: str) -> str:
        return self.app.theme_variables.get(name, "") if self.is_attached else ""

    def _text(self) -> Text:
        t = self.t
        view = self.view
        text = Text()
        text.append(t("heat.title"), style="bold")
        if view is None or not view.has_data:
            text.append("  " + t("heat.none"), style="dim")
            return text
        width = max(10, (self.size.width or 80) - LABEL_WIDTH - SUFFIX_WIDTH)
        rows = heat_rows(view, width)
        text.append(f"  {rows.first} … {rows.last}", style="dim")
        if view.uncertain:
            text.append(f"  ({t('heat.uncertain')})", style="dim")
        up = self._color("error") if self.up_color == "red" else self._color("success")
        warn = self._color("warning")
        peak = f" {rows.peak_streak_day:%m-%d}" if rows.peak_streak_day else ""
        for label, bars, style, suffix in (
            (t("heat.limit_up"), rows.limit_up, up, f"{t('heat.max')} {rows.max_limit_up}"),
            (t("heat.top_streak"), rows.top_streak, f"bold {up}".strip(), f"{t('heat.max')} {rows.max_streak}{peak}"),
            (t("heat.broken_rate"), rows.broken_rate, warn, "0–100%"),
        ):
            text.append("\n" + pad(label, LABEL_WIDTH), style="dim")
            text.append(bars, style=style)
            text.append("  " + suffix, style="dim")
        return text
