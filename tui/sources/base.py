"""The market-data source interface and the result type every source returns.

A source turns upstream data into the normalized frames of docs/data-contracts.md (quotes and
bars). It never raises for an upstream problem: each call returns a `FetchResult` holding the
frame of what succeeded plus one `Failure` per code (or call) that did not, classified into a
small set of `FailureKind`s with a one-line message the CLI and the app can show as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

Adjust = Literal["qfq", "raw"]

QUOTE_COLUMNS: tuple[str, ...] = (
    "code", "name", "price", "change", "change_pct", "volume", "amount", "turnover_rate",
    "market_cap", "open", "high", "low", "prev_close", "limit_up", "limit_down", "suspended",
    "as_of", "fetched_at", "source", "is_sample",
)
QUOTE_FLOAT_COLUMNS: tuple[str, ...] = (
    "price", "change", "change_pct", "volume", "amount", "turnover_rate", "market_cap",
    "open", "high", "low", "prev_close", "limit_up", "limit_down",
)
BAR_COLUMNS: tuple[str, ...] = (
    "code", "date", "open", "high", "low", "close", "volume", "amount", "adjust", "source",
    "is_sample",
)
BAR_FLOAT_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "volume", "amount")
TRADE_DATE_COLUMNS: tuple[str, ...] = ("date",)

#: A pseudo-code for failures that concern a whole call rather than one security.
ALL_CODES = "*"


class FailureKind(str, Enum):
    """Why a fetch failed. The value is the one-line message shown when there is no detail."""

    NETWORK = "network unreachable"
    TIMEOUT = "timed out"
    SCHEMA = "source changed its columns"
    RATE_LIMIT = "rate-limited"
    EMPTY = "empty result"
    UNKNOWN_CODE = "unknown code"
    OTHER = "other error"

    @property
    def transient(self) -> bool:
        """Worth retrying later (or now, after a back-off)."""
        return self in (FailureKind.NETWORK, FailureKind.TIMEOUT, FailureKind.RATE_LIMIT)


@dataclass(frozen=True, slots=True)
class Failure:
    """One code (or call) that could not be fetched.

    `message` is the one line to show ("timed out after 10 s", "source changed its columns:
    missing 最新价"); `detail` the upstream exception text, for logs. `attempted` is False when
    no request was sent (every provider's breaker open, the run's budget used up, cancelled).
    """

    code: str
    kind: FailureKind
    message: str
    call: str = ""
    detail: str = ""
    attempted: bool = True

    def line(self) -> str:
        where = f" [{self.call}]" if self.call else ""
        return f"{self.code}: {self.message}{where}"


class SourceError(Exception):
    """An upstream problem already classified; raised inside sources, caught at their edge.

    `attempted=False`: the call was refused before any request (open breaker, budget, cancel).
    """

    def __init__(self, kind: FailureKind, message: str | None = None, detail: str = "", *,
                 attempted: bool = True) -> None:  # fmt: skip
        self.kind = kind
        self.message = message or kind.value
        self.detail = detail
        self.attempted = attempted
        super().__init__(self.message)


_NOT_ATTEMPTED = {
    FailureKind.TIMEOUT: "source stalled (not attempted)",
    FailureKind.NETWORK: "network unreachable (not attempted)",
    FailureKind.RATE_LIMIT: "rate-limited (not attempted)",
}


def not_attempted_message(kind: FailureKind) -> str:
    """The message of work not attempted because every provider that could serve it was
    failing with `kind` ("source stalled (not attempted)" for timeouts)."""
    return _NOT_ATTEMPTED.get(kind, f"{kind.value} (not attempted)")


@dataclass
class FetchResult:
    """A normalized frame plus the failures of the codes that are missing from it."""

    frame: pd.DataFrame
    failures: list[Failure] = field(default_factory=list)
    source: str = ""
    notes: list[str] = field(default_factory=list)
    dropped_duplicates: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def failed_codes(self) -> list[str]:
        return [f.code for f in self.failures]

    def failure_for(self, code: str) -> Failure | None:
        for failure in self.failures:
            if failure.code in (code, ALL_CODES):
                return failure
        return None


@runtime_checkable
class MarketSource(Protocol):
    """What the refresh job (and the app) need from a market-data source.

    Every method returns a FetchResult and never raises for upstream failures. Quotes and bars
    follow docs/data-contracts.md; trade dates are a frame with one `date` column
    (datetime64, ascending).
    """

    name: str

    def fetch_quotes(self, codes: list[str]) -> FetchResult: ...

    def fetch_bars(self, code: str, start: date, end: date, adjust: Adjust = "qfq") -> FetchResult: ...

    def fetch_index_bars(self, symbol: str, start: date, end: date) -> FetchResult: ...

    def fetch_trade_dates(self) -> FetchResult: ...


def as_text(series: pd.Series) -> pd.Series:
    """Cast to the text dtype (`str` under pandas 3, `object` under 2), keeping NaN as NaN."""
    text = series.astype("str")
    return text.where(series.notna(), np.nan)


def empty_quotes() -> pd.DataFrame:
    """A quotes frame with no rows and the contract's columns and dtypes."""
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in QUOTE_COLUMNS})
    frame["code"] = frame["code"].astype("str")
    frame["name"] = frame["name"].astype("str")
    frame["source"] = frame["source"].astype("str")
    frame["suspended"] = frame["suspended"].astype(bool)
    frame["is_sample"] = frame["is_sample"].astype(bool)
    frame["as_of"] = pd.Series(dtype="datetime64[ns, Asia/Shanghai]")
    frame["fetched_at"] = pd.Series(dtype="datetime64[ns, Asia/Shanghai]")
    return frame


def empty_bars() -> pd.DataFrame:
    """A bars frame with no rows and the contract's columns and dtypes."""
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in BAR_COLUMNS})
    for column in ("code", "adjust", "source"):
        frame[column] = frame[column].astype("str")
    frame["date"] = pd.Series(dtype="datetime64[ns]")
    frame["is_sample"] = frame["is_sample"].astype(bool)
    return frame


def finish_bars(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Cast to the bars contract, drop duplicate (code, date, adjust) rows, sort.

    Returns the frame and the number of duplicate rows dropped (the last one is kept).
    """
    if frame.empty:
        return empty_bars(), 0
    out = frame.loc[:, list(BAR_COLUMNS)].copy()
    out["date"] = pd.to_datetime(out["date"]).dt.normalize().astype("datetime64[ns]")
    for column in BAR_FLOAT_COLUMNS:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    for column in ("code", "adjust", "source"):
        out[column] = as_text(out[column])
    out["is_sample"] = out["is_sample"].astype(bool)
    before = len(out)
    out = out.drop_duplicates(subset=["code", "date", "adjust"], keep="last")
    dropped = before - len(out)
    out = out.sort_values(["code", "date"], kind="stable").reset_index(drop=True)
    return out, dropped


def finish_quotes(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Cast to the quotes contract and drop duplicate codes (the first one is kept)."""
    if frame.empty:
        return empty_quotes(), 0
    out = frame.loc[:, list(QUOTE_COLUMNS)].copy()
    for column in QUOTE_FLOAT_COLUMNS:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    for column in ("code", "name", "source"):
        out[column] = as_text(out[column])
    for column in ("suspended", "is_sample"):
        out[column] = out[column].astype(bool)
    for column in ("as_of", "fetched_at"):
        out[column] = pd.to_datetime(out[column]).astype("datetime64[ns, Asia/Shanghai]")
    before = len(out)
    out = out.drop_duplicates(subset=["code"], keep="first")
    dropped = before - len(out)
    return out.reset_index(drop=True), dropped
