"""The alerts log (`l`): every fired alert with its figure's time, and every webhook delivery."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui.ui.background import run_in_daemon_thread
from tui.ui.cell import plain_cells
from tui.ui.i18n import Labels
from tui.views.alerts_log import AlertLog, load_alert_log


class AlertsScreen(Screen[None]):
    DEFAULT_CSS = """
    AlertsScreen #alerts-summary, AlertsScreen #deliveries-title, AlertsScreen #rules-title { height: 1; padding: 0 1; }
    AlertsScreen #alerts-table { height: 2fr; }
    AlertsScreen #deliveries-table, AlertsScreen #rules-table { height: 1fr; }
    """
    BINDINGS = [Binding("escape,q", "back", "返回"), Binding("r", "reload", "刷新", show=False),
                Binding("space", "toggle_rule", "开/关", show=False)]

    def __init__(self, labels: Labels, data_dir, alerts_file) -> None:
        super().__init__()
        self.t = labels
        self.data_dir = data_dir
        self.alerts_file = alerts_file
        self.log_data: AlertLog | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical():
            yield Static(t("alerts.loading"), id="alerts-summary")
            alerts: DataTable = DataTable(id="alerts-table", cursor_type="row")
            alerts.add_column(t("col.time"), key="time", width=16)
            alerts.add_column(t("col.rule"), key="rule", width=18)
            alerts.add_column(t("alerts.message"), key="text")
            yield alerts
            yield Static(t("alerts.deliveries"), id="deliveries-title")
            deliveries: DataTable = DataTable(id="deliveries-table", cursor_type="row")
            deliveries.add_column(t("col.time"), key="time", width=16)
            deliveries.add_column(t("alerts.channel"), key="channel", width=22)
            deliveries.add_column(t("col.status"), key="status", width=12)
            deliveries.add_column(t("alerts.detail"), key="detail")
            yield deliveries
            yield Static(t("alerts.rules"), id="rules-title")
            rules: DataTable = DataTable(id="rules-table", cursor_type="row")
            rules.add_column(t("col.rule"), key="id", width=22)
            rules.add_column(t("alerts.scope"), key="scope", width=16)
            rules.add_column(t("alerts.when"), key="when", width=22)
            rules.add_column(t("alerts.param"), key="param", width=8)
            rules.add_column(t("alerts.enabled"), key="enabled")
            yield rules
        yield Footer()

    def on_mount(self) -> None:
        self._bindings.bind("escape,q", "back", self.t("alerts.back"))
        self._bindings.bind("space", "toggle_rule", self.t("alerts.toggle"), show=True)
        self.load()

    @work(exclusive=True, group="alerts-log", exit_on_error=False)
    async def load(self) -> None:
        log = await run_in_daemon_thread(partial(load_alert_log, self.data_dir, self.alerts_file, language=self.t.language))
        self.show(log)

    def show(self, log: AlertLog) -> None:
        self.log_data = log
        t = self.t
        summary = t("alerts.summary").format(n=len(log.alerts), file=str(self.alerts_file))
        self.query_one("#alerts-summary", Static).update(summary if log.alerts else t("alerts.none").format(file=str(self.alerts_file)))
        table = self.query_one("#alerts-table", DataTable)
        table.clear()
        for row in log.alerts:
            table.add_row(*plain_cells(row.fired_at, row.rule, Text(row.text)), key=row.key)
        dtable = self.query_one("#deliveries-table", DataTable)
        dtable.clear()
        for d in log.deliveries:
            status = t(f"alerts.status.{d.status}")
            dtable.add_row(*plain_cells(d.at, d.channel, status, Text(d.detail)), key=d.key)
        rtable = self.query_one("#rules-table", DataTable)
        rtable.clear()
        for r in log.rules:
            on = t("alerts.on") if r.enabled else t("alerts.off")
            rtable.add_row(*plain_cells(r.id, r.scope, r.when, r.param, on), key=r.id)
        if log.problems:
            self.app.notify("\n".join(log.problems[:5]), title=t("problems.loaded_with_errors"), severity="error", timeout=8, markup=False)

    def action_toggle_rule(self) -> None:
        """Switch the selected rule on or off (written through the comment-preserving editor)."""
        table = self.query_one("#rules-table", DataTable)
        if self.log_data is None or not self.log_data.rules or table.cursor_row is None:
            return
        row = self.log_data.rules[min(table.cursor_row, len(self.log_data.rules) - 1)]
        self.toggle(row.id, not row.enabled)

    @work(exclusive=True, group="alerts-edit", exit_on_error=False)
    async def toggle(self, rule_id: str, enabled: bool) -> None:
        from tui.views.alerts_log import toggle_rule

        try:
            message = await run_in_daemon_thread(partial(toggle_rule, self.alerts_file, rule_id, enabled))
        except Exception as exc:  # noqa: BLE001 - EditError and file errors: shown, nothing written
            self.app.notify(str(exc), title=self.t("alerts.edit_failed"), severity="error", timeout=8, markup=False)
            return
        self.app.notify(message, timeout=3, markup=False)
        self.load()

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
