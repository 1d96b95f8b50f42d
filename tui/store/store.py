"""The SQLite store: daily bars, latest quotes, the fetch log and a key/value meta table.

One :class:`Store` per thread (sqlite connections are not shared across threads). Every write
runs in a ``BEGIN IMMEDIATE`` transaction, so two processes or threads writing at once wait for
each other (up to the busy timeout) instead of failing with "database is locked".

Write rules ("never lose data"):

* upserts are idempotent: writing the same frame twice changes nothing the second time;
* a live row (``is_sample=0``) replaces a sample row for the same key; a sample row never
  replaces a live one;
* an empty frame is a no-op; bars without a close (suspended days) are dropped; a quote
  without a price keeps the last good figures for that code and is marked ``suspended``;
* a live quote older (``as_of``) than the stored live quote does not replace it.
"""

from __future__ import annotations

import json
from collections import OrderedDict
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tui.errors import ThemeTrackerError
import tui.store.frames as frames
import tui.store.sample as sample
from tui.store.connection import connect, immediate
from tui.store.schema import migrate, schema_version

DB_FILENAME = "theme-tracker.db"

#: Fetch-log entries older than this are pruned now and then.
FETCH_LOG_KEEP_DAYS = 30


class StoreError(ThemeTrackerError):
    """The store cannot be opened or used (bad file, unwritable directory)."""


@dataclass(frozen=True)
class WriteResult:
    """What an upsert did, counted in input rows."""

    inserted: int = 0
    updated: int = 0
    #: Rows that changed nothing: identical to the stored row, or not allowed to replace it
    #: (a sample row over a live one, a quote older than the stored one).
    unchanged: int = 0
    #: Rows dropped before writing: no code, no close (bars), no source.
    skipped: int = 0

    @property
    def changed(self) -> int:
        """Rows inserted or updated."""
        return self.inserted + self.updated


# --- SQL -------------------------------------------------------------------------------------

_BAR_INSERT_COLS = frames.BAR_STORE_COLUMNS
_BAR_OPTIONAL = ("open", "high", "low", "volume", "amount")


def _keep_if_null(col: str) -> str:
    """The new value, or the stored one when the new one is NULL and the source is the same
    (never mix one source's figures into another source's row)."""
    return (
        f"CASE WHEN excluded.{col} IS NULL AND bars.source_id = excluded.source_id "
        f"THEN bars.{col} ELSE excluded.{col} END"
    )


#: Rows per multi-row INSERT: 90 rows x 11 columns stays under SQLite's historical limit of
#: 999 parameters per statement, whatever SQLite the user's Python was built with.
BARS_PER_STATEMENT = 999 // len(_BAR_INSERT_COLS)

_BAR_ROW = f"({', '.join('?' * len(_BAR_INSERT_COLS))})"


def _upsert_bars_sql(rows: int) -> str:
    """The bars upsert for ``rows`` rows of values (a multi-row INSERT)."""
    return f"""
INSERT INTO bars ({", ".join(_BAR_INSERT_COLS)})
VALUES {", ".join([_BAR_ROW] * rows)}
ON CONFLICT (code, adjust, date) DO UPDATE SET
    {", ".join(f"{c} = {_keep_if_null(c)}" for c in _BAR_OPTIONAL)},
    close = excluded.close,
    source_id = excluded.source_id,
    is_sample = excluded.is_sample
WHERE (excluded.is_sample = 0 OR bars.is_sample = 1)
  AND (bars.close IS NOT excluded.close
       OR bars.source_id IS NOT excluded.source_id
       OR bars.is_sample IS NOT excluded.is_sample
       OR {" OR ".join(f"(excluded.{c} IS NOT NULL AND bars.{c} IS NOT excluded.{c})" for c in _BAR_OPTIONAL)})
"""


_UPSERT_BARS_MANY = _upsert_bars_sql(BARS_PER_STATEMENT)
_UPSERT_BARS_ONE = _upsert_bars_sql(1)

