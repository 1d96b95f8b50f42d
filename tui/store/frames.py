"""Conversions between the DataFrames of docs/data-contracts.md and SQLite rows.

Dates are stored as ``YYYY-MM-DD`` text and times as ISO 8601 text in Asia/Shanghai with a
fixed ``+08:00`` offset and millisecond precision, so that text order is time order (Shanghai
has had no daylight saving time since 1991). Formatting and parsing go through the unique
values only: a 250,000-row bar frame has ~250 distinct dates, a quote snapshot one or two
distinct times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from tui.domain.market import SHANGHAI

ADJUSTS = frozenset({"qfq", "hfq", "raw"})

BAR_COLUMNS: tuple[str, ...] = (
    "code", "date", "open", "high", "low", "close", "volume", "amount",
    "adjust", "source", "is_sample",
)  # fmt: skip
#: Column order of rows written to the bars table.
BAR_STORE_COLUMNS: tuple[str, ...] = (
    "code", "adjust", "date", "open", "high", "low", "close", "volume", "amount",
    "source_id", "is_sample",
)  # fmt: skip
BAR_FLOATS: tuple[str, ...] = ("open", "high", "low", "close", "volume", "amount")

QUOTE_FLOATS: tuple[str, ...] = (
    "price", "change", "change_pct", "volume", "amount", "turnover_rate", "market_cap",
    "open", "high", "low", "prev_close", "limit_up", "limit_down",
)  # fmt: skip
QUOTE_COLUMNS: tuple[str, ...] = (
    ("code", "name") + QUOTE_FLOATS
    + ("suspended", "as_of", "fetched_at", "source", "is_sample", "checked_at")
)  # fmt: skip

DATE_DTYPE = "datetime64[us]"


def now_iso() -> str:
    """The current time as stored: ISO 8601, Asia/Shanghai, milliseconds."""
    return datetime.now(SHANGHAI).isoformat(timespec="milliseconds")


def is_index_code(code: str) -> bool:
    """Index codes carry a market prefix (sh000300); stock codes are all digits."""
    return bool(code) and not code[0].isdigit()


# --- writing ---------------------------------------------------------------------------------


def _floats(df: pd.DataFrame, column: str) -> list[Any]:
    """A float column as a Python list (NaN binds as NULL in SQLite); all-NaN if absent."""
    if column not in df.columns:
        return [None] * len(df)
    return pd.to_numeric(df[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan).tolist()


def _texts(df: pd.DataFrame, column: str, default: str | None = None) -> list[Any]:
    if column not in df.columns:
        return [default] * len(df)
    values = df[column].to_numpy(dtype=object, na_value=None)
    return [default if v is None or v != v else str(v) for v in values]


def _bools(df: pd.DataFrame, column: str, default: bool = False) -> np.ndarray:
    if column not in df.columns:
        return np.full(len(df), default, dtype=bool)
    return df[column].fillna(default).astype(bool).to_numpy()


def _date_texts(values: pd.Series) -> list[str | None]:
    """Dates (datetime64, date objects or ISO strings) as YYYY-MM-DD, via the unique values."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    stamps = pd.to_datetime(pd.Series(uniques), format="mixed" if uniques.dtype == object else None)
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert(SHANGHAI).dt.tz_localize(None)
    texts = np.array(stamps.dt.strftime("%Y-%m-%d").tolist() + [None], dtype=object)
    return texts[codes].tolist()  # the sentinel -1 picks the trailing None


def time_texts(values: pd.Series | None, n: int, default: str | None) -> list[str | None]:
    """Times as stored ISO text; naive values are taken to be Asia/Shanghai wall time."""
    if values is None:
        return [default] * n
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out: list[str | None] = []
    for value in uniques:
        stamp = pd.Timestamp(value)
        stamp = stamp.tz_localize(SHANGHAI) if stamp.tzinfo is None else stamp.tz_convert(SHANGHAI)
        out.append(stamp.isoformat(timespec="milliseconds"))
    out.append(default)
    return np.array(out, dtype=object)[codes].tolist()


@dataclass(frozen=True)
class BarBatch:
    """Bars ready for the upsert: one row per bar in BAR_STORE_COLUMNS order, in an (n, 11)
    object array whose ``source_id`` column still holds the index of the bar's source in
    ``sources`` (the writer swaps in the ids the store gives those names), with what the writer
    needs to count inserts and stamp the series: the distinct (code, adjust) pairs."""

    table: np.ndarray
    sources: list[str]
    pairs: list[tuple[str, str]]
    skipped: int = 0

    @property
    def n(self) -> int:
        return len(self.table)

    def statement_params(self, source_ids: Sequence[int], per_statement: int) -> tuple[list[list[Any]], list[list[Any]]]:
        """Parameters for a multi-row INSERT of ``per_statement`` rows (one flat list per
        statement), and the rows left over, one list each. Binding many rows per statement
        costs a third less than one statement per row. The batch itself is left as it was."""
        table = self.table.copy()
        if len(self.sources) == 1:
            table[:, SOURCE_COLUMN] = int(source_ids[0])
        else:
            ids = np.empty(len(source_ids), dtype=object)
            ids[:] = [int(i) for i in source_ids]
            table[:, SOURCE_COLUMN] = ids[table[:, SOURCE_COLUMN].astype(np.intp)]
        full = len(table) // per_statement * per_statement
        width = per_statement * table.shape[1]
        return table[:full].reshape(-1, width).tolist(), table[full:].tolist()


