"""Expected akshare 1.19.5 output columns (reference §3) and the check run before normalizing.

Eastmoney columns are assigned by position, so an upstream change can shift values into the
wrong columns without any error. `validate_frame` therefore checks names *and* kinds: a
missing column is reported by name, a numeric column holding text (a shift) is a schema error,
extra columns are tolerated. Only a validated frame is normalized and stored.
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import pandas as pd

from tui.sources.base import FailureKind, SourceError

Kind = Literal["text", "number", "date"]

#: The columns each akshare function returns, with the kind each must hold. Only the columns
#: the adapter reads are listed; the rest of the output is ignored (and may change freely).
EXPECTED: dict[str, dict[str, Kind]] = {
    "stock_zh_a_spot_em": {
        "代码": "text", "名称": "text", "最新价": "number", "涨跌幅": "number",
        "涨跌额": "number", "成交量": "number", "成交额": "number", "最高": "number",
        "最低": "number", "今开": "number", "昨收": "number", "换手率": "number",
        "总市值": "number",
    },
    "stock_zh_a_spot": {
        "代码": "text", "名称": "text", "最新价": "number", "涨跌额": "number",
        "涨跌幅": "number", "昨收": "number", "今开": "number", "最高": "number",
        "最低": "number", "成交量": "number", "成交额": "number",
    },
    "stock_bid_ask_em": {"item": "text", "value": "number"},
    "stock_zh_a_hist": {
        "日期": "date", "开盘": "number", "收盘": "number", "最高": "number", "最低": "number",
        "成交量": "number", "成交额": "number",
    },
    "stock_zh_a_hist_tx": {
        "date": "date", "open": "number", "close": "number", "high": "number", "low": "number",
        "volume": "number", "amount": "number",
    },
    "stock_hk_hist": {
        "日期": "date", "开盘": "number", "收盘": "number", "最高": "number", "最低": "number",
        "成交量": "number", "成交额": "number", "涨跌幅": "number", "涨跌额": "number",
        "换手率": "number",
    },
    "stock_hk_daily": {
        "date": "date", "open": "number", "high": "number", "low": "number", "close": "number",
        "volume": "number",
    },
    "stock_hk_spot_em": {
        "代码": "text", "名称": "text", "最新价": "number", "涨跌额": "number",
        "涨跌幅": "number", "今开": "number", "最高": "number", "最低": "number",
        "昨收": "number", "成交量": "number", "成交额": "number",
    },
    "stock_zh_index_daily_em": {
        "date": "date", "open": "number", "close": "number", "high": "number", "low": "number",
        "volume": "number", "amount": "number",
    },
    "stock_zh_index_daily_tx": {
        "date": "date", "open": "number", "close": "number", "high": "number", "low": "number",
        "amount": "number",
    },
    "index_zh_a_hist": {
        "日期": "date", "开盘": "number", "收盘": "number", "最高": "number", "最低": "number",
        "成交量": "number", "成交额": "number",
    },
    "tool_trade_date_hist_sina": {"trade_date": "date"},
    # ---- Eastmoney's limit-up pools (akshare/stock_feature/stock_ztb_em.py; issue 15)
    "stock_zt_pool_em": {
        "代码": "text", "名称": "text", "涨跌幅": "number", "最新价": "number", "成交额": "number",
        "流通市值": "number", "换手率": "number", "封板资金": "number", "首次封板时间": "text",
        "最后封板时间": "text", "炸板次数": "number", "涨停统计": "text", "连板数": "number",
        "所属行业": "text",
    },
    "stock_zt_pool_previous_em": {
        "代码": "text", "名称": "text", "涨跌幅": "number", "最新价": "number", "成交额": "number",
        "昨日封板时间": "text", "昨日连板数": "number", "所属行业": "text",
    },
    "stock_zt_pool_zbgc_em": {
        "代码": "text", "名称": "text", "涨跌幅": "number", "最新价": "number", "涨停价": "number",
        "成交额": "number", "首次封板时间": "text", "炸板次数": "number", "所属行业": "text",
    },
    "stock_zt_pool_dtgc_em": {
        "代码": "text", "名称": "text", "涨跌幅": "number", "最新价": "number", "成交额": "number",
        "最后封板时间": "text", "连续跌停": "number", "开板次数": "number", "所属行业": "text",
    },
}

#: Rows `stock_bid_ask_em` returns in its `item` column; those the adapter needs.
BID_ASK_ITEMS: tuple[str, ...] = (
    "最新", "涨幅", "涨跌", "总手", "金额", "换手", "最高", "最低", "今开", "昨收", "涨停", "跌停",
)

# Eastmoney sends "-" for missing numbers; stock_bid_ask_em multiplies it by 100 (a string of
# 100 dashes). Such placeholders mean "missing", not "the column changed".
_PLACEHOLDER = re.compile(r"^\s*(-+|--|—+|None|nan|NaN|)\s*$")


def is_placeholder(value: object) -> bool:
    """True for the strings upstreams use for a missing number ("-", 100 dashes, "")."""
    return isinstance(value, str) and bool(_PLACEHOLDER.match(value))


def to_number(series: pd.Series) -> pd.Series:
    """Numbers as float64, with placeholder strings (and anything non-numeric) as NaN."""
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _bad_numbers(series: pd.Series) -> list[object]:
    """Values that are not numbers. akshare runs `pd.to_numeric` on every numeric column, so
    text here, even text that looks numeric ("000001"), means the columns moved. Placeholders
    ("-", 100 dashes) are tolerated: they are stock_bid_ask_em's missing values."""
    if pd.api.types.is_bool_dtype(series):
        return list(series.head(1))
    if pd.api.types.is_numeric_dtype(series):
        return []
    return [
        v for v in series.dropna().tolist()
        if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) and not is_placeholder(v)
    ]


