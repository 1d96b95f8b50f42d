"""Pure pandas analytics: returns, theme indices, breadth, price limits, event studies.

No Textual, sqlite, network or akshare here; every function takes and returns DataFrames,
Series or small dataclasses (see docs/data-contracts.md for the bars frame).

The names below load on first use (PEP 562): a package that imports its own submodules while
being initialised can deadlock two threads importing it at once (see tui.store). The functions
named like their module (``breadth``, ``theme_index``) are imported from the module itself:
the package attribute of that name is the submodule once it has been imported.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.analytics.breadth import Breadth, daily_moves
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
    from tui.analytics.theme_index import ThemeIndex, index_vs_benchmark

_HOMES = {
    "tui.analytics.breadth": ("Breadth", "daily_moves"),
    "tui.analytics.event_study": (
        "DEFAULT_WINDOWS", "EventStudyResult", "event_study", "event_study_many", "event_study_windows",
        "summary_frame",
    ),
    "tui.analytics.ladder": ("LadderDay", "heat_series", "ladder_day", "ladder_states"),
    "tui.analytics.limits": ("limit_flags", "limit_price", "limit_prices_cents"),
    "tui.analytics.returns": ("series_returns", "trailing_returns"),
    "tui.analytics.theme_index": ("ThemeIndex", "index_vs_benchmark"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_HOME_OF)


def __getattr__(name: str) -> Any:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'tui.analytics' has no attribute {name!r}")
    return getattr(import_module(module), name)
