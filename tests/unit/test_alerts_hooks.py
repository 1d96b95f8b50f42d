"""The after-refresh evaluation and the schedule's daily brief."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.conftest import CATALYSTS, WATCHLISTS
from tests.fixtures import alert_frames as af
from tests.fixtures.webhook_server import WebhookServer
from tui.alerts.delivery import recent_deliveries
from tui.alerts.hooks import AlertHook
from tui.jobs import schedule as sched
from tui.settings import AlertingSettings, Settings, WebhookSettings
from tui.store import Store



@pytest.fixture
def server():
    s = WebhookServer()
    yield s
    s.close()


def settings(server, **alerting) -> Settings:
    hooks = [WebhookSettings(kind="wecom", url_env="I17_TEST_WECOM_URL")]
    return Settings(alerting=AlertingSettings(webhooks=hooks, **alerting))


def test_after_refresh_evaluates_live_and_delivers(tmp_path, server, monkeypatch):
    monkeypatch.setenv("I17_TEST_WECOM_URL", server.url("/cgi-bin/webhook/send?key=K"))
    rules = tmp_path / "alerts.yaml"
    rules.write_text('rules:\n  - id: up\n    stock: "300133"\n    when: change_pct_above\n    value: 5\n', encoding="utf-8")
    hook = AlertHook(rules, WATCHLISTS, CATALYSTS, settings(server))
    monday = date(2025, 3, 31)
    with af.open_store(tmp_path) as store:
        af.put_bars(store, "300133", af.flat(30))
        af.put_quote(store, "300133", 10.8, af.at(monday, 10, 0))
        result = hook.after_refresh(store, now=af.at(monday, 10, 1))
        assert [a.subject for a in result.fired] == ["300133"]
        assert [d.status for d in result.deliveries] == ["sent"]
        assert "300133" in server.received[0].body["markdown"]["content"]
        again = hook.after_refresh(store, now=af.at(monday, 10, 1))
        assert again.fired == [] and len(server.received) == 1
    assert AlertHook(tmp_path / "none.yaml", WATCHLISTS, CATALYSTS, Settings()).after_refresh(None, now=af.at(monday, 10)) is None


def test_after_refresh_never_raises(tmp_path, caplog):
    rules = tmp_path / "alerts.yaml"
    rules.write_text("rules:\n  - id: up\n    theme: all\n    when: limit_up\n", encoding="utf-8")
    assert AlertHook(rules, WATCHLISTS, CATALYSTS, Settings()).after_refresh(object(), now=af.at(date(2025, 3, 31), 10)) is None
    assert "alerts failed" in caplog.text


def test_close_job_posts_the_daily_brief_cut_to_the_platform_limit(tmp_path, server, monkeypatch):
    from tests.unit.test_schedule import OfflineSource

    monkeypatch.setenv("I17_TEST_WECOM_URL", server.url())
    hook = AlertHook(tmp_path / "alerts.yaml", WATCHLISTS, CATALYSTS, settings(server, daily_brief=True))
    now = datetime(2025, 11, 21, 15, 35, 5, tzinfo=sched.SHANGHAI)
    runner = sched.ScheduleRunner(data_dir=tmp_path / "data", watchlists=WATCHLISTS, catalysts=CATALYSTS, interval=5,
                                  out=tmp_path / "snaps", source_factory=OfflineSource, clock=lambda: now, alert_hook=hook)  # fmt: skip
    assert "snapshot 2025-11-21" in runner.close_job()
    [brief] = server.received
    content = brief.body["markdown"]["content"]
    assert content.startswith("### 题材追踪 日报 · 2025-11-21") and len(content.encode("utf-8")) <= 4096
    with Store.open(tmp_path / "data") as store:
        assert [(d["what"], d["status"]) for d in recent_deliveries(store.conn)] == [("brief", "sent")]
