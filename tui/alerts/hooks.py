"""The few calls the refresh command, the schedule and the app make after a refresh: load the
rules, evaluate them live, deliver to the settings' webhooks; post the daily brief.

Kept here so that the hooks in those shared files stay one or two lines each. Every function
never raises: an alert problem must not fail a refresh (it is logged and returned as text).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

log = logging.getLogger("theme_tracker.alerts")


@dataclass
class AlertHook:
    """What an after-refresh evaluation needs (the paths and settings of one context)."""

    alerts: Path
    watchlists: Path
    catalysts: Path | None
    settings: Any  # tui.settings.Settings
    #: False: only the daily brief (the app evaluates itself, to notify what fires).
    evaluate: bool = True

    @classmethod
    def from_context(cls, ctx: Any) -> AlertHook:
        return cls(Path(ctx.alerts), Path(ctx.watchlists), Path(ctx.catalysts) if ctx.catalysts else None, ctx.settings)

    def after_refresh(self, store: Any, *, now: datetime, today: date | None = None, send: bool = True) -> Any:
        """Evaluate the rules live and deliver what fires; None when there is no rules file."""
        try:
            if not self.evaluate or not self.alerts.is_file():
                return None
            from tui.alerts.delivery import channels_from_settings
            from tui.alerts.engine import run_check
            from tui.alerts.inbox import find_provider
            from tui.alerts.rules import load_rules
            from tui.config.loader import load_project
            from tui.domain.calendar import TradingCalendar

            project = load_project(self.watchlists, self.catalysts)
            rules = load_rules(self.alerts, project)
            channels, problems = channels_from_settings(self.settings.alerting) if send else ([], [])
            for p in problems:
                log.warning("%s", p)
            result = run_check(
                store, project, rules.rules, now=now, today=today,
                calendar=TradingCalendar(store.trade_dates(), today=now.date()),
                stale_after=timedelta(seconds=self.settings.refresh_interval * 1.5),
                channels=channels, send_alerts=send and bool(channels),
                quiet_hours=self.settings.alerting.quiet_hours, language=self.settings.language,
                inbox=find_provider(store),
            )  # fmt: skip
            for d in result.refused:
                log.warning("alert delivery %s", d.describe())
            return result
        except Exception as exc:  # noqa: BLE001 - never fail the refresh for an alert problem
            log.error("alerts failed: %s: %s", type(exc).__name__, exc)
            return None

    def after_close(self, store: Any, *, session: date, report: Path | None, now: datetime) -> list[Any]:
        """Post the daily brief when `alerting.daily_brief` is on."""
        if not self.settings.alerting.daily_brief or report is None or not Path(report).is_file():
            return []
        try:
            from tui.alerts.delivery import channels_from_settings

            channels, _ = channels_from_settings(self.settings.alerting)
            return post_brief(store, Path(report), session, channels, now=now,
                              quiet_hours=self.settings.alerting.quiet_hours, language=self.settings.language)  # fmt: skip
        except Exception as exc:  # noqa: BLE001
            log.error("daily brief failed: %s: %s", type(exc).__name__, exc)
            return []


def now_for(ctx: Any) -> datetime:
    """Now in Shanghai; with a frozen today (THEME_TRACKER_TODAY), the evening of that day."""
    from tui.alerts.figures import SHANGHAI

    if getattr(ctx, "today_override", None) is not None:
        d = ctx.today_override
        return datetime(d.year, d.month, d.day, 20, 0, tzinfo=SHANGHAI)
    return datetime.now(SHANGHAI)


def summary_lines(result: Any, language: str = "zh") -> list[str]:
    """One line per fired alert and per refused delivery (for the refresh command)."""
    if result is None:
        return []
    lines = [f"alert: {a.text_en if language == 'en' else a.text_zh}" for a in result.fired]
    lines += [f"alert delivery {d.describe()}" for d in result.refused]
    return lines


def post_brief(store: Any, report: Path, session: date, channels: list[Any], *, now: datetime,
               quiet_hours: str | None, language: str = "zh") -> list[Any]:  # fmt: skip
    """Send report.md (each channel cuts it to its platform's limit); recorded as 'brief'."""
    from tui.alerts.delivery import deliver
    from tui.alerts.engine import brief_message

    message = brief_message(report.read_text(encoding="utf-8"), session=session, language=language)
    return deliver(store.conn, channels, message, now=now, quiet_hours=quiet_hours, what="brief")
