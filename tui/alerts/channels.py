"""Webhook channels: each platform's payload, signature and answer, and retries.

Followed exactly from the platforms' documents (see the team's webhooks reference):

* **WeCom** (企业微信群机器人): ``{"msgtype": "markdown", "markdown": {"content": …}}``, content
  at most 4096 UTF-8 *bytes* (cut on a character boundary, with a "truncated" line). The key in
  the URL is the only credential.
* **DingTalk** (钉钉自定义机器人): markdown with ``title`` (the conversation-list text) and
  ``text``; with a secret (加签), ``sign = urlencode(base64(HMAC-SHA256(key=secret,
  msg=f"{ts_ms}\\n{secret}")))`` and ``&timestamp=<ms>&sign=…`` appended to the URL, signed per
  request.
* **Feishu** (飞书自定义机器人): ``msg_type`` "post" (rich text) or "interactive" (a card with
  lark_md); with a secret, ``sign = base64(HMAC-SHA256(key=f"{ts_s}\\n{secret}", msg=b""))``
  and ``timestamp`` (seconds, as text) and ``sign`` in the JSON body; body at most 20 KB.
* **json**: our own event ``{"id", "title", "text", "level", "as_of", "source", …}`` with an
  ``Idempotency-Key`` header that stays the same across retries.

Sent means HTTP 2xx **and** the platform's code 0 (``errcode`` for WeCom and DingTalk,
``code`` for Feishu, legacy ``StatusCode`` as a fallback): the chat platforms answer HTTP 200
with an error code. Retries: transport errors, HTTP 429 and 5xx, and the platforms' "busy" /
rate-limit codes (WeCom -1, 45009; DingTalk -1, 130101; Feishu 11232, 9499 "too many
request"), with capped exponential back-off and full jitter, honouring ``Retry-After``;
never on configuration codes (bad key, keyword, signature), which retrying cannot fix.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KINDS = ("wecom", "dingtalk", "feishu", "json")
TIMEOUT = 10.0
WECOM_MARKDOWN_BYTES = 4096
FEISHU_BODY_BYTES = 20 * 1024
#: DingTalk documents no limit for this API; 20,000 bytes keeps clear of what others report.
DINGTALK_TEXT_BYTES = 20_000
#: Every message starts with this: set it as the robot's custom keyword (关键词) on DingTalk
#: and Feishu if the robot uses keyword security.
KEYWORD = "题材追踪"
TRUNCATED = "…（内容过长，已截断）"

RETRYABLE_CODES: dict[str, tuple[int, ...]] = {"wecom": (-1, 45009), "dingtalk": (-1, 130101), "feishu": (11232,)}


@dataclass(frozen=True)
class Channel:
    """One configured destination."""

    kind: str
    url: str
    name: str = ""
    secret: str | None = None
    feishu_msg_type: str = "post"
    rate_limit_per_minute: int = 20

    @property
    def label(self) -> str:
        return self.name or self.kind


@dataclass(frozen=True)
class Message:
    """What to say, in the forms the platforms take."""

    title: str
    lines: list[str]
    event: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def markdown(self) -> str:
        """Title as a heading, then one line per item (WeCom's markdown subset)."""
        return "\n".join([f"### {self.title}", *self.lines])


@dataclass(frozen=True)
class SendResult:
    ok: bool
    attempts: int
    http_status: int | None = None
    code: Any = None
    message: str = ""
    retryable: bool = False

    def describe(self, channel: Channel) -> str:
        code = f" code {self.code}" if self.code is not None else ""
        http = f"HTTP {self.http_status}" if self.http_status is not None else "no answer"
        return f"{channel.label} ({channel.kind}): {http}{code}: {self.message} (after {self.attempts} attempt(s))"


# --------------------------------------------------------------------------- signatures


def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    """Base64 of HMAC-SHA256 keyed by the secret over ``f"{ts}\\n{secret}"`` (not URL-encoded)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: str) -> str:
    """Base64 of HMAC-SHA256 keyed by ``f"{ts}\\n{secret}"`` over an empty message."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


# --------------------------------------------------------------------------- payloads


def cut_utf8(text: str, limit: int, tail: str = TRUNCATED) -> str:
    """``text`` if it fits in ``limit`` UTF-8 bytes, else cut on a line (or character)
    boundary with ``tail`` appended, within the limit."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    room = limit - len(("\n" + tail).encode("utf-8"))
    cut = raw[:room].decode("utf-8", errors="ignore")
    if "\n" in cut:
        cut = cut[: cut.rfind("\n")]
    return cut + "\n" + tail


def _wecom(message: Message) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": cut_utf8(message.markdown, WECOM_MARKDOWN_BYTES)}}


def _dingtalk(message: Message) -> dict[str, Any]:
    # The title shows only in the conversation list: repeat it as the text's heading. DingTalk
    # markdown needs a blank line between lines.
    text = cut_utf8("\n\n".join([f"### {message.title}", *message.lines]), DINGTALK_TEXT_BYTES)
    return {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}


def _feishu(message: Message, msg_type: str) -> dict[str, Any]:
    lines = [ln for ln in message.lines if ln.strip()]

    def build(rows: list[str]) -> dict[str, Any]:
        if msg_type == "interactive":
            return {"msg_type": "interactive", "card": {
                "header": {"title": {"tag": "plain_text", "content": message.title}, "template": "red"},
                "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": "\n".join(rows)}}]}}  # fmt: skip
        plain = [r.replace("**", "") for r in rows]
        return {"msg_type": "post", "content": {"post": {"zh_cn": {
            "title": message.title, "content": [[{"tag": "text", "text": r}] for r in plain]}}}}  # fmt: skip

    payload = build(lines)
    # Leave room for timestamp and sign; drop lines from the end until the body fits.
    while len(lines) > 1 and len(json.dumps(payload, ensure_ascii=False).encode("utf-8")) > FEISHU_BODY_BYTES - 200:
        lines = lines[: max(1, len(lines) * 3 // 4)]
        payload = build([*lines, TRUNCATED])
    return payload


def _json_event(message: Message) -> dict[str, Any]:
    return {"id": message.id, "title": message.title, "text": "\n".join(message.lines), "level": "warning",
            "source": "theme-tracker", **message.event}  # fmt: skip


def build_request(channel: Channel, message: Message, *, clock: Callable[[], float] = time.time) -> tuple[str, dict[str, Any], dict[str, str]]:
    """(url, JSON payload, extra headers) for one attempt; signatures are computed per call."""
    headers: dict[str, str] = {}
    url = channel.url
    if channel.kind == "wecom":
        payload = _wecom(message)
    elif channel.kind == "dingtalk":
        payload = _dingtalk(message)
        if channel.secret:
            ts = str(int(clock() * 1000))
            sign = urllib.parse.quote_plus(dingtalk_sign(channel.secret, ts))  # encoded exactly once
            url += ("&" if "?" in url else "?") + f"timestamp={ts}&sign={sign}"
    elif channel.kind == "feishu":
        payload = _feishu(message, channel.feishu_msg_type)
        if channel.secret:
            ts = str(int(clock()))
            payload = {"timestamp": ts, "sign": feishu_sign(channel.secret, ts), **payload}
    elif channel.kind == "json":
        payload = _json_event(message)
        headers["Idempotency-Key"] = message.id
    else:
        raise ValueError(f"unknown channel kind {channel.kind!r}; expected one of {', '.join(KINDS)}")
    return url, payload, headers


# --------------------------------------------------------------------------- answers


def check_answer(kind: str, status: int | None, body: bytes) -> SendResult:
    """Judge one HTTP answer (attempts filled in by the caller)."""
    try:
        data = json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    http_ok = status is not None and 200 <= status < 300
    transient_http = status is not None and (status == 429 or status >= 500)
    if kind == "json":
        text = body.decode("utf-8", errors="replace")[:200]
        return SendResult(http_ok, 0, status, None, "ok" if http_ok else text, transient_http)
    key, msg_key = ("code", "msg") if kind == "feishu" else ("errcode", "errmsg")
    code = data.get(key, data.get("StatusCode"))
    message = str(data.get(msg_key, data.get("StatusMessage", "")) or body.decode("utf-8", errors="replace")[:200])
    if http_ok and code == 0:
        return SendResult(True, 0, status, 0, message)
    retryable = transient_http or code in RETRYABLE_CODES.get(kind, ()) or (
        kind == "feishu" and code == 9499 and "too many" in message.lower()
    )
    if code is None and http_ok:
        message = f"unexpected answer: {message}"
    return SendResult(False, 0, status, code, message, retryable)


def _post(url: str, payload: dict[str, Any], headers: dict[str, str], timeout: float) -> tuple[int, bytes, dict[str, str]]:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")  # raw UTF-8, never \\uXXXX
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8", **headers})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the user's webhook
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read() or b"", dict(exc.headers or {})


def _retry_after(headers: dict[str, str]) -> float | None:
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), "")
    return float(value) if value.strip().isdigit() else None


def send(
    channel: Channel,
    message: Message,
    *,
    max_attempts: int = 3,
    base: float = 1.0,
    cap: float = 30.0,
    timeout: float = TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    rng: Callable[[], float] = random.random,
) -> SendResult:
    """Send with retries on transient failures; never raises for a delivery problem."""
    result = SendResult(False, 0, None, None, "not attempted")
    for attempt in range(1, max_attempts + 1):
        url, payload, headers = build_request(channel, message, clock=clock)
        answer_headers: dict[str, str] = {}
        try:
            status, body, answer_headers = _post(url, payload, headers, timeout)
            result = check_answer(channel.kind, status, body)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            result = SendResult(False, 0, None, None, f"{type(exc).__name__}: {reason}", True)
        result = SendResult(result.ok, attempt, result.http_status, result.code, result.message, result.retryable)
        if result.ok or not result.retryable or attempt == max_attempts:
            return result
        delay = rng() * min(cap, base * 2 ** (attempt - 1))  # full jitter
        after = _retry_after(answer_headers)
        if after is not None:
            delay = max(delay, min(after, cap))
        sleep(delay)
    return result
