"""The theme's indicators: latest reading, target, progress and status."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable

from tui.domain.indicators import (
    STATUS_LABELS_EN,
    STATUS_LABELS_ZH,
    IndicatorAssessment,
    IndicatorStatus,
    assess,
)
from tui.domain.models import Theme
from tui.domain.values import ValueKind
from tui.ui.cell import plain_cells
from tui.ui.formatting import progress_bar, sparkline, truncate
from tui.ui.i18n import Labels
from tui.ui.widgets.detail import DetailPanel

STATUS_COLORS = {
    IndicatorStatus.MET: "success",
    IndicatorStatus.ON_TRACK: "accent",
    IndicatorStatus.OFF_TRACK: "error",
    IndicatorStatus.STALE: "warning",
    IndicatorStatus.NO_DATA: None,
    IndicatorStatus.UNTARGETED: None,
}


class IndicatorsPane(Vertical):
    """DataTable of indicator assessments and a detail panel with every reading."""

    DEFAULT_CSS = """
    IndicatorsPane DataTable { height: 2fr; }
    """

    def __init__(self, labels: Labels, **kw) -> None:
        super().__init__(**kw)
        self.t = labels
        self._assessments: dict[str, IndicatorAssessment] = {}

    def compose(self) -> ComposeResult:
        table: DataTable = DataTable(id="indicators-table", cursor_type="row")
        t = self.t
        table.add_column(t("col.indicator"), key="name", width=20)
        table.add_column(t("col.latest"), key="latest", width=14)
        table.add_column(t("col.reading_date"), key="date", width=10)
        table.add_column(t("col.target"), key="target", width=20)
        table.add_column(t("col.progress"), key="progress", width=14)
        table.add_column(t("col.status"), key="status", width=8)
        table.add_column(t("col.trend"), key="trend", width=10)
        yield table
        yield DetailPanel(id="indicators-detail")

    def _color(self, status: IndicatorStatus) -> str:
        name = STATUS_COLORS[status]
        if name is None:
            return "dim"
        return self.app.theme_variables.get(name, "") if self.is_attached else ""

    def status_label(self, status: IndicatorStatus) -> str:
        return (STATUS_LABELS_ZH if self.t.language == "zh" else STATUS_LABELS_EN)[status]

    def show(self, theme: Theme | None, today: date) -> None:
        table = self.query_one("#indicators-table", DataTable)
        table.clear()
        self._assessments = {}
        if theme is None:
            self.query_one(DetailPanel).clear(self.t("no_themes"))
            return
        for indicator in theme.indicators:
            a = assess(indicator, today)
            self._assessments[indicator.id] = a
            latest = a.latest.value.format(indicator.unit) if a.latest else "—"
            at_most = a.latest is not None and a.latest.value.kind is ValueKind.AT_MOST and not a.target_met
            table.add_row(
                *plain_cells(
                    truncate(indicator.name, 20),
                    latest,
                    str(a.latest.date) if a.latest else "—",
                    truncate(indicator.target.describe(indicator.unit, indicator.good), 20) if indicator.target else "—",
                    progress_bar(a.progress, width=8, at_most=at_most),
                    Text(self.status_label(a.status), style=self._color(a.status)),
                    sparkline([r.value.point for r in indicator.readings][-10:]),
                ),
                key=indicator.id,
            )
        if table.row_count:
            table.move_cursor(row=0)
            self._show_detail(table)
        else:
            self.query_one(DetailPanel).clear()

    @on(DataTable.RowHighlighted, "#indicators-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.data_table)

    def _show_detail(self, table: DataTable) -> None:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        a = self._assessments.get(key)
        panel = self.query_one(DetailPanel)
        if a is None:
            panel.clear()
            return
        ind = a.indicator
        t = self.t
        good = ("越高越好" if ind.good == "higher" else "越低越好") if t.language == "zh" else f"{ind.good} is better"
        readings = "\n".join(
            f"  {r.date}  {r.value.format(ind.unit)}" + (f"  {r.note}" if r.note else "") + (f"  [{r.source.label()}]" if r.source else "")
            for r in reversed(ind.readings)
        )
        target = ind.target.describe(ind.unit, ind.good) if ind.target else None
        if ind.target and ind.target.note:
            target = f"{target}；{ind.target.note}"
        panel.show(
            f"{ind.name}  [{self.status_label(a.status)}]  {good}",
            [
                (t("detail.subject"), ind.subject),
                (t("detail.target"), target),
                (t("detail.status_detail"), a.detail_zh if t.language == "zh" else a.detail),
                (t("detail.readings"), "\n" + readings if readings else None),
                (t("detail.notes"), ind.notes),
                (t("detail.source"), ind.source.label() if ind.source else None),
            ],
        )
