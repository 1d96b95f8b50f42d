"""The "指数" tab: the selected theme as one index against its benchmark.

An equal-weighted index of the theme's listed A-share stocks (and a market-cap-weighted one when
the latest quotes carry market caps) over the last year of stored daily bars, rebased to 100 at
the first session shown and drawn with the theme's benchmark and 沪深300 on a
:class:`~tui.ui.widgets.price_chart.PriceChart`; under it, trailing 1/5/20/60-session and
year-to-date returns with the excess over the benchmark, and what went into the index (members
counted, stocks without bars, stale members, missing caps, the analytics' notes).

Threading: :meth:`ThemeIndexPane.show` only decides what to load; the store is read in a thread
worker that opens its own :class:`~tui.store.Store` (sqlite connections cannot cross threads)
and posts a :class:`ThemeIndexLoaded` message, which the pane's handler draws. An error while
reading becomes a message in the pane. The view model and its loader live in
:mod:`tui.views.theme_index` (headless); pandas and the analytics are imported inside the
worker, so importing this module (at app start) costs only Textual.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.containers import ScrollableContainer, Vertical
from textual.content import Content
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from tui.domain.models import Theme
from tui.formats import pad
from tui.ui.formatting import display_path, signed_return
from tui.ui.i18n import Labels
from tui.ui.widgets.heat_chart import HeatChart
from tui.views.theme_index import (
    CAP,
    EQUAL,
    EXCESS_CAP,
    EXCESS_EQUAL,
    PERIODS,
    ThemeIndexView,
    load_theme_index_view,
    theme_codes,
)

if TYPE_CHECKING:
    from tui.ui.widgets.price_chart import PriceChart

#: The worker group (one load at a time; a new theme cancels the previous load).
WORKER_GROUP = "theme-index"

# Notes of tui.analytics.theme_index that the pane already shows as localized lines
# (stale members, missing caps, the equal-weight fallback); other notes are shown verbatim.
_NOTES_SHOWN_ELSEWHERE = ("carried flat after their last bar", "no market cap for")


# --------------------------------------------------------------------------- messages


@dataclass
class ThemeIndexLoaded(Message):
    """The worker read the theme's bars and built its index (or failed: ``error``)."""

    request: int
    view: ThemeIndexView | None
    error: str | None = None
    heat: object = None  # tui.views.theme_heat.HeatView (the ladder heat under the chart)


# --------------------------------------------------------------------------- the pane


