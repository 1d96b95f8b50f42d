"""Fault injection for AkshareSource: hangs, timeouts, offline, rate limits, and classification."""

from __future__ import annotations

import http.client
import threading
import time
from datetime import date, datetime

import pytest
import requests
import urllib3

from tests.fixtures import akshare_frames as af
from tui.sources.akshare_source import AkshareSource
from tui.sources.base import FailureKind, SourceError
from tui.sources.calls import (
    DeadlineExceeded, NetworkBreaker, RetryPolicy, call_with_deadline, install_default_timeout,
    parallel_map,
)
from tui.sources.classify import classify_exception
from tui.sources.normalize import SHANGHAI

NOW = datetime(2025, 11, 21, 16, 0, tzinfo=SHANGHAI)


def dns_error(host: str = "push2.eastmoney.com") -> requests.exceptions.ConnectionError:
    """What requests raises with DNS unavailable (reference §5.1)."""
    return requests.exceptions.ConnectionError(
        f"HTTPSConnectionPool(host='{host}', port=443): Max retries exceeded with url: "
        f"/api/qt/stock/get?fltt=2 (Caused by NameResolutionError(\"<urllib3.connection."
        f"HTTPSConnection object at 0x7f>: Failed to resolve '{host}' ([Errno -2] Name or "
        f"service not known)\"))"
    )


def remote_disconnected() -> requests.exceptions.ConnectionError:
    """Eastmoney's ban / throttle (reference §5.2 item 1)."""
    reason = urllib3.exceptions.ProtocolError(
        "Connection aborted.", http.client.RemoteDisconnected("Remote end closed connection without response")
    )
    return requests.exceptions.ConnectionError(reason)


def raiser(exc_factory):
    def fn(*args, **kwargs):
        raise exc_factory()

    return fn


@pytest.fixture
def release():
    """An event that hung fake calls wait on; set at teardown so no thread outlives the test long."""
    event = threading.Event()
    yield event
    event.set()


def make_source(fake, sleeps=None, **kw) -> AkshareSource:
    kw.setdefault("timeout", 2.0)
    return AkshareSource(
        loader=lambda: fake, sleep=(sleeps.append if sleeps is not None else (lambda s: None)),
        clock=lambda: NOW, **kw,
    )


# --- classification ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("exc", "kind", "message"),
    [
        (dns_error(), FailureKind.NETWORK, "network unreachable"),
        (remote_disconnected(), FailureKind.RATE_LIMIT, "rate-limited by Eastmoney, retry later"),
        (requests.exceptions.ReadTimeout("HTTPSConnectionPool(host='x', port=443): Read timed out. (read timeout=10)"),
         FailureKind.TIMEOUT, "timed out after 10 s"),
        (requests.exceptions.ConnectTimeout("Max retries exceeded (Caused by ConnectTimeoutError(..., 'Connection to x timed out. (connect timeout=5)'))"),
         FailureKind.TIMEOUT, "timed out after 10 s"),
        (DeadlineExceeded(10), FailureKind.TIMEOUT, "timed out after 10 s"),
        (ValueError("Length mismatch: Expected axis has 23 elements, new values have 22 elements"),
         FailureKind.SCHEMA, "source changed its columns: length mismatch (upgrade akshare)"),
        (KeyError("f31"), FailureKind.SCHEMA, "source changed its columns: missing field 'f31'"),
        (KeyError("代码"), FailureKind.EMPTY, "empty result"),
        (TypeError("'NoneType' object is not subscriptable"), FailureKind.UNKNOWN_CODE, "unknown code"),
        (IndexError("index 0 is out of bounds for axis 0 with size 0"), FailureKind.UNKNOWN_CODE, "unknown code"),
        (requests.exceptions.JSONDecodeError("Expecting value", "<html>", 0), FailureKind.RATE_LIMIT,
         "rate-limited by Eastmoney, retry later"),
        (RuntimeError("boom"), FailureKind.OTHER, "RuntimeError: boom"),
    ],
)
def test_classify(exc, kind, message):
    error = classify_exception(exc, timeout=10, provider="em")
    assert (error.kind, error.message) == (kind, message)


