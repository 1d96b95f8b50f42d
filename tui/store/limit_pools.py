"""The `limit_pool` table: Eastmoney's whole-market limit pools by session (issue 15).

A fetched pool replaces that session's rows of the same pool in one transaction, so a
re-fetch never leaves a mix of two fetches; a pool that failed is left as it was (old data is
shown as old, never wiped). Parameterised SQL only.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from tui.store.connection import immediate
from tui.store.store import Store

COLUMNS = (
    "session", "pool", "code", "name", "change_pct", "price", "amount", "turnover_rate",
    "float_cap", "streak", "first_seal", "last_seal", "opens", "down_streak", "industry",
    "seal_fund", "stats", "fetched_at", "source",
)  # fmt: skip
_INTS = {"streak", "opens", "down_streak"}


def _value(col: str, v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    if col in _INTS:
        return int(v)
    if hasattr(v, "item"):
        return v.item()
    return v


def write_limit_pools(store: Store, frame: pd.DataFrame) -> int:
    """Replace each (session, pool) present in ``frame`` with its rows; return rows written."""
    if frame is None or len(frame) == 0:
        return 0
    rows = [tuple(_value(c, v) for c, v in zip(COLUMNS, rec)) for rec in frame.loc[:, list(COLUMNS)].itertuples(index=False)]
    keys = sorted({(r[0], r[1]) for r in rows})
    placeholders = ", ".join("?" * len(COLUMNS))
    with immediate(store.conn):
        for session, pool in keys:
            store.conn.execute("DELETE FROM limit_pool WHERE session = ? AND pool = ?", (session, pool))
        store.conn.executemany(f"INSERT OR REPLACE INTO limit_pool ({', '.join(COLUMNS)}) VALUES ({placeholders})", rows)
    return len(rows)


def limit_pool_sessions(store: Store) -> list[date]:
    rows = store.conn.execute("SELECT DISTINCT session FROM limit_pool ORDER BY session").fetchall()
    return [date.fromisoformat(r[0]) for r in rows]


def read_limit_pools(store: Store, session: date | None = None) -> pd.DataFrame:
    """All pools of ``session`` (default: the newest session that has a 涨停 pool, else any)."""
    if session is None:
        row = store.conn.execute(
            "SELECT max(session) FROM limit_pool WHERE pool = 'zt'"
        ).fetchone() or (None,)
        if row[0] is None:
            row = store.conn.execute("SELECT max(session) FROM limit_pool").fetchone() or (None,)
        if row[0] is None:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
        key = row[0]
    else:
        key = session.isoformat()
    rows = store.conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM limit_pool WHERE session = ? ORDER BY pool, streak DESC, first_seal, code",
        (key,),
    ).fetchall()
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in ("change_pct", "price", "amount", "turnover_rate", "float_cap", "seal_fund"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    for col in _INTS:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    return frame
