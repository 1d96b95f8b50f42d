"""One stock in full: why it is in the theme, its price against the theme's benchmark, its
returns, catalysts and indicators, and where the prices come from.

The text parts are drawn at once from the loaded YAML; the daily bars are read in a thread
worker (with its own Store: sqlite connections cannot cross threads) and arrive as a
:class:`PriceViewLoaded` message. Nothing is drawn or invented when there are no bars.

The view model and its loader (:func:`~tui.views.price.load_price_view`) live in
:mod:`tui.views.price` (headless).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from collections.abc import Sequence
from pathlib import Path

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from tui.config.loader import Project
from tui.domain.indicators import STATUS_LABELS_EN as INDICATOR_STATUS_EN
from tui.domain.indicators import STATUS_LABELS_ZH as INDICATOR_STATUS_ZH
from tui.domain.indicators import IndicatorStatus, assess
from tui.domain.models import (
    IMPACT_LABELS_ZH,
    KIND_LABELS_ZH,
    STATUS_LABELS_ZH,
    Stock,
    Theme,
)
from tui.domain.timeline import build_timeline, countdown_label
from tui.formats import pad
from tui.ui.formatting import signed_return
from tui.ui.i18n import Labels
from tui.ui.translate import listing_label, security_label
from tui.ui.widgets.price_chart import ChartMarker, ChartSeries, PriceChart
from tui.views.price import CHART_SESSIONS, PERIODS, PriceView, load_price_view

_STATUS_STYLE = {
    IndicatorStatus.MET: "$success",
    IndicatorStatus.ON_TRACK: "$success",
    IndicatorStatus.OFF_TRACK: "$error",
    IndicatorStatus.STALE: "$warning",
}


# --------------------------------------------------------------------------- messages


class StockInboxLoaded(Message):
    """The worker read the stock's new inbox items and fetched catalysts."""

    def __init__(self, rows: Sequence, fetched: Sequence) -> None:
        super().__init__()
        self.rows = rows
        self.fetched = fetched


class PriceViewLoaded(Message):
    """The worker read a stock's bars and built its price view."""

    def __init__(self, view: PriceView) -> None:
        super().__init__()
        self.view = view


# --------------------------------------------------------------------------- the screen


