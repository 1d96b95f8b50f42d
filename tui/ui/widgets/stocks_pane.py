"""The theme's stocks grouped by industry-chain segment, with the reason each is in it."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tui.config.loader import Project
from tui.domain.models import LISTING_LABELS_ZH, Stock, Theme
from tui.domain.timeline import next_catalyst_days
from tui.ui.formatting import truncate
from tui.ui.i18n import Labels
from tui.ui.widgets.detail import DetailPanel

SEGMENT_KEY_PREFIX = "segment:"


def grouped_stocks(theme: Theme, unsegmented_label: str) -> list[tuple[str, str | None, list[Stock]]]:
    """(segment name, description, stocks) in the theme's segment order; unknown segments last."""
    order = [(s.name, s.description) for s in theme.segments]
    known = {name for name, _ in order}
    groups: dict[str, list[Stock]] = {name: [] for name, _ in order}
    extra: dict[str, list[Stock]] = {}
    for stock in theme.stocks:
        seg = stock.segment or unsegmented_label
        (groups if seg in known else extra).setdefault(seg, []).append(stock)
    out = [(name, desc, groups[name]) for name, desc in order if groups[name]]
    out += [(name, None, stocks) for name, stocks in extra.items()]
    return out


class StocksPane(Vertical):
    """DataTable of a theme's stocks (group header rows per segment) and a detail panel."""

    DEFAULT_CSS = """
    StocksPane #stocks-thesis { height: auto; max-height: 4; padding: 0 1; color: $text-muted; }
    StocksPane DataTable { height: 2fr; }
    StocksPane #stocks-quotes-note { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, labels: Labels, **kw) -> None:
        super().__init__(**kw)
        self.t = labels
        self._project: Project | None = None
        self._theme: Theme | None = None
        self._stocks: dict[str, Stock] = {}
        self._today = date.today()

    def compose(self) -> ComposeResult:
        yield Static(id="stocks-thesis")
        table: DataTable = DataTable(id="stocks-table", cursor_type="row", zebra_stripes=False)
        t = self.t
        table.add_column(t("col.segment"), key="segment", width=6)
        table.add_column(t("col.code"), key="code", width=7)
        table.add_column(t("col.name"), key="name", width=12)
        table.add_column(t("col.board"), key="board", width=6)
        table.add_column(t("col.status"), key="status", width=6)
        table.add_column(t("col.countdown"), key="next", width=8)
        table.add_column(t("col.reason"), key="reason")
        yield table
        yield Static(t("quotes.none"), id="stocks-quotes-note")
        yield DetailPanel(id="stocks-detail")

    def show(self, project: Project, theme: Theme | None, today: date) -> None:
        self._project, self._theme, self._today = project, theme, today
        table = self.query_one("#stocks-table", DataTable)
        table.clear()
        self._stocks = {}
        thesis = self.query_one("#stocks-thesis", Static)
        if theme is None:
            thesis.update(self.t("no_themes"))
            self.query_one(DetailPanel).clear()
            return
        thesis.update(Text(theme.description or theme.name))
        width = max(20, (self.size.width or 120) - 56)
        for segment, description, stocks in grouped_stocks(theme, self.t("group.unsegmented")):
            header = Text(f"▌{segment}", style="bold")
            label = f"{description} ({len(stocks)})" if description else f"({len(stocks)})"
            table.add_row(header, "", "", "", "", "", Text(label, style="bold dim"), key=SEGMENT_KEY_PREFIX + segment)
            for stock in stocks:
                self._stocks[stock.key] = stock
                table.add_row(*self._cells(stock, width), key=stock.key)
        if table.row_count:
            table.move_cursor(row=1 if table.row_count > 1 else 0)
            self._show_detail(table)

    def _cells(self, stock: Stock, width: int) -> list[object]:
        sec = stock.security
        status = LISTING_LABELS_ZH.get(stock.status, stock.status) if self.t.language == "zh" else stock.status.replace("_", " ")
        days = next_catalyst_days(self._project.catalysts, stock.code, self._today) if (stock.code and self._project) else None
        return [
            "",
            stock.code or "—",
            stock.name,
            sec.board_label if sec else "—",
            Text(status, style="" if stock.status == "listed" else "italic"),
            f"T-{days}" if days is not None else "",
            truncate(stock.reason, width),
        ]

    @on(DataTable.RowHighlighted, "#stocks-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.data_table)

    def _show_detail(self, table: DataTable) -> None:
        panel = self.query_one(DetailPanel)
        if table.row_count == 0:
            panel.clear()
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        if key.startswith(SEGMENT_KEY_PREFIX) and self._theme is not None:
            name = key[len(SEGMENT_KEY_PREFIX):]
            desc = next((s.description for s in self._theme.segments if s.name == name), None)
            members = "、".join(s.name for s in self._theme.stocks if (s.segment or self.t("group.unsegmented")) == name)
            panel.show(f"{name}  {desc or ''}", [(self.t("detail.stocks"), members)])
            return
        stock = self._stocks.get(key)
        if stock is None:
            panel.clear()
            return
        t = self.t
        catalysts = self._project.catalysts_for_stock(stock.code) if (stock.code and self._project) else []
        title = f"{stock.name} {stock.code or ''}"
        if stock.security:
            title += f"  {stock.security.exchange.value} · {stock.security.board_label}"
        if stock.former_names:
            title += f"  (曾用名 {'、'.join(stock.former_names)})"
        status_note = f"{LISTING_LABELS_ZH.get(stock.status, stock.status)}：{stock.status_note}" if stock.status_note else None
        panel.show(
            title,
            [
                (t("col.status"), status_note),
                (t("detail.reason"), stock.reason),
                (t("detail.risks"), "；".join(stock.risks) if stock.risks else None),
                (t("detail.notes"), stock.notes),
                (t("detail.tags"), " ".join(f"#{x}" for x in stock.tags) if stock.tags else None),
                (t("detail.catalysts"), "".join(f"\n  {c.date or '—'}  {c.title}" for c in catalysts) if catalysts else None),
                (t("detail.source"), stock.source.label() if stock.source else None),
            ],
        )

    def highlighted_stock(self) -> Stock | None:
        table = self.query_one("#stocks-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        return self._stocks.get(key)
