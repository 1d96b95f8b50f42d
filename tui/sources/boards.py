"""Eastmoney concept and industry boards (概念板块 / 行业板块) through akshare.

Three fetches, each through the same call machinery as quotes and bars (deadline, retries,
concurrency gate, breaker: `AkshareSource._call`), each returning a FetchResult that never
raises for an upstream problem:

* the board list: name, BK code, move, breadth and leading stock of every board of a kind;
* a board's constituents (成分股) with their quotes (akshare pages through 100 rows a request);
* a board's own daily index.

Fallback chains (reference §3.5, §3.6). Eastmoney is the only upstream that still gives
constituent lists (THS's were removed from akshare, #5955), so the list and the constituents
fall back to the copy cached in SQLite, marked with its as-of time (tui.jobs.boards). The
concept index falls back to THS `stock_board_concept_index_ths` by board name, the industry
index to `stock_board_industry_index_ths`.

akshare caches the concept list for the life of the process (§2.9): it is cleared before every
list fetch, or a long-running app would show the first snapshot's moves forever.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from tui.domain.boards import BK_RE, BOARD_BAR_COLUMNS, BOARD_LIST_COLUMNS, MEMBER_COLUMNS, BoardKind
from tui.sources.base import ALL_CODES, Failure, FailureKind, FetchResult, SourceError, as_text
from tui.sources.calls import RetryPolicy
from tui.sources.classify import one_line
from tui.sources.schema import Kind, to_number, validate_frame


_LIST_FUNCTIONS: dict[BoardKind, str] = {
    "concept": "stock_board_concept_name_em",
    "industry": "stock_board_industry_name_em",
}
_MEMBER_FUNCTIONS: dict[BoardKind, str] = {
    "concept": "stock_board_concept_cons_em",
    "industry": "stock_board_industry_cons_em",
}
_HIST_FUNCTIONS: dict[BoardKind, tuple[str, str]] = {
    "concept": ("stock_board_concept_hist_em", "stock_board_concept_index_ths"),
    "industry": ("stock_board_industry_hist_em", "stock_board_industry_index_ths"),
}

#: The columns the adapter reads from each function, with the kind each must hold.
BOARD_EXPECTED: dict[str, dict[str, Kind]] = {
    "board_list": {
        "板块名称": "text", "板块代码": "text", "最新价": "number", "涨跌幅": "number",
        "总市值": "number", "换手率": "number", "上涨家数": "number", "下跌家数": "number",
        "领涨股票": "text", "领涨股票-涨跌幅": "number",
    },
    "members": {
        "代码": "text", "名称": "text", "最新价": "number", "涨跌幅": "number",
        "成交额": "number", "换手率": "number",
    },
    "hist_em": {
        "日期": "date", "开盘": "number", "收盘": "number", "最高": "number", "最低": "number",
        "成交额": "number",
    },
    "hist_ths": {
        "日期": "date", "开盘价": "number", "最高价": "number", "最低价": "number",
        "收盘价": "number", "成交额": "number",
    },
}


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def empty_board_list() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in BOARD_LIST_COLUMNS})
    for column in ("kind", "code", "name", "leader_name"):
        frame[column] = frame[column].astype("str")
    return frame


def empty_members() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in MEMBER_COLUMNS})
    for column in ("code", "name"):
        frame[column] = frame[column].astype("str")
    return frame


def empty_board_bars() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in BOARD_BAR_COLUMNS})
    frame["date"] = pd.Series(dtype="datetime64[ns]")
    return frame


def board_list_from_frame(frame: pd.DataFrame, kind: BoardKind) -> pd.DataFrame:
    """Normalize `stock_board_{concept,industry}_name_em` output (validated)."""
    if frame.empty:
        return empty_board_list()
    out = pd.DataFrame({
        "kind": kind,
        "code": as_text(frame["板块代码"]).str.strip(),
        "name": as_text(frame["板块名称"]).str.strip(),
        "price": to_number(frame["最新价"]),
        "change_pct": to_number(frame["涨跌幅"]),
        "up_count": to_number(frame["上涨家数"]),
        "down_count": to_number(frame["下跌家数"]),
        "leader_name": as_text(frame["领涨股票"]),
        "leader_change_pct": to_number(frame["领涨股票-涨跌幅"]),
        "market_cap": to_number(frame["总市值"]),
        "turnover_rate": to_number(frame["换手率"]),
    })
    out = out[out["code"].str.match(BK_RE.pattern, na=False)]
    return out.drop_duplicates("code").reset_index(drop=True)


def members_from_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Normalize `stock_board_{concept,industry}_cons_em` output (validated): one row per code,
    in ascending code order (akshare sorts by the day's move, which changes every minute)."""
    if frame.empty:
        return empty_members()
    out = pd.DataFrame({
        "code": as_text(frame["代码"]).str.strip(),
        "name": as_text(frame["名称"]).str.strip(),
        "price": to_number(frame["最新价"]),
        "change_pct": to_number(frame["涨跌幅"]),
        "amount": to_number(frame["成交额"]),
        "turnover_rate": to_number(frame["换手率"]),
    })
    out = out[out["code"].str.fullmatch(r"\d{6}", na=False)]
    return out.drop_duplicates("code").sort_values("code", kind="stable").reset_index(drop=True)


