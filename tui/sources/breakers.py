"""Circuit breakers, one per upstream provider (Eastmoney, Tencent, Sina, ...).

A provider that stops answering costs a whole deadline per call; with dozens of calls queued
that is minutes. A breaker counts the provider's failures in a row that say "it is not
answering" (network unreachable, timed out, rate-limited / banned). After `threshold` of them
it opens: calls to that provider fail at once, *not attempted*, and the caller moves on to its
fallback on another provider. After `cooldown` seconds one probe call is let through
(half-open); its success closes the breaker, its failure re-opens it. Any answer from the
provider (even "unknown code" or an empty result) ends the streak.

`Breakers` holds one breaker per provider for a run; any fetch path gets its provider's
breaker with `breakers.get("em")` and passes it to `call_with_retries`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from tui.sources.base import FailureKind, SourceError
from tui.sources.classify import provider_label

#: Failure kinds that mean "the provider is not answering"; other failures end a streak.
OPENING_KINDS = frozenset({FailureKind.NETWORK, FailureKind.TIMEOUT, FailureKind.RATE_LIMIT})
DEFAULT_THRESHOLD = 3
#: Longer than a refresh budget: within one run an open provider stays skipped, save one probe.
DEFAULT_COOLDOWN = 60.0

_VERBS = {
    FailureKind.TIMEOUT: "timed out",
    FailureKind.NETWORK: "was unreachable",
    FailureKind.RATE_LIMIT: "rate-limited us",
}


class ProviderBreaker:
    """The breaker of one provider. Thread-safe."""

    def __init__(self, provider: str = "", threshold: int = DEFAULT_THRESHOLD, cooldown: float = DEFAULT_COOLDOWN,
                 *, clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.provider = provider
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._streak = 0
        self._kind: FailureKind | None = None  # the kind of the latest failure of the streak
        self._open_until = 0.0
        self._probing = False
        self.times_opened = 0
        self.opened_as = ""  # describe() at the latest opening, kept after it closes

    @property
    def is_open(self) -> bool:
        """Calls would be refused now (open, or half-open with its one probe in flight)."""
        with self._lock:
            return self._refuses()

    @property
    def kind(self) -> FailureKind | None:
        """The failure kind that opened the breaker (None while closed)."""
        with self._lock:
            return self._kind if self._streak >= self.threshold else None

    def _refuses(self) -> bool:
        if self._streak < self.threshold:
            return False
        return self._clock() < self._open_until or self._probing

    def describe(self) -> str:
        """'Eastmoney timed out 3 times in a row'."""
        with self._lock:
            return self._describe()

    def _describe(self) -> str:
        verb = _VERBS.get(self._kind, "failed") if self._kind is not None else "failed"
        return f"{provider_label(self.provider)} {verb} {self._streak} times in a row"

    def error(self) -> SourceError:
        """The SourceError of a call refused by this breaker (not attempted)."""
        kind = self.kind or FailureKind.NETWORK
        return SourceError(kind, f"not attempted: {self.describe()}", f"{provider_label(self.provider)} breaker open",
                           attempted=False)  # fmt: skip

    def check(self) -> None:
        """Raise `error()` while open. Half-open: the first caller becomes the probe."""
        with self._lock:
            if self._streak < self.threshold:
                return
            if self._clock() < self._open_until or self._probing:
                refused = True
            else:
                self._probing = True
                refused = False
        if refused:
            raise self.error()

    def record(self, kind: FailureKind | None) -> None:
        """Record an outcome: None for success, else the failure kind."""
        with self._lock:
            self._probing = False
            if kind is None or kind not in OPENING_KINDS:
                self._streak = 0
                self._kind = None
                self._open_until = 0.0
                return
            self._streak += 1
            self._kind = kind
            if self._streak >= self.threshold:
                if self._clock() >= self._open_until:
                    self.times_opened += 1
                    self.opened_as = self._describe()
                self._open_until = self._clock() + self.cooldown

    def abandon(self) -> None:
        """The call that checked in ended without an answer either way (the run stopped)."""
        with self._lock:
            self._probing = False


class Breakers:
    """One ProviderBreaker per provider, created on first use. Thread-safe."""

    def __init__(self, threshold: int = DEFAULT_THRESHOLD, cooldown: float = DEFAULT_COOLDOWN,
                 *, clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._by_provider: dict[str, ProviderBreaker] = {}

    def get(self, provider: str) -> ProviderBreaker:
        with self._lock:
            breaker = self._by_provider.get(provider)
            if breaker is None:
                breaker = ProviderBreaker(provider, self.threshold, self.cooldown, clock=self._clock)
                self._by_provider[provider] = breaker
            return breaker

    def all_open(self, providers: list[str] | tuple[str, ...]) -> bool:
        return bool(providers) and all(self.get(p).is_open for p in providers)

    def notes(self) -> list[str]:
        """One line per provider whose breaker opened during the run."""
        with self._lock:
            opened = [b for b in self._by_provider.values() if b.times_opened]
        return [f"{b.opened_as}: later calls to it were not attempted (breaker open)" for b in opened]
