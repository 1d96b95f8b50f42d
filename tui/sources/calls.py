"""Calling blocking upstream functions safely: deadlines, retries, a concurrency cap, a breaker.

Most akshare functions have no timeout and hang forever on a stalled server. `call_with_deadline`
runs the call in a daemon thread and stops waiting at the deadline; the thread is abandoned,
never joined, so it can neither block the caller nor interpreter exit. (ThreadPoolExecutor is
not used: its workers are joined at exit, so one hung call would hang the process on quit.)
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tui.sources.base import FailureKind, SourceError
from tui.sources.classify import classify_exception

T = TypeVar("T")
R = TypeVar("R")


class DeadlineExceeded(TimeoutError):
    """The call did not return before its deadline (it may still be running, abandoned)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"timed out after {seconds:g} s")


def call_with_deadline(fn: Callable[..., R], deadline: float, *args: Any, **kwargs: Any) -> R:
    """Run `fn(*args, **kwargs)` in a daemon thread; return its result or re-raise its exception.

    Raises DeadlineExceeded after `deadline` seconds; the thread keeps running unobserved.
    """
    box: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            box["result"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed over to the caller
            box["error"] = exc
        finally:
            done.set()

    name = f"source-call-{getattr(fn, '__name__', 'fn')}"
    threading.Thread(target=target, name=name, daemon=True).start()
    if not done.wait(deadline):
        raise DeadlineExceeded(deadline)
    if "error" in box:
        raise box["error"]
    return box["result"]


@dataclass
class RetryPolicy:
    """How often to retry each transient failure kind, with exponential back-off and jitter.

    Delay before retry n (1-based) = min(max_delay, base_delay * 2**(n-1)) plus a uniform
    jitter of up to half that. Schema changes, unknown codes and empty results are not retried.
    """

    attempts: dict[FailureKind, int] = field(
        default_factory=lambda: {
            FailureKind.NETWORK: 2,  # DNS failures rarely heal within a second: one retry
            FailureKind.TIMEOUT: 2,  # each attempt costs a whole deadline
            FailureKind.RATE_LIMIT: 3,
        }
    )
    base_delay: float = 0.5
    max_delay: float = 8.0

    def max_attempts(self, kind: FailureKind) -> int:
        return max(1, self.attempts.get(kind, 1))

    def delay(self, retry: int, rng: random.Random | None = None) -> float:
        base = min(self.max_delay, self.base_delay * 2 ** (retry - 1))
        return base + (rng or random).uniform(0, base / 2)


class Gate:
    """Caps concurrent upstream requests and spaces their starts by `min_interval` seconds."""

    def __init__(self, max_concurrent: int = 3, min_interval: float = 0.0) -> None:
        self._slots = threading.BoundedSemaphore(max(1, max_concurrent))
        self._lock = threading.Lock()
        self._next_start = 0.0
        self.max_concurrent = max(1, max_concurrent)
        self.min_interval = min_interval

    def __enter__(self) -> Gate:
        self._slots.acquire()
        if self.min_interval > 0:
            with self._lock:
                now = time.monotonic()
                wait = self._next_start - now
                self._next_start = max(now, self._next_start) + self.min_interval
            if wait > 0:
                time.sleep(wait)
        return self

    def __exit__(self, *exc: object) -> None:
        self._slots.release()


class NetworkBreaker:
    """Opens after `threshold` network failures in a row, so an offline run fails in seconds.

    While open, calls fail at once as NETWORK; after `cooldown` seconds one call is let through
    again (half-open) and a success closes the breaker.
    """

    def __init__(self, threshold: int = 3, cooldown: float = 30.0) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._lock = threading.Lock()
        self._consecutive = 0
        self._open_until = 0.0

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._consecutive >= self.threshold and time.monotonic() < self._open_until

    def check(self) -> None:
        """Raise SourceError(NETWORK) while the breaker is open."""
        if self.is_open:
            raise SourceError(
                FailureKind.NETWORK,
                "network unreachable",
                f"not attempted: {self._consecutive} calls in a row could not reach the network",
            )

    def record(self, kind: FailureKind | None) -> None:
        """Record an outcome: None for success, else the failure kind."""
        with self._lock:
            if kind is None:
                self._consecutive = 0
                self._open_until = 0.0
            elif kind is FailureKind.NETWORK:
                self._consecutive += 1
                if self._consecutive >= self.threshold:
                    self._open_until = time.monotonic() + self.cooldown


def call_with_retries(
    fn: Callable[..., R],
    *args: Any,
    deadline: float,
    policy: RetryPolicy,
    gate: Gate | None = None,
    breaker: NetworkBreaker | None = None,
    provider: str = "",
    per_code: bool = True,
    sleep: Callable[[float], None] = time.sleep,
    **kwargs: Any,
) -> R:
    """Call `fn` under a deadline, retrying transient failures; raise SourceError when it fails.

    `validate`-style checks belong in `fn` (raise SourceError there); everything raised is
    classified with classify_exception.
    """
    attempt = 0
    while True:
        attempt += 1
        if breaker is not None:
            breaker.check()
        try:
            if gate is not None:
                with gate:
                    result = call_with_deadline(fn, deadline, *args, **kwargs)
            else:
                result = call_with_deadline(fn, deadline, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - classified below
            error = exc if isinstance(exc, SourceError) else classify_exception(
                exc, timeout=deadline, provider=provider, per_code=per_code
            )
            if breaker is not None:
                breaker.record(error.kind)
            if attempt >= policy.max_attempts(error.kind):
                raise error from exc
            sleep(policy.delay(attempt))
            continue
        if breaker is not None:
            breaker.record(None)
        return result


_SKIPPED = object()


def parallel_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int = 3,
    stop: threading.Event | None = None,
) -> Iterator[tuple[int, T, R | BaseException | None]]:
    """Apply `fn` to items in up to `workers` daemon threads; yield (index, item, outcome).

    Outcomes arrive in completion order; an outcome is the return value, the exception raised,
    or None for items skipped because `stop` was set. The consumer may set `stop` to cancel the
    items not yet started. Threads are daemons and are never joined: a call stuck past its own
    deadline cannot hang the consumer beyond that deadline.
    """
    todo: queue.Queue[tuple[int, T]] = queue.Queue()
    listed = list(items)
    for pair in enumerate(listed):
        todo.put(pair)
    results: queue.Queue[tuple[int, T, Any]] = queue.Queue()
    stop = stop or threading.Event()

    def worker() -> None:
        while True:
            try:
                index, item = todo.get_nowait()
            except queue.Empty:
                return
            if stop.is_set():
                results.put((index, item, _SKIPPED))
                continue
            try:
                outcome: Any = fn(item)
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                outcome = exc
            results.put((index, item, outcome))

    for n in range(max(1, min(workers, len(listed)))):
        threading.Thread(target=worker, name=f"source-worker-{n}", daemon=True).start()
    for _ in range(len(listed)):
        index, item, outcome = results.get()
        yield index, item, (None if outcome is _SKIPPED else outcome)


_install_lock = threading.Lock()


def install_default_timeout(connect: float = 5.0, read: float = 10.0) -> bool:
    """Give every `requests` call without a timeout a (connect, read) default (reference §2.4).

    Idempotent: the wrapper is installed once per process; later calls only update the values.
    Returns True when this call installed it.
    """
    import requests.sessions

    with _install_lock:
        current = requests.sessions.Session.request
        if getattr(current, "_theme_tracker_default_timeout", None) is not None:
            current._theme_tracker_default_timeout = (connect, read)  # type: ignore[attr-defined]
            return False
        original = current

        def request(self: Any, method: str, url: str, **kw: Any) -> Any:
            if kw.get("timeout") is None:
                kw["timeout"] = request._theme_tracker_default_timeout  # type: ignore[attr-defined]
            return original(self, method, url, **kw)

        request._theme_tracker_default_timeout = (connect, read)  # type: ignore[attr-defined]
        request.__wrapped__ = original  # type: ignore[attr-defined]
        requests.sessions.Session.request = request  # type: ignore[method-assign]
        return True
