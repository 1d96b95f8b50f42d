"""Pilot tests of alerts in the app: after a refresh, a notification (and the bell when
enabled); the alerts log screen; a rule switched off from the app keeps the file's comments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from textual.widgets import DataTable

from tests.conftest import TODAY, wait_for_startup
from tests.ui.fakes import FakeSource
from tui.settings import AlertingSettings, Settings
from tui.ui.app import make_app
from tui.ui.screens.alerts import AlertsScreen

SHANGHAI = ZoneInfo("Asia/Shanghai")
RULES = "# team rules\nrules:\n  - id: board-limit-up\n    theme: all\n    when: limit_up  # 涨停\n"


def ctx_with_rules(shipped_ctx, tmp_path, bell: bool = False):
    path = tmp_path / "alerts.yaml"
    path.write_text(RULES, encoding="utf-8")
    return replace(shipped_ctx, alerts=path, settings=Settings(alerting=AlertingSettings(bell=bell)))


async def wait_until(pilot, condition, timeout: float = 30.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)


async def test_a_refresh_that_stores_a_limit_up_notifies_once_and_rings(shipped_ctx, tmp_path):
    ctx = ctx_with_rules(shipped_ctx, tmp_path, bell=True)
    source = FakeSource({"002602": (18.18, 16.53)}, as_of=datetime(2026, 11, 20, 15, 0, tzinfo=SHANGHAI))
    app = make_app(ctx, today=TODAY, source_factory=lambda: source)
    rings = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.last_alerts is not None)
        assert [a.subject for a in app.last_alerts.fired] == ["002602"]
        assert any("002602" in str(n.message) and "涨停" in str(n.message) for n in app._notifications)
        assert rings == [1]
        app.last_alerts = None
        await pilot.press("r")
        await wait_until(pilot, lambda: app.last_alerts is not None)
        assert app.last_alerts.fired == [] and rings == [1]  # the same episode: not again


async def test_alerts_log_screen_and_switching_a_rule_off(shipped_ctx, tmp_path):
    from tui.alerts.engine import run_check
    from tui.alerts.rules import load_rules
    from tui.config.loader import load_project
    from tui.domain.calendar import TradingCalendar
    from tui.store import Store

    ctx = ctx_with_rules(shipped_ctx, tmp_path)
    with Store.open(ctx.data_dir) as store:
        run_check(store, load_project(ctx.watchlists, ctx.catalysts), load_rules(ctx.alerts).rules,
                  now=datetime(2026, 11, 22, 20, 0, tzinfo=SHANGHAI), calendar=TradingCalendar(today=TODAY),
                  replay_date=date(2025, 2, 27))  # fmt: skip
    app = make_app(ctx, today=TODAY, poll=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("l")
        screen = app.screen
        assert isinstance(screen, AlertsScreen)
        await wait_until(pilot, lambda: screen.log_data is not None)
        table = screen.query_one("#alerts-table", DataTable)
        texts = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert any("【回放】【样本数据】【涨停】大位科技 600589" in t for t in texts)
        screen.query_one("#rules-table", DataTable).focus()
        await pilot.press("space")
        await wait_until(pilot, lambda: "enabled: false" in ctx.alerts.read_text(encoding="utf-8"))
        text = ctx.alerts.read_text(encoding="utf-8")
        assert text.startswith("# team rules") and "# 涨停" in text
        await wait_until(pilot, lambda: screen.log_data is not None and not screen.log_data.rules[0].enabled)
        await pilot.press("escape")
        assert not isinstance(app.screen, AlertsScreen)