def _bad_dates(series: pd.Series) -> list[object]:
    if pd.api.types.is_datetime64_any_dtype(series):
        return []
    if pd.api.types.is_numeric_dtype(series):
        return list(series.head(1))
    values = series.dropna()
    parsed = pd.to_datetime(values.astype("str"), errors="coerce", format="mixed")
    return values[parsed.isna()].tolist()


def validate_frame(frame: object, function: str, expected: dict[str, Kind] | None = None) -> pd.DataFrame:
    """Check an akshare frame before it is normalized; raise SourceError when it is unusable.

    EMPTY for None or a frame without rows (akshare's `pd.DataFrame()` has no columns, so it
    is checked first); SCHEMA for missing columns (by name) or a column of the wrong kind.
    """
    spec = expected if expected is not None else EXPECTED[function]
    if frame is None:
        raise SourceError(FailureKind.EMPTY, "empty result", f"{function} returned None")
    if not isinstance(frame, pd.DataFrame):
        raise SourceError(
            FailureKind.SCHEMA,
            f"source changed its output: {function} returned {type(frame).__name__}",
        )
    if frame.empty:
        raise SourceError(FailureKind.EMPTY, "empty result", f"{function}: {len(frame.columns)} columns, 0 rows")
    columns = [str(c) for c in frame.columns]
    missing = [name for name in spec if name not in columns]
    if missing:
        raise SourceError(
            FailureKind.SCHEMA,
            f"source changed its columns: missing {', '.join(missing)}",
            f"{function} returned columns {columns}",
        )
    if len(set(columns)) != len(columns):
        dup = sorted({c for c in columns if columns.count(c) > 1})
        raise SourceError(FailureKind.SCHEMA, f"source changed its columns: duplicate {', '.join(dup)}")
    for name, kind in spec.items():
        series = frame[name]
        if kind == "number":
            bad = _bad_numbers(series)
        elif kind == "date":
            bad = _bad_dates(series)
        else:
            bad = [] if pd.api.types.is_string_dtype(series) or series.isna().all() else list(series.head(1))
        if bad:
            raise SourceError(
                FailureKind.SCHEMA,
                f"source changed its columns: {name} is not {kind} (e.g. {str(bad[0])[:20]!r})",
                f"{function}.{name} dtype {series.dtype}",
            )
    return frame


def validate_bid_ask(frame: object) -> dict[str, float]:
    """Validate `stock_bid_ask_em` output and return its items as {item: float or NaN}."""
    validate_frame(frame, "stock_bid_ask_em")
    assert isinstance(frame, pd.DataFrame)
    items = [str(i) for i in frame["item"].tolist()]
    missing = [name for name in BID_ASK_ITEMS if name not in items]
    if missing:
        raise SourceError(
            FailureKind.SCHEMA,
            f"source changed its columns: missing {', '.join(missing)}",
            f"stock_bid_ask_em items {items}",
        )
    values = to_number(frame["value"])
    return dict(zip(items, values.tolist(), strict=True))
