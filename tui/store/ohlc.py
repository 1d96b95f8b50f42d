"""A lean read of many codes' open/high/low/close for the ladder (the snapshot's 1,000 stocks).

``Store.bars_for`` joins a JSON key list and builds the full bars contract (source names,
volume, amount): about four times slower than this for a whole watchlist. The ladder needs
only prices, so this reads code, date, open, high, low, close with a plain ``IN (...)``
(chunks of 10,000 parameters), sorted by code and date. Parameterised SQL only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from tui.store import frames
from tui.store.store import Store


def ohlc_for(store: Store, codes: Iterable[str], *, adjust: str = "qfq", start: date | None = None, end: date | None = None) -> pd.DataFrame:
    wanted = sorted({c for c in codes if not frames.is_index_code(c)})
    rows: list[tuple] = []
    for i in range(0, len(wanted), 10_000):
        chunk = wanted[i : i + 10_000]
        sql = f"SELECT code, date, open, high, low, close FROM bars WHERE adjust = ? AND code IN ({', '.join('?' * len(chunk))})"
        params: list[object] = [adjust, *chunk]
        if start is not None:
            sql += " AND date >= ?"
            params.append(start.isoformat())
        if end is not None:
            sql += " AND date <= ?"
            params.append(end.isoformat())
        rows += store.conn.execute(sql + " ORDER BY code, date", params).fetchall()
    cols = list(zip(*rows)) if rows else [()] * 6
    return pd.DataFrame(
        {
            "code": frames._str_array(cols[0]),
            "date": np.array(cols[1], dtype="datetime64[D]").astype(frames.DATE_DTYPE),
            "open": np.array(cols[2], dtype="float64"),
            "high": np.array(cols[3], dtype="float64"),
            "low": np.array(cols[4], dtype="float64"),
            "close": np.array(cols[5], dtype="float64"),
        }
    )
