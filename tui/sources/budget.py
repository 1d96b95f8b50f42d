"""A time budget for a whole job (a refresh, a feed update), shared by every call that serves it.

Per-call deadlines bound one request; they do not bound a run: deadlines x retries x fallbacks
x tasks / concurrency add up (a refresh against a stalled proxy ran for over 600 s). A `Budget`
bounds the run as a whole. Every call path takes the same object:

* `check()` before starting work: raises `SourceError` (marked not attempted) once the budget
  is used up or the run was cancelled (SIGINT/SIGTERM, the app quitting);
* `clamp(deadline)` shortens a per-call deadline to what is left;
* `wait(event, timeout)` and `sleep(seconds)` block like `Event.wait` / `time.sleep` but return
  at once when the run is cancelled, so no thread waits out a stalled server after a Ctrl-C;
* `on_stop(callback)` registers a wake-up for other kinds of waits (a results queue).

`cancel()` is called from an ordinary thread, never from a signal handler (see
tui.jobs.interrupt): it takes locks, and a handler interrupting a holder of the same lock
would deadlock.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tui.sources.base import FailureKind, SourceError

#: A refresh of up to this many stocks gets the base budget; each further stock adds a little.
BUDGET_BASE_STOCKS = 100
BUDGET_BASE_SECONDS = 90.0
BUDGET_PER_EXTRA_STOCK = 0.6


def default_budget_seconds(stocks: int) -> float:
    """The default budget of a refresh of `stocks` stocks: 90 s up to 100, +0.6 s per further one."""
    return BUDGET_BASE_SECONDS + BUDGET_PER_EXTRA_STOCK * max(0, stocks - BUDGET_BASE_STOCKS)


class Budget:
    """Time left for a run (`seconds=None`: unbounded, still cancellable). Thread-safe."""

    def __init__(self, seconds: float | None = None, *, clock: Callable[[], float] = time.monotonic,
                 label: str = "refresh budget") -> None:  # fmt: skip
        if seconds is not None and seconds <= 0:
            raise ValueError(f"a budget must be positive, not {seconds!r}")
        self.seconds = seconds
        self.label = label
        self._clock = clock
        self._ends = clock() + seconds if seconds is not None else math.inf
        self._lock = threading.Lock()
        self._cancelled: str | None = None
        self._callbacks: list[Callable[[], None]] = []
        self._stopped = threading.Event()  # set on cancel (expiry is seen through remaining())

    # -- state --------------------------------------------------------------------------------

    def remaining(self) -> float:
        """Seconds left (math.inf when unbounded, 0 once used up or cancelled)."""
        if self._cancelled is not None:
            return 0.0
        return max(0.0, self._ends - self._clock())

    @property
    def cancelled(self) -> bool:
        return self._cancelled is not None

    @property
    def expired(self) -> bool:
        return self._cancelled is None and self._ends - self._clock() <= 0

    @property
    def stopped(self) -> bool:
        """Cancelled or used up: start nothing more."""
        return self.remaining() <= 0

    @property
    def reason(self) -> str:
        """Why the run stops ('' while it may go on)."""
        if self._cancelled is not None:
            return self._cancelled
        if self.expired:
            return f"{self.label} of {self.seconds:g} s used up"
        return ""

    def error(self) -> SourceError:
        """The SourceError for work refused because the run stopped (marked not attempted)."""
        kind = FailureKind.OTHER if self.cancelled else FailureKind.TIMEOUT
        return SourceError(kind, f"not attempted: {self.reason}", attempted=False)

    def check(self) -> None:
        """Raise `error()` once the budget is used up or the run was cancelled."""
        if self.stopped:
            raise self.error()

    def clamp(self, deadline: float) -> float:
        """`deadline` shortened to the time left."""
        return min(deadline, self.remaining())

    # -- stopping -------------------------------------------------------------------------------

    def cancel(self, reason: str = "cancelled") -> None:
        """Stop the run now: waits return, checks raise. The first reason is kept."""
        with self._lock:
            if self._cancelled is not None:
                return
            self._cancelled = reason
            callbacks, self._callbacks = self._callbacks, []
        self._stopped.set()
        for callback in callbacks:
            callback()

    @contextmanager
    def on_stop(self, callback: Callable[[], None]) -> Iterator[None]:
        """Call `callback` (from the cancelling thread) if the run is cancelled while inside."""
        with self._lock:
            run_now = self._cancelled is not None
            if not run_now:
                self._callbacks.append(callback)
        if run_now:
            callback()
        try:
            yield
        finally:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

    def wait(self, event: threading.Event, timeout: float | None = None) -> None:
        """Wait until `event` is set, `timeout` s pass, the budget is used up, or the run is
        cancelled. Cancelling *sets* `event`, so pass an event of your own and tell the cases
        apart by your own state (a result box), then `cancelled`."""
        limit = self.remaining() if timeout is None else min(timeout, self.remaining())
        if event.is_set() or limit <= 0:
            return
        with self.on_stop(event.set):
            event.wait(None if math.isinf(limit) else limit)

    def sleep(self, seconds: float) -> None:
        """Sleep `seconds` (at most the time left); return at once when cancelled."""
        limit = min(seconds, self.remaining())
        if limit > 0:
            self._stopped.wait(limit)

