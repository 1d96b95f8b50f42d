"""The refresh step that fetches the whole market's limit pools (issue 15).

Kept out of the main refresh loop on purpose: it is one bulk call per pool, it runs after the
quotes, and only with a source that has ``fetch_limit_pools`` (the offline sample source has
none: the pool view then falls back to the ladder computed from the themes' own bars).
A pool that fails keeps the pool stored before (old data is shown as old, never wiped).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Eastmoney's pool for a day exists from the opening call auction on.
POOL_OPENS = time(9, 25)
#: The pools fetched, in order (tui.sources.limit_pools.POOL_FUNCTIONS).
POOLS = ("zt", "prev", "zb", "dt")


def pool_session(today: date, now: datetime | None, trade_dates: Sequence[date]) -> date:
    """The session whose pool to fetch: today from 09:25 (live during the session), else the
    session before; a frozen `today` (not the clock's date) counts as after the close."""
    from tui.jobs.refresh import last_session

    now = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    day = today if (now.date() != today or now.time() >= POOL_OPENS) else today - timedelta(days=1)
    return last_session(day, list(trade_dates))


def refresh_limit_pools(store: Any, source: Any, session: date) -> tuple[list[Any], list[str]]:
    """Fetch and store ``session``'s pools; return (TaskOutcome per pool, notes)."""
    from tui.jobs.refresh import TaskOutcome
    from tui.sources.limit_pools import POOL_FUNCTIONS
    from tui.store.limit_pools import write_limit_pools

    fetch = getattr(source, "fetch_limit_pools", None)
    if fetch is None:
        return [], []
    result = fetch(session)
    write_limit_pools(store, result.frame)
    got = result.frame["pool"].value_counts().to_dict() if len(result.frame) else {}
    failed = {f.code.removeprefix("pool:"): f for f in result.failures}
    outcomes = []
    for pool in POOL_FUNCTIONS:
        if pool in failed:
            outcomes.append(TaskOutcome("pool", pool, "failed", failure=failed[pool]))
        else:
            outcomes.append(TaskOutcome("pool", pool, "fetched", rows=int(got.get(pool, 0)), note=session.isoformat()))
    return outcomes, list(result.notes)
