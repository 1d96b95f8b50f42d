"""The theme board: the theme's stocks with quotes, grouped by segment or sorted, filterable.

Rows are keyed by stock (code, or `name:<name>` for unlisted companies). A refresh updates
only the cells whose text changed (inside `app.batch_update()`); the table is rebuilt only
when the set or order of rows changes (theme switch, filter, sort or grouping).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from tui.config.loader import Project
from tui.domain.models import Stock, Theme
from tui.domain.timeline import stock_countdown
from tui.formats import fmt_amount, fmt_change, fmt_frac, fmt_pct, fmt_price
from tui.ui.cell import Cell
from tui.ui.formatting import truncate
from tui.ui.i18n import Labels
from tui.ui.translate import listing_label, security_label
from tui.ui.widgets.detail import DetailPanel
from tui.views.ladder_text import ladder_cell, ladder_header

if TYPE_CHECKING:  # pandas is imported only once data arrives: it is not needed for first paint
    import pandas as pd

    from tui.analytics.board import ThemeSummary

SEGMENT_KEY_PREFIX = "segment:"

#: (column key, label key, width, sortable numeric?)
COLUMNS: list[tuple[str, str, int]] = [
    ("code", "col.code", 6),
    ("name", "col.name", 8),
    ("segment", "col.segment", 4),
    ("price", "col.price", 7),
    ("change_pct", "col.change_pct", 7),
    ("ladder", "col.ladder", 9),
    ("change", "col.change", 6),
    ("amount", "col.amount", 8),
    ("turnover_rate", "col.turnover", 6),
    ("market_cap", "col.market_cap", 8),
    ("ret_5d", "col.ret_5d", 7),
    ("ret_20d", "col.ret_20d", 7),
    ("next", "col.next_catalyst", 5),
    ("flags", "col.flags", 8),
    ("as_of", "col.as_of", 14),
    ("reason", "col.reason", 30),
]
COLUMN_KEYS = [c[0] for c in COLUMNS]
#: Columns that fit their longest cell within (least, most) cells, so that what is shown is
#: never silently cut: a fixed 8 cut a renamed "中科曙光信息产业" to the old-looking "中科曙光",
#: a fixed 5 would cut "约T-40" to "约T-4". A longer name ends in "…".
FITTED = {"name": (8, 16), "next": (5, 10)}
NAME_WIDTH = FITTED["name"]

#: Sort modes in the order `s` cycles through them.
SORT_MODES = ["segment", "user", "change_pct", "ladder", "amount", "turnover_rate", "market_cap", "ret_5d", "ret_20d", "next", "price", "change", "code", "name"]
#: Modes sorted largest first by default (a mover list reads top-down).
DESCENDING_BY_DEFAULT = {"change_pct", "ladder", "amount", "turnover_rate", "market_cap", "ret_5d", "ret_20d", "price", "change"}


@dataclass
class RowData:
    """One stock's raw values (for sorting) and the cell renderables (for drawing)."""

    key: str
    stock: Stock
    values: dict[str, object]
    cells: dict[str, object]


