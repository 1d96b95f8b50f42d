"""Problems found while loading the user's files, with file, line and column."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tui.config.diagnostics import Diagnostic
from tui.ui.cell import plain_cells
from tui.ui.formatting import display_path
from tui.ui.i18n import Labels


class ProblemsPane(Vertical):
    DEFAULT_CSS = """
    ProblemsPane #problems-summary { height: 1; padding: 0 1; }
    """

    def __init__(self, labels: Labels, **kw) -> None:
        super().__init__(**kw)
        self.t = labels

    def compose(self) -> ComposeResult:
        yield Static(id="problems-summary")
        table: DataTable = DataTable(id="problems-table", cursor_type="row")
        table.add_column(self.t("col.severity"), key="severity", width=8)
        table.add_column(self.t("col.file"), key="where", width=40)
        table.add_column(self.t("col.message"), key="message")
        yield table

    def show(self, diagnostics: list[Diagnostic]) -> None:
        table = self.query_one("#problems-table", DataTable)
        table.clear()
        errors = sum(d.is_error for d in diagnostics)
        summary = self.query_one("#problems-summary", Static)
        if not diagnostics:
            summary.update(self.t("problems.none"))
        else:
            summary.update(f"{errors} error(s), {len(diagnostics) - errors} warning(s). " + (self.t("problems.loaded_with_errors") if errors else ""))
        err_color = self.app.theme_variables.get("error", "") if self.is_attached else ""
        warn_color = self.app.theme_variables.get("warning", "") if self.is_attached else ""
        for i, d in enumerate(diagnostics):
            table.add_row(
                *plain_cells(
                    Text(d.severity.value, style=err_color if d.is_error else warn_color),
                    f"{display_path(d.path)}:{d.line}:{d.col}",
                    Text(d.message),
                ),
                key=f"p{i}",
            )
