"""Test doubles for the market-data source (no network)."""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from tui.sources.base import ALL_CODES, Failure, FailureKind, FetchResult, empty_bars, finish_quotes

SHANGHAI = ZoneInfo("Asia/Shanghai")


def quote_frame(prices: dict[str, tuple[float, float]], *, as_of: datetime, source: str = "fake") -> pd.DataFrame:
    """Quotes in the contract's shape; `prices` maps code -> (price, prev_close)."""
    rows = []
    for code, (price, prev) in prices.items():
        rows.append({
            "code": code, "name": None, "price": price, "change": price - prev,
            "change_pct": (price / prev - 1) * 100, "volume": 1000.0, "amount": 1.5e8,
            "turnover_rate": 2.5, "market_cap": 1.2e10, "open": prev, "high": max(price, prev),
            "low": min(price, prev), "prev_close": prev, "limit_up": float("nan"), "limit_down": float("nan"),
            "suspended": False, "as_of": as_of, "fetched_at": as_of, "source": source, "is_sample": False,
        })
    frame, _ = finish_quotes(pd.DataFrame(rows))
    return frame


class FakeSource:
    """Returns fixed quotes; bars, index bars and trade dates come back empty (unchanged)."""

    name = "fake"

    def __init__(self, prices: dict[str, tuple[float, float]] | None = None, *, as_of: datetime | None = None, fail: FailureKind | None = None, gate: threading.Event | None = None) -> None:
        self.prices = prices or {}
        self.as_of = as_of or datetime(2026, 11, 20, 15, 0, tzinfo=SHANGHAI)
        self.fail = fail
        self.gate = gate
        self.calls: list[str] = []

    def _wait(self) -> None:
        if self.gate is not None:
            self.gate.wait()

    def fetch_quotes(self, codes: list[str]) -> FetchResult:
        self.calls.append("quotes")
        self._wait()
        if self.fail is not None:
            return FetchResult(finish_quotes(pd.DataFrame())[0], [Failure(c, self.fail, self.fail.value, "fake") for c in codes], "fake")
        wanted = {c: p for c, p in self.prices.items() if c in codes}
        return FetchResult(quote_frame(wanted, as_of=self.as_of), [], "fake")

    def fetch_bars(self, code, start, end, adjust="qfq") -> FetchResult:
        self.calls.append(f"bars {code}")
        return FetchResult(empty_bars(), [], "fake")

    def fetch_index_bars(self, symbol, start, end) -> FetchResult:
        self.calls.append(f"index {symbol}")
        return FetchResult(empty_bars(), [], "fake")

    def fetch_trade_dates(self) -> FetchResult:
        self.calls.append("trade_dates")
        if self.fail is not None:
            return FetchResult(pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]")}), [Failure(ALL_CODES, self.fail, self.fail.value, "fake")], "fake")
        return FetchResult(pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]")}), [], "fake")


class HangingSource(FakeSource):
    """Every call blocks forever (a stalled server); used by the exit-time test. When the
    environment names a file in THEME_TRACKER_TEST_HUNG, a call creates it before blocking:
    what a test in another process waits on."""

    def __init__(self) -> None:
        super().__init__(gate=threading.Event())

    def _wait(self) -> None:
        mark = os.environ.get("THEME_TRACKER_TEST_HUNG")
        if mark:
            Path(mark).touch()
        super()._wait()
