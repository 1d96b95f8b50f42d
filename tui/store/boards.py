"""The boards cache: the last good board list of each kind, constituents and board indices.

A successful fetch replaces what it covers as a whole, in one transaction (a board that
Eastmoney dropped disappears from the list, a stock that left a board leaves its members); a
failed or empty fetch writes nothing, so the last good copy stays, with its fetch time.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from tui.domain.boards import BOARD_BAR_COLUMNS, BOARD_LIST_COLUMNS, MEMBER_COLUMNS, BoardKind
from tui.store.connection import immediate
from tui.store.store import Store


def _value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()  # type: ignore[union-attr]
    return value


def _rows(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[tuple[object, ...]]:
    return [tuple(_value(v) for v in row) for row in frame.loc[:, list(columns)].itertuples(index=False, name=None)]


def _record_fetch(store: Store, board: str, part: str, fetched_at: datetime, source: str) -> None:
    store.conn.execute(
        "INSERT INTO board_fetches (board, part, fetched_at, source) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (board, part) DO UPDATE SET fetched_at = excluded.fetched_at, source = excluded.source",
        (board, part, fetched_at.isoformat(timespec="seconds"), source),
    )


def fetched_at(store: Store, board: str, part: str) -> datetime | None:
    """When `part` ('list', 'members', 'bars') of `board` was last fetched, or None."""
    row = store.conn.execute(
        "SELECT fetched_at FROM board_fetches WHERE board = ? AND part = ?", (board, part)
    ).fetchone()
    return datetime.fromisoformat(row[0]) if row else None


def list_key(kind: BoardKind) -> str:
    return f"list:{kind}"


def save_board_list(store: Store, kind: BoardKind, boards: pd.DataFrame, at: datetime, source: str) -> int:
    """Replace the cached list of `kind` with `boards` (a non-empty normalized list)."""
    if boards.empty:
        return 0
    placeholders = ", ".join("?" * len(BOARD_LIST_COLUMNS))
    with immediate(store.conn):
        store.conn.execute("DELETE FROM boards WHERE kind = ?", (kind,))
        store.conn.executemany(
            f"INSERT INTO boards ({', '.join(BOARD_LIST_COLUMNS)}) VALUES ({placeholders})",
            _rows(boards.assign(kind=kind), BOARD_LIST_COLUMNS),
        )
        _record_fetch(store, list_key(kind), "list", at, source)
    return len(boards)


def read_board_list(store: Store, kinds: tuple[BoardKind, ...] = ("concept", "industry")) -> pd.DataFrame:
    """The cached boards of `kinds`, with a `fetched_at` column (the list's fetch time)."""
    marks = ", ".join("?" * len(kinds))
    frame = pd.read_sql_query(
        f"SELECT b.*, f.fetched_at FROM boards AS b JOIN board_fetches AS f"
        f" ON f.board = 'list:' || b.kind AND f.part = 'list'"
        f" WHERE b.kind IN ({marks}) ORDER BY b.kind, b.change_pct DESC, b.code",
        store.conn, params=list(kinds),
    )
    return frame


def save_members(store: Store, board: str, members: pd.DataFrame, at: datetime, source: str) -> int:
    """Replace the cached constituents of `board` (a non-empty normalized frame)."""
    if members.empty:
        return 0
    placeholders = ", ".join("?" * (len(MEMBER_COLUMNS) + 1))
    with immediate(store.conn):
        store.conn.execute("DELETE FROM board_members WHERE board = ?", (board,))
        store.conn.executemany(
            f"INSERT INTO board_members (board, {', '.join(MEMBER_COLUMNS)}) VALUES ({placeholders})",
            [(board, *row) for row in _rows(members, MEMBER_COLUMNS)],
        )
        _record_fetch(store, board, "members", at, source)
    return len(members)


def read_members(store: Store, board: str) -> pd.DataFrame:
    """The cached constituents of `board` in code order (empty if never fetched)."""
    frame = pd.read_sql_query(
        f"SELECT {', '.join(MEMBER_COLUMNS)} FROM board_members WHERE board = ? ORDER BY code",
        store.conn, params=[board],
    )
    return frame


def save_board_bars(store: Store, board: str, bars: pd.DataFrame, at: datetime, source: str) -> int:
    """Upsert a board's daily index bars (an empty frame writes nothing)."""
    if bars.empty:
        return 0
    rows = bars.loc[:, list(BOARD_BAR_COLUMNS)].copy()
    rows["date"] = pd.to_datetime(rows["date"]).dt.strftime("%Y-%m-%d")
    placeholders = ", ".join("?" * (len(BOARD_BAR_COLUMNS) + 1))
    updates = ", ".join(f"{c} = excluded.{c}" for c in BOARD_BAR_COLUMNS if c != "date")
    with immediate(store.conn):
        store.conn.executemany(
            f"INSERT INTO board_bars (board, {', '.join(BOARD_BAR_COLUMNS)}) VALUES ({placeholders})"
            f" ON CONFLICT (board, date) DO UPDATE SET {updates}",
            [(board, *row) for row in _rows(rows, BOARD_BAR_COLUMNS)],
        )
        _record_fetch(store, board, "bars", at, source)
    return len(rows)


def read_board_bars(store: Store, board: str) -> pd.DataFrame:
    """A board's cached daily index bars in date order (date as datetime64)."""
    frame = pd.read_sql_query(
        f"SELECT {', '.join(BOARD_BAR_COLUMNS)} FROM board_bars WHERE board = ? ORDER BY date",
        store.conn, params=[board],
    )
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    return frame
