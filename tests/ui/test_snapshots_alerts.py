"""SVG snapshot of the alerts log screen (layout only; behaviour is in test_alerts_screen.py)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import CATALYSTS, TODAY, WATCHLISTS, wait_for_startup
from tui.context import Context
from tui.ui.app import make_app

SHANGHAI = ZoneInfo("Asia/Shanghai")
RULES = "rules:\n  - id: theme-limit-up\n    theme: compute-power\n    when: limit_up\n  - id: streak-3\n    theme: all\n    when: streak\n    min: 3\n"


def app_with_alerts(tmp_path: Path, monkeypatch):
    from tui.alerts.delivery import deliver
    from tui.alerts.channels import Channel, SendResult
    from tui.alerts.engine import alert_message, run_check
    from tui.alerts.rules import load_rules
    from tui.config.loader import load_project
    from tui.domain.calendar import TradingCalendar
    from tui.store import Store

    monkeypatch.chdir(tmp_path)  # a relative rules path: the snapshot does not depend on tmp_path
    Path("alerts.yaml").write_text(RULES, encoding="utf-8")
    ctx = Context(watchlists=WATCHLISTS, catalysts=CATALYSTS, data_dir=tmp_path / "data", today_override=TODAY, alerts=Path("alerts.yaml"))
    now = datetime(2026, 11, 22, 20, 0, tzinfo=SHANGHAI)
    with Store.open(ctx.data_dir) as store:
        result = run_check(store, load_project(WATCHLISTS, CATALYSTS), load_rules(ctx.alerts).rules, now=now,
                           calendar=TradingCalendar(today=TODAY), replay_date=date(2025, 2, 27))  # fmt: skip
        refused = SendResult(False, 1, 200, 93000, "invalid webhook url")
        deliver(store.conn, [Channel("wecom", "http://127.0.0.1:9/x", "team")], alert_message(result.fired, session=result.session, replay=True),
                now=now, send_fn=lambda c, m: refused)  # fmt: skip
    return make_app(ctx, today=TODAY, poll=False)


async def opened(pilot) -> None:
    await wait_for_startup(pilot)
    await pilot.press("l")
    import time

    screen = pilot.app.screen
    deadline = time.monotonic() + 30
    while getattr(screen, "log_data", None) is None:
        if time.monotonic() > deadline:
            raise AssertionError("the alerts log did not load within 30 s")
        await pilot.pause(0.02)
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_alerts_log_screen(snap_compare, tmp_path, monkeypatch, size):
    assert snap_compare(app_with_alerts(tmp_path, monkeypatch), terminal_size=size, run_before=opened)
