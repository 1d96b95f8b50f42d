"""The app's side of alerts: evaluate after each refresh (in a daemon thread), notify, ring
the bell if enabled, and open the alerts log. A mixin, so that app.py only gains a few lines."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from textual import work
from textual.message import Message

from tui.ui.background import run_in_daemon_thread

#: A notification lists at most this many alerts.
NOTIFY_LINES = 6


@dataclass
class AlertsEvaluated(Message):
    """An after-refresh evaluation finished; ``result`` is a CheckResult or None."""

    result: Any


def _evaluate(ctx: Any, now: Any, today: Any) -> Any:
    from tui.alerts.hooks import AlertHook
    from tui.store import Store

    hook = AlertHook.from_context(ctx)
    if not hook.alerts.is_file():
        return None
    with Store.open(ctx.data_dir) as store:
        return hook.after_refresh(store, now=now, today=today)


class AlertsMixin:
    """Mixed into ThemeTrackerApp (which provides ctx, labels, now(), today, notify, bell)."""

    last_alerts: Any = None

    def check_alerts(self) -> None:
        """Evaluate the rules on the freshly stored data (never blocks the UI)."""
        self._alerts_worker()  # type: ignore[call-arg]

    @work(exclusive=True, group="alerts", exit_on_error=False)
    async def _alerts_worker(self) -> None:
        app: Any = self
        result = await run_in_daemon_thread(partial(_evaluate, app.ctx, app.now(), app.today), name="theme-tracker-alerts")
        app.post_message(AlertsEvaluated(result))

    def on_alerts_evaluated(self, message: AlertsEvaluated) -> None:
        app: Any = self
        self.last_alerts = message.result
        result = message.result
        if result is None:
            return
        t = app.labels
        if result.fired:
            texts = [a.text_en if t.language == "en" else a.text_zh for a in result.fired]
            more = len(texts) - NOTIFY_LINES
            body = "\n".join(texts[:NOTIFY_LINES]) + (f"\n… +{more}" if more > 0 else "")
            app.notify(body, title=t("alerts.fired").format(n=len(texts)), severity="warning", timeout=10, markup=False)
            alerting = app.ctx.settings.alerting
            from tui.alerts.quiet import in_quiet_hours

            if alerting.bell and not in_quiet_hours(alerting.quiet_hours, result.now):
                app.bell()
        for d in result.refused:
            app.notify(d.describe(), title=t("alerts.delivery_failed"), severity="error", timeout=10, markup=False)

    def brief_hook(self) -> Any:
        """For the in-app schedule: post the daily brief after the close (no evaluation there:
        the app evaluates after the run, so that it can notify what fires)."""
        from dataclasses import replace

        from tui.alerts.hooks import AlertHook

        return replace(AlertHook.from_context(self.ctx), evaluate=False)  # type: ignore[attr-defined]

    def action_show_alerts(self) -> None:
        from tui.ui.screens.alerts import AlertsScreen

        app: Any = self
        app.push_screen(AlertsScreen(app.labels, app.ctx.data_dir, app.ctx.alerts))
