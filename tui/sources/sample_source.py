"""The offline source: the sample CSVs shipped in tui/data/sample (see PROVENANCE.md there).

Everything it returns is marked `is_sample=True`. The stock file holds forward-adjusted (qfq)
bars only, so raw bars are reported as an empty result rather than mislabelled. Index codes in
the CSV are bare (000300); they are returned with their market prefix (sh000300).
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from tui import paths
from tui.domain.codes import CodeError, parse_code
from tui.sources.base import (
    Adjust, Failure, FailureKind, FetchResult, empty_bars, finish_bars, finish_quotes,
)
from tui.sources.normalize import SHANGHAI, quote_from_bars, trade_dates_frame

STOCK_FILE_GLOB = "a_share_daily_qfq_*.csv"
INDEX_FILE_GLOB = "index_daily_*.csv"
INDEX_PREFIX = {"000300": "sh000300", "399006": "sz399006"}
STOCK_SOURCE = "sample:tushare-qfq"
INDEX_SOURCE = "sample:index"


def _read(directory: Path, pattern: str) -> pd.DataFrame:
    frames = [pd.read_csv(p, dtype={"code": "str"}) for p in sorted(directory.glob(pattern))]
    if not frames:
        return pd.DataFrame(columns=["code", "date", "open", "high", "low", "close", "volume"])
    return pd.concat(frames, ignore_index=True)


class SampleSource:
    """MarketSource over the shipped sample CSVs; no network, no akshare."""

    name = "sample"

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else paths.SAMPLE_DATA_DIR
        self._lock = threading.Lock()
        self._stocks: pd.DataFrame | None = None
        self._indices: pd.DataFrame | None = None

    def _load(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        with self._lock:
            if self._stocks is None or self._indices is None:
                stocks = _read(self.directory, STOCK_FILE_GLOB)
                stocks["code"] = stocks["code"].str.zfill(6)
                self._stocks = self._to_bars(stocks, "qfq", STOCK_SOURCE)
                indices = _read(self.directory, INDEX_FILE_GLOB)
                indices["code"] = indices["code"].str.zfill(6).map(lambda c: INDEX_PREFIX.get(c, c))
                self._indices = self._to_bars(indices, "raw", INDEX_SOURCE)
            return self._stocks, self._indices

    @staticmethod
    def _to_bars(frame: pd.DataFrame, adjust: str, source: str) -> pd.DataFrame:
        out = frame.assign(
            date=pd.to_datetime(frame["date"]), amount=float("nan"), adjust=adjust,
            source=source, is_sample=True,
        )
        bars, _ = finish_bars(out)
        return bars

    @property
    def codes(self) -> list[str]:
        """Stock codes present in the sample."""
        return sorted(self._load()[0]["code"].unique().tolist())

    def fetch_quotes(self, codes: list[str]) -> FetchResult:
        """The last sample close of each code as its quote (as of that session's close)."""
        stocks, _ = self._load()
        fetched_at = datetime.now(SHANGHAI)
        rows, failures = [], []
        for code in dict.fromkeys(codes):
            bars = stocks.loc[stocks["code"] == code]
            if bars.empty:
                failures.append(Failure(code, FailureKind.UNKNOWN_CODE, "unknown code", "sample", "not in the sample data"))
                continue
            row = quote_from_bars(code, bars.tail(2), fetched_at, "sample")
            row.update(source=STOCK_SOURCE, is_sample=True)
            rows.append(row)
        frame, dropped = finish_quotes(pd.DataFrame(rows))
        return FetchResult(frame, failures, STOCK_SOURCE, [], dropped)

    def fetch_bars(self, code: str, start: date, end: date, adjust: Adjust = "qfq") -> FetchResult:
        """Sample bars of `code` in [start, end]; the sample holds qfq bars only."""
        try:
            parse_code(code)
        except CodeError as exc:
            return FetchResult(empty_bars(), [Failure(code, FailureKind.UNKNOWN_CODE, "unknown code", "sample", str(exc))], self.name)
        stocks, _ = self._load()
        if adjust != "qfq":
            failure = Failure(code, FailureKind.EMPTY, "empty result: the sample has qfq bars only", "sample")
            return FetchResult(empty_bars(), [failure], self.name)
        return self._slice(stocks, code, start, end, STOCK_SOURCE)

    def fetch_index_bars(self, symbol: str, start: date, end: date) -> FetchResult:
        """Sample index bars (sh000300, sz399006) in [start, end]."""
        _, indices = self._load()
        return self._slice(indices, symbol, start, end, INDEX_SOURCE)

    def fetch_trade_dates(self) -> FetchResult:
        """The sessions of the sample's CSI 300 file (the sample's own trading calendar)."""
        _, indices = self._load()
        dates = indices.loc[indices["code"] == "sh000300", "date"]
        return FetchResult(trade_dates_frame(dates), [], INDEX_SOURCE)

    def _slice(self, frame: pd.DataFrame, code: str, start: date, end: date, source: str) -> FetchResult:
        rows = frame.loc[frame["code"] == code]
        if rows.empty:
            return FetchResult(empty_bars(), [Failure(code, FailureKind.UNKNOWN_CODE, "unknown code", "sample", "not in the sample data")], self.name)
        mask = (rows["date"] >= pd.Timestamp(start)) & (rows["date"] <= pd.Timestamp(end))
        return FetchResult(rows.loc[mask].reset_index(drop=True), [], source)
