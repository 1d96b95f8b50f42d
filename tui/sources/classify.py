"""Map upstream exceptions to a FailureKind and a one-line message (reference §2.6, §5, §6).

Classification looks at exception class names along the MRO and at the message text, so it
needs neither requests, curl_cffi nor akshare to be imported (and works on exceptions that
wrap others, as requests' ConnectionError wraps urllib3's NameResolutionError).
"""

from __future__ import annotations

from tui.sources.base import FailureKind, SourceError

_PROVIDERS = {"em": "Eastmoney", "sina": "Sina", "tx": "Tencent", "xq": "Xueqiu"}

_TIMEOUT_NAMES = {
    "DeadlineExceeded", "Timeout", "ReadTimeout", "ConnectTimeout", "ReadTimeoutError",
    "ConnectTimeoutError", "TimeoutError", "timeout",
}
_RATE_TEXT = (
    "remotedisconnected", "remote end closed connection", "connection aborted",
    "connection reset by peer", "too many requests", "429 client error", "403 client error",
    "502 server error", "can not decode value starting with character '<'",
)
_RATE_NAMES = {"RateLimitError", "JSONDecodeError", "TooManyRedirects"}
_NETWORK_TEXT = (
    "nameresolutionerror", "failed to resolve", "name or service not known",
    "temporary failure in name resolution", "could not resolve host", "nodename nor servname",
    "network is unreachable", "no route to host", "connection refused",
    "unable to connect to proxy",
)
_NETWORK_NAMES = {
    "ConnectionError", "DNSError", "NetworkError", "ProxyError", "SSLError",
    "NewConnectionError", "NameResolutionError", "MaxRetryError", "gaierror",
}


def provider_label(provider: str) -> str:
    """Human name of an upstream: 'em' -> 'Eastmoney'; names pass through."""
    return _PROVIDERS.get(provider, provider or "the source")


def provider_of(function_name: str) -> str:
    """Guess the upstream from an akshare function name (stock_zh_a_hist_tx -> 'tx')."""
    if function_name.endswith("_em") or function_name in {"stock_zh_a_hist", "stock_hk_hist", "index_zh_a_hist"}:
        return "em"
    if function_name.endswith("_tx"):
        return "tx"
    if function_name.endswith("_xq"):
        return "xq"
    return "sina"


def _names(exc: BaseException) -> set[str]:
    """Class names along the MRO of the exception itself (not of its causes: urllib3's
    NameResolutionError is, for historical reasons, a subclass of ConnectTimeoutError)."""
    return {cls.__name__ for cls in type(exc).__mro__}


def _text(exc: BaseException) -> str:
    parts = [f"{type(exc).__name__}: {exc}"]
    cause = exc.__cause__ or exc.__context__
    if cause is not None:
        parts.append(f"{type(cause).__name__}: {cause}")
    return " | ".join(parts)


def _timed_out(seconds: float | None) -> str:
    return f"timed out after {seconds:g} s" if seconds else "timed out"


def one_line(text: str, limit: int = 160) -> str:
    """The first line of `text`, shortened to `limit` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def classify_exception(
    exc: BaseException,
    *,
    timeout: float | None = None,
    provider: str = "",
    per_code: bool = True,
) -> SourceError:
    """Classify an upstream exception as a SourceError with a one-line message.

    `timeout` is the deadline in force (for "timed out after 10 s"); `provider` names the
    upstream for rate limits; `per_code` says the call was about one security, so a `data: null`
    reply (TypeError on None) means the code is unknown rather than that there is no data.
    """
    if isinstance(exc, SourceError):
        return exc
    names = _names(exc)
    text = _text(exc)
    low = text.lower()
    detail = one_line(text, 300)

    if "DeadlineExceeded" in names:
        seconds = getattr(exc, "seconds", None) or timeout
        return SourceError(FailureKind.TIMEOUT, _timed_out(seconds), detail)
    if names & _RATE_NAMES or any(t in low for t in _RATE_TEXT):
        who = provider_label(provider)
        return SourceError(FailureKind.RATE_LIMIT, f"rate-limited by {who}, retry later", detail)
    if any(t in low for t in _NETWORK_TEXT) or names & {"DNSError", "NetworkError", "gaierror"}:
        return SourceError(FailureKind.NETWORK, "network unreachable", detail)
    if names & _TIMEOUT_NAMES or "timed out" in low:
        return SourceError(FailureKind.TIMEOUT, _timed_out(timeout), detail)
    if names & _NETWORK_NAMES:
        return SourceError(FailureKind.NETWORK, "network unreachable", detail)
    if isinstance(exc, ValueError) and "length mismatch" in low:
        return SourceError(
            FailureKind.SCHEMA, "source changed its columns: length mismatch (upgrade akshare)", detail
        )
    if isinstance(exc, KeyError):
        key = exc.args[0] if exc.args else ""
        if key in ("代码", "data", "klines"):
            return SourceError(FailureKind.EMPTY, "empty result", detail)
        return SourceError(
            FailureKind.SCHEMA, f"source changed its columns: missing field {key!r}", detail
        )
    if isinstance(exc, TypeError) and "nonetype" in low:
        kind = FailureKind.UNKNOWN_CODE if per_code else FailureKind.EMPTY
        return SourceError(kind, kind.value, detail)
    if isinstance(exc, IndexError) or "InvalidParameterError" in names:
        return SourceError(FailureKind.UNKNOWN_CODE, "unknown code", detail)
    if isinstance(exc, OSError):
        return SourceError(FailureKind.NETWORK, "network unreachable", detail)
    return SourceError(FailureKind.OTHER, one_line(f"{type(exc).__name__}: {exc}", 120), detail)
