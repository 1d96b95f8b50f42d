"""Market-data sources: a small interface (base), the live akshare adapter and the offline
sample source. Importing this package never imports akshare (it is loaded on first fetch)."""

from tui.sources.base import (
    ALL_CODES,
    Failure,
    FailureKind,
    FetchResult,
    MarketSource,
    SourceError,
)

__all__ = ["ALL_CODES", "Failure", "FailureKind", "FetchResult", "MarketSource", "SourceError"]
