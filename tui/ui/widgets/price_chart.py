"""A line chart of a few price series over trading sessions, with numbered event markers.

The rest of the app talks to :class:`PriceChart` only (``show`` / ``show_message`` and the
``point_count`` / ``markers`` read-outs); the drawing is done by textual-plot's
``PlotWidget`` (braille lines on a hi-res canvas), which stays an implementation detail here.

Colours are theme variable names ("primary", "warning", …) resolved when the chart is drawn
and again when the app's theme changes, so nothing is hard-coded.

The x axis is the session index (0 … n-1), not calendar time, so weekends and holidays do not
leave gaps; the tick labels are the session dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.markup import escape
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static
from textual_hires_canvas import Canvas, TextAlign
from textual_plot import HiResMode, PlotWidget
from textual_plot.axis_formatter import AxisFormatter


@dataclass(frozen=True)
class ChartSeries:
    """One line: a label for the legend, one value per session (NaN = gap), a theme colour."""

    label: str
    values: Sequence[float]
    color: str = "primary"


@dataclass(frozen=True)
class ChartMarker:
    """A vertical marker at session ``index``, labelled (short, ASCII) above the plot."""

    index: int
    label: str


class _SessionDates(AxisFormatter):
    """x ticks at the first, middle and last session, labelled with their dates."""

    def __init__(self, dates: Sequence[date]) -> None:
        self.dates = list(dates)

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        n = len(self.dates)
        if n == 0:
            return []
        if n == 1 or max_ticks < 3:
            return [0.0, float(n - 1)] if n > 1 else [0.0]
        return [0.0, float((n - 1) // 2), float(n - 1)]

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        out = []
        for t in ticks:
            i = int(round(t))
            out.append(self.dates[i].isoformat() if 0 <= i < len(self.dates) else "")
        return out


class _Plot(PlotWidget, can_focus=False, inherit_bindings=False):
    """textual-plot's PlotWidget without focus, pan/zoom keys, or legend box; it writes the
    marker labels into its top margin after each redraw."""

    DEFAULT_CSS = """
    _Plot > .plot--axis { color: $foreground-darken-3; }
    _Plot > .plot--tick { color: $foreground-muted; text-style: none; }
    """

    def __init__(self, **kw) -> None:
        super().__init__(allow_pan_and_zoom=False, **kw)
        self.marker_labels: list[tuple[int, str, str]] = []  # (index, label, rich style)

    def _render_plot(self) -> None:
        super()._render_plot()
        try:
            top = self.query_one("#margin-top", Canvas)
        except Exception:  # not composed yet
            return
        if top._canvas_size is None:
            return
        top.reset()
        for index, label, style in self.marker_labels:
            x, _ = self.get_pixel_from_coordinate(float(index), 0.0)
            top.write_text(x + self.margin_left, 0, f"[{style}]{escape(label)}", TextAlign.CENTER)


class PriceChart(Vertical):
    """Series over sessions with date ticks, a legend line and numbered markers."""

    DEFAULT_CSS = """
    PriceChart { height: 14; }
    PriceChart > _Plot { height: 1fr; }
    PriceChart > #chart-legend { height: 1; padding: 0 1; color: $text-muted; }
    PriceChart > #chart-message { height: 1fr; padding: 1 2; color: $text-muted; display: none; }
    PriceChart.-empty > _Plot, PriceChart.-empty > #chart-legend { display: none; }
    PriceChart.-empty > #chart-message { display: block; }
    """

    MARKER_COLOR = "warning"

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._dates: list[date] = []
        self._series: list[ChartSeries] = []
        self._markers: list[ChartMarker] = []
        self._marker_legend = ""
        self._drawn_theme: str | None = None

    def compose(self) -> ComposeResult:
        yield _Plot(id="chart-plot")
        yield Static(id="chart-legend")
        yield Static(id="chart-message")

    def on_mount(self) -> None:
        plot = self.query_one(_Plot)
        plot.margin_top = 1
        plot.margin_bottom = 1
        plot.margin_left = 7
        if not self._dates:
            self.add_class("-empty")

    # ------------------------------------------------------------------ public API

    @property
    def point_count(self) -> int:
        """Sessions on the x axis (0 while a message is shown)."""
        return len(self._dates)

    @property
    def dates(self) -> list[date]:
        return list(self._dates)

    @property
    def series(self) -> list[ChartSeries]:
        return list(self._series)

    @property
    def markers(self) -> list[ChartMarker]:
        return list(self._markers)

    def show(
        self,
        dates: Sequence[date],
        series: Sequence[ChartSeries],
        markers: Sequence[ChartMarker] = (),
        *,
        marker_legend: str = "",
    ) -> None:
        """Draw ``series`` (each as long as ``dates``) with ``markers`` at session indices;
        ``marker_legend`` names the markers in the legend line."""
        if not dates:
            self.show_message("")
            return
        for s in series:
            if len(s.values) != len(dates):
                raise ValueError(f"series {s.label!r} has {len(s.values)} values for {len(dates)} dates")
        self._dates = list(dates)
        self._series = list(series)
        self._markers = [m for m in markers if 0 <= m.index < len(dates)]
        self._marker_legend = marker_legend
        self.remove_class("-empty")
        self._draw()

    def show_message(self, text: str) -> None:
        """Clear the chart and show ``text`` in its place (never an empty frame of axes)."""
        self._dates, self._series, self._markers = [], [], []
        self.query_one("#chart-message", Static).update(Content(text))  # never markup: may be an error's text
        self.add_class("-empty")
        self.query_one(_Plot).clear()

    # ------------------------------------------------------------------ drawing

    def _color(self, variable: str) -> str:
        """A theme variable as an opaque hex colour (blended over the background)."""
        variables = self.app.theme_variables
        raw = variables.get(variable) or variables.get("foreground", "#e0e0e0")
        color = Color.parse(raw)
        if color.a < 1:
            color = Color.parse(variables.get("background", "#000000")) + color
        return color.hex6

    def _draw(self) -> None:
        self._drawn_theme = self.app.theme
        plot = self.query_one(_Plot)
        plot.clear()
        if not self._dates:
            return
        x = list(range(len(self._dates)))
        marker_style = self._color(self.MARKER_COLOR)
        plot.marker_labels = [(m.index, m.label, f"bold {marker_style}") for m in self._markers]
        for m in self._markers:
            plot.add_v_line(float(m.index), marker_style)
        for s in self._series:
            plot.plot(x, list(s.values), line_style=self._color(s.color), hires_mode=HiResMode.BRAILLE)
        plot.set_x_formatter(_SessionDates(self._dates))
        legend = Content.assemble(
            *[part for s in self._series for part in (("━ ", f"${s.color}"), (s.label, ""), ("   ", ""))],
            *((("│", f"${self.MARKER_COLOR}"), (f" {self._marker_legend}", "")) if self._markers else ()),
        )
        self.query_one("#chart-legend", Static).update(legend)

    def notify_style_update(self) -> None:
        """Styles changed; when it is because the app's theme changed, resolve the colours
        again (line colours are concrete hex values once drawn)."""
        super().notify_style_update()
        if self._dates and self.is_mounted and self.app.theme != self._drawn_theme:
            self._draw()
