"""Market-data sources: a small interface (base), the live akshare adapter and the offline
sample source. Importing this package never imports akshare (it is loaded on first fetch).

The names below load on first use (PEP 562): a package that imports its own submodules while
being initialised can deadlock two threads importing it at once (see tui.store)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.sources.base import ALL_CODES, Failure, FailureKind, FetchResult, MarketSource, SourceError

__all__ = ["ALL_CODES", "Failure", "FailureKind", "FetchResult", "MarketSource", "SourceError"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'tui.sources' has no attribute {name!r}")
    return getattr(import_module("tui.sources.base"), name)
