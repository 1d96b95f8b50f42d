"""Look a stock's name up online, with a short deadline, for `watchlist add` without --name.

The local lookups come first (another watchlist, the latest stored quote: tui.config.names);
only when they know nothing is the configured market source asked for the code's quote, whose
name column is the exchange's current short name (ST prefixes included). The whole lookup is
bounded: the fetch runs in a daemon thread and is abandoned after `deadline` seconds, so a
stalled source delays the command by at most that long and never hangs it. Offline (or past
the deadline) the caller keeps its clear refusal, with the reason.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Seconds `watchlist add` waits for an online name before asking for --name.
NAME_LOOKUP_DEADLINE_S = 5.0


@dataclass(frozen=True)
class OnlineName:
    """The name found online, or why there is none."""

    name: str | None
    reason: str | None = None


def fetch_name(code: str, make_source: Callable[[], Any], *, deadline: float = NAME_LOOKUP_DEADLINE_S) -> OnlineName:
    """The name in the source's quote for `code`, or the reason there is none (never raises)."""
    box: dict[str, OnlineName] = {}

    def work() -> None:
        try:
            result = make_source().fetch_quotes([code])
        except Exception as exc:  # noqa: BLE001 - any source failure is a reason, not a crash
            box["out"] = OnlineName(None, f"{type(exc).__name__}: {exc}")
            return
        frame = result.frame
        if frame is not None and len(frame) and "name" in frame.columns:
            rows = frame[frame["code"] == code] if "code" in frame.columns else frame
            for value in rows["name"]:
                if isinstance(value, str) and value.strip():
                    box["out"] = OnlineName(value.strip())
                    return
        failure = result.failure_for(code)
        box["out"] = OnlineName(None, failure.message if failure else "the source has no quote for it")

    thread = threading.Thread(target=work, name="theme-tracker-name-lookup", daemon=True)
    thread.start()
    thread.join(deadline)
    return box.get("out") or OnlineName(None, f"no answer within {deadline:g} s")