def board_bars_from_frame(frame: pd.DataFrame, function: str) -> pd.DataFrame:
    """Normalize a board's daily index (Eastmoney or THS columns) to date/open/high/low/close/amount."""
    if frame.empty:
        return empty_board_bars()
    if function.endswith("_ths"):
        names = {"日期": "date", "开盘价": "open", "最高价": "high", "最低价": "low", "收盘价": "close", "成交额": "amount"}
    else:
        names = {"日期": "date", "开盘": "open", "最高": "high", "最低": "low", "收盘": "close", "成交额": "amount"}
    out = frame.loc[:, list(names)].rename(columns=names)
    out["date"] = pd.to_datetime(out["date"].astype("str"), format="mixed").dt.normalize().astype("datetime64[ns]")
    for column in ("open", "high", "low", "close", "amount"):
        out[column] = to_number(out[column])
    out = out[out["close"].notna()]
    return out.drop_duplicates("date", keep="last").sort_values("date").reset_index(drop=True)


#: Eastmoney's board lists and constituents page through `fetch_paginated_data`, which already
#: tries each request 3 times (the concept list on 3 hosts: 9 attempts, about 16 s offline);
#: they are not retried again on top (only a rate limit is, once).
NO_OUTER_RETRY = RetryPolicy(attempts={FailureKind.RATE_LIMIT: 2})


class AkshareBoards:
    """Board fetches over an `AkshareSource` (its deadlines, retries, gate and breaker)."""

    name = "akshare"

    def __init__(self, source: Any) -> None:
        self.source = source

    def _failure(self, code: str, error: SourceError, call: str) -> Failure:
        return Failure(code, error.kind, error.message, call, one_line(error.detail, 300))

    def fetch_board_list(self, kind: BoardKind) -> FetchResult:
        """Every board of `kind` with its move, breadth and leading stock."""
        function = _LIST_FUNCTIONS[kind]
        self.source.clear_stale_caches()
        try:
            raw = self.source._call(function, bulk=True, per_code=False, retry=NO_OUTER_RETRY)
            frame = validate_frame(raw, function, BOARD_EXPECTED["board_list"])
        except SourceError as error:
            return FetchResult(empty_board_list(), [self._failure(ALL_CODES, error, function)], self.name)
        boards = board_list_from_frame(frame, kind)
        if boards.empty:
            failure = Failure(ALL_CODES, FailureKind.EMPTY, "empty result", function)
            return FetchResult(boards, [failure], self.name)
        return FetchResult(boards, [], f"akshare:{function}")

    def fetch_board_members(self, kind: BoardKind, board_code: str) -> FetchResult:
        """The constituents of one board (by BK code), with their quotes."""
        function = _MEMBER_FUNCTIONS[kind]
        try:
            raw = self.source._call(function, symbol=board_code, bulk=True, retry=NO_OUTER_RETRY)
            frame = validate_frame(raw, function, BOARD_EXPECTED["members"])
        except SourceError as error:
            return FetchResult(empty_members(), [self._failure(board_code, error, function)], self.name)
        members = members_from_frame(frame)
        if members.empty:
            failure = Failure(board_code, FailureKind.EMPTY, "empty result", function)
            return FetchResult(members, [failure], self.name)
        return FetchResult(members, [], f"akshare:{function}")

    def fetch_board_history(self, kind: BoardKind, board_code: str, start: date, end: date, *, name: str = "") -> FetchResult:
        """A board's daily index in [start, end]: Eastmoney by BK code, then THS by name."""
        primary, fallback = _HIST_FUNCTIONS[kind]
        first: SourceError | None = None
        for function in (primary, fallback):
            try:
                if function == primary:
                    if kind == "concept":
                        raw = self.source._call(function, symbol=board_code, period="daily",
                                                start_date=_ymd(start), end_date=_ymd(end), adjust="")
                    else:
                        raw = self.source._call(function, symbol=board_code, start_date=_ymd(start),
                                                end_date=_ymd(end), period="日k", adjust="")
                    frame = validate_frame(raw, function, BOARD_EXPECTED["hist_em"])
                else:
                    if not name:
                        break
                    raw = self.source._call(function, symbol=name, start_date=_ymd(start), end_date=_ymd(end))
                    frame = validate_frame(raw, function, BOARD_EXPECTED["hist_ths"])
            except SourceError as error:
                first = first or error
                continue
            bars = board_bars_from_frame(frame, function)
            bars = bars[(bars["date"] >= pd.Timestamp(start)) & (bars["date"] <= pd.Timestamp(end))].reset_index(drop=True)
            notes = [f"{board_code}: {primary} failed ({first.message}); used {function}"] if first else []
            return FetchResult(bars, [], f"akshare:{function}", notes)
        assert first is not None
        return FetchResult(empty_board_bars(), [self._failure(board_code, first, f"{primary} → {fallback}")], self.name)


def boards_of(source: Any) -> Any | None:
    """The board fetcher of a market source, or None when the source has no boards (the
    shipped sample). A source may provide its own (`source.boards()`), as test fakes do."""
    own = getattr(source, "boards", None)
    if callable(own):
        return own()
    if hasattr(source, "_call") and hasattr(source, "clear_stale_caches"):
        return AkshareBoards(source)
    return None