class StockDetailScreen(Screen[None]):
    """The detail view of one stock, pushed from the board with Enter."""

    DEFAULT_CSS = """
    StockDetailScreen #sd-title { height: auto; padding: 0 1; background: $panel; text-style: bold; }
    StockDetailScreen #sd-body { height: 1fr; padding: 0 1; }
    StockDetailScreen #sd-body Static { width: 1fr; }
    StockDetailScreen #sd-reason { height: auto; margin-bottom: 1; }
    StockDetailScreen #sd-columns { height: auto; }
    StockDetailScreen #sd-left, StockDetailScreen #sd-right { height: auto; width: 1fr; }
    StockDetailScreen #sd-right { padding-left: 2; }
    StockDetailScreen.-narrow #sd-columns { layout: vertical; }
    StockDetailScreen.-narrow #sd-right { padding-left: 0; }
    StockDetailScreen #sd-data { height: auto; color: $text-muted; }
    StockDetailScreen #sd-data.-sample { color: $text-warning; }
    StockDetailScreen #sd-chart-title { height: 1; color: $text-muted; }
    StockDetailScreen PriceChart { height: 14; }
    StockDetailScreen.-tall PriceChart { height: 20; }
    StockDetailScreen #sd-returns, StockDetailScreen #sd-marks { height: auto; margin-top: 1; }
    StockDetailScreen #sd-left.-no-bars #sd-chart-title,
    StockDetailScreen #sd-left.-no-bars PriceChart,
    StockDetailScreen #sd-left.-no-bars #sd-returns,
    StockDetailScreen #sd-left.-no-bars #sd-marks { display: none; }
    StockDetailScreen #sd-info, StockDetailScreen #sd-catalysts,
    StockDetailScreen #sd-indicators { height: auto; margin-bottom: 1; }
    StockDetailScreen #sd-inbox { height: auto; margin-bottom: 1; display: none; }
    StockDetailScreen #sd-inbox.-has-items { display: block; }
    """

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("q", "back", "返回", show=False),
        Binding("backspace", "back", "返回", show=False),
    ]

    def __init__(
        self,
        stock: Stock,
        theme: Theme,
        project: Project,
        data_dir: Path,
        labels: Labels,
        today: date,
        *,
        up_color: str = "red",
        sessions: int = CHART_SESSIONS,
    ) -> None:
        super().__init__()
        self.stock = stock
        self.stock_theme = theme
        self.project = project
        self.data_dir = Path(data_dir)
        self.t = labels
        self.today = today
        self.up_color = up_color
        self.sessions = sessions
        self.catalysts = project.catalysts_for_stock(stock.code) if stock.code else []
        self.view: PriceView | None = None
        self.load_error: str | None = None
        if labels.language != "zh":
            for b in self.BINDINGS:
                assert isinstance(b, Binding)
                self._bindings.key_to_bindings[b.key] = [replace(b, description=labels("bind.back"))]

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="sd-title")
        with VerticalScroll(id="sd-body"):
            yield Static(self._reason(), id="sd-reason")
            with Horizontal(id="sd-columns"):
                with Vertical(id="sd-left", classes="" if self.stock.code else "-no-bars"):
                    yield Static(self._data_text(), id="sd-data")
                    yield Static(self.t("stock.chart").format(n=self.sessions), id="sd-chart-title")
                    yield PriceChart(id="sd-chart")
                    yield Static(self._returns_text(), id="sd-returns")
                    yield Static(self._marks_text(), id="sd-marks")
                with Vertical(id="sd-right"):
                    yield Static(self._info_text(), id="sd-info")
                    yield Static(self._catalysts_text(), id="sd-catalysts")
                    yield Static(id="sd-inbox")
                    yield Static(self._indicators_text(), id="sd-indicators")
        yield Footer()

    def on_mount(self) -> None:
        if self.stock.code:
            self.load_prices()
            self.load_inbox()

    @work(thread=True, exclusive=True, exit_on_error=False, group="stock-inbox")
    def load_inbox(self) -> None:
        """The stock's new inbox items and fetched catalysts (tui.views.inbox.stock_inbox)."""
        assert self.stock.code
        from tui.store import Store
        from tui.views.inbox import stock_inbox

        with Store.open(self.data_dir) as store:
            rows, fetched = stock_inbox(store.conn, self.project, self.stock.code, self.today)
        self.post_message(StockInboxLoaded(rows, fetched))

    @on(StockInboxLoaded)
    def _inbox_loaded(self, message: StockInboxLoaded) -> None:
        widget = self.query_one("#sd-inbox", Static)
        widget.update(self._inbox_text(message.rows, message.fetched))
        widget.set_class(bool(message.rows or message.fetched), "-has-items")

    def _inbox_text(self, rows: Sequence, fetched: Sequence) -> Content:
        t = self.t
        parts: list[tuple[str, str] | str] = []
        if fetched:
            parts.append((t("detail.fetched"), "bold $text-muted"))
            for f in fetched:
                c = f.catalyst
                status = STATUS_LABELS_ZH.get(c.status, c.status) if t.language == "zh" else c.status
                parts += ["\n", (pad(c.date or t("detail.none"), 10), ""), (f" [{t('inbox.fetched_tag')}·{status}] ", "$text-muted"), c.title]
                if f.previews:
                    parts.append((f" {t('inbox.preview')}: {f.preview_text()}", "$text-muted"))
        if rows:
            if parts:
                parts.append("\n")
            parts.append((t("detail.inbox"), "bold $text-muted"))
            for r in rows[:10]:
                parts += ["\n", ("★ " if r.relevant else "  ", "bold $warning"), (pad(r.item.date, 10), ""),
                          (f" [{t('inbox.kind.' + r.item.kind)}] ", "$text-muted"), r.item.title]
            if len(rows) > 10:
                parts += ["\n", (f"… +{len(rows) - 10}", "$text-muted")]
        return Content.assemble(*parts)

    # ------------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, exit_on_error=False, group="stock-detail")
    def load_prices(self) -> None:
        assert self.stock.code
        view = load_price_view(
            self.data_dir, self.stock.code, self.stock_theme.benchmark, self.catalysts, sessions=self.sessions
        )
        self.post_message(PriceViewLoaded(view))

    @on(PriceViewLoaded)
    def _prices_loaded(self, message: PriceViewLoaded) -> None:
        self.view = message.view
        self._refresh_prices()

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "stock-inbox" and event.state is WorkerState.ERROR:
            return  # the inbox section stays hidden; prices are what this screen is about
        if event.worker.group != "stock-detail" or event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        self.load_error = f"{type(error).__name__}: {error}" if error else "?"
        self._refresh_prices()

    def _refresh_prices(self) -> None:
        self.query_one("#sd-data", Static).update(self._data_text())
        self.query_one("#sd-data").set_class(bool(self.view and self.view.is_sample), "-sample")
        self.query_one("#sd-returns", Static).update(self._returns_text())
        self.query_one("#sd-marks", Static).update(self._marks_text())
        self.query_one("#sd-catalysts", Static).update(self._catalysts_text())
        chart = self.query_one(PriceChart)
        view = self.view
        failed_or_empty = self.load_error is not None or (view is not None and not view.has_bars)
        self.query_one("#sd-left").set_class(failed_or_empty, "-no-bars")
        if failed_or_empty or view is None:
            chart.show_message("")
            return
        series = [ChartSeries(f"{self.stock.name}", view.stock, "primary")]
        if view.bench is not None:
            series.append(ChartSeries(self._bench_name(), view.bench, "foreground-muted"))
        markers = [ChartMarker(m.index, str(m.number)) for m in view.marks]
        chart.show(view.dates, series, markers, marker_legend=self.t("stock.marker_legend"))

    # ------------------------------------------------------------------ text parts

    def _bench_name(self) -> str:
        return self.t.benchmark(self.stock_theme.benchmark)

    def _status_label(self) -> str:
        s = self.stock.status
        return listing_label(s, self.t)

    def _title(self) -> Content:
        stock = self.stock
        parts: list[tuple[str, str] | str] = [(stock.name, "bold")]
        if stock.code:
            parts.append(f"  {stock.code}")
        sec = stock.security
        if sec:
            parts.append((f"  {security_label(sec, self.t)}", "$text-muted"))
        parts.append(("  " + self._status_label(), "" if stock.status == "listed" else "italic $text-warning"))
        if stock.status_note:
            parts.append((f"（{stock.status_note}）" if self.t.language == "zh" else f" ({stock.status_note})", "$text-muted"))
        if stock.former_names:
            parts.append((f"  {self.t('detail.former')} {self.t('msg.list_separator').join(stock.former_names)}", "$text-muted"))
        parts.append((f"  · {self.t('stock.theme')} {self.stock_theme.name}", "$text-muted"))
        return Content.assemble(*parts)

    def _section(self, label: str, body: str | Content) -> Content:
        return Content.assemble((f"{label}：", "bold $text-muted"), body)

    def _reason(self) -> Content:
        return self._section(self.t("detail.reason"), self.stock.reason or self.t("detail.none"))

    def _data_text(self) -> Content:
        t = self.t
        if not self.stock.code:
            return Content(t("stock.no_code"))
        if self.load_error is not None:
            return Content(t("stock.load_failed").format(error=self.load_error))
        view = self.view
        if view is None:
            return Content(t("stock.loading"))
        if not view.has_bars:
            return Content(t("stock.no_bars").format(code=self.stock.code))
        as_of = view.as_of.isoformat() if view.as_of else "—"
        if view.is_sample:
            text = t("stock.sample").format(as_of=as_of)
        else:
            text = t("stock.live").format(source=", ".join(view.sources) or "—", as_of=as_of)
        if view.bench is None:
            text += "  " + t("stock.no_bench").format(code=view.benchmark)
        return Content(text)

    def _signed(self, value: float, width: int) -> tuple[str, str]:
        return signed_return(value, width, self.up_color)

    def _returns_text(self) -> Content:
        t = self.t
        view = self.view
        name_w = max(cell_len(self.stock.name), cell_len(self._bench_name()), cell_len(t("stock.excess")), 6) + 1
        col_w = 9
        header = pad(t("stock.returns"), name_w) + "".join(
            pad(t("stock.sessions").format(n=n), col_w, right=True) for n in PERIODS
        )
        if view is None or not view.has_bars:
            return Content.assemble((header, "bold $text-muted"), "\n", (pad("", name_w) + "—", "$text-muted"))
        rows: list[tuple[str, list[float]]] = [
            (self.stock.name, [view.returns.get(n, (math.nan, math.nan))[0] for n in PERIODS]),
        ]
        if view.bench is not None:
            rows.append((self._bench_name(), [view.returns.get(n, (math.nan, math.nan))[1] for n in PERIODS]))
            rows.append((t("stock.excess"), [view.returns[n][0] - view.returns[n][1] for n in PERIODS]))
        parts: list[tuple[str, str] | str] = [(header, "bold $text-muted")]
        for name, values in rows:
            parts.append("\n")
            parts.append(pad(name, name_w))
            parts.extend(self._signed(v, col_w) for v in values)
        return Content.assemble(*parts)

    def _marks_text(self) -> Content:
        t = self.t
        view = self.view
        if view is None or not view.has_bars:
            return Content("")
        head = (t("stock.markers"), "bold $text-muted")
        if not view.marks:
            return Content.assemble(head, "\n", (t("stock.no_markers"), "$text-muted"))
        parts: list[tuple[str, str] | str] = [head]
        for m in view.marks:
            parts += ["\n", (f"{m.number} ", "bold $warning"), f"{m.session.isoformat()}  ", m.catalyst.title]
            if m.catalyst.date and not m.catalyst.date.is_exact:
                parts.append((f"（{m.catalyst.date}）", "$text-muted"))
        return Content.assemble(*parts)

    def _info_text(self) -> Content:
        t = self.t
        stock = self.stock
        parts: list[Content] = []
        if stock.risks:
            parts.append(self._section(t("detail.risks"), t("msg.separator").join(stock.risks)))
        if stock.notes:
            parts.append(self._section(t("detail.notes"), stock.notes))
        if stock.tags:
            parts.append(self._section(t("detail.tags"), " ".join(f"#{x}" for x in stock.tags)))
        parts.append(self._section(t("detail.source"), stock.source.label() if stock.source else t("detail.none")))
        return Content("\n").join(parts)

    def _catalysts_text(self) -> Content:
        t = self.t
        zh = t.language == "zh"
        parts: list[tuple[str, str] | str] = [(t("detail.catalysts"), "bold $text-muted")]
        if not self.catalysts:
            parts += ["\n", (t("stock.catalysts_none"), "$text-muted")]
            return Content.assemble(*parts)
        numbers = {m.catalyst.id: m.number for m in (self.view.marks if self.view else [])}
        for entry in build_timeline(self.catalysts, self.today):
            c = entry.catalyst
            status = STATUS_LABELS_ZH.get(c.status, c.status) if zh else c.status
            kind = KIND_LABELS_ZH.get(c.kind, c.kind) if zh else c.kind
            impact = IMPACT_LABELS_ZH.get(c.impact, c.impact) if zh else c.impact
            number = numbers.get(c.id)
            parts += [
                "\n",
                (f"{number} " if number else "  ", "bold $warning"),
                (pad(str(c.date) if c.date else t("detail.none"), 10), ""),
                (f" {pad(countdown_label(entry, lang='zh' if zh else 'en'), 9)}", "$text-muted"),
                (f" [{status}·{kind}·{impact}] ", "$text-muted"),
                c.title,
            ]
            if entry.needs_update:
                parts.append((f" ⚠ {t('needs_update')}", "$text-warning"))
            if c.outcome:
                parts += ["\n", (f"    {t('detail.outcome')}{t('msg.colon')}{c.outcome}", "$text-muted")]
        return Content.assemble(*parts)

    def _indicators_text(self) -> Content:
        t = self.t
        zh = t.language == "zh"
        code = self.stock.code
        indicators = [i for i in self.stock_theme.indicators if code and code in i.codes]
        parts: list[tuple[str, str] | str] = [(t("stock.indicators"), "bold $text-muted")]
        if not indicators:
            parts += ["\n", (t("stock.indicators_none"), "$text-muted")]
            return Content.assemble(*parts)
        labels = INDICATOR_STATUS_ZH if zh else INDICATOR_STATUS_EN
        for ind in indicators:
            a = assess(ind, self.today)
            latest = "—"
            if a.latest is not None:
                unit = a.latest.unit or ind.unit
                sep = "" if unit in ("%", "") else " "
                latest = f"{a.latest.value.format()}{sep}{unit} ({a.latest.date})"
            parts += [
                "\n",
                f"{ind.name}{t('msg.colon')}{latest}  ",
                (f"[{labels[a.status]}]", _STATUS_STYLE.get(a.status, "$text-muted")),
            ]
            if ind.target is not None:
                parts.append((f"  {t('detail.target')} {ind.target.describe(ind.unit, ind.good)}", "$text-muted"))
            detail = a.detail_zh if zh and a.detail_zh else a.detail
            if detail:
                parts += ["\n", (f"    {detail}", "$text-muted")]
        return Content.assemble(*parts)

    # ------------------------------------------------------------------ actions

    def action_back(self) -> None:
        self.dismiss(None)
