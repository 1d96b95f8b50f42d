"""Calling blocking upstream functions safely: deadlines, retries, a concurrency cap, a breaker
per provider (tui.sources.breakers) and a time budget for the whole run (tui.sources.budget).

Most akshare functions have no timeout and hang forever on a stalled server. `call_with_deadline`
runs the call in a daemon thread and stops waiting at the deadline; the thread is abandoned,
never joined, so it can neither block the caller nor interpreter exit. (ThreadPoolExecutor is
not used: its workers are joined at exit, so one hung call would hang the process on quit.)
"""

from __future__ import annotations

import math
import queue
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tui.sources.base import FailureKind, SourceError
from tui.sources.breakers import ProviderBreaker
from tui.sources.budget import Budget
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
    return _call_in_thread(fn, args, kwargs, deadline, None)


def _call_in_thread(fn: Callable[..., R], args: tuple[Any, ...], kwargs: dict[str, Any], deadline: float,
                    budget: Budget | None) -> R:  # fmt: skip
    """call_with_deadline that also returns when `budget` is cancelled (raising its error)."""
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
    if budget is None:
        done.wait(deadline)
    else:
        budget.wait(done, deadline)
    if "error" in box:
        raise box["error"]
    if "result" in box:
        return box["result"]
    if budget is not None and budget.cancelled:
        raise SourceError(FailureKind.OTHER, f"stopped: {budget.reason}", attempted=False)
    raise DeadlineExceeded(deadline)


