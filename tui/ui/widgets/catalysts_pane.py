"""The catalyst calendar: upcoming with countdowns, then past, then undated."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tui.config.loader import Project
from tui.domain.models import IMPACT_LABELS_ZH, KIND_LABELS_ZH, STATUS_LABELS_ZH, Catalyst, Theme
from tui.domain.timeline import Bucket, TimelineEntry, build_timeline, countdown_label
from tui.ui.formatting import truncate
from tui.ui.i18n import Labels
from tui.ui.widgets.detail import DetailPanel

GROUP_KEY_PREFIX = "group:"


class CatalystsPane(Vertical):
    """Catalysts of the current theme (or of all themes), with a detail panel."""

    DEFAULT_CSS = """
    CatalystsPane #catalysts-scope { height: 1; padding: 0 1; color: $text-muted; }
    CatalystsPane DataTable { height: 2fr; }
    """

    def __init__(self, labels: Labels, **kw) -> None:
        super().__init__(**kw)
        self.t = labels
        self.all_themes = False
        self._project: Project | None = None
        self._theme: Theme | None = None
        self._entries: dict[str, TimelineEntry] = {}
        self._today = date.today()

    def compose(self) -> ComposeResult:
        yield Static(id="catalysts-scope")
        table: DataTable = DataTable(id="catalysts-table", cursor_type="row")
        t = self.t
        table.add_column(t("col.date"), key="date", width=10)
        table.add_column(t("col.countdown"), key="countdown", width=10)
        table.add_column(t("col.kind"), key="kind", width=8)
        table.add_column(t("col.status"), key="status", width=10)
        table.add_column(t("col.impact"), key="impact", width=8)
        table.add_column(t("col.title"), key="title")
        yield table
        yield DetailPanel(id="catalysts-detail")

    def show(self, project: Project, theme: Theme | None, today: date) -> None:
        self._project, self._theme, self._today = project, theme, today
        catalysts = project.catalysts if (self.all_themes or theme is None) else project.catalysts_for_theme(theme)
        scope = self.t("filter.all_themes") if (self.all_themes or theme is None) else f"{self.t('filter.this_theme')}：{theme.name}"
        self.query_one("#catalysts-scope", Static).update(f"{scope} · {len(catalysts)}  [dim](a: {self.t('bind.scope')})[/]")
        table = self.query_one("#catalysts-table", DataTable)
        table.clear()
        self._entries = {}
        current: Bucket | None = None
        width = max(20, (self.size.width or 120) - 56)
        for entry in build_timeline(catalysts, today):
            if entry.bucket is not current:
                current = entry.bucket
                table.add_row(Text(f"▌{self.t('group.' + current.value)}", style="bold"), "", "", "", "", "", key=GROUP_KEY_PREFIX + current.value)
            self._entries[entry.catalyst.id] = entry
            table.add_row(*self._cells(entry, width), key=entry.catalyst.id)
        if table.row_count:
            table.move_cursor(row=1 if table.row_count > 1 else 0)
            self._show_detail(table)
        else:
            self.query_one(DetailPanel).clear()

    def _label(self, table: dict[str, str], value: str) -> str:
        return table.get(value, value) if self.t.language == "zh" else value

    def _cells(self, entry: TimelineEntry, width: int) -> list[object]:
        c = entry.catalyst
        countdown = countdown_label(entry, lang=self.t.language)
        if entry.bucket is Bucket.UPCOMING:
            countdown_cell = Text(countdown, style="bold")
        else:
            countdown_cell = Text(countdown, style="dim")
        status = self._label(STATUS_LABELS_ZH, c.status)
        status_cell = Text(f"{status}⚠" if entry.needs_update else status, style="italic" if entry.needs_update else "")
        return [
            str(c.date) if c.date else "—",
            countdown_cell,
            self._label(KIND_LABELS_ZH, c.kind),
            status_cell,
            self._label(IMPACT_LABELS_ZH, c.impact),
            truncate(c.title, width),
        ]

    @on(DataTable.RowHighlighted, "#catalysts-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.data_table)

    def _show_detail(self, table: DataTable) -> None:
        panel = self.query_one(DetailPanel)
        if table.row_count == 0:
            panel.clear()
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        entry = self._entries.get(key)
        if entry is None:
            panel.clear()
            return
        self.show_catalyst(entry)

    def show_catalyst(self, entry: TimelineEntry) -> None:
        c: Catalyst = entry.catalyst
        t = self.t
        names = self._project.stock_names() if self._project else {}
        stocks = "、".join(f"{names.get(code, '?')} {code}" for code in c.stocks) if c.stocks else None
        when = f"{c.date or '未定'} · {countdown_label(entry, lang=t.language)}"
        status = self._label(STATUS_LABELS_ZH, c.status)
        if entry.needs_update:
            status += f"（{t('needs_update')}）"
        self.query_one(DetailPanel).show(
            c.title,
            [
                (t("col.date"), when),
                (t("col.status"), status),
                (t("detail.expected"), c.expected),
                (t("detail.outcome"), c.outcome),
                (t("detail.claimed"), c.claimed_reaction),
                (t("detail.stocks"), stocks),
                (t("detail.notes"), c.notes),
                (t("detail.source"), c.source.label() if c.source else None),
            ],
        )

    def toggle_scope(self) -> None:
        self.all_themes = not self.all_themes
        if self._project is not None:
            self.show(self._project, self._theme, self._today)