_ONE_CODE_SQL = f"SELECT {frames.ONE_CODE_SELECT} FROM bars WHERE code = ? AND adjust = ?"
_MANY_CODES_SQL = (
    f"SELECT {', '.join('bars.' + c.strip() for c in frames.MANY_CODES_SELECT.split(','))} FROM bars"
    " JOIN json_each(?) AS k ON bars.code = json_extract(k.value, '$[0]')"
    " AND bars.adjust = json_extract(k.value, '$[1]')"
)

#: How many single-code bar frames the read cache keeps.
BAR_CACHE_SIZE = 128

_Q_COLS = frames.QUOTE_COLUMNS
_Q_FIGURES = tuple(c for c in _Q_COLS if c not in ("code", "name", "checked_at"))

# A quote with a price: the whole row is replaced, so its figures share one source and as_of.
_UPSERT_PRICED_QUOTES = f"""
INSERT INTO quotes ({", ".join(_Q_COLS)}) VALUES ({", ".join("?" * len(_Q_COLS))})
ON CONFLICT (code) DO UPDATE SET
    name = COALESCE(excluded.name, quotes.name),
    {", ".join(f"{c} = excluded.{c}" for c in _Q_FIGURES)},
    checked_at = excluded.checked_at
WHERE (excluded.is_sample = 0 OR quotes.is_sample = 1)
  AND (quotes.is_sample = 1 OR quotes.as_of IS NULL OR excluded.as_of IS NULL
       OR excluded.as_of >= quotes.as_of)
  AND (quotes.name IS NOT COALESCE(excluded.name, quotes.name)
       OR {" OR ".join(f"quotes.{c} IS NOT excluded.{c}" for c in _Q_FIGURES if c != "fetched_at")})
"""

# A quote without a price (suspended, or the source had nothing): keep the last good figures,
# mark the code suspended. Inserted as-is when the code is new, so that its name still shows.
_UPSERT_UNPRICED_QUOTES = f"""
INSERT INTO quotes ({", ".join(_Q_COLS)}) VALUES ({", ".join("?" * len(_Q_COLS))})
ON CONFLICT (code) DO UPDATE SET
    name = COALESCE(excluded.name, quotes.name),
    suspended = 1,
    checked_at = excluded.checked_at
WHERE (excluded.is_sample = 0 OR quotes.is_sample = 1)
  AND (quotes.suspended = 0 OR quotes.name IS NOT COALESCE(excluded.name, quotes.name))
"""

_PRICE_INDEX = _Q_COLS.index("price")


#: Columns of the snapshots table (besides written_at), in order; the key comes first.
SNAPSHOT_KEY = ("session", "theme", "code")
SNAPSHOT_COLUMNS = (
    *SNAPSHOT_KEY, "name", "segment", "close", "change_pct", "amount", "turnover_rate",
    "market_cap", "ret_5d", "ret_20d", "limit_flag", "suspended", "as_of", "source", "stale",
    "is_sample",
)
_SNAPSHOT_REALS = ("close", "change_pct", "amount", "turnover_rate", "market_cap", "ret_5d", "ret_20d")
_SNAPSHOT_BOOLS = ("suspended", "stale", "is_sample")
_SNAPSHOT_VALUES = tuple(c for c in SNAPSHOT_COLUMNS if c not in SNAPSHOT_KEY)
_UPSERT_SNAPSHOT = f"""
INSERT INTO snapshots ({", ".join(SNAPSHOT_COLUMNS)}, written_at)
VALUES ({", ".join("?" * (len(SNAPSHOT_COLUMNS) + 1))})
ON CONFLICT (session, theme, code) DO UPDATE SET
    {", ".join(f"{c} = excluded.{c}" for c in _SNAPSHOT_VALUES)},
    written_at = excluded.written_at
WHERE {" OR ".join(f"snapshots.{c} IS NOT excluded.{c}" for c in _SNAPSHOT_VALUES)}
"""


def _snapshot_value(col: str, value: Any) -> Any:
    """A snapshot cell as SQLite stores it: NULL for missing, 0/1 for flags, ISO text for dates."""
    if col in _SNAPSHOT_BOOLS:
        return int(bool(value)) if value is not None and not (isinstance(value, float) and value != value) else 0
    if value is None or value is pd.NaT:
        return None
    if col in _SNAPSHOT_REALS:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return None if number != number else number
    if col == "session":
        return _date_text(value)
    if col == "as_of":
        if isinstance(value, str):
            return value
        return pd.Timestamp(value).isoformat()
    if isinstance(value, float) and value != value:
        return None
    return str(value)


