"""Webhook delivery against a local server: each platform's payload and signature, its
error-code answers (HTTP 200 with a code), retries with back-off, and the delivery log."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date

import pytest

from tests.fixtures import alert_frames as af
from tests.fixtures.webhook_server import WebhookServer
from tui.alerts.channels import Channel, Message, cut_utf8, dingtalk_sign, feishu_sign, send
from tui.alerts.delivery import deliver, parse_webhook_option, recent_deliveries
from tui.errors import UsageError

MESSAGE = Message("题材追踪 提醒 · 2025-02-27（回放）", ["【回放】【涨停】大位科技 600589 涨停 6.97", "第二行"], {"session": "2025-02-27"})
CLOCK = 1_700_000_000.123


@pytest.fixture
def server():
    s = WebhookServer()
    yield s
    s.close()


def no_sleep(delays):
    return delays.append


def test_wecom_markdown_payload(server):
    result = send(Channel("wecom", server.url("/cgi-bin/webhook/send?key=K")), MESSAGE)
    assert result.ok and result.attempts == 1
    got = server.received[0]
    assert got.query == {"key": "K"} and got.headers["Content-Type"] == "application/json; charset=utf-8"
    assert got.body == {"msgtype": "markdown", "markdown": {"content": "### 题材追踪 提醒 · 2025-02-27（回放）\n【回放】【涨停】大位科技 600589 涨停 6.97\n第二行"}}


def test_wecom_content_is_cut_to_4096_utf8_bytes(server):
    long = Message("t", ["涨停" * 100] * 30)
    send(Channel("wecom", server.url()), long)
    content = server.received[0].body["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096 and content.endswith("已截断）")


def test_wecom_refusal_with_http_200_is_not_retried(server):
    server.script = [(200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: [x]"}, {})]
    delays: list[float] = []
    result = send(Channel("wecom", server.url()), MESSAGE, sleep=no_sleep(delays))
    assert not result.ok and result.code == 93000 and result.http_status == 200
    assert "invalid webhook url" in result.message and result.attempts == 1 and delays == []


def test_wecom_busy_and_5xx_are_retried_with_capped_jitter(server):
    server.script = [(200, {"errcode": -1, "errmsg": "system busy"}, {}), (503, b"down", {}), (200, {"errcode": 0, "errmsg": "ok"}, {})]
    delays: list[float] = []
    result = send(Channel("wecom", server.url()), MESSAGE, sleep=no_sleep(delays), rng=lambda: 1.0, base=1.0, cap=1.5)
    assert result.ok and result.attempts == 3 and len(server.received) == 3
    assert delays == [1.0, 1.5]  # full jitter at its top: base*2^0, then capped


def test_retry_after_is_honoured_and_attempts_are_limited(server):
    server.script = [(429, b"slow down", {"Retry-After": "7"})] * 3
    delays: list[float] = []
    result = send(Channel("json", server.url()), MESSAGE, sleep=no_sleep(delays), rng=lambda: 0.0, max_attempts=3)
    assert not result.ok and result.attempts == 3 and result.http_status == 429
    assert delays == [7.0, 7.0]


def test_transport_errors_are_retried(server):
    port_closed = WebhookServer()
    url = port_closed.url()
    port_closed.close()
    delays: list[float] = []
    result = send(Channel("json", url), MESSAGE, sleep=no_sleep(delays), rng=lambda: 0.5, max_attempts=2)
    assert not result.ok and result.attempts == 2 and result.http_status is None and len(delays) == 1


def test_dingtalk_markdown_and_signed_url(server):
    secret = "SEC0123456789abcdef"
    result = send(Channel("dingtalk", server.url("/robot/send?access_token=T"), secret=secret), MESSAGE, clock=lambda: CLOCK)
    assert result.ok
    got = server.received[0]
    ts = str(int(CLOCK * 1000))
    assert got.query["access_token"] == "T" and got.query["timestamp"] == ts
    expected = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()).decode()
    assert got.query["sign"] == expected == dingtalk_sign(secret, ts)  # parse_qsl decoded it exactly once
    assert got.body["msgtype"] == "markdown"
    assert got.body["markdown"]["title"] == MESSAGE.title
    assert got.body["markdown"]["text"].startswith(f"### {MESSAGE.title}\n\n【回放】")


def test_dingtalk_sign_is_url_encoded_once_in_the_raw_query(server):
    send(Channel("dingtalk", server.url("/robot/send?access_token=T"), secret="s"), MESSAGE, clock=lambda: CLOCK)
    # the raw signature has + / = characters; on the wire they must be %2B %2F %3D, never %25..
    sign = dingtalk_sign("s", str(int(CLOCK * 1000)))
    assert server.received[0].query["sign"] == sign


def test_dingtalk_refusal_and_rate_limit_codes(server):
    server.script = [(200, {"errcode": 310000, "errmsg": "sign not match"}, {})]
    r = send(Channel("dingtalk", server.url()), MESSAGE, sleep=lambda s: None)
    assert (r.ok, r.code, r.retryable, r.attempts) == (False, 310000, False, 1)
    server.script = [(200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}, {})] * 2
    r = send(Channel("dingtalk", server.url()), MESSAGE, sleep=lambda s: None, max_attempts=2)
    assert (r.ok, r.code, r.attempts) == (False, 130101, 2)


@pytest.mark.parametrize("msg_type", ["post", "interactive"])
def test_feishu_payload_and_signature_in_the_body(server, msg_type):
    server.success = {"code": 0, "msg": "success", "data": {}}
    secret = "feishu-secret"
    result = send(Channel("feishu", server.url("/open-apis/bot/v2/hook/H"), secret=secret, feishu_msg_type=msg_type), MESSAGE, clock=lambda: CLOCK)
    assert result.ok
    body = server.received[0].body
    ts = str(int(CLOCK))
    assert body["timestamp"] == ts and server.received[0].query == {}
    expected = base64.b64encode(hmac.new(f"{ts}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == expected == feishu_sign(secret, ts)
    assert expected != dingtalk_sign(secret, ts)  # the two constructions differ
    assert body["msg_type"] == msg_type
    if msg_type == "post":
        post = body["content"]["post"]["zh_cn"]
        assert post["title"] == MESSAGE.title
        assert post["content"] == [[{"tag": "text", "text": line}] for line in MESSAGE.lines]
    else:
        card = body["card"]
        assert card["header"]["title"] == {"tag": "plain_text", "content": MESSAGE.title}
        assert card["elements"][0]["text"]["tag"] == "lark_md" and "大位科技" in card["elements"][0]["text"]["content"]


def test_feishu_codes(server):
    server.script = [(200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}, {})]
    r = send(Channel("feishu", server.url()), MESSAGE, sleep=lambda s: None)
    assert (r.ok, r.code, r.attempts) == (False, 19021, 1)
    server.script = [(400, {"code": 9499, "msg": "too many request"}, {}), (200, {"code": 0, "msg": "success"}, {})]
    r = send(Channel("feishu", server.url()), MESSAGE, sleep=lambda s: None)
    assert r.ok and r.attempts == 2
    server.script = [(200, {"StatusCode": 0, "StatusMessage": "success"}, {})]  # legacy answer
    assert send(Channel("feishu", server.url()), MESSAGE).ok


def test_feishu_body_stays_under_20kb(server):
    server.success = {"code": 0, "msg": "success"}
    send(Channel("feishu", server.url(), secret="s"), Message("t", ["很长的一行" * 40] * 200))
    import json

    assert len(json.dumps(server.received[0].body, ensure_ascii=False).encode("utf-8")) <= 20 * 1024


def test_generic_json_event_keeps_one_idempotency_key_across_retries(server):
    server.script = [(500, b"oops", {})]
    r = send(Channel("json", server.url()), MESSAGE, sleep=lambda s: None)
    assert r.ok and r.attempts == 2
    keys = {req.headers["Idempotency-Key"] for req in server.received}
    assert keys == {MESSAGE.id}
    body = server.received[0].body
    assert body["id"] == MESSAGE.id and body["source"] == "theme-tracker" and body["session"] == "2025-02-27"
    assert body["title"] == MESSAGE.title and body["text"].startswith("【回放】")
    server.script = [(404, b"no such hook", {})]
    r = send(Channel("json", server.url()), MESSAGE, sleep=lambda s: None)
    assert (r.ok, r.attempts, r.http_status) == (False, 1, 404)


def test_deliveries_are_recorded_with_quiet_hours_and_rate_limits(server, tmp_path):
    now = af.at(date(2025, 3, 31), 10)
    with af.open_store(tmp_path) as store:
        ch = Channel("wecom", server.url(), "team", rate_limit_per_minute=2)
        for _ in range(3):
            deliver(store.conn, [ch], MESSAGE, now=now, alert_ids=[1])
        server.script = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"}, {})]
        later = af.at(date(2025, 3, 31), 10, 5)
        [refused] = deliver(store.conn, [ch], MESSAGE, now=later)
        assert refused.refused and "code 93000" in refused.describe()
        [quiet] = deliver(store.conn, [ch], MESSAGE, now=af.at(date(2025, 3, 31), 23), quiet_hours="22:00-08:00")
        assert quiet.status == "quiet"
        log = recent_deliveries(store.conn)
        assert [d["status"] for d in log] == ["quiet", "failed", "rate_limited", "sent", "sent"]
        assert log[1]["code"] == "93000" and log[1]["http_status"] == 200 and log[-1]["alert_ids"] == "[1]"
    assert len(server.received) == 3


def test_webhook_option(monkeypatch):
    monkeypatch.setenv("THEME_TRACKER_DINGTALK_SECRET", "SECx")
    ch = parse_webhook_option("dingtalk=https://oapi.dingtalk.com/robot/send?access_token=T")
    assert ch.kind == "dingtalk" and ch.secret == "SECx" and ch.url.endswith("access_token=T")
    for bad in ("slack=https://x", "wecom", "wecom=ftp://x"):
        with pytest.raises(UsageError):
            parse_webhook_option(bad)


def test_cut_utf8_never_splits_a_character():
    text = "涨" * 2000
    cut = cut_utf8(text, 100)
    assert len(cut.encode("utf-8")) <= 100 and cut.encode("utf-8").decode("utf-8") == cut


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_message_carries_the_robot_keyword(language):
    from tui.alerts.channels import KEYWORD
    from tui.alerts.engine import alert_message, brief_message
    from tui.alerts.episodes import Alert

    alert = Alert(1, "t", "replay", "r", "limit_up", "600589", "大位科技", "2025-02-27", None, True, True, "zh", "en", {})
    for message in (alert_message([alert], session=date(2025, 2, 27), replay=True, language=language),
                    brief_message("# 日报\nline", session=date(2025, 2, 27), language=language)):
        assert KEYWORD in message.title
    assert "回放" in alert_message([alert], session=date(2025, 2, 27), replay=True).title
    assert "replay" in alert_message([alert], session=date(2025, 2, 27), replay=True, language="en").title
