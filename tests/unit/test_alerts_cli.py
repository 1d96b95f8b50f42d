"""`theme-tracker alerts ...` end to end (in process): replay on the shipped sample, JSON
output, a refused delivery exits 1 with the platform's code and message."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CATALYSTS, WATCHLISTS
from tests.fixtures.webhook_server import WebhookServer
from tui.cli import main

RULES = "rules:\n  - id: theme-limit-up\n    theme: compute-power\n    when: limit_up\n"


@pytest.fixture
def env(tmp_path):
    alerts = tmp_path / "alerts.yaml"
    alerts.write_text(RULES, encoding="utf-8")
    base = ["--watchlists", str(WATCHLISTS), "--catalysts", str(CATALYSTS), "--data-dir", str(tmp_path / "data"), "--alerts", str(alerts)]
    return base, alerts


@pytest.fixture
def server():
    s = WebhookServer()
    yield s
    s.close()


def test_replay_fires_once_then_not_again(env, capsys):
    base, _ = env
    assert main([*base, "alerts", "check", "--date", "2025-02-27"]) == 0
    out = capsys.readouterr().out
    assert "replay of 2025-02-27 (sample data): 1 fired" in out
    assert "theme-limit-up" in out and "【回放】【样本数据】【涨停】大位科技 600589" in out
    assert main([*base, "alerts", "check", "--date", "2025-02-27"]) == 0
    assert "0 fired, 1 still active" in capsys.readouterr().out


def test_json_format_and_dry_run(env, capsys):
    base, _ = env
    assert main([*base, "alerts", "check", "--date", "2025-02-27", "--format", "json", "--dry-run"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["replay"] and data["sample"] and data["mode"] == "replay"
    [alert] = data["fired"]
    assert alert["subject"] == "600589" and alert["as_of"] == "2025-02-27T15:00:00+08:00" and alert["id"] is None
    # the dry run recorded nothing: a real run fires it
    assert main([*base, "alerts", "check", "--date", "2025-02-27", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["fired"]) == 1


def test_refused_delivery_exits_1_with_code_and_message(env, server, capsys):
    base, _ = env
    server.script = [(200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: [1733]"}, {})]
    code = main([*base, "alerts", "check", "--date", "2025-02-27", "--send", "--webhook", f"wecom={server.url()}?key=bad"])
    err = capsys.readouterr().err
    assert code == 1
    assert "code 93000" in err and "invalid webhook url" in err and "HTTP 200" in err
    assert server.received[0].body["msgtype"] == "markdown"
    assert "回放" in server.received[0].body["markdown"]["content"]


def test_send_delivers_to_every_webhook(env, server, capsys):
    base, _ = env
    code = main([*base, "alerts", "check", "--date", "2025-02-27", "--webhook", f"wecom={server.url()}",
                 "--webhook", f"json={server.url('/json')}"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert [r.path for r in server.received] == ["/hook", "/json"]
    assert main([*base, "alerts", "log"]) == 0
    out = capsys.readouterr().out
    assert "大位科技" in out and "--webhook wecom (wecom) alerts: sent" in out


def test_errors_in_the_rules_are_located_and_exit_1(env, capsys):
    base, alerts = env
    alerts.write_text(RULES + "  - id: bad\n    theme: all\n    when: streak\n", encoding="utf-8")
    assert main([*base, "alerts", "check", "--date", "2025-02-27"]) == 1
    captured = capsys.readouterr()
    assert f"{alerts}:5:5: error: when: streak needs min" in captured.err
    assert "1 fired" in captured.out  # the valid rule still ran
    assert main([*base, "alerts", "validate"]) == 1


def test_usage_errors(env, tmp_path, capsys):
    base, _ = env
    assert main([*base, "alerts", "check", "--date", "2025-02-29"]) == 2
    assert main([*base, "alerts", "check", "--date", "2025-03-01"]) == 2  # a Saturday
    assert main([*base, "alerts", "check", "--send"]) == 2
    assert main([*base[:-1], str(tmp_path / "missing.yaml"), "alerts", "check"]) == 2
    err = capsys.readouterr().err
    assert "not a date" in err and "not a trading session" in err and "--webhook KIND=URL" in err and "not found" in err


def test_reset_lets_a_replay_fire_again(env, capsys):
    base, _ = env
    main([*base, "alerts", "check", "--date", "2025-02-27"])
    assert main([*base, "alerts", "reset"]) == 0
    main([*base, "alerts", "check", "--date", "2025-02-27"])
    assert capsys.readouterr().out.count("1 fired") == 2


def test_add_disable_remove_from_the_command_line(env, capsys):
    base, alerts = env
    assert main([*base, "alerts", "add", "dawei", "--stock", "600589", "--when", "price_above", "--value", "7"]) == 0
    assert main([*base, "alerts", "disable", "theme-limit-up"]) == 0
    text = alerts.read_text(encoding="utf-8")
    assert text.startswith(RULES.splitlines()[0]) and 'stock: "600589"' in text and "enabled: false" in text
    assert main([*base, "alerts", "add", "bad", "--theme", "all", "--when", "streak"]) == 1
    assert "needs min" in capsys.readouterr().err
    assert main([*base, "alerts", "remove", "dawei"]) == 0
    assert main([*base, "alerts", "enable", "theme-limit-up"]) == 0
    assert alerts.read_text(encoding="utf-8") == RULES


def test_validate_checks_the_alerts_file_too(env, capsys):
    base, alerts = env
    alerts.write_text(RULES + '  - id: x\n    stock: "000002"\n    when: limit_up\n  - id: y\n    theme: all\n    when: nope\n', encoding="utf-8")
    assert main([*base, "validate"]) == 1
    err_out = capsys.readouterr()
    assert f"{alerts}:10:11: error: when:" in err_out.out
    assert f"{alerts}:6:12: warning: rule 'x' names stock 000002, which is in no watchlist" in err_out.out
    assert main([*base, "validate", str(alerts)]) == 1
    out = capsys.readouterr().out
    assert out.count(str(alerts)) == 2 and "catalysts.yaml" not in out


def test_brief_posts_the_report_cut_to_the_platform(env, server, tmp_path, capsys):
    base, _ = env
    out = tmp_path / "snaps"
    assert main([*base, "snapshot", "--date", "2025-11-21", "--out", str(out)]) == 0
    server.success = {"code": 0, "msg": "success", "data": {}}
    assert main([*base, "alerts", "brief", "--out", str(out), "--webhook", f"feishu={server.url()}"]) == 0
    post = server.received[0].body["content"]["post"]["zh_cn"]
    assert post["title"] == "题材追踪 日报 · 2025-11-21"
    assert any("题材概览" in row[0]["text"] for row in post["content"])
    assert "sent: --webhook feishu (feishu)" in capsys.readouterr().out