@dataclass
class RetryPolicy:
    """How often to retry each transient failure kind, with exponential back-off and jitter.

    Delay before retry n (1-based) = min(max_delay, base_delay * 2**(n-1)) plus a uniform
    jitter of up to half that. Schema changes, unknown codes and empty results are not retried.
    """

    attempts: dict[FailureKind, int] = field(
        default_factory=lambda: {
            FailureKind.NETWORK: 2,  # DNS failures rarely heal within a second: one retry
            # Not retried: a retry costs another whole deadline on a host that just stalled;
            # every chain has a fallback on another provider, which is tried instead.
            FailureKind.TIMEOUT: 1,
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
        self._space_start()
        return self

    def acquire_within(self, seconds: float) -> bool:
        """Take a slot, waiting at most `seconds` (math.inf: as long as it takes)."""
        if not (self._slots.acquire() if math.isinf(seconds) else self._slots.acquire(timeout=max(0.0, seconds))):
            return False
        self._space_start()
        return True

    def release(self) -> None:
        self._slots.release()

    def _space_start(self) -> None:
        if self.min_interval > 0:
            with self._lock:
                now = time.monotonic()
                wait = self._next_start - now
                self._next_start = max(now, self._next_start) + self.min_interval
            if wait > 0:
                time.sleep(wait)

    def __exit__(self, *exc: object) -> None:
        self._slots.release()


class NetworkBreaker(ProviderBreaker):
    """One breaker for every call, as before breakers were per provider (kept for callers of
    that API; new code takes `Breakers().get(provider)`)."""

    def __init__(self, threshold: int = 3, cooldown: float = 30.0) -> None:
        super().__init__("", threshold, cooldown)


def call_with_retries(
    fn: Callable[..., R],
    *args: Any,
    deadline: float,
    policy: RetryPolicy,
    gate: Gate | None = None,
    breaker: ProviderBreaker | None = None,
    budget: Budget | None = None,
    provider: str = "",
    per_code: bool = True,
    sleep: Callable[[float], None] | None = None,
    **kwargs: Any,
) -> R:
    """Call `fn` under a deadline, retrying transient failures; raise SourceError when it fails.

    The call path every fetch goes through: `budget` (the run's time budget, shared) refuses
    the call once used up or cancelled and shortens the deadline to what is left; `breaker`
    (the provider's) refuses it while the provider is not answering; `gate` caps concurrent
    requests. Refusals raise SourceError with `attempted=False` before any request is sent.
    A call cut short by the budget is not retried and does not count against the provider.
    `validate`-style checks belong in `fn` (raise SourceError there); everything raised is
    classified with classify_exception.
    """
    if sleep is None:
        sleep = budget.sleep if budget is not None else time.sleep
    attempt = 0
    while True:
        attempt += 1
        if budget is not None:
            budget.check()
        if breaker is not None and breaker.is_open:
            raise breaker.error()
        if gate is not None and not gate.acquire_within(budget.remaining() if budget is not None else math.inf):
            raise budget.error() if budget is not None else SourceError(FailureKind.OTHER)
        try:
            if budget is not None:
                budget.check()
            if breaker is not None:
                breaker.check()  # again: it may have opened while this call queued for the gate
            limit = budget.clamp(deadline) if budget is not None else deadline
            try:
                result = _call_in_thread(fn, args, kwargs, limit, budget)
            except Exception as exc:  # noqa: BLE001 - classified below
                if isinstance(exc, SourceError) and not exc.attempted:
                    if breaker is not None:
                        breaker.abandon()
                    raise
                if isinstance(exc, DeadlineExceeded) and limit < deadline:
                    # The run's budget ran out during the call: not the provider's fault.
                    if breaker is not None:
                        breaker.abandon()
                    reason = budget.reason if budget is not None else ""
                    raise SourceError(FailureKind.TIMEOUT, f"timed out: {reason}" if reason else None,
                                      f"cut at {limit:.1f} s of a {deadline:g} s deadline") from exc  # fmt: skip
                error = exc if isinstance(exc, SourceError) else classify_exception(
                    exc, timeout=deadline, provider=provider, per_code=per_code
                )
                cause = exc
                if breaker is not None:
                    breaker.record(error.kind)
            else:
                if breaker is not None:
                    breaker.record(None)
                return result
        finally:
            if gate is not None:
                gate.release()
        if attempt >= policy.max_attempts(error.kind):
            raise error from cause
        delay = policy.delay(attempt)
        if budget is not None and budget.remaining() <= delay:
            raise error from cause
        sleep(delay)
        if budget is not None and budget.stopped:
            raise error from cause


_SKIPPED = object()


def parallel_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int = 3,
    stop: threading.Event | None = None,
    budget: Budget | None = None,
) -> Iterator[tuple[int, T, R | BaseException | None]]:
    """Apply `fn` to items in up to `workers` daemon threads; yield (index, item, outcome).

    Outcomes arrive in completion order; an outcome is the return value, the exception raised,
    or None for items skipped because `stop` was set or `budget` stopped. The consumer may set
    `stop` to cancel the items not yet started. When `budget` is used up or cancelled the
    consumer stops waiting at once: outcomes already in are yielded, every other item is
    yielded as skipped (None), and calls still running are abandoned. Threads are daemons and
    are never joined: a call stuck past its own deadline cannot hang the consumer.
    """
    todo: queue.Queue[tuple[int, T]] = queue.Queue()
    listed = list(items)
    for pair in enumerate(listed):
        todo.put(pair)
    results: queue.Queue[tuple[int, Any, Any]] = queue.Queue()
    stop = stop or threading.Event()

    def worker() -> None:
        while True:
            try:
                index, item = todo.get_nowait()
            except queue.Empty:
                return
            if stop.is_set() or (budget is not None and budget.stopped):
                results.put((index, item, _SKIPPED))
                continue
            try:
                outcome: Any = fn(item)
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                outcome = exc
            results.put((index, item, outcome))

    for n in range(max(1, min(workers, len(listed)))):
        threading.Thread(target=worker, name=f"source-worker-{n}", daemon=True).start()
    pending = set(range(len(listed)))
    wake = (lambda: results.put((-1, _SKIPPED, _SKIPPED)))
    with budget.on_stop(wake) if budget is not None else nullcontext():
        while pending:
            limit = budget.remaining() if budget is not None else math.inf
            try:
                index, item, outcome = results.get() if math.isinf(limit) else results.get(timeout=limit)
            except queue.Empty:  # the budget is used up
                break
            if index < 0:  # woken: the run was cancelled
                break
            pending.discard(index)
            yield index, item, (None if outcome is _SKIPPED else outcome)
    if not pending:
        return
    stop.set()
    while True:  # outcomes that arrived meanwhile are kept
        try:
            index, item, outcome = results.get_nowait()
        except queue.Empty:
            break
        if index in pending:
            pending.discard(index)
            yield index, item, (None if outcome is _SKIPPED else outcome)
    for index in sorted(pending):
        yield index, listed[index], None


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