class BoardPane(Vertical):
    """Theme header, filter box, the keyed board table and a detail panel."""

    DEFAULT_CSS = """
    BoardPane #board-header { height: auto; max-height: 5; padding: 0 1; }
    BoardPane #board-filter { height: 1; border: none; padding: 0 1; display: none; }
    BoardPane #board-filter.visible { display: block; }
    BoardPane #board-sort { height: 1; padding: 0 1; color: $text-muted; }
    BoardPane DataTable { height: 2fr; }
    BoardPane DetailPanel { height: 1fr; }
    """

    BINDINGS = [
        Binding("slash", "focus_filter", "筛选", show=True),
        Binding("s", "cycle_sort", "排序", show=True),
        Binding("o", "reverse_sort", "反向", show=False),
        Binding("g", "group_by_segment", "按环节", show=False),
    ]

    class StockSelected(Message):
        """The user pressed Enter on a stock row."""

        def __init__(self, stock: Stock) -> None:
            super().__init__()
            self.stock = stock

    def __init__(self, labels: Labels, *, up_color: str = "red", **kw) -> None:
        super().__init__(**kw)
        self.t = labels
        self.up_color = up_color
        self.sort_mode = "segment"
        self.reverse = False
        self.filter_text = ""
        self._project: Project | None = None
        self._theme: Theme | None = None
        self._today = date.today()
        self._board: pd.DataFrame | None = None
        self._rows: dict[str, RowData] = {}
        self._order: list[str] = []
        self._drawn: dict[str, dict[str, object]] = {}
        #: Set by the app when the local store cannot be used: shown instead of "no prices yet".
        self.store_problem: str | None = None
        self._calendar: Any = None
        if labels.language != "zh":  # BINDINGS are written in Chinese (class level)
            for key, label in (("slash", "filter.label"), ("s", "sort.label"), ("o", "sort.reverse"), ("g", "sort.segment")):
                self._bindings.key_to_bindings[key] = [replace(b, description=labels(label)) for b in self._bindings.key_to_bindings[key]]
        #: New relevant inbox items per code (tui.views.inbox.board_counts), set by the app.
        self.inbox_counts: dict[str, int] = {}

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(id="board-header")
        yield Input(placeholder=self.t("filter.placeholder"), id="board-filter")
        yield Static(id="board-sort")
        table: DataTable = DataTable(id="board-table", cursor_type="row", fixed_columns=2)
        for key, label, width in COLUMNS:
            text = self.t(label)
            table.add_column(text, key=key, width=max(width, cell_len(text)))  # never a cut label
        yield table
        yield DetailPanel(id="board-detail")

    # ------------------------------------------------------------------ colours

    def _color(self, name: str) -> str:
        return self.app.theme_variables.get(name, "") if self.is_attached else ""

    def sign_style(self, value: float | None) -> str:
        """Red up / green down (A-share), or flipped when up_color is green; grey when flat."""
        if value is None or (isinstance(value, float) and math.isnan(value)) or value == 0:
            return "dim" if value is None or (isinstance(value, float) and math.isnan(value)) else ""
        red, green = self._color("error"), self._color("success")
        up, down = (red, green) if self.up_color == "red" else (green, red)
        return up if value > 0 else down

    # ------------------------------------------------------------------ data in

    def show(self, project: Project, theme: Theme | None, today: date, board: pd.DataFrame | None, summary: ThemeSummary | None, *, notice: str | None = None) -> None:
        """Show a theme; `board` is None until quotes have been read from the store."""
        structure_changed = theme is not self._theme or project is not self._project
        self._project, self._theme, self._today, self._board = project, theme, today, board
        self._rows = self._make_rows()
        self._update_header(summary, notice)
        order = self._ordered_keys()
        widths_changed = self._fit_columns()
        if structure_changed or order != self._order or widths_changed:
            self._rebuild(order)
        else:
            self._diff_cells()
        self._update_sort_label()

    def set_calendar(self, calendar: Any) -> None:
        """The trading calendar for T-N countdowns (trading days); shown from the next redraw."""
        self._calendar = calendar
    def set_inbox_counts(self, counts: dict[str, int]) -> None:
        """New relevant inbox items per code (the flags column); redraws only changed cells."""
        if counts == self.inbox_counts:
            return
        self.inbox_counts = counts
        if self._theme is None:
            return
        self._rows = self._make_rows()
        if self._ordered_keys() == self._order:
            self._diff_cells()
        else:
            self._rebuild(self._ordered_keys())

    def _make_rows(self) -> dict[str, RowData]:
        rows: dict[str, RowData] = {}
        if self._theme is None:
            return rows
        data = self._board.set_index("code") if self._board is not None and len(self._board) else None
        for position, stock in enumerate(self._theme.stocks):
            record = data.loc[stock.code] if (data is not None and stock.code in data.index) else None
            rows[stock.key] = self._row(stock, position, record)
        return rows

    def _row(self, stock: Stock, position: int, rec: pd.Series | None) -> RowData:
        # pandas only where there is a record: the first paint (names, no quotes yet) must not
        # import it (about 0.3 s).
        if rec is not None:
            import pandas as pd

        def val(name: str) -> float | None:
            if rec is None:
                return None
            v = rec.get(name)
            return None if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v) else float(v)

        countdown, days = stock_countdown(self._project.catalysts, stock.code, self._today, self._calendar, lang=self.t.language) if (stock.code and self._project) else ("", None)
        price, pct, change = val("price"), val("change_pct"), val("change")
        flags: list[str] = []
        stale = bool(rec["stale"]) if rec is not None else False
        sample = bool(rec["is_sample"]) if rec is not None else False
        if rec is not None:
            if rec["limit_flag"] == "up":
                flags.append(self.t("flag.limit_up"))
            elif rec["limit_flag"] == "down":
                flags.append(self.t("flag.limit_down"))
            if bool(rec["suspended"]):
                flags.append(self.t("flag.suspended"))
            if bool(rec["st"]):
                flags.append("ST")
        if stock.status != "listed":
            flags.append(listing_label(stock.status, self.t))
        if stock.code and self.inbox_counts.get(stock.code):
            flags.append(f"{self.t('flag.inbox')}{self.inbox_counts[stock.code]}")
        if sample:
            flags.append(self.t("flag.sample"))
        elif stale and price is not None:
            flags.append(self.t("flag.stale"))
        as_of = rec["as_of"] if rec is not None else None
        as_of_text = "—" if rec is None or as_of is None or pd.isna(as_of) else pd.Timestamp(as_of).strftime("%y-%m-%d %H:%M")
        style = self.sign_style(pct)
        dim = " dim" if (stale or sample) else ""
        ladder = ladder_cell(rec, self.t)
        ladder_style = {"up": f"bold {self.sign_style(1.0)}", "down": f"bold {self.sign_style(-1.0)}", "broken": self._color("warning")}.get(ladder.kind, "")
        flag_style = ""
        if rec is not None and rec["limit_flag"] == "up":
            flag_style = f"bold {self.sign_style(1.0)}"
        elif rec is not None and rec["limit_flag"] == "down":
            flag_style = f"bold {self.sign_style(-1.0)}"
        elif sample or stale:
            flag_style = f"bold {self._color('warning')}"
        cells: dict[str, object] = {
            "code": Cell(stock.code or "—"),
            "name": Cell(truncate(stock.name, NAME_WIDTH[1])),
            "segment": Cell(stock.segment or ""),
            "price": Cell(fmt_price(price), (style + dim).strip(), "right"),
            "change_pct": Cell(fmt_pct(pct), (style + dim).strip(), "right"),
            "change": Cell(fmt_change(change), (style + dim).strip(), "right"),
            "ladder": Cell(ladder.text, (ladder_style + dim).strip()),
            "amount": Cell(fmt_amount(val("amount")), justify="right"),
            "turnover_rate": Cell(fmt_pct(val("turnover_rate"), sign=False), justify="right"),
            "market_cap": Cell(fmt_amount(val("market_cap")), justify="right"),
            "ret_5d": Cell(fmt_frac(val("ret_5d")), self.sign_style(val("ret_5d")), "right"),
            "ret_20d": Cell(fmt_frac(val("ret_20d")), self.sign_style(val("ret_20d")), "right"),
            "next": Cell(countdown),
            "flags": Cell(" ".join(flags), flag_style),
            "as_of": Cell(as_of_text, "dim" if (stale or sample) else ""),
            "reason": Cell(truncate(stock.reason, 30)),
        }
        values: dict[str, object] = {
            "user": position,
            "segment": position,
            "code": stock.code or "~" + stock.name,
            "name": stock.name,
            "price": price,
            "change_pct": pct,
            "change": change,
            "ladder": ladder.sort_value,
            "amount": val("amount"),
            "turnover_rate": val("turnover_rate"),
            "market_cap": val("market_cap"),
            "ret_5d": val("ret_5d"),
            "ret_20d": val("ret_20d"),
            "next": days,
        }
        return RowData(stock.key, stock, values, cells)

    # ------------------------------------------------------------------ ordering

    def _matches(self, row: RowData) -> bool:
        if not self.filter_text:
            return True
        needle = self.filter_text.strip().lower()
        hay = [row.stock.code or "", row.stock.name, *row.stock.former_names, *row.stock.tags]
        return any(needle in h.lower() for h in hay)

    def _ordered_keys(self) -> list[str]:
        """Row keys in display order; segment mode includes segment header keys."""
        rows = [r for r in self._rows.values() if self._matches(r)]
        if self.sort_mode == "segment" and self._theme is not None:
            order: list[str] = []
            names = [s.name for s in self._theme.segments]
            others = [r.stock.segment or self.t("group.unsegmented") for r in rows]
            for seg in dict.fromkeys([*names, *others]):
                members = [r for r in rows if (r.stock.segment or self.t("group.unsegmented")) == seg]
                if members:
                    order.append(SEGMENT_KEY_PREFIX + seg)
                    order += [r.key for r in members]
            return order
        if self.sort_mode == "user":
            rows.sort(key=lambda r: r.values["user"], reverse=self.reverse)
            return [r.key for r in rows]
        mode = self.sort_mode
        descending = (mode in DESCENDING_BY_DEFAULT) != self.reverse
        present = [r for r in rows if r.values.get(mode) is not None]
        missing = [r for r in rows if r.values.get(mode) is None]
        present.sort(key=lambda r: r.values[mode], reverse=descending)  # type: ignore[arg-type, return-value]
        return [r.key for r in present + missing]  # blanks always last

    def _segment_header(self, key: str) -> dict[str, object]:
        seg = key[len(SEGMENT_KEY_PREFIX):]
        desc = next((s.description for s in self._theme.segments if s.name == seg), None) if self._theme else None
        count = sum(1 for r in self._rows.values() if (r.stock.segment or self.t("group.unsegmented")) == seg and self._matches(r))
        cells: dict[str, object] = {k: Cell("") for k in COLUMN_KEYS}
        cells["code"] = Cell(f"▌{seg}", "bold")
        cells["name"] = Cell(f"({count})", "bold dim")
        cells["reason"] = Cell(desc or "", "dim")
        return cells

    def _fit_columns(self) -> bool:
        """Size the FITTED columns to their cells; True when a width changed (the rebuild
        that must follow applies it: it clears the table's cached rows)."""
        table = self.query_one("#board-table", DataTable)
        changed = False
        for key, (least, most) in FITTED.items():
            column = table.columns.get(ColumnKey(key))
            if column is None:
                continue
            width = min(max([least, *(cell_len(str(r.cells[key])) for r in self._rows.values())]), most)
            if column.width != width:
                column.width = width
                changed = True
        return changed

    def _rebuild(self, order: list[str]) -> None:
        table = self.query_one("#board-table", DataTable)
        cursor_key = self.highlighted_key()
        table.clear()
        self._drawn = {}
        for key in order:
            cells = self._segment_header(key) if key.startswith(SEGMENT_KEY_PREFIX) else self._rows[key].cells
            table.add_row(*(cells[c] for c in COLUMN_KEYS), key=key)
            self._drawn[key] = dict(cells)
        self._order = order
        if table.row_count:
            target = order.index(cursor_key) if cursor_key in order else next((i for i, k in enumerate(order) if not k.startswith(SEGMENT_KEY_PREFIX)), 0)
            table.move_cursor(row=target, animate=False)
        self._show_detail()

    def _diff_cells(self) -> int:
        """Update only the cells whose content changed; return how many were updated."""
        table = self.query_one("#board-table", DataTable)
        updated = 0
        with self.app.batch_update():
            for key in self._order:
                if key.startswith(SEGMENT_KEY_PREFIX):
                    continue
                new = self._rows[key].cells
                old = self._drawn.get(key, {})
                for col in COLUMN_KEYS:
                    if _cell_repr(old.get(col)) != _cell_repr(new[col]):
                        table.update_cell(key, col, new[col])
                        updated += 1
                self._drawn[key] = dict(new)
        self._show_detail()
        return updated

    def _resort(self) -> None:
        self._rebuild(self._ordered_keys())
        self._update_sort_label()

    def _update_sort_label(self) -> None:
        mode = self.t("sort." + self.sort_mode) if self.sort_mode in ("segment", "user") else self.t(dict((k, l) for k, l, _ in COLUMNS).get(self.sort_mode, self.sort_mode))
        arrow = ""
        if self.sort_mode not in ("segment",):
            descending = (self.sort_mode in DESCENDING_BY_DEFAULT) != self.reverse
            arrow = " ↓" if descending else " ↑"
        shown = sum(1 for r in self._rows.values() if self._matches(r))
        filt = f" · {self.t('filter.label')}{self.t('msg.colon')}{self.filter_text}" if self.filter_text else ""
        hint = f"(s {self.t('sort.label')} · o {self.t('sort.reverse')} · / {self.t('filter.label')} · enter {self.t('bind.detail')})"
        # The filter is the user's text: shown as typed, never read as markup.
        self.query_one("#board-sort", Static).update(
            Text.assemble(f"{self.t('sort.label')}{self.t('msg.colon')}{mode}{arrow}{filt} · {shown}/{len(self._rows)}  ", (hint, "dim"))
        )

    # ------------------------------------------------------------------ header

    def _update_header(self, summary: ThemeSummary | None, notice: str | None) -> None:
        header = self.query_one("#board-header", Static)
        if self._theme is None:
            header.update(self.t("no_themes"))
            return
        text = Text()
        text.append(self._theme.name, style="bold")
        if self.store_problem and (summary is None or summary.priced == 0):
            text.append("  " + self.store_problem, style="bold")
        elif summary is None or summary.priced == 0:
            text.append("  " + self.t("header.no_prices"), style="dim")
        else:
            t = self.t
            text.append(f"  {t('header.mean')} ")
            text.append(fmt_pct(summary.mean_pct), style=self.sign_style(summary.mean_pct))
            text.append(f"  {t('header.median')} ")
            text.append(fmt_pct(summary.median_pct), style=self.sign_style(summary.median_pct))
            text.append(f"  {t('header.up')} ")
            text.append(str(summary.up), style=self.sign_style(1.0))
            text.append(f" {t('header.down')} ")
            text.append(str(summary.down), style=self.sign_style(-1.0))
            text.append(f" {t('header.flat')} {summary.flat}")
            text.append(f"  {t('flag.limit_up')} ")
            text.append(str(summary.limit_up), style=self.sign_style(1.0) if summary.limit_up else "")
            text.append(f" {t('flag.limit_down')} ")
            text.append(str(summary.limit_down), style=self.sign_style(-1.0) if summary.limit_down else "")
            if summary.suspended:
                text.append(f" {t('flag.suspended')} {summary.suspended}")
            ladder = ladder_header(summary, t)
            for i, (label, value, kind) in enumerate(ladder.parts):
                text.append(("\n" if i == 0 else "  ") + f"{label} ")
                colour = {"up": f"bold {self.sign_style(1.0)}", "broken": self._color("warning")}.get(kind, "")
                text.append(value, style=colour)
            text.append(f"\n{t('header.leader')} {summary.leader} ")
            text.append(fmt_pct(summary.leader_pct), style=self.sign_style(summary.leader_pct))
            text.append(f"  {t('header.laggard')} {summary.laggard} ")
            text.append(fmt_pct(summary.laggard_pct), style=self.sign_style(summary.laggard_pct))
            text.append(f"  {t('col.amount')} {fmt_amount(summary.amount)}")
            if summary.benchmark:
                text.append(f"  {t('bench.' + summary.benchmark)} ")
                text.append(fmt_pct(summary.benchmark_pct), style=self.sign_style(summary.benchmark_pct))
                if summary.excess_pct is not None:
                    text.append(f" {t('header.excess')} ")
                    text.append(fmt_pct(summary.excess_pct), style=self.sign_style(summary.excess_pct))
        if notice:
            text.append("\n")
            text.append(notice, style=f"bold {self._color('warning')}")
        header.update(text)

    # ------------------------------------------------------------------ detail panel

    def highlighted_key(self) -> str | None:
        table = self.query_one("#board-table", DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def highlighted_stock(self) -> Stock | None:
        key = self.highlighted_key()
        row = self._rows.get(key or "")
        return row.stock if row else None

    @on(DataTable.RowHighlighted, "#board-table")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#board-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        row = self._rows.get(event.row_key.value or "")
        if row is not None:
            self.post_message(self.StockSelected(row.stock))

    @on(DataTable.HeaderSelected, "#board-table")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value or ""
        mode = {"segment": "segment", "flags": "segment", "as_of": "user", "reason": "user"}.get(key, key)
        if mode == self.sort_mode:
            self.reverse = not self.reverse
        else:
            self.sort_mode, self.reverse = mode, False
        self._resort()

    def _show_detail(self) -> None:
        panel = self.query_one(DetailPanel)
        key = self.highlighted_key() or ""
        if key.startswith(SEGMENT_KEY_PREFIX) and self._theme is not None:
            seg = key[len(SEGMENT_KEY_PREFIX):]
            desc = next((s.description for s in self._theme.segments if s.name == seg), None)
            members = self.t("msg.list_separator").join(r.stock.name for r in self._rows.values() if (r.stock.segment or self.t("group.unsegmented")) == seg)
            panel.show(f"{seg}  {desc or ''}", [(self.t("detail.stocks"), members)])
            return
        row = self._rows.get(key)
        if row is None:
            panel.clear()
            return
        stock, t = row.stock, self.t
        catalysts = self._project.catalysts_for_stock(stock.code) if (stock.code and self._project) else []
        title = f"{stock.name} {stock.code or ''}"
        if stock.security:
            title += f"  {security_label(stock.security, t)}"
        if stock.former_names:
            title += f"  ({t('detail.former')} {t('msg.list_separator').join(stock.former_names)})"
        quote = None
        if self._board is not None and stock.code:
            import pandas as pd

            match = self._board.loc[self._board["code"] == stock.code]
            if len(match):
                rec = match.iloc[0]
                if rec["basis"] != "none":
                    kind = t("detail.basis_" + str(rec["basis"]))
                    as_of = pd.Timestamp(rec["as_of"]).strftime("%Y-%m-%d %H:%M") if pd.notna(rec["as_of"]) else "—"
                    quote = f"{kind} · {rec['source']} · {t('detail.as_of')} {as_of}"
                    if bool(rec["is_sample"]):
                        quote += f" · {t('flag.sample_long')}"
                    elif bool(rec["stale"]):
                        quote += f" · {t('flag.stale_long')}"
        status_note = f"{listing_label(stock.status, t)}{t('msg.colon')}{stock.status_note}" if stock.status_note else None
        panel.show(
            title,
            [
                (t("col.status"), status_note),
                (t("detail.quote"), quote),
                (t("detail.reason"), stock.reason),
                (t("detail.risks"), t("msg.separator").join(stock.risks) if stock.risks else None),
                (t("detail.notes"), stock.notes),
                (t("detail.tags"), " ".join(f"#{x}" for x in stock.tags) if stock.tags else None),
                (t("detail.catalysts"), "".join(f"\n  {c.date or '—'}  {c.title}" for c in catalysts) if catalysts else None),
                (t("detail.source"), stock.source.label() if stock.source else None),
            ],
        )

    # ------------------------------------------------------------------ actions

    def action_cycle_sort(self) -> None:
        i = SORT_MODES.index(self.sort_mode) if self.sort_mode in SORT_MODES else 0
        self.sort_mode, self.reverse = SORT_MODES[(i + 1) % len(SORT_MODES)], False
        self._resort()

    def action_reverse_sort(self) -> None:
        self.reverse = not self.reverse
        self._resort()

    def action_group_by_segment(self) -> None:
        self.sort_mode, self.reverse = "segment", False
        self._resort()

    def set_sort(self, mode: str, reverse: bool = False) -> None:
        self.sort_mode, self.reverse = mode, reverse
        self._resort()

    def action_focus_filter(self) -> None:
        box = self.query_one("#board-filter", Input)
        box.add_class("visible")
        box.focus()

    @on(Input.Changed, "#board-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self._resort()

    @on(Input.Submitted, "#board-filter")
    def _filter_done(self, _event: Input.Submitted) -> None:
        self.query_one("#board-table", DataTable).focus()

    def clear_filter(self) -> None:
        box = self.query_one("#board-filter", Input)
        box.value = ""
        box.remove_class("visible")
        self.filter_text = ""
        self._resort()
        self.query_one("#board-table", DataTable).focus()

    def on_key(self, event) -> None:
        # On the filter box or on the table: esc clears a filter (the README says so).
        if event.key == "escape" and (self.filter_text or self.query_one("#board-filter", Input).has_focus):
            event.stop()
            self.clear_filter()


def _cell_repr(cell: object) -> tuple[str, str]:
    if isinstance(cell, (Text, Cell)):
        return (cell.plain, str(cell.style))
    return (str(cell) if cell is not None else "", "")