#: Position of source_id in BAR_STORE_COLUMNS.
SOURCE_COLUMN = BAR_STORE_COLUMNS.index("source_id")


def _object_column(values: np.ndarray | list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def bar_batch(df: pd.DataFrame) -> BarBatch:
    """The ``bars`` upsert batch of a bars-contract frame.

    Rows without a close (a suspended day reported with NaN prices), a code, a date or a source
    are dropped (counted in ``skipped``): they carry no usable figure, and storing them could
    blank a good bar. Indices are not adjusted, so their bars are always keyed ``qfq`` whatever
    the source said; reads do the same. NaN figures are written as NULL.
    """
    missing = {"code", "date", "close", "adjust", "source"} - set(df.columns)
    if missing:
        raise ValueError(f"bars frame lacks column(s): {', '.join(sorted(missing))}")
    if df.empty:
        return BarBatch(np.empty((0, len(BAR_STORE_COLUMNS)), dtype=object), [], [], 0)
    closes = pd.to_numeric(df["close"], errors="coerce")
    keep = (closes.notna() & df["code"].notna() & df["date"].notna() & df["source"].notna()).to_numpy()
    skipped = int(len(df) - keep.sum())
    if skipped:
        df = df.loc[keep]
        if df.empty:
            return BarBatch(np.empty((0, len(BAR_STORE_COLUMNS)), dtype=object), [], [], skipped)
    code_idx, code_uniques = pd.factorize(df["code"])
    code_texts = np.array([str(c) for c in code_uniques], dtype=object)
    adj_idx, adj_uniques = pd.factorize(df["adjust"])
    adj_texts = np.array([str(a) for a in adj_uniques], dtype=object)
    bad = set(adj_texts) - ADJUSTS
    if bad:
        raise ValueError(f"unknown adjust value(s) {sorted(bad)}; expected qfq/hfq/raw")
    adjusts = adj_texts[adj_idx]
    index_mask = np.array([is_index_code(c) for c in code_texts], dtype=bool)[code_idx]
    if index_mask.any():
        adjusts = np.where(index_mask, "qfq", adjusts).astype(object)
    adj_idx, adj_uniques = pd.factorize(adjusts)
    pair_keys = np.unique(code_idx.astype(np.int64) * len(adj_uniques) + adj_idx)
    pairs = sorted(
        (str(code_texts[k // len(adj_uniques)]), str(adj_uniques[k % len(adj_uniques)])) for k in pair_keys
    )
    source_idx, source_uniques = pd.factorize(df["source"])
    table = np.empty((len(df), len(BAR_STORE_COLUMNS)), dtype=object)
    table[:, 0] = code_texts[code_idx]
    table[:, 1] = _object_column(adjusts)
    table[:, 2] = _object_column(_date_texts(df["date"]))
    for j, name in enumerate(BAR_FLOATS, start=3):
        table[:, j] = _object_column(_floats(df, name))
    table[:, SOURCE_COLUMN] = _object_column(source_idx.tolist())
    table[:, SOURCE_COLUMN + 1] = _object_column(_bools(df, "is_sample").astype(int).tolist())
    return BarBatch(table, [str(u) for u in source_uniques], pairs, skipped)


def bar_batch_from_rows(rows: Sequence[tuple]) -> BarBatch:
    """A batch of rows already in BAR_STORE_COLUMNS order with the source *name* in place of
    its id (the shipped sample, read with the csv module)."""
    table = np.empty((len(rows), len(BAR_STORE_COLUMNS)), dtype=object)
    if rows:
        table[:] = rows
    names = table[:, SOURCE_COLUMN].tolist()
    sources = list(dict.fromkeys(names))
    index = {name: i for i, name in enumerate(sources)}
    table[:, SOURCE_COLUMN] = _object_column([index[name] for name in names])
    pairs = sorted({(r[0], r[1]) for r in rows})
    return BarBatch(table, sources, pairs)


def quote_rows(df: pd.DataFrame, fetched_at: str) -> tuple[list[tuple], int]:
    """Rows for the ``quotes`` upsert (in QUOTE_COLUMNS order) and how many were dropped.

    A price that is NaN or not positive becomes NULL, and the row is marked suspended; the
    writer then keeps the last good figures for that code.
    """
    missing = {"code", "source"} - set(df.columns)
    if missing:
        raise ValueError(f"quotes frame lacks column(s): {', '.join(sorted(missing))}")
    if df.empty:
        return [], 0
    n = len(df)
    floats = {c: _floats(df, c) for c in QUOTE_FLOATS}
    prices = [p if p is not None and p == p and p > 0 else None for p in floats["price"]]
    floats["price"] = prices
    suspended = _bools(df, "suspended") | np.array([p is None for p in prices])
    fetched = time_texts(df["fetched_at"] if "fetched_at" in df.columns else None, n, fetched_at)
    as_of = time_texts(df["as_of"] if "as_of" in df.columns else None, n, None)
    columns = [
        _texts(df, "code"), _texts(df, "name"), *(floats[c] for c in QUOTE_FLOATS),
        suspended.astype(int).tolist(), as_of, fetched, _texts(df, "source"),
        _bools(df, "is_sample").astype(int).tolist(), repeat(fetched_at),
    ]  # fmt: skip
    kept = [r for r in zip(*columns) if r[0] and r[-3]]
    return kept, n - len(kept)


# --- reading ---------------------------------------------------------------------------------


def _str_array(values: Sequence[Any]) -> Any:
    """A pandas ``str`` array; a constant column is built by ``take`` (10x faster)."""
    values = list(values)
    if values and values.count(values[0]) == len(values) and values[0] is not None:
        return pd.array(values[:1], dtype="str").take(np.zeros(len(values), dtype=np.intp))
    return pd.array(values, dtype="str")


def _float_array(values: Sequence[Any]) -> np.ndarray:
    return np.array(values, dtype="float64")  # None becomes NaN


#: Columns selected for one code's bars (code and adjust are known constants).
ONE_CODE_SELECT = "date, open, high, low, close, volume, amount, source_id, is_sample"
#: Columns selected for several codes' bars.
MANY_CODES_SELECT = "code, adjust, " + ONE_CODE_SELECT


def source_texts(ids: Sequence[int], names: Mapping[int, str]) -> Any:
    """Source ids as a pandas ``str`` array of their names (via the distinct ids)."""
    codes, uniques = pd.factorize(np.asarray(ids, dtype=np.int64))
    texts = pd.array([names.get(int(u), f"source#{int(u)}") for u in uniques], dtype="str")
    return texts.take(codes)


def bars_frame(
    rows: Sequence[tuple], source_names: Mapping[int, str], code: str | None = None, adjust: str | None = None
) -> pd.DataFrame:
    """A bars-contract frame; ``source_names`` maps the stored source ids to their names.

    With ``code`` and ``adjust`` given, rows hold ONE_CODE_SELECT; otherwise MANY_CODES_SELECT.
    """
    if not rows:
        return empty_bars()
    cols = list(zip(*rows))
    n = len(rows)
    if code is None or adjust is None:
        codes, adjusts, cols = cols[0], cols[1], cols[2:]
    else:
        codes, adjusts = [code] * n, [adjust] * n
    data: dict[str, Any] = {
        "code": _str_array(codes),
        "date": np.array(cols[0], dtype="datetime64[D]").astype(DATE_DTYPE),
    }
    for i, name in enumerate(BAR_FLOATS, start=1):
        data[name] = _float_array(cols[i])
    data["adjust"] = _str_array(adjusts)
    data["source"] = source_texts(cols[7], source_names)
    data["is_sample"] = np.array(cols[8], dtype=bool)
    return pd.DataFrame(data, copy=False)


def empty_bars() -> pd.DataFrame:
    """A zero-row frame with the bars-contract columns and dtypes."""
    data: dict[str, Any] = {"code": _str_array([]), "date": np.array([], dtype=DATE_DTYPE)}
    data.update({c: np.array([], dtype="float64") for c in BAR_FLOATS})
    data.update(adjust=_str_array([]), source=_str_array([]), is_sample=np.array([], dtype=bool))
    return pd.DataFrame(data)


TIME_DTYPE = pd.DatetimeTZDtype("us", SHANGHAI)


def _times(values: Sequence[str | None]) -> pd.Series:
    """Stored ISO times as an aware Asia/Shanghai series (NaT for NULL), parsed per unique."""
    codes, uniques = pd.factorize(pd.Series(list(values), dtype=object), use_na_sentinel=True)
    parsed = pd.to_datetime(pd.Series(list(uniques) + [None], dtype=object), format="ISO8601", utc=True)
    parsed = parsed.dt.tz_convert(SHANGHAI).astype(TIME_DTYPE)
    return parsed.take(codes).reset_index(drop=True)  # -1 picks the trailing NaT


def quotes_frame(rows: Sequence[tuple]) -> pd.DataFrame:
    """A quotes-contract frame (plus ``checked_at``) from rows in QUOTE_COLUMNS order."""
    cols = list(zip(*rows)) if rows else [()] * len(QUOTE_COLUMNS)
    by_name = dict(zip(QUOTE_COLUMNS, cols))
    data: dict[str, Any] = {"code": _str_array(by_name["code"]), "name": _str_array(by_name["name"])}
    for name in QUOTE_FLOATS:
        data[name] = _float_array(by_name[name])
    data["suspended"] = np.array(by_name["suspended"], dtype=bool)
    for name in ("as_of", "fetched_at"):
        data[name] = _times(by_name[name])
    data["source"] = _str_array(by_name["source"])
    data["is_sample"] = np.array(by_name["is_sample"], dtype=bool)
    data["checked_at"] = _times(by_name["checked_at"])
    return pd.DataFrame(data)