def test_classify_curl_dns_and_akshare_network_error_by_name():
    class DNSError(OSError):
        pass

    class NetworkError(Exception):
        pass

    assert classify_exception(DNSError("curl: (6) Could not resolve host: search-api-web.eastmoney.com")).kind is FailureKind.NETWORK
    assert classify_exception(NetworkError("Failed to request Xueqiu quote endpoint")).kind is FailureKind.NETWORK


def test_classify_sina_block_page_names_sina():
    error = classify_exception(ValueError("Can not decode value starting with character '<'"), provider="sina")
    assert error.message == "rate-limited by Sina, retry later"


# --- deadlines ------------------------------------------------------------------------------------

def test_call_with_deadline_abandons_hung_call(release):
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        call_with_deadline(release.wait, 0.3)
    elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 0.6
    hung = [t for t in threading.enumerate() if t.name == "source-call-wait"]
    assert hung and all(t.daemon for t in hung)


def test_hung_akshare_call_returns_after_deadline(release):
    """stock_bid_ask_em hangs (stalled server); bid_ask and the Tencent fallback both time out."""
    fake = af.fake_akshare(stock_bid_ask_em=lambda symbol: release.wait(),
                           stock_zh_a_hist_tx=lambda **kw: release.wait())
    src = make_source(fake, timeout=0.3, retry=RetryPolicy(attempts={}))
    started = time.monotonic()
    result = src.fetch_quotes(["300133"])
    elapsed = time.monotonic() - started
    (failure,) = result.failures
    assert failure.kind is FailureKind.TIMEOUT and failure.message == "timed out after 0.3 s"
    assert elapsed < 2 * 0.3 + 0.4  # two deadlines (primary + fallback) plus a small margin


def test_hung_bars_call_with_default_retry_is_bounded(release):
    """A timeout is not retried on the same stalled host: the fallback provider is tried instead."""
    fake = af.fake_akshare(stock_zh_a_hist=lambda **kw: release.wait(),
                           stock_zh_a_hist_tx=lambda **kw: release.wait())
    sleeps: list[float] = []
    src = make_source(fake, sleeps, timeout=0.2)
    started = time.monotonic()
    result = src.fetch_bars("300133", date(2025, 1, 1), date(2025, 11, 21))
    elapsed = time.monotonic() - started
    assert result.failures[0].kind is FailureKind.TIMEOUT and result.failures[0].attempted
    assert [c for c, _ in fake.calls] == ["stock_zh_a_hist", "stock_zh_a_hist_tx"]
    assert sleeps == [] and elapsed < 2 * 0.2 + 0.5


def test_timeout_exception_goes_to_the_fallback_and_is_noted():
    fake = af.fake_akshare(stock_zh_a_hist=raiser(lambda: requests.exceptions.ReadTimeout("Read timed out. (read timeout=2)")),
                           stock_zh_a_hist_tx=lambda **kw: af.zh_a_hist_tx_frame())
    result = make_source(fake).fetch_bars("300133", date(2024, 6, 1), date(2024, 6, 30))
    assert result.ok and result.source == "akshare:stock_zh_a_hist_tx"
    assert [c for c, _ in fake.calls] == ["stock_zh_a_hist", "stock_zh_a_hist_tx"]
    assert any("timed out after 2 s" in n for n in result.notes)


# --- offline and rate limits ----------------------------------------------------------------------

def test_offline_fails_fast_with_breaker():
    fake = af.fake_akshare(stock_bid_ask_em=raiser(dns_error), stock_zh_a_hist_tx=raiser(lambda: dns_error("web.ifzq.gtimg.cn")))
    sleeps: list[float] = []
    src = make_source(fake, sleeps, max_concurrent=1)
    codes = ["300133", "002602", "300067", "300872", "300738", "300846", "300442", "688041"]
    started = time.monotonic()
    result = src.fetch_quotes(codes)
    elapsed = time.monotonic() - started
    assert [f.kind for f in result.failures] == [FailureKind.NETWORK] * 8
    assert {f.message for f in result.failures} == {"network unreachable", "network unreachable (not attempted)"}
    # Each provider's breaker opened after 3 network failures in a row (2 attempts per call).
    assert len(fake.calls) <= 6
    skipped = [f for f in result.failures if not f.attempted]
    assert len(skipped) >= 6 and all("Eastmoney was unreachable 3 times in a row" in f.detail for f in skipped)
    assert elapsed < 1.0


