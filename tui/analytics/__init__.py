"""Pure pandas analytics: returns, theme indices, breadth, price limits, event studies.

No Textual, sqlite, network or akshare here; every function takes and returns DataFrames,
Series or small dataclasses (see docs/data-contracts.md for the bars frame).
"""

from tui.analytics.breadth import Breadth, breadth, daily_moves
from tui.analytics.event_study import (
    DEFAULT_WINDOWS,
    EventStudyResult,
    event_study,
    event_study_many,
    event_study_windows,
    summary_frame,
)
from tui.analytics.ladder import LadderDay, heat_series, ladder_day, ladder_states
from tui.analytics.limits import limit_flags, limit_price, limit_prices_cents
from tui.analytics.returns import series_returns, trailing_returns
from tui.analytics.theme_index import ThemeIndex, index_vs_benchmark, theme_index

__all__ = [
    "DEFAULT_WINDOWS",
    "Breadth",
    "EventStudyResult",
    "LadderDay",
    "ThemeIndex",
    "breadth",
    "daily_moves",
    "event_study",
    "event_study_many",
    "event_study_windows",
    "heat_series",
    "index_vs_benchmark",
    "ladder_day",
    "ladder_states",
    "limit_flags",
    "limit_price",
    "limit_prices_cents",
    "series_returns",
    "summary_frame",
    "theme_index",
    "trailing_returns",
]