class ThemeIndexPane(Vertical, can_focus=True):
    """The theme index chart, its returns table and what went into it. It takes the focus
    when its tab is shown (nothing in it is focusable), and scrolls with the keys."""

    BINDINGS = [*ScrollableContainer.BINDINGS, Binding("v", "toggle_board", "叠加板块")]

    DEFAULT_CSS = """
    ThemeIndexPane { height: 1fr; padding: 0 1; overflow-y: auto; }
    ThemeIndexPane > Static { width: 1fr; height: auto; }
    ThemeIndexPane #ti-title { text-style: bold; }
    ThemeIndexPane #ti-data { color: $text-muted; }
    ThemeIndexPane #ti-data.-sample { color: $text-warning; }
    ThemeIndexPane > #ti-chart-host { height: 1fr; min-height: 8; }
    ThemeIndexPane #ti-chart { height: 1fr; }
    ThemeIndexPane #ti-returns { margin-top: 1; }
    ThemeIndexPane #ti-members { margin-top: 1; color: $text-muted; }
    ThemeIndexPane #ti-heat { margin-top: 1; }
    ThemeIndexPane.-no-data #ti-returns { display: none; }
    """

    def __init__(self, labels: Labels, *, up_color: str = "red", **kw) -> None:
        super().__init__(**kw)
        self.t = labels
        self.up_color = up_color
        self._bindings.key_to_bindings["v"] = [Binding("v", "toggle_board", labels("index.board_bind"))]
        self.shown_theme: Theme | None = None
        self.data_dir: Path | None = None
        self.today: date | None = None
        self.view: ThemeIndexView | None = None
        #: The theme's daily ladder heat (tui.views.theme_heat.HeatView), drawn under the chart.
        self.heat = None
        #: The text shown instead of the chart (no theme, no bars, an error), else None.
        self.message: str | None = None
        self.error: str | None = None
        self._codes: list[str] = []
        self._other_codes: list[str] = []
        self._request = 0
        self._key: tuple | None = None
        #: The chart, mounted when the pane is first shown: its plotting library (and numpy)
        #: stays off the app's first paint. Drawing asked for before that waits in _chart_op.
        self.chart: PriceChart | None = None
        self._chart_op: Callable[[PriceChart], None] | None = None
        #: The concept board overlaid on the index (`v`: the theme's first recorded board), and
        #: why its index could not be shown (None when it is, or when no board is overlaid).
        self.overlay_board: tuple[str, str, str] | None = None
        self.overlay_error: str | None = None
        #: A load asked for before the pane was first shown: run on the first Show, so that
        #: a hidden tab reads nothing at start-up (its imports would slow the first paint).
        self._load_pending = False

    def compose(self) -> ComposeResult:
        yield Static(id="ti-title")
        yield Static(id="ti-data")
        yield Vertical(id="ti-chart-host")
        yield HeatChart(self.t, up_color=self.up_color, id="ti-heat")
        yield Static(id="ti-returns")
        yield Static(id="ti-members")

    def on_mount(self) -> None:
        if self.shown_theme is None and self.message is None:
            self._show_message(self.t("index.no_theme"))

    async def on_show(self) -> None:
        if self.chart is not None:
            return
        from tui.ui.widgets.price_chart import PriceChart

        chart = PriceChart(id="ti-chart")
        await self.query_one("#ti-chart-host").mount(chart)
        self.chart = chart
        if self._chart_op is not None:
            op, self._chart_op = self._chart_op, None
            op(chart)
        if self._load_pending:
            self._load_pending = False
            self._start_load()

    def _on_chart(self, op: Callable[[PriceChart], None]) -> None:
        """Apply ``op`` to the chart now, or when it is mounted (only the latest op is kept)."""
        if self.chart is not None:
            op(self.chart)
        else:
            self._chart_op = op

    # ------------------------------------------------------------------ public API

    def show(self, theme: Theme | None, data_dir: Path, today: date) -> None:
        """Show ``theme``'s index; the bars are read in a thread worker. Calling it again with
        the same theme, codes, data directory and day does nothing (use :meth:`refresh_data`)."""
        codes, other = theme_codes(theme) if theme is not None else ([], [])
        key = (theme.id, theme.benchmark, tuple(codes), str(data_dir), today) if theme is not None else None
        if key is not None and key == self._key:
            return
        self._key = key
        self.shown_theme = theme
        self.data_dir = Path(data_dir)
        self.today = today
        self._codes, self._other_codes = codes, other
        self.view = None
        self.error = None
        self._request += 1  # a load still running for the previous theme is ignored
        self.query_one("#ti-title", Static).update(self._title())
        if theme is None:
            self._show_message(self.t("index.no_theme"))
            return
        if not codes:
            self._show_message(self.t("index.no_codes"))
            return
        self.message = None
        self.query_one("#ti-data", Static).update(self.t("index.loading"))
        self._start_load()

    def refresh_data(self) -> None:
        """Read the store again for the theme shown (after a quote or bar refresh); the
        current drawing stays until the new one arrives."""
        if self.shown_theme is None or self.data_dir is None or not self._codes:
            return
        self._request += 1
        self._start_load()

    def _start_load(self) -> None:
        if self.chart is None:  # not shown yet
            self._load_pending = True
            return
        assert self.shown_theme is not None and self.data_dir is not None
        source_factory = self.app.make_source_factory() if self.overlay_board else None
        self._load(self._request, self.data_dir, self._codes, self.shown_theme.benchmark, self.overlay_board, source_factory)

    # ------------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, exit_on_error=False, group=WORKER_GROUP)
    def _load(self, request: int, data_dir: Path, codes: list[str], benchmark: str,
              board: tuple[str, str, str] | None = None, source_factory: Callable[[], object] | None = None) -> None:
        try:
            view = load_theme_index_view(data_dir, codes, benchmark)
            self.overlay_error = None
            if board is not None:
                from tui.views.boards import load_board_overlay

                self.overlay_error = load_board_overlay(data_dir, source_factory, view, *board, now=self.app.now)
            from tui.views.theme_heat import load_heat_view

            heat = load_heat_view(data_dir, codes)
        except Exception as exc:  # shown in the pane: a broken store must not crash the app
            text = f"{type(exc).__name__}: {exc}".replace(str(Path(data_dir).expanduser()), display_path(data_dir))
            if not get_current_worker().is_cancelled:
                self.post_message(ThemeIndexLoaded(request, None, text))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(ThemeIndexLoaded(request, view, heat=heat))

    @on(ThemeIndexLoaded)
    def _loaded(self, message: ThemeIndexLoaded) -> None:
        message.stop()
        if message.request != self._request:
            return
        if message.error is not None:
            self.view = None
            self.error = message.error
            self._show_message(self.t("index.load_failed").format(error=message.error))
            return
        self.error = None
        self.view = message.view
        self.heat = message.heat
        self._draw()

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """A failure the worker did not catch itself still ends as a message in the pane."""
        if event.worker.group != WORKER_GROUP or event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        self.error = f"{type(error).__name__}: {error}" if error else "?"
        self._show_message(self.t("index.load_failed").format(error=self.error))

    # ------------------------------------------------------------------ drawing

    def _show_message(self, text: str) -> None:
        self.message = text
        self.add_class("-no-data")
        self._on_chart(lambda chart: chart.show_message(text))
        self.query_one("#ti-data", Static).update("")
        self.query_one("#ti-data").remove_class("-sample")
        self.query_one("#ti-returns", Static).update("")
        self.query_one("#ti-members", Static).update(self._members_text())
        self.query_one(HeatChart).show_heat(None)

    def _draw(self) -> None:
        view = self.view
        assert view is not None
        if not view.has_data:
            self._show_message(self.t("index.no_bars"))
            return
        self.message = None
        self.remove_class("-no-data")
        t = self.t
        data = self.query_one("#ti-data", Static)
        data.update(Content(self._data_text()))  # source names are data, not markup
        data.set_class(view.is_sample, "-sample")
        from tui.ui.widgets.price_chart import ChartSeries

        series = [ChartSeries(t("index.equal"), view.equal, "primary")]
        if view.cap is not None:
            series.append(ChartSeries(t("index.cap"), view.cap, "accent"))
        colors = {view.benchmark: "foreground-muted"}
        for code, values in view.benchmarks.items():
            color = "warning" if code in view.names else colors.get(code, "secondary")
            series.append(ChartSeries(view.names.get(code) or self.t.benchmark(code), values, color))
        dates = view.dates
        self._on_chart(lambda chart: chart.show(dates, series))
        self.query_one(HeatChart).show_heat(self.heat)
        self.query_one("#ti-returns", Static).update(self._returns_text())
        self.query_one("#ti-members", Static).update(self._members_text())

    # ------------------------------------------------------------------ text parts


    def _stock_name(self, code: str) -> str:
        if self.shown_theme is not None:
            for stock in self.shown_theme.stocks:
                if stock.code == code:
                    return f"{stock.name} {code}"
        return code

    def _title(self) -> Content:
        if self.shown_theme is None:
            return Content(self.t("index.title"))
        return Content.assemble((self.shown_theme.name, "bold"), ("  " + self.t("index.title"), "$text-muted"))

    def _data_text(self) -> str:
        t = self.t
        view = self.view
        assert view is not None
        as_of = view.as_of.isoformat() if view.as_of else "—"
        if view.sample_only:
            parts = [t("index.sample").format(as_of=(view.sample_as_of or view.as_of or "—"))]
        elif view.is_sample:
            parts = [
                t("index.live").format(source=", ".join(view.sources) or "—", as_of=as_of),
                t("index.sample_mixed").format(as_of=view.sample_as_of or "—"),
            ]
        else:
            parts = [t("index.live").format(source=", ".join(view.sources) or "—", as_of=as_of)]
        parts.append(t("index.members").format(used=len(view.used), total=len(view.codes)))
        parts.append(t("index.weights_both") if view.cap is not None else t("index.cap_none"))
        if view.benchmark not in view.benchmarks:
            parts.append(t("index.no_bench").format(code=view.benchmark))
        if self.overlay_board is not None and self.overlay_error:
            parts.append(t("index.board_failed").format(board=self.overlay_board[1], error=self.overlay_error))
        for code, last in view.bench_as_of.items():
            if view.as_of is not None and last < view.as_of:
                parts.append(t("index.bench_behind").format(name=view.names.get(code) or self.t.benchmark(code), as_of=last.isoformat()))
        return " · ".join(parts)

    def action_toggle_board(self) -> None:
        """`v`: overlay the theme's first recorded board's own index (`boards:` in its file),
        fetched or read from the cache; again to take it off."""
        theme = self.shown_theme
        if theme is None:
            return
        if self.overlay_board is not None:
            self.overlay_board = None
        elif not theme.boards:
            self.notify(self.t("index.no_board"), severity="warning", timeout=5)
            return
        else:
            b = theme.boards[0]
            self.overlay_board = (b.code, b.name or b.code, b.kind)
        self.refresh_data()

    def _signed(self, value: float, width: int) -> tuple[str, str]:
        return signed_return(value, width, self.up_color)

    def _ytd_label(self) -> str:
        view = self.view
        year = view.as_of.year if view is not None and view.as_of else None
        if year is None or (self.today is not None and self.today.year == year):
            return self.t("index.ytd")
        return self.t("index.ytd_year").format(year=year)

    def _returns_text(self) -> Content:
        t = self.t
        view = self.view
        if view is None or not view.has_data:
            return Content("")
        bench = self.t.benchmark(view.benchmark)
        rows: list[tuple[str, str]] = [(t("index.equal"), EQUAL)]
        if CAP in view.returns:
            rows.append((t("index.cap"), CAP))
        if view.benchmark in view.returns:
            rows.append((bench, view.benchmark))
        if EXCESS_EQUAL in view.returns:
            rows.append((t("index.excess").format(index=t("index.equal_short"), bench=bench), EXCESS_EQUAL))
        if EXCESS_CAP in view.returns:
            rows.append((t("index.excess").format(index=t("index.cap_short"), bench=bench), EXCESS_CAP))
        rows += [(self.t.benchmark(c), c) for c in view.benchmarks
                 if c != view.benchmark and c in view.returns and c not in view.names]
        for key, name in view.names.items():  # an overlaid concept board, and the theme's excess over it
            rows.append((name, key))
            excess = "excess:" + key.split(":", 1)[1]
            if excess in view.returns:
                rows.append((t("index.excess").format(index=t("index.equal_short"), bench=name), excess))
        keys = [f"ret_{n}d" for n in PERIODS] + ["ret_ytd"]
        heads = [t("index.sessions").format(n=n) for n in PERIODS] + [self._ytd_label()]
        name_w = max([cell_len(t("index.returns")), *(cell_len(name) for name, _ in rows)]) + 1
        col_w = max(9, *(cell_len(h) + 1 for h in heads))
        header = pad(t("index.returns"), name_w) + "".join(pad(h, col_w, right=True) for h in heads)
        parts: list[tuple[str, str] | str] = [(header, "bold $text-muted")]
        for name, key in rows:
            values = view.returns.get(key, {})
            parts.append("\n")
            parts.append(pad(name, name_w))
            parts.extend(self._signed(values.get(k, math.nan), col_w) for k in keys)
        return Content.assemble(*parts)

    def _members_text(self) -> Content:
        t = self.t
        view = self.view
        lines: list[Content] = []

        zh = t.language == "zh"

        def line(label: str, items: Sequence[str]) -> None:
            if items:
                head = label + ("：" if zh else ": ")
                lines.append(Content.assemble((head, "bold"), ("、" if zh else ", ").join(items)))

        missing = view.missing if view is not None else []
        line(t("index.excluded"), [self._stock_name(c) for c in missing])
        line(t("index.not_a_share"), [self._stock_name(c) for c in self._other_codes] if self.shown_theme else [])
        if view is not None:
            dated = "{name}（{day}）" if zh else "{name} ({day})"
            line(t("index.stale"), [dated.format(name=self._stock_name(c), day=d) for c, d in view.stale.items()])
            line(t("index.cap_missing"), [self._stock_name(c) for c in view.cap_missing])
            other = [n for n in view.notes if not n.startswith(_NOTES_SHOWN_ELSEWHERE)]
            line(t("index.notes"), other)
        return Content("\n").join(lines)