def test_rate_limit_retried_with_backoff_then_fallback():
    fake = af.fake_akshare(stock_bid_ask_em=raiser(remote_disconnected),
                           stock_zh_a_hist_tx=lambda **kw: af.zh_a_hist_tx_frame())
    sleeps: list[float] = []
    src = AkshareSource(loader=lambda: fake, sleep=sleeps.append,
                        clock=lambda: datetime(2024, 6, 5, 16, 0, tzinfo=SHANGHAI))
    result = src.fetch_quotes(["300133"])
    assert result.ok and result.frame.iloc[0]["source"] == "akshare:stock_zh_a_hist_tx"
    assert [c for c, _ in fake.calls].count("stock_bid_ask_em") == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] >= 0.5


def test_rate_limit_reported_when_everything_fails():
    fake = af.fake_akshare(stock_bid_ask_em=raiser(remote_disconnected), stock_zh_a_hist_tx=raiser(remote_disconnected))
    result = make_source(fake).fetch_quotes(["300133"])
    assert result.failures[0].message == "rate-limited by Eastmoney, retry later"


def test_schema_and_unknown_code_not_retried():
    fake = af.fake_akshare(stock_zh_a_hist=lambda **kw: af.zh_a_hist_frame().drop(columns=["最高"]),
                           stock_zh_a_hist_tx=raiser(lambda: IndexError("index 0 is out of bounds")))
    result = make_source(fake).fetch_bars("300133", date(2017, 1, 1), date(2017, 3, 31))
    assert [c for c, _ in fake.calls] == ["stock_zh_a_hist", "stock_zh_a_hist_tx"]
    assert result.failures[0].message == "source changed its columns: missing 最高"


def test_breaker_half_opens_after_cooldown(monkeypatch):
    breaker = NetworkBreaker(threshold=2, cooldown=0.05)
    breaker.record(FailureKind.NETWORK)
    breaker.record(FailureKind.NETWORK)
    with pytest.raises(SourceError):
        breaker.check()
    time.sleep(0.06)
    breaker.check()  # one probe allowed
    breaker.record(None)
    assert not breaker.is_open


def test_concurrency_is_capped():
    active = 0
    peak = 0
    lock = threading.Lock()

    def slow(symbol):
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.05)
        with lock:
            active -= 1
        return af.bid_ask_frame()

    fake = af.fake_akshare(stock_bid_ask_em=slow)
    result = make_source(fake, max_concurrent=3).fetch_quotes([f"3001{i:02d}" for i in range(10)])
    assert result.ok and len(result.frame) == 10 and peak == 3


def test_parallel_map_stop_skips_remaining():
    stop = threading.Event()
    seen = []

    def slow_double(x):
        time.sleep(0.05)
        return x * 2

    for _, item, outcome in parallel_map(slow_double, range(6), workers=1, stop=stop):
        seen.append((item, outcome))
        if item == 1:
            stop.set()
    # The worker may already have started item 2 when stop is set; nothing after it runs.
    assert seen[:2] == [(0, 0), (1, 2)] and len(seen) == 6
    assert all(o is None for _, o in seen[3:])


# --- the requests default timeout -----------------------------------------------------------------

class _RecordingAdapter(requests.adapters.BaseAdapter):
    def __init__(self):
        super().__init__()
        self.timeouts = []

    def send(self, request, **kwargs):
        self.timeouts.append(kwargs.get("timeout"))
        response = requests.Response()
        response.status_code = 200
        response.request = request
        return response

    def close(self):
        pass


def test_default_timeout_wrapper_installed_once_and_injects_timeout():
    install_default_timeout(5, 10)
    assert install_default_timeout(4, 9) is False  # already installed: values updated only
    session = requests.Session()
    adapter = _RecordingAdapter()
    session.mount("mock://", adapter)
    session.get("mock://host/path")
    session.get("mock://host/path", timeout=3)
    assert adapter.timeouts == [(4, 9), 3]
    install_default_timeout(5, 10)
