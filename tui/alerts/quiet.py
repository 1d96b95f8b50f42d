"""Quiet hours: a daily window in Asia/Shanghai, possibly across midnight ("22:00-08:00")."""

from __future__ import annotations

from datetime import datetime, time

from tui.domain.market import SHANGHAI


def parse_window(text: str) -> tuple[time, time]:
    """"HH:MM-HH:MM" -> (start, end); raise ValueError with the expected form."""
    try:
        a, b = (part.strip() for part in text.split("-"))
        start, end = (time(int(p.split(":")[0]), int(p.split(":")[1])) for p in (a, b))
    except (ValueError, IndexError):
        raise ValueError(f"quiet hours {text!r}: write them as HH:MM-HH:MM, e.g. 22:00-08:00") from None
    if start == end:
        raise ValueError(f"quiet hours {text!r}: start and end are the same time")
    return start, end


def in_quiet_hours(window: str | None, now: datetime) -> bool:
    """True when ``now`` (converted to Shanghai time) is inside the window; the start is
    inside, the end is not."""
    if not window:
        return False
    start, end = parse_window(window)
    t = now.astimezone(SHANGHAI).time() if now.tzinfo else now.time()
    if start < end:
        return start <= t < end
    return t >= start or t < end
