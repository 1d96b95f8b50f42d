"""The app's blocking jobs, headless: each runs in a daemon thread started by the app
(tui.ui.background) and opens its own Store (sqlite connections cannot cross threads).

* :func:`read_inputs`: the board's stored quotes, bars and benchmark moves;
* :func:`make_calendar`: the trading calendar (imports exchange-calendars, off the UI thread);
* :func:`refresh_job`: a refresh (quotes, and history when asked), then the board's inputs again.

The store (and with it pandas) is imported inside the functions: the app imports this module
at start-up, and its first paint must not import pandas.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.store.readers import BoardInputs


def read_inputs(data_dir: str | Path, codes: list[str], benchmarks: list[str]) -> BoardInputs:
    """The board's inputs for ``codes`` and ``benchmarks`` as stored."""
    from tui.store.readers import read_board_inputs
    from tui.store.store import Store

    with Store.open(data_dir) as store:
        return read_board_inputs(store, codes, benchmarks)


def make_calendar(data_dir: str | Path, today: date) -> Any:
    """The trading calendar for ``today``, with exchange-calendars already imported."""
    from tui.store.readers import read_calendar
    from tui.store.store import Store

    with Store.open(data_dir) as store:
        calendar = read_calendar(store, today)
    calendar.is_session(today)  # imports exchange-calendars here, off the UI thread
    return calendar


def refresh_job(
    data_dir: str | Path,
    source_factory: Callable[[], Any],
    codes: list[str],
    benchmarks: list[str],
    *,
    today: date,
    now: datetime,
    history: bool,
    progress: Callable[[int, int, str], None],
) -> tuple[Any, BoardInputs]:
    """Refresh quotes (and bars when ``history``), then read the board's inputs again:
    ``(RefreshSummary, BoardInputs)``."""
    from tui.jobs.refresh import run_refresh
    from tui.store.readers import read_board_inputs
    from tui.store.store import Store

    with Store.open(data_dir) as store:
        summary = run_refresh(
            store, source_factory(), codes, benchmarks=tuple(benchmarks), today=today, now=now,
            progress=progress, quotes=True, history=history,
        )
        return summary, read_board_inputs(store, codes, benchmarks)
