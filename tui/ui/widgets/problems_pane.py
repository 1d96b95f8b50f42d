"""Problems found while loading the user's files, with file, line and column.

The table shows each problem's file name and its full `line:col` in a column as wide as its
longest entry, so neither is ever cut (a 40-cell column of the whole path cut
`…/compute-power.yaml:132:11` to `:13`);
the highlighted problem is shown whole below the table: full path, line, column and the
complete message, wrapped.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tui.config.diagnostics import Diagnostic
from tui.ui.cell import plain_cells
from tui.ui.formatting import display_path
from tui.ui.i18n import Labels


def location(d: Diagnostic) -> str:
    return f"{d.line}:{d.col}"


class ProblemsPane(Vertical):
    DEFAULT_CSS = """
    ProblemsPane #problems-summary { height: 1; padding: 0 1; }
    ProblemsPane #problems-table { height: 1fr; }
    ProblemsPane #problems-detail { height: auto; max-height: 12; padding: 0 1; border-top: solid $primary-darken-2; }
    """

    def __init__(self, labels: Labels, **kw) -> None:
        super().__init__(**kw)
        self.t = labels
        self.diagnostics: list[Diagnostic] = []

    def compose(self) -> ComposeResult:
        yield Static(id="problems-summary")
        table: DataTable = DataTable(id="problems-table", cursor_type="row")
        table.add_column(self.t("col.severity"), key="severity", width=8)
        # No width: as wide as the longest `name:line:col`, so it is never cut.
        table.add_column(self.t("col.file"), key="where")
        table.add_column(self.t("col.message"), key="message")
        yield table
        yield Static(id="problems-detail", markup=False)

    def show(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        table = self.query_one("#problems-table", DataTable)
        table.clear()
        errors = sum(d.is_error for d in diagnostics)
        summary = self.query_one("#problems-summary", Static)
        if not diagnostics:
            summary.update(self.t("problems.none"))
        else:
            summary.update(self.t("problems.summary").format(errors=errors, warnings=len(diagnostics) - errors) + (self.t("problems.loaded_with_errors") if errors else ""))
        err_color = self.app.theme_variables.get("error", "") if self.is_attached else ""
        warn_color = self.app.theme_variables.get("warning", "") if self.is_attached else ""
        for i, d in enumerate(diagnostics):
            table.add_row(
                *plain_cells(
                    Text(self.t("severity." + d.severity.value), style=err_color if d.is_error else warn_color),
                    f"{d.path.name}:{location(d)}",
                    Text(" ".join(d.message.split()), no_wrap=True),
                ),
                key=f"p{i}",
            )
        self.show_detail(0 if diagnostics else None)

    def detail_text(self, index: int | None) -> Text:
        if index is None or not 0 <= index < len(self.diagnostics):
            return Text("")
        d = self.diagnostics[index]
        out = Text()
        out.append(f"{display_path(d.path)}:{location(d)}", style="bold")
        out.append(f"  {self.t('severity.' + d.severity.value)}\n")
        out.append(d.message)
        return out

    def show_detail(self, index: int | None) -> None:
        self.query_one("#problems-detail", Static).update(self.detail_text(index))

    @on(DataTable.RowHighlighted, "#problems-table")
    @on(DataTable.RowSelected, "#problems-table")
    def _row_chosen(self, event: DataTable.RowHighlighted | DataTable.RowSelected) -> None:
        self.show_detail(event.cursor_row)