def _date_text(value: date | datetime | str | pd.Timestamp | None) -> str | None:
    if value is None:
        return None
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _json_list(values: Iterable[str]) -> str:
    return json.dumps(list(values))


class Store:
    """The app's SQLite database. Open with :meth:`Store.open`; one instance per thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._bar_cache: OrderedDict[tuple, tuple[tuple[int, int], pd.DataFrame]] = OrderedDict()

    # --- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: str | Path, *, load_sample: bool = True) -> Store:
        """Open (creating if needed) ``<data_dir>/theme-tracker.db``: WAL, busy timeout,
        pending migrations, and the shipped sample bars if the store holds no bars yet."""
        directory = Path(data_dir).expanduser()
        path = directory / DB_FILENAME
        try:
            directory.mkdir(parents=True, exist_ok=True)
            conn = connect(path)
        except (OSError, sqlite3.Error) as exc:
            from tui.store.health import describe, kind_of

            if kind_of(exc) != "other":
                raise StoreError(describe(exc, directory)) from exc
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc
        store = cls(conn, path)
        try:
            migrate(conn)
            if load_sample:
                try:
                    store.load_sample()
                except OSError as exc:  # a broken install must not stop the app opening
                    store.set_meta("sample_error", f"{type(exc).__name__}: {exc}")
        except sqlite3.DatabaseError as exc:
            conn.close()
            from tui.store.health import describe

            raise StoreError(describe(exc, directory)) from exc
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The migration version of the open database."""
        return schema_version(self.conn)

    # --- sample ------------------------------------------------------------------------------

    def has_bars(self) -> bool:
        """True if any bar is stored."""
        return self.conn.execute("SELECT EXISTS (SELECT 1 FROM bars)").fetchone()[0] == 1

    def load_sample(self) -> WriteResult:
        """Load the shipped sample bars if the store holds no bars; record their as-of date and
        provenance in meta. A no-op (all zeros) when bars exist."""
        if self.has_bars():
            return WriteResult()
        with immediate(self.conn):
            if self.has_bars():  # another process got there first
                return WriteResult()
            result = self._write_bar_batch(frames.bar_batch_from_rows(sample.sample_bar_rows()))
            self.set_meta("sample_as_of", sample.SAMPLE_AS_OF)
            self.set_meta("sample_provenance", sample.SAMPLE_PROVENANCE)
            self.set_meta("sample_sources", [f"sample:{sample.STOCKS_FILE}", f"sample:{sample.INDICES_FILE}"])
        return result

    # --- bars --------------------------------------------------------------------------------

    def upsert_bars(self, bars: pd.DataFrame) -> WriteResult:
        """Insert or update daily bars (bars contract); see the module docstring for the rules."""
        batch = frames.bar_batch(bars)
        if not batch.n:
            return WriteResult(skipped=batch.skipped)
        with immediate(self.conn):
            return self._write_bar_batch(batch)

    def _write_bar_batch(self, batch: frames.BarBatch) -> WriteResult:
        """Upsert a prepared batch and stamp its series' fetch time; the caller holds the write
        transaction.

        Inserted rows are counted as the growth of the touched (code, adjust) ranges; updated
        ones as SQLite's change count minus those (an upsert whose WHERE fails is no change).
        """
        count_sql = (
            "SELECT count(*) FROM bars JOIN json_each(?) AS k "
            "ON bars.code = json_extract(k.value, '$[0]') AND bars.adjust = json_extract(k.value, '$[1]')"
        )
        keys = json.dumps(batch.pairs)
        before = self.conn.execute(count_sql, (keys,)).fetchone()[0]
        source_ids = self._source_ids(batch.sources)
        many, rest = batch.statement_params(source_ids, BARS_PER_STATEMENT)
        changes_before = self.conn.total_changes
        if many:
            self.conn.executemany(_UPSERT_BARS_MANY, many)
        if rest:
            self.conn.executemany(_UPSERT_BARS_ONE, rest)
        changed = self.conn.total_changes - changes_before
        inserted = self.conn.execute(count_sql, (keys,)).fetchone()[0] - before
        now = frames.now_iso()
        self.conn.executemany(
            "INSERT INTO bar_series (code, adjust, fetched_at) VALUES (?, ?, ?)"
            " ON CONFLICT (code, adjust) DO UPDATE SET fetched_at = excluded.fetched_at",
            [(code, adjust, now) for code, adjust in batch.pairs],
        )
        return WriteResult(inserted, changed - inserted, batch.n - changed, batch.skipped)

    def _source_ids(self, names: Sequence[str]) -> list[int]:
        """The ids of these source names, adding the new ones (inside a write transaction)."""
        self.conn.executemany("INSERT OR IGNORE INTO sources (name) VALUES (?)", [(n,) for n in names])
        ids = dict(self.conn.execute(
            "SELECT name, id FROM sources WHERE name IN (SELECT value FROM json_each(?))", (json.dumps(list(names)),)
        ).fetchall())
        return [ids[n] for n in names]

    def source_names(self) -> dict[int, str]:
        """Every bar source the store knows, by id."""
        return dict(self.conn.execute("SELECT id, name FROM sources").fetchall())

    def series_fetched_at(self, code: str, adjust: str = "qfq") -> str | None:
        """When a write last touched this stock's (or index's) stored bars (ISO text), or None."""
        if frames.is_index_code(code):
            adjust = "qfq"
        row = self.conn.execute(
            "SELECT fetched_at FROM bar_series WHERE code = ? AND adjust = ?", (code, adjust)
        ).fetchone()
        return row[0] if row else None

    def bars(
        self,
        code: str,
        adjust: str = "qfq",
        start: date | datetime | str | None = None,
        end: date | datetime | str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """One code's bars, oldest first; ``limit`` keeps the most recent N; start/end inclusive."""
        if frames.is_index_code(code):
            adjust = "qfq"
        key = (code, adjust, _date_text(start), _date_text(end), limit)
        version = self._data_version()
        hit = self._bar_cache.get(key)
        if hit is not None and hit[0] == version:
            self._bar_cache.move_to_end(key)
            # pandas 3 is copy-on-write: a shallow copy can be changed without touching ours.
            return hit[1].copy(deep=False)
        frame = self._read_bars(code, adjust, key[2], key[3], limit)
        self._bar_cache[key] = (version, frame)
        if len(self._bar_cache) > BAR_CACHE_SIZE:
            self._bar_cache.popitem(last=False)
        return frame.copy(deep=False)

    def _data_version(self) -> tuple[int, int]:
        """Changes when any connection commits (data_version: others; total_changes: ours)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes

    def _read_bars(
        self, code: str, adjust: str, start: str | None, end: str | None, limit: int | None
    ) -> pd.DataFrame:
        sql = _ONE_CODE_SQL
        params: list[Any] = [code, adjust]
        if start is not None:
            sql += " AND date >= ?"
            params.append(start)
        if end is not None:
            sql += " AND date <= ?"
            params.append(end)
        if limit is None:
            rows = self.conn.execute(sql + " ORDER BY date", params).fetchall()
        else:
            params.append(int(limit))
            rows = self.conn.execute(sql + " ORDER BY date DESC LIMIT ?", params).fetchall()
            rows.reverse()
        return frames.bars_frame(rows, self.source_names(), code, adjust)

    def bars_for(
        self,
        codes: Iterable[str],
        adjust: str = "qfq",
        start: date | datetime | str | None = None,
        end: date | datetime | str | None = None,
    ) -> pd.DataFrame:
        """Bars for several codes in long format, sorted by code and date."""
        keys = sorted({(c, "qfq" if frames.is_index_code(c) else adjust) for c in codes})
        if not keys:
            return frames.empty_bars()
        sql = _MANY_CODES_SQL
        params: list[Any] = [json.dumps(keys)]
        if start is not None:
            sql += " AND bars.date >= ?"
            params.append(_date_text(start))
        if end is not None:
            sql += " AND bars.date <= ?"
            params.append(_date_text(end))
        rows = self.conn.execute(sql + " ORDER BY bars.code, bars.date", params).fetchall()
        return frames.bars_frame(rows, self.source_names())

    def last_bar_date(self, code: str, adjust: str = "qfq") -> date | None:
        """The date of the newest stored bar for ``code``, or None."""
        if frames.is_index_code(code):
            adjust = "qfq"
        row = self.conn.execute(
            "SELECT max(date) FROM bars WHERE code = ? AND adjust = ?", (code, adjust)
        ).fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def bar_codes(self, adjust: str = "qfq") -> list[str]:
        """Every code with stored bars for ``adjust`` (indices included), sorted."""
        rows = self.conn.execute(
            "SELECT DISTINCT code FROM bars WHERE adjust = ? ORDER BY code", (adjust,)
        ).fetchall()
        return [r[0] for r in rows]

    # --- quotes ------------------------------------------------------------------------------

    def upsert_quotes(self, quotes: pd.DataFrame) -> WriteResult:
        """Insert or update latest quotes (quotes contract); see the module docstring."""
        rows, skipped = frames.quote_rows(quotes, frames.now_iso())
        if not rows:
            return WriteResult(skipped=skipped)
        priced = [r for r in rows if r[_PRICE_INDEX] is not None]
        unpriced = [r for r in rows if r[_PRICE_INDEX] is None]
        with immediate(self.conn):
            before = self.conn.execute("SELECT count(*) FROM quotes").fetchone()[0]
            changes_before = self.conn.total_changes
            if priced:
                self.conn.executemany(_UPSERT_PRICED_QUOTES, priced)
            if unpriced:
                self.conn.executemany(_UPSERT_UNPRICED_QUOTES, unpriced)
            changed = self.conn.total_changes - changes_before
            inserted = self.conn.execute("SELECT count(*) FROM quotes").fetchone()[0] - before
        return WriteResult(inserted, changed - inserted, len(rows) - changed, skipped)

    def latest_quotes(self, codes: Iterable[str] | None = None) -> pd.DataFrame:
        """The stored quote per code (all codes if None), sorted by code."""
        sql = f"SELECT {', '.join(_Q_COLS)} FROM quotes"
        params: tuple[Any, ...] = ()
        if codes is not None:
            sql += " WHERE code IN (SELECT value FROM json_each(?))"
            params = (_json_list(codes),)
        rows = self.conn.execute(sql + " ORDER BY code", params).fetchall()
        return frames.quotes_frame(rows)

    # --- fetch log ---------------------------------------------------------------------------

    def log_fetch(
        self,
        kind: str,
        code: str | None,
        ok: bool,
        error: BaseException | str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Record one fetch attempt (``kind`` e.g. "quotes", "bars"; ``code`` None for a
        whole-market fetch). Old entries are pruned now and then."""
        self.log_fetches([(kind, code, ok, error, at)])

    def log_fetches(
        self, entries: Sequence[tuple[str, str | None, bool, BaseException | str | None, datetime | None]]
    ) -> None:
        """Record many fetch attempts ``(kind, code, ok, error, at)`` in one transaction (a
        refresh of a thousand codes would otherwise commit a thousand times)."""
        if not entries:
            return
        now = frames.now_iso()
        times = frames.time_texts(pd.Series([e[4] for e in entries], dtype=object), len(entries), now)
        rows = []
        for (kind, code, ok, error, at), when in zip(entries, times):
            if isinstance(error, BaseException):
                error_class, message = type(error).__name__, str(error)
            elif error is not None:
                error_class, message = None, str(error)
            else:
                error_class = message = None
            rows.append((kind, code, int(bool(ok)), error_class, message, when if at else now))
        with immediate(self.conn):
            before = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM fetch_log").fetchone()[0]
            self.conn.executemany(
                "INSERT INTO fetch_log (kind, code, ok, error_class, error_message, at) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            if before // 500 != (before + len(rows)) // 500:  # prune now and then
                latest = max(r[5] for r in rows)
                cutoff = (pd.Timestamp(latest) - pd.Timedelta(days=FETCH_LOG_KEEP_DAYS)).isoformat(
                    timespec="milliseconds"
                )
                self.conn.execute("DELETE FROM fetch_log WHERE at < ?", (cutoff,))

    def last_fetch_errors(self, limit: int = 50) -> list[dict[str, Any]]:
        """Failures not yet followed by a success: the latest attempt per (kind, code) when it
        failed, newest first. Each item: kind, code, error_class, error_message, at (str)."""
        rows = self.conn.execute(
            """
            SELECT f.kind, f.code, f.error_class, f.error_message, f.at FROM fetch_log AS f
            WHERE f.ok = 0 AND f.id = (
                SELECT g.id FROM fetch_log AS g
                WHERE g.kind = f.kind AND g.code IS f.code
                ORDER BY g.at DESC, g.id DESC LIMIT 1)
            ORDER BY f.at DESC, f.id DESC LIMIT ?
            """,
            (int(limit),),
        ).fetchall()
        keys = ("kind", "code", "error_class", "error_message", "at")
        return [dict(zip(keys, r)) for r in rows]

    def bar_date_bounds(
        self, codes: Iterable[str] | None = None, adjust: str = "qfq"
    ) -> dict[str, tuple[date, date]]:
        """(first, last) stored bar date per code (indices are always read as "qfq"); codes
        without bars are absent. All codes with bars when ``codes`` is None.

        Two index seeks per code (min and max on the primary key), not a scan of the table."""
        if codes is None:
            codes = self.bar_codes(adjust)
            if adjust != "qfq":
                codes = [c for c in codes if not frames.is_index_code(c)]
        keys = sorted({(c, "qfq" if frames.is_index_code(c) else adjust) for c in codes})
        if not keys:
            return {}
        rows = self.conn.execute(
            "SELECT json_extract(k.value, '$[0]') AS c,"
            " (SELECT min(date) FROM bars WHERE code = json_extract(k.value, '$[0]')"
            "  AND adjust = json_extract(k.value, '$[1]')),"
            " (SELECT max(date) FROM bars WHERE code = json_extract(k.value, '$[0]')"
            "  AND adjust = json_extract(k.value, '$[1]'))"
            " FROM json_each(?) AS k",
            (json.dumps(keys),),
        ).fetchall()
        return {r[0]: (date.fromisoformat(r[1]), date.fromisoformat(r[2])) for r in rows if r[1]}

    def closes_for(
        self,
        codes: Iterable[str],
        adjust: str = "qfq",
        start: date | datetime | str | None = None,
        end: date | datetime | str | None = None,
    ) -> pd.DataFrame:
        """A lean, fast read of many codes' bars: columns ``code``, ``date``, ``close``,
        ``amount``, ``source``, ``is_sample`` (types as in the bars contract), sorted by code
        and date. Indices are read as "qfq". For whole-watchlist reads (the snapshot)."""
        wanted = sorted(set(codes))
        groups = [
            ([c for c in wanted if not frames.is_index_code(c)], adjust),
            ([c for c in wanted if frames.is_index_code(c)], "qfq"),
        ]
        rows: list[tuple] = []
        for group, adj in groups:
            for i in range(0, len(group), 10_000):
                chunk = group[i : i + 10_000]
                if not chunk:
                    continue
                sql = (
                    "SELECT code, date, close, amount, source_id, is_sample FROM bars"
                    f" WHERE adjust = ? AND code IN ({', '.join('?' * len(chunk))})"
                )
                params: list[Any] = [adj, *chunk]
                if start is not None:
                    sql += " AND date >= ?"
                    params.append(_date_text(start))
                if end is not None:
                    sql += " AND date <= ?"
                    params.append(_date_text(end))
                rows += self.conn.execute(sql + " ORDER BY code, date", params).fetchall()
        cols = list(zip(*rows)) if rows else [()] * 6
        return pd.DataFrame(
            {
                "code": pd.array(cols[0], dtype="str"),
                "date": pd.to_datetime(pd.Series(cols[1], dtype="str"), format="%Y-%m-%d").astype(frames.DATE_DTYPE),
                "close": np.array(cols[2], dtype="float64"),
                "amount": np.array(cols[3], dtype="float64"),
                "source": frames.source_texts(cols[4], self.source_names()),
                "is_sample": np.array(cols[5], dtype=bool),
            }
        )

    # --- snapshots ---------------------------------------------------------------------------

    def upsert_snapshot(self, rows: pd.DataFrame) -> WriteResult:
        """Insert or update snapshot rows, one per (session, theme, code); see
        :data:`SNAPSHOT_COLUMNS`. Idempotent: a row identical to the stored one changes nothing
        (not even ``written_at``). Rows of the session that are not in ``rows`` are kept."""
        if rows is None or not len(rows):
            return WriteResult()
        missing = [c for c in SNAPSHOT_KEY if c not in rows.columns]
        if missing:
            raise ValueError(f"snapshot rows lack column(s) {missing}")
        now = frames.now_iso()
        records: list[tuple] = []
        skipped = 0
        for rec in rows.to_dict("records"):
            if not rec.get("session") or not rec.get("theme") or not rec.get("code"):
                skipped += 1
                continue
            records.append(tuple(_snapshot_value(c, rec.get(c)) for c in SNAPSHOT_COLUMNS) + (now,))
        if not records:
            return WriteResult(skipped=skipped)
        with immediate(self.conn):
            before = self.conn.execute("SELECT count(*) FROM snapshots").fetchone()[0]
            changes_before = self.conn.total_changes
            self.conn.executemany(_UPSERT_SNAPSHOT, records)
            changed = self.conn.total_changes - changes_before
            inserted = self.conn.execute("SELECT count(*) FROM snapshots").fetchone()[0] - before
        return WriteResult(inserted, changed - inserted, len(records) - changed, skipped)

    def snapshot_rows(
        self,
        session: date | datetime | str | None = None,
        *,
        theme: str | None = None,
        code: str | None = None,
    ) -> pd.DataFrame:
        """Stored snapshot rows (SNAPSHOT_COLUMNS + written_at), filtered by session, theme
        and/or code, sorted by session, theme, code. ``session`` is a ``date`` column."""
        sql = f"SELECT {', '.join(SNAPSHOT_COLUMNS)}, written_at FROM snapshots WHERE 1 = 1"
        params: list[Any] = []
        for col, value in (("session", _date_text(session)), ("theme", theme), ("code", code)):
            if value is not None:
                sql += f" AND {col} = ?"
                params.append(value)
        rows = self.conn.execute(sql + " ORDER BY session, theme, code", params).fetchall()
        frame = pd.DataFrame(rows, columns=[*SNAPSHOT_COLUMNS, "written_at"])
        frame["session"] = [date.fromisoformat(v) for v in frame["session"]]
        for col in ("suspended", "stale", "is_sample"):
            frame[col] = frame[col].astype(bool)
        for col in _SNAPSHOT_REALS:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        return frame

    def snapshot_sessions(self) -> list[date]:
        """Sessions with stored snapshot rows, oldest first."""
        rows = self.conn.execute("SELECT DISTINCT session FROM snapshots ORDER BY session").fetchall()
        return [date.fromisoformat(r[0]) for r in rows]

    # --- meta --------------------------------------------------------------------------------

    def get_meta(self, key: str, default: Any = None) -> Any:
        """The JSON-decoded value stored under ``key``, or ``default``."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, key: str, value: Any) -> None:
        """Store ``value`` (JSON; dates and timestamps become ISO strings) under ``key``."""
        text = json.dumps(value, ensure_ascii=False, default=_json_default)
        with immediate(self.conn):
            self.conn.execute(
                "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, text, frames.now_iso()),
            )

    def trade_dates(self) -> list[date]:
        """meta "trade_dates" (filled by a refresh from akshare) as dates, for the calendar."""
        values = self.get_meta("trade_dates") or []
        return sorted({pd.Timestamp(v).date() for v in values})


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime, pd.Timestamp)):
        return value.isoformat()[:10] if type(value) is date else pd.Timestamp(value).isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in meta")
