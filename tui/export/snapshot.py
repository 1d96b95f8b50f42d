"""The daily snapshot: every theme's stocks, theme figures, indicators and catalysts for one
trading session, built from the local store and the project's YAML files (no network).

Headless and pure apart from reading the store: :func:`build_snapshot` returns a
:class:`Snapshot`; :func:`render_files` turns it into bytes; :func:`write_session_folder` writes them
atomically; :func:`take_snapshot` does all of it and records the rows in the store's
``snapshots`` table. Never imports Textual.

Replay rules (which figures a snapshot of session D shows)
----------------------------------------------------------
* Bars: the stored forward-adjusted (qfq) daily bars up to and including D. Bars after D are
  never read, so a snapshot of 2025-03-14 shows that day's closes even when the store holds
  later history.
* Quotes: a stored quote is used only when its ``as_of`` falls on D (Shanghai date); a quote
  from another day (newer or older) is ignored, the day's bar is used instead.
* A stock with no bar on D but bars both before and after D was suspended that day: it is
  marked ``suspended`` with no move. A stock whose newest figure is older than D (and no later
  bar) is marked ``stale``. Sample bars (the shipped history) are always marked stale and
  ``sample``.
* D is a session when the store holds a bar dated D (the exchange traded); otherwise the
  trading calendar decides, and a date that is not a session is rejected naming the nearest
  sessions before and after. ``--date`` defaults to the latest session with stored data.
* Indicator readings dated after D (by the end of their period) are left out, and statuses
  are judged as of D. Catalyst countdowns count calendar days from D, and a catalyst dated
  after D shows the status it had on D (one that has since happened was still expected);
  the catalyst list holds those starting within the next 14 days (or in progress) and those that ended in
  the last 7 days.
* Reactions to the last week's catalysts come from the analytics event study on bars up to D
  with the definition of `event-study` and the app (the theme's A-share stocks, equal-weighted,
  against 沪深300): every standard window that has ended by D,
  plus the window from day 0 to D ("to date").

The output is deterministic for a given store and project: no generation time is written, so
a rerun rewrites identical bytes.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tui.analytics.catalyst_reaction import REACTION_BENCHMARK
from tui.domain.labels import benchmark_name
from tui.domain.market import MARKET_CLOSE, SHANGHAI
from tui.errors import ThemeTrackerError, UsageError


#: stocks.csv: the contract columns (issue 6), then extras.
STOCK_COLUMNS: tuple[str, ...] = (
    "theme", "code", "name", "segment", "close", "change_pct", "amount", "turnover_rate",
    "market_cap", "ret_5d", "ret_20d", "limit_flag", "suspended", "as_of", "source", "stale",
    # extras
    "sample", "basis", "prev_close", "limit_up_price", "limit_down_price", "st", "last_bar",
    # the limit-up ladder (issue 15 contract)
    "streak", "one_word", "broken", "down_streak",
)  # fmt: skip
THEME_COLUMNS: tuple[str, ...] = (
    "theme", "theme_name", "stocks", "priced", "up", "down", "flat", "breadth_pct", "mean_pct",
    "median_pct", "limit_up", "limit_down", "suspended", "leader", "leader_pct", "laggard",
    "laggard_pct", "theme_pct", "benchmark", "benchmark_pct", "excess_pct", "ret_5d", "ret_20d",
    "amount", "as_of", "stale", "sample",
    # the limit-up ladder (issue 15 contract), then extras
    "top_streak_code", "top_streak", "ladder", "broken_count", "promotion_rate",
    "top_streak_name", "top_streak_one_word", "broken_rate", "prev_limit_up", "promoted",
)  # fmt: skip
INDICATOR_COLUMNS: tuple[str, ...] = (
    "theme", "indicator", "name", "latest", "target", "progress", "status", "reading_date",
    "source", "status_zh", "days_since_reading", "unit", "subject", "detail",
)  # fmt: skip
CATALYST_COLUMNS: tuple[str, ...] = (
    "date", "title", "kind", "status", "countdown", "days", "bucket", "impact", "themes",
    "stocks", "id", "needs_update", "reaction_window", "reaction_theme_pct",
    "reaction_benchmark_pct", "reaction_abnormal_pct", "reaction_n", "reaction_benchmark",
)  # fmt: skip

FORMATS = ("csv", "json", "md")
FILES = {
    "csv": ("stocks.csv", "themes.csv", "indicators.csv", "catalysts.csv"),
    "json": ("snapshot.json",),
    "md": ("report.md",),
}
UPCOMING_DAYS = 14
PAST_DAYS = 7
#: Calendar days of bars read before the session: >= 21 sessions (the 20-day return) even
#: across the Spring Festival or National Day closures.
HISTORY_DAYS = 45
#: Sessions of bars read when the benchmark's dates are known (20-day return + event windows).
HISTORY_SESSIONS = 26
#: ... but never fewer calendar days than this (the last week's catalysts need day0 - 2).
HISTORY_DAYS_MIN = 14
#: Decimals kept per column in every format (values are rounded, then written in shortest form).
DECIMALS: dict[str, int] = {
    "close": 4, "prev_close": 4, "limit_up_price": 4, "limit_down_price": 4,
    "change_pct": 4, "turnover_rate": 4, "amount": 2, "market_cap": 2,
    "ret_5d": 6, "ret_20d": 6, "breadth_pct": 2, "mean_pct": 4, "median_pct": 4,
    "leader_pct": 4, "laggard_pct": 4, "theme_pct": 4, "benchmark_pct": 4, "excess_pct": 4,
    "progress": 4, "reaction_theme_pct": 4, "reaction_benchmark_pct": 4,
    "reaction_abnormal_pct": 4, "promotion_rate": 4, "broken_rate": 4,
}  # fmt: skip
DEFAULT_DECIMALS = 8
#: Columns holding whole numbers (pandas turns them into floats when a value is missing).
INT_COLUMNS = frozenset({"days", "days_since_reading", "reaction_n", "n", "stocks", "priced", "up", "down",
                         "flat", "limit_up", "limit_down", "suspended_count", "stale", "sample",
                         "streak", "down_streak", "top_streak", "broken_count", "prev_limit_up", "promoted"})


NO_STOCK_DATA = "the store holds no bars or quotes for the watchlist stocks: run `theme-tracker refresh` first"


class SnapshotError(ThemeTrackerError):
    """The snapshot cannot be made (no data at all, no themes, a file cannot be written)."""


class NotASessionError(UsageError):
    """The date asked for is not a trading session."""

    def __init__(self, day: date, before: date | None, after: date | None, reason: str = "") -> None:
        self.day, self.before, self.after = day, before, after
        near = []
        if before is not None:
            near.append(f"{before.isoformat()} ({_weekday_en(before)}) before")
        if after is not None:
            near.append(f"{after.isoformat()} ({_weekday_en(after)}) after")
        text = f"{day.isoformat()} ({_weekday_en(day)}) is not a trading session"
        if reason:
            text += f" ({reason})"
        if near:
            text += "; the nearest sessions are " + " and ".join(near)
        super().__init__(text)


def _weekday_en(d: date) -> str:
    return d.strftime("%a")


# --------------------------------------------------------------------------- the snapshot


@dataclass
class Warning_:
    """A data warning, shown on stderr (English), in the JSON and in report.md (Chinese)."""

    kind: str
    message: str
    message_zh: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message, "message_zh": self.message_zh}


@dataclass
class Snapshot:
    """Everything one snapshot holds; frames use the *_COLUMNS above."""

    session: date
    complete: bool
    stocks: pd.DataFrame
    themes: pd.DataFrame
    indicators: pd.DataFrame
    catalysts: pd.DataFrame
    reactions: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    calendar: dict[str, Any] = field(default_factory=dict)
    sample_as_of: str | None = None
    #: "new in the inbox" per theme (tui.views.inbox.snapshot_inbox): theme id, name, lines.
    inbox: list[dict[str, Any]] = field(default_factory=list)
    _columns: dict[str, list[list[Any]]] = field(default_factory=dict, repr=False)

    def frame(self, name: str) -> pd.DataFrame:
        """One of the four tables by name: stocks, themes, indicators, catalysts."""
        return {"stocks": self.stocks, "themes": self.themes, "indicators": self.indicators, "catalysts": self.catalysts}[name]

    def columns(self, name: str) -> list[list[Any]]:
        """The table's columns as JSON/CSV-ready Python values (computed once)."""
        if name not in self._columns:
            self._columns[name] = frame_columns(self.frame(name))
        return self._columns[name]

    def records(self, name: str) -> list[dict[str, Any]]:
        """The table as JSON-ready records (one dict per row)."""
        cols = [str(c) for c in self.frame(name).columns]
        return [dict(zip(cols, row)) for row in zip(*self.columns(name))]

    @property
    def sample(self) -> bool:
        """True if any figure comes from the shipped sample history."""
        return bool(len(self.stocks)) and bool(self.stocks["sample"].any())

    @property
    def stale_rows(self) -> int:
        return int(self.stocks["stale"].sum()) if len(self.stocks) else 0

    def to_dict(self) -> dict[str, Any]:
        """The snapshot.json document (deterministic; NaN becomes null)."""
        return {
            "session": self.session.isoformat(),
            "weekday": self.session.strftime("%a"),
            "complete": self.complete,
            "sample": self.sample,
            "sample_as_of": self.sample_as_of if self.sample else None,
            "stale": self.stale_rows > 0,
            "stale_rows": self.stale_rows,
            "calendar": self.calendar,
            "warnings": [w.to_dict() for w in self.warnings],
            "themes": self.records("themes"),
            "stocks": self.records("stocks"),
            "indicators": self.records("indicators"),
            "catalysts": self.records("catalysts"),
            "reactions": _clean(self.reactions),
        }

    def store_rows(self) -> pd.DataFrame:
        """Rows for the store's snapshots table (one per theme x code)."""
        s = self.stocks
        return pd.DataFrame(
            {
                "session": self.session.isoformat(),
                "theme": s["theme"], "code": s["code"], "name": s["name"], "segment": s["segment"],
                "close": s["close"], "change_pct": s["change_pct"], "amount": s["amount"],
                "turnover_rate": s["turnover_rate"], "market_cap": s["market_cap"],
                "ret_5d": s["ret_5d"], "ret_20d": s["ret_20d"], "limit_flag": s["limit_flag"],
                "suspended": s["suspended"], "as_of": s["as_of"], "source": s["source"],
                "stale": s["stale"], "is_sample": s["sample"],
            }
        )  # fmt: skip


# --------------------------------------------------------------------------- values


def _round(col: str, value: Any) -> Any:
    """A JSON/CSV-ready scalar: None for missing, Python bool/int/str, floats rounded."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            return None
        if col in INT_COLUMNS and v.is_integer():
            return int(v)
        v = round(v, DECIMALS.get(col, DEFAULT_DECIMALS))
        return 0.0 if v == 0 else v  # no "-0.0"
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _clean(obj: Any, key: str = "") -> Any:
    if isinstance(obj, Mapping):
        return {k: _clean(v, k) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v, key) for v in obj]
    return _round(key, obj)


def _column(col: str, series: pd.Series) -> list[Any]:
    """One column as JSON/CSV-ready Python values (vectorised where the dtype allows)."""
    kind = series.dtype.kind
    if kind == "b":
        return series.tolist()
    if kind in "iu":
        return [int(v) for v in series.tolist()]
    if kind == "f":
        arr = series.to_numpy(dtype="float64")
        arr = np.round(arr, DECIMALS.get(col, DEFAULT_DECIMALS)) + 0.0  # + 0.0: no "-0.0"
        arr = np.where(np.isfinite(arr), arr, np.nan)
        values = arr.tolist()
        if col in INT_COLUMNS:
            return [None if v != v else (int(v) if v.is_integer() else v) for v in values]
        return [None if v != v else v for v in values]
    return [v if type(v) is str else _round(col, v) for v in series.tolist()]


def frame_columns(frame: pd.DataFrame) -> list[list[Any]]:
    """Every column of ``frame`` converted by :func:`_column`."""
    return [_column(str(c), frame[c]) for c in frame.columns]


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records (one dict per row)."""
    cols = [str(c) for c in frame.columns]
    return [dict(zip(cols, row)) for row in zip(*frame_columns(frame))] if len(frame) else []


def _csv_text(v: Any) -> str:
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    return repr(v) if type(v) is float else str(v)


def render_csv(frame: pd.DataFrame, columns: list[list[Any]] | None = None) -> bytes:
    """UTF-8 CSV (no BOM, \\n line ends), booleans true/false, blanks for missing."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([str(c) for c in frame.columns])
    if len(frame):
        cols = columns if columns is not None else frame_columns(frame)
        writer.writerows([[_csv_text(v) for v in row] for row in zip(*cols)])
    return buf.getvalue().encode("utf-8")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def render_json(snapshot: Snapshot) -> bytes:
    """snapshot.json: top-level keys one per line and one record per line (readable, diffable,
    and written by the C encoder: ``indent=`` would use the slow pure-Python one)."""
    doc = snapshot.to_dict()
    parts = []
    for key, value in doc.items():
        if isinstance(value, list) and value:
            body = ",\n".join(f"    {_dumps(item)}" for item in value)
            parts.append(f"  {_dumps(key)}: [\n{body}\n  ]")
        else:
            parts.append(f"  {_dumps(key)}: {_dumps(value)}")
    return ("{\n" + ",\n".join(parts) + "\n}\n").encode("utf-8")


# --------------------------------------------------------------------------- session choice


def _quote_days(quotes: pd.DataFrame) -> pd.Series:
    """Each quote's as_of as a Shanghai date (NaT-safe), indexed like ``quotes``."""
    if not len(quotes):
        return pd.Series([], dtype="object")
    as_of = pd.to_datetime(quotes["as_of"], utc=True, errors="coerce").dt.tz_convert(SHANGHAI)
    return pd.Series([ts.date() if pd.notna(ts) else None for ts in as_of], index=quotes.index)


def _reject_if_not_session(day: date, calendar: Any) -> None:
    if calendar.is_session(day):
        return
    reason = "weekend" if day.weekday() >= 5 else "market holiday"
    raise NotASessionError(day, calendar.previous_session(day), calendar.next_session(day), reason)


# --------------------------------------------------------------------------- building


@dataclass(frozen=True)
class _Entry:
    theme: Any
    stock: Any


def _entries(project: Any) -> list[_Entry]:
    out: list[_Entry] = []
    for theme in project.themes:
        seen: set[str] = set()
        for stock in theme.stocks:
            if not stock.code or stock.status == "delisted" or stock.code in seen:
                continue
            seen.add(stock.code)
            out.append(_Entry(theme, stock))
    return out


def latest_session_with_data(
    store: Any,
    codes: Sequence[str],
    today: date,
    *,
    bounds: Mapping[str, tuple[date, date]] | None = None,
    quotes: pd.DataFrame | None = None,
) -> date | None:
    """The newest date (<= today) with a stored bar or a stored quote of any of ``codes``."""
    if bounds is None:
        bounds = store.bar_date_bounds(codes)
    if quotes is None:
        quotes = store.latest_quotes(codes)
    days = [last for _, last in bounds.values() if last <= today]
    if any(last > today for _, last in bounds.values()):
        # bars newer than "today" (a frozen today): the newest one on or before it
        days += [d for d in (_last_bar_on_or_before(store, c, today) for c, (_, last) in bounds.items() if last > today) if d]
    qdays = [d for d in _quote_days(quotes) if d is not None and d <= today]
    best = max(days, default=None)
    if qdays and (best is None or max(qdays) > best):
        return max(qdays)  # no bar proves it: build_snapshot checks it against the calendar
    return best


def _reject_if_nothing_stored_by(
    session: date, bars: pd.DataFrame, quotes: pd.DataFrame, codes: Sequence[str], bounds: Mapping[str, tuple[date, date]],
    *, asked: bool = True,
) -> None:
    """A session before every stored bar and quote of the watchlist stocks has nothing to show:
    refuse it rather than write a report of blanks (a date before the history crashed here)."""
    if len(bars) and bars["code"].isin(codes).any():
        return
    if len(quotes) and any(d is not None and d <= session for d in _quote_days(quotes)):
        return
    if not asked:  # only the benchmarks have bars
        raise SnapshotError(NO_STOCK_DATA)
    firsts = [first for code, (first, _) in bounds.items() if code in set(codes)]
    since = f" (the stored history starts {min(firsts).isoformat()})" if firsts else ""
    raise SnapshotError(f"no stored bars for the session {session.isoformat()}{since}: nothing to snapshot")


def _last_bar_on_or_before(store: Any, code: str, day: date) -> date | None:
    frame = store.bars(code, end=day, limit=1)
    return pd.Timestamp(frame["date"].iloc[-1]).date() if len(frame) else None


def build_snapshot(
    store: Any,
    project: Any,
    session: date | None = None,
    *,
    today: date,
    now: datetime | None = None,
    refresh_interval: int = 60,
    calendar: Any = None,
) -> Snapshot:
    """Build the snapshot of ``session`` (default: the latest session with stored data).

    ``today`` bounds the dates allowed (no future sessions); ``now`` (aware; default the
    clock) decides whether today's session has closed; ``refresh_interval`` (seconds) is how
    old an intraday quote may be before it counts as stale. ``calendar`` is built from the
    store's trade dates when needed (only when no stored bar proves the date is a session).
    """
    from tui.analytics.board import build_board, summarize_board
    from tui.analytics.ladder import ladder_text
    from tui.store.readers import read_calendar

    now = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    if not project.themes:
        raise SnapshotError("no themes loaded from the watchlists: nothing to snapshot (run `theme-tracker validate`)")
    entries = _entries(project)
    codes = list(dict.fromkeys(e.stock.code for e in entries))
    benchmarks = list(dict.fromkeys(t.benchmark for t in project.themes))
    warnings: list[Warning_] = []
    cal_info: dict[str, Any] = {"checked_by": "stored bars", "stale": False, "reason": ""}

    bounds = store.bar_date_bounds(codes + benchmarks)
    all_quotes = store.latest_quotes(codes)
    asked = session is not None
    if not codes:
        raise SnapshotError("the watchlists list no listed stocks (only unlisted companies or none): nothing to snapshot")
    if session is None:
        session = latest_session_with_data(store, codes + benchmarks, today, bounds=bounds, quotes=all_quotes)
        if session is None:
            raise SnapshotError(NO_STOCK_DATA)
    elif session > today:
        raise UsageError(f"--date {session.isoformat()} is after today ({today.isoformat()}): a snapshot needs a session that has traded")

    # ---- bars up to and including the session
    # The catalyst reactions are measured against the event study's benchmark (沪深300).
    reads = list(dict.fromkeys([*codes, *benchmarks, REACTION_BENCHMARK]))
    bars = store.closes_for(reads, start=_history_start(store, benchmarks, session), end=session)
    have = set(bars["code"].unique()) if len(bars) else set()
    extra = [
        store.closes_for([c], end=session).tail(25)
        for c in codes + benchmarks
        if c not in have and c in bounds and bounds[c][0] <= session
    ]
    extra = [f for f in extra if len(f)]
    if extra:
        bars = pd.concat([bars, *extra], ignore_index=True).sort_values(["code", "date"], kind="stable")
    _reject_if_nothing_stored_by(session, bars, all_quotes, codes, bounds, asked=asked)
    session_ts = pd.Timestamp(session)
    has_bar_on_session = bool(len(bars)) and bool((bars["date"] == session_ts).any())

    # ---- quotes of that session only
    quotes = all_quotes
    if len(quotes):
        qdays = _quote_days(quotes)
        quotes = quotes.loc[[d == session for d in qdays]].reset_index(drop=True)
    if not has_bar_on_session:
        if calendar is None:
            calendar = read_calendar(store, session)
        _reject_if_not_session(session, calendar)
        cal_info = {"checked_by": "trading calendar", "stale": bool(calendar.calendar_stale), "reason": calendar.stale_reason}
        if calendar.calendar_stale:
            warnings.append(Warning_(
                "calendar",
                f"trading calendar is stale: {calendar.stale_reason}",
                f"交易日历已过期：{calendar.stale_reason}",
            ))
        if not len(quotes):
            warnings.append(Warning_(
                "no_session_data",
                f"the store holds no bar or quote for {session.isoformat()}: figures are the latest stored ones, marked stale (run `theme-tracker refresh`)",
                f"本地库中没有 {session.isoformat()} 的行情：以下为此前最近的数据，均标为过期（请运行 theme-tracker refresh）",
            ))

    complete = session < today or now.date() != session or now.time() >= MARKET_CLOSE
    close_time = datetime.combine(session, MARKET_CLOSE, SHANGHAI)
    if not complete:
        warnings.append(Warning_(
            "intraday",
            f"the session {session.isoformat()} has not closed yet: figures are intraday",
            f"{session.isoformat()} 尚未收盘：以下为盘中数据",
        ))

    # ---- the board: one row per unique code
    names: dict[str, str] = {}
    for e in entries:
        names.setdefault(e.stock.code, e.stock.name)
    stock_bars = bars.loc[bars["code"].isin(codes)] if len(bars) else bars
    board = build_board(
        codes, names, quotes, stock_bars,
        now=close_time if complete else now,
        stale_after=None if complete else timedelta(seconds=2 * refresh_interval + 60),
        expected_as_of=close_time if complete else None,
    )  # fmt: skip
    if len(stock_bars):
        last_bar = stock_bars.groupby("code", sort=False)["date"].max()
        last_bar_arr = pd.to_datetime(last_bar.reindex(codes)).to_numpy()
    else:
        last_bar_arr = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[us]")
    # Suspended on the session: no bar that day, but bars before and after it.
    later = np.array([c in bounds and bounds[c][1] > session for c in codes], dtype=bool)
    gap = (board["basis"] == "bar").to_numpy() & (last_bar_arr < session_ts.to_datetime64()) & later
    if gap.any():
        board.loc[gap, "suspended"] = True
        board.loc[gap, ["change", "change_pct"]] = np.nan
        board.loc[gap, "limit_flag"] = ""
        board.loc[gap, "stale"] = board.loc[gap, "is_sample"].astype(bool)
    board = _with_ladder(store, board, codes, quotes, session)
    last_bar_text = [pd.Timestamp(d).date().isoformat() if not pd.isna(d) else None for d in last_bar_arr]
    as_of_text = _iso_times(board["as_of"])

    # ---- stocks.csv rows (theme order, then watchlist order)
    pos = pd.Index(codes).get_indexer([e.stock.code for e in entries])

    def col(name: str) -> np.ndarray:
        return board[name].to_numpy()[pos]

    board_names = col("name")
    stocks = pd.DataFrame(
        {
            "theme": [e.theme.id for e in entries],
            "code": [e.stock.code for e in entries],
            "name": [n if isinstance(n, str) and n else e.stock.name for n, e in zip(board_names, entries)],
            "segment": [e.stock.segment or "" for e in entries],
            "close": col("price").astype("float64"),
            "change_pct": col("change_pct").astype("float64"),
            "amount": col("amount").astype("float64"),
            "turnover_rate": col("turnover_rate").astype("float64"),
            "market_cap": col("market_cap").astype("float64"),
            "ret_5d": col("ret_5d").astype("float64"),
            "ret_20d": col("ret_20d").astype("float64"),
            "limit_flag": [f if isinstance(f, str) else "" for f in col("limit_flag")],
            "suspended": col("suspended").astype(bool),
            "as_of": [as_of_text[i] for i in pos],
            "source": [v if isinstance(v, str) else None for v in col("source")],
            "stale": col("stale").astype(bool),
            "sample": col("is_sample").astype(bool),
            "basis": col("basis"),
            "prev_close": col("prev_close").astype("float64"),
            "limit_up_price": col("limit_up_price").astype("float64"),
            "limit_down_price": col("limit_down_price").astype("float64"),
            "st": col("st").astype(bool),
            "last_bar": [last_bar_text[i] for i in pos],
            "streak": col("streak").astype("int64"),
            "one_word": col("one_word").astype(bool),
            "broken": col("broken").astype(bool),
            "down_streak": col("down_streak").astype("int64"),
        }
    )[list(STOCK_COLUMNS)]

    # ---- themes.csv rows
    bench_pct: dict[str, float | None] = {}
    for bm in benchmarks:
        series = bars.loc[bars["code"] == bm] if len(bars) else bars
        if len(series) >= 2 and pd.Timestamp(series["date"].iloc[-1]) == session_ts:
            c = series["close"].to_numpy(dtype="float64")
            bench_pct[bm] = (c[-1] / c[-2] - 1.0) * 100.0 if c[-2] > 0 else None
        else:
            bench_pct[bm] = None
            warnings.append(Warning_(
                "benchmark",
                f"benchmark {bm} has no stored bar for {session.isoformat()}: its move is left blank",
                f"基准 {benchmark_name(bm)}（{bm}）没有 {session.isoformat()} 的数据，涨跌幅留空",
            ))
    lean = pd.DataFrame(
        {
            "code": stocks["code"], "name": stocks["name"], "price": stocks["close"],
            "change_pct": stocks["change_pct"], "amount": stocks["amount"],
            "limit_flag": stocks["limit_flag"], "suspended": stocks["suspended"],
            "as_of": col("as_of"), "stale": stocks["stale"], "is_sample": stocks["sample"],
            "ret_5d": stocks["ret_5d"], "ret_20d": stocks["ret_20d"],
            "streak": stocks["streak"], "one_word": stocks["one_word"], "broken": stocks["broken"],
            "down_streak": stocks["down_streak"], "prev_limit_up": col("prev_limit_up").astype(bool),
            "ladder_uncertain": col("ladder_uncertain").astype(bool),
        }
    )  # fmt: skip
    theme_of = stocks["theme"].to_numpy()
    theme_rows = []
    for theme in project.themes:
        idx = np.flatnonzero(theme_of == theme.id)
        sub = lean.iloc[idx[0] : idx[-1] + 1] if len(idx) else lean.iloc[0:0]
        s = summarize_board(sub, benchmark=theme.benchmark, benchmark_pct=bench_pct.get(theme.benchmark))
        moving = s.up + s.down + s.flat
        theme_rows.append(
            (
                theme.id, theme.name, s.n, s.priced, s.up, s.down, s.flat,
                (s.up / moving * 100.0) if moving else None, s.mean_pct, s.median_pct,
                s.limit_up, s.limit_down, s.suspended, s.leader, s.leader_pct, s.laggard,
                s.laggard_pct, s.mean_pct, s.benchmark, s.benchmark_pct, s.excess_pct,
                _nanmean(sub["ret_5d"]), _nanmean(sub["ret_20d"]), s.amount,
                s.as_of, s.stale, s.sample,
                s.top_streak_code, s.top_streak, ladder_text(s.ladder), s.broken, s.promotion_rate,
                s.top_streak_name, s.top_streak_one_word, s.broken_rate, s.prev_limit_up, s.promoted,
            )
        )  # fmt: skip
    themes = pd.DataFrame(theme_rows, columns=list(THEME_COLUMNS))
    for name in ("breadth_pct", "mean_pct", "median_pct", "leader_pct", "laggard_pct", "theme_pct",
                 "benchmark_pct", "excess_pct", "ret_5d", "ret_20d", "amount", "promotion_rate", "broken_rate"):
        themes[name] = pd.to_numeric(themes[name], errors="coerce").astype("float64")

    indicators = _indicator_rows(project, session)
    catalysts, reactions = _catalyst_rows(project, session, entries, bars)

    # ---- data warnings
    n_sample = int(stocks["sample"].sum())
    sample_as_of = None
    if n_sample:
        try:
            sample_as_of = store.get_meta("sample_as_of")
        except Exception:  # noqa: BLE001
            sample_as_of = None
        upto = f" (to {sample_as_of})" if sample_as_of else ""
        upto_zh = f"（截至 {sample_as_of}）" if sample_as_of else ""
        warnings.insert(0, Warning_(
            "sample",
            f"{n_sample} of {len(stocks)} rows use the shipped sample history{upto}, not live data: they are marked sample and stale",
            f"{n_sample}/{len(stocks)} 行取自随附的样本历史数据{upto_zh}，不是实时行情，均已标为样本/过期",
        ))
    stale_live = stocks.loc[stocks["stale"] & ~stocks["sample"] & (stocks["basis"] != "none")]
    if len(stale_live):
        listed = list(dict.fromkeys(stale_live["code"]))
        more = "" if len(listed) <= 10 else " …"
        warnings.append(Warning_(
            "stale",
            f"{len(stale_live)} rows are not from {session.isoformat()} (stale): {', '.join(listed)}",
            f"{len(stale_live)} 行不是 {session.isoformat()} 的数据（过期）：{', '.join(listed[:10])}{more}",
        ))
    no_data = list(dict.fromkeys(stocks.loc[stocks["basis"] == "none", "code"]))
    if no_data:
        more = "" if len(no_data) <= 20 else f" … ({len(no_data)})"
        warnings.append(Warning_(
            "no_data",
            f"no stored price for {', '.join(no_data)}",
            f"没有以下股票的行情：{', '.join(no_data[:20])}{more}",
        ))
    n_errors = len(getattr(project, "errors", []) or [])
    if n_errors:
        warnings.append(Warning_(
            "watchlists",
            f"{n_errors} error(s) in the watchlists or calendar: the items concerned are left out (run `theme-tracker validate`)",
            f"自选/催化剂文件中有 {n_errors} 处错误，相关条目未纳入（请运行 theme-tracker validate）",
        ))
    return Snapshot(
        session=session, complete=complete, stocks=stocks, themes=themes, indicators=indicators,
        catalysts=catalysts, reactions=reactions, warnings=warnings, calendar=cal_info,
        sample_as_of=sample_as_of, inbox=_inbox(store, project, session),
    )  # fmt: skip


#: Calendar days of OHLC bars read for the ladder (about 30 sessions): a longer streak is
#: reported as the run within the window (the A-share record runs are shorter than that).
LADDER_HISTORY_DAYS = 45


def _with_ladder(store: Any, board: pd.DataFrame, codes: list[str], quotes: pd.DataFrame, session: date) -> pd.DataFrame:
    """The board's ladder columns from open/high/low/close bars (the board itself reads only
    closes): raw prices where stored, qfq elsewhere (tui.analytics.board_ladder)."""
    from tui.analytics.board_ladder import LADDER_BOARD_COLUMNS, attach_ladder

    from tui.store.ohlc import ohlc_for

    start = session - timedelta(days=LADDER_HISTORY_DAYS)
    ohlc = ohlc_for(store, codes, start=start, end=session)
    raw = ohlc_for(store, codes, adjust="raw", start=start, end=session)
    return attach_ladder(board.drop(columns=LADDER_BOARD_COLUMNS, errors="ignore"), ohlc, quotes, raw_bars=raw)


def _inbox(store: Any, project: Any, session: date) -> list[dict[str, Any]]:
    """The catalyst inbox's new items per theme, for the report (empty without a store conn)."""
    conn = getattr(store, "conn", None)
    if conn is None:
        return []
    from tui.views.inbox import snapshot_inbox

    return snapshot_inbox(conn, project, session)


def _history_start(store: Any, benchmarks: Sequence[str], session: date) -> date:
    """The first day of bars to read: HISTORY_SESSIONS sessions back on the benchmark's own
    dates (exact, whatever the holidays), else HISTORY_DAYS calendar days back."""
    for bm in benchmarks:
        frame = store.bars(bm, end=session, limit=HISTORY_SESSIONS)
        if len(frame) == HISTORY_SESSIONS:
            return min(pd.Timestamp(frame["date"].iloc[0]).date(), session - timedelta(days=HISTORY_DAYS_MIN))
    return session - timedelta(days=HISTORY_DAYS)


def _iso_times(values: pd.Series) -> list[str | None]:
    """ISO 8601 text of tz-aware timestamps (formatted once per distinct value)."""
    seen: dict[Any, str | None] = {}
    out = []
    for v in values.tolist():
        if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
            out.append(None)
            continue
        text = seen.get(v)
        if text is None:
            text = seen[v] = pd.Timestamp(v).isoformat()
        out.append(text)
    return out


def _nanmean(values: pd.Series) -> float | None:
    arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    arr = arr[~np.isnan(arr)]
    return float(arr.mean()) if arr.size else None


# --------------------------------------------------------------------------- indicators


def _indicator_rows(project: Any, session: date) -> pd.DataFrame:
    from tui.domain.indicators import STATUS_LABELS_ZH, assess

    rows = []
    for theme in project.themes:
        for ind in theme.indicators:
            known = [r for r in ind.readings if r.date.end <= session]
            if len(known) != len(ind.readings):
                ind = ind.model_copy(update={"readings": known})
            a = assess(ind, session)
            latest = a.latest
            src = latest.source if latest is not None and latest.source else ind.source
            rows.append(
                (
                    theme.id, ind.id, ind.name,
                    latest.value.format(ind.unit) if latest is not None else None,
                    ind.target.describe(ind.unit, ind.good) if ind.target is not None else None,
                    a.progress, a.status.value,
                    str(latest.date) if latest is not None else None,
                    src.label() if src is not None else None,
                    STATUS_LABELS_ZH[a.status], a.days_since_reading, ind.unit or None,
                    ind.subject, a.detail_zh or a.detail,
                )
            )  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS))
    frame["progress"] = pd.to_numeric(frame["progress"], errors="coerce").astype("float64")
    frame["days_since_reading"] = frame["days_since_reading"].astype("object")
    return frame


# --------------------------------------------------------------------------- catalysts


def _catalyst_themes(project: Any, catalyst: Any) -> list[str]:
    out = []
    for theme in project.themes:
        codes = {s.code for s in theme.stocks if s.code}
        if theme.id in catalyst.themes or codes.intersection(catalyst.stocks):
            out.append(theme.id)
    return out


def _catalyst_rows(
    project: Any, session: date, entries: list[_Entry], bars: pd.DataFrame
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    from tui.domain.timeline import Bucket, build_timeline, countdown_label, status_as_of

    rows = []
    reactions: list[dict[str, Any]] = []
    for entry in build_timeline(list(project.catalysts), session):
        c = entry.catalyst
        if entry.bucket is Bucket.UNDATED:
            continue
        if entry.bucket is Bucket.UPCOMING:
            if entry.days is None or entry.days > UPCOMING_DAYS:
                continue
        elif (session - c.date.end).days > PAST_DAYS:
            continue
        theme_ids = _catalyst_themes(project, c)
        reaction = None
        if entry.bucket is Bucket.PAST and c.date.is_exact and c.status != "cancelled":
            reaction = _reaction(project, c, theme_ids, bars)
            if reaction is not None:
                reactions.append(reaction)
        to_date = reaction["to_date"] if reaction else None
        rows.append(
            (
                str(c.date), c.title, c.kind, status_as_of(c, session),
                countdown_label(entry, lang="zh") + ("（状态待更新）" if entry.needs_update else ""),
                entry.days, entry.bucket.value, c.impact, ";".join(theme_ids), ";".join(c.stocks), c.id,
                entry.needs_update,
                _window_text(to_date["window"]) if to_date else None,
                _percent_points(to_date.get("theme_return")) if to_date else None,
                _percent_points(to_date.get("benchmark_return")) if to_date else None,
                _percent_points(to_date.get("theme_abnormal")) if to_date else None,
                to_date.get("n") if to_date else None,
                reaction["benchmark"] if reaction else None,
            )
        )  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(CATALYST_COLUMNS))
    for col in ("reaction_theme_pct", "reaction_benchmark_pct", "reaction_abnormal_pct"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    frame["days"] = frame["days"].astype("object")
    frame["reaction_n"] = frame["reaction_n"].astype("object")
    return frame, reactions


def _percent_points(value: float | None) -> float | None:
    return None if value is None else value * 100.0


def _window_text(window: Sequence[int]) -> str:
    a, b = int(window[0]), int(window[1])
    return f"[{a:+d},{b:+d}]".replace("+0", "0")


def _reaction_theme(project: Any, catalyst: Any, theme_ids: list[str]) -> Any:
    """The theme whose stocks are measured: the catalyst's first theme (as `event-study` and
    the app's catalyst detail), else the first theme holding one of its stocks."""
    for theme_id in [*catalyst.themes, *theme_ids]:
        theme = project.theme(theme_id)
        if theme is not None:
            return theme
    return None


def _reaction(project: Any, catalyst: Any, theme_ids: list[str], bars: pd.DataFrame) -> dict[str, Any] | None:
    """The event study of one past catalyst on bars up to the session, or None if bars do
    not allow it (no benchmark bars, the event after the last bar).

    One definition with `theme-tracker event-study` and the app's catalyst detail
    (tui.analytics.catalyst_reaction): the equal-weighted mean over every A-share stock of
    the catalyst's theme against 沪深300, so a replay of day 0 + 2 gives the study's [0,+2].
    (It measured the catalyst's own stocks against the theme's benchmark: "1 只股票" against
    创业板指 where the study said n=17 against 沪深300.)
    """
    from tui.analytics.event_study import DEFAULT_WINDOWS, event_study_windows

    theme = _reaction_theme(project, catalyst, theme_ids)
    if not len(bars) or theme is None:
        return None
    benchmark = REACTION_BENCHMARK
    bench = bars.loc[bars["code"] == benchmark, ["code", "date", "close"]]
    if len(bench) < 2:
        return None
    sessions = pd.DatetimeIndex(pd.to_datetime(bench["date"])).normalize().unique().sort_values()
    day = pd.Timestamp(catalyst.date.start)
    p0 = int(sessions.searchsorted(day, side="left"))
    last = len(sessions) - 1
    if p0 > last or sessions[0] >= day:  # after the last bar, or no session before day 0
        return None
    codes = [s.code for s in theme.stocks if s.code and s.security and s.security.is_a_share]
    if not codes:
        return None
    k = last - p0
    windows = [w for w in DEFAULT_WINDOWS if p0 + w[0] - 1 >= 0 and p0 + w[1] <= last]
    if (0, k) not in windows:
        windows.append((0, k))
    stock_bars = bars.loc[bars["code"].isin(codes)]
    results = event_study_windows(
        stock_bars, bench, day.date(), windows, codes, sessions=sessions, benchmark_code=benchmark
    )
    out = [{**r.to_dict(), "t_stat": r.t_stat} for r in results]
    to_date = next(d for d, r in zip(out, results) if tuple(r.window) == (0, k))
    return {
        "catalyst": catalyst.id,
        "date": catalyst.date.start.isoformat(),
        "title": catalyst.title,
        "themes": theme_ids,
        "theme": theme.id,
        "theme_name": theme.name,
        "benchmark": benchmark,
        "codes": codes,
        "method": "market-adjusted event study on qfq closes up to the session, as `theme-tracker event-study` (tui.analytics.event_study): the equal-weighted mean over the theme's A-share stocks against sh000300",
        "to_date": to_date,
        "windows": out,
    }


# --------------------------------------------------------------------------- writing


def render_files(snapshot: Snapshot, formats: Iterable[str] = FORMATS) -> dict[str, bytes]:
    """File name -> bytes for the formats asked for, in a fixed order."""
    from tui.export.report import render_report

    wanted = set(formats)
    out: dict[str, bytes] = {}
    if "csv" in wanted:
        for name in ("stocks", "themes", "indicators", "catalysts"):
            out[f"{name}.csv"] = render_csv(snapshot.frame(name), snapshot.columns(name))
    if "json" in wanted:
        out["snapshot.json"] = render_json(snapshot)
    if "md" in wanted:
        out["report.md"] = render_report(snapshot).encode("utf-8")
    return out


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file in the same directory, fsync, rename,
    fsync of the directory): readers see the old or the new file, never a torn one."""
    from tui.config import atomic

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.atomic_write(path, data)


def write_files(files: Mapping[str, bytes], directory: Path) -> list[Path]:
    """Write every file atomically into ``directory``; returns the paths, in order."""
    paths = []
    for name, data in files.items():
        target = Path(directory) / name
        try:
            atomic_write(target, data)
        except OSError as exc:
            raise SnapshotError(f"cannot write {target}: {_os_reason(exc)}") from exc
        paths.append(target)
    return paths


def _os_reason(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ENOSPC:
        return "no space left on the device; free some space and run it again"
    return exc.strerror or str(exc)


def write_session_folder(files: Mapping[str, bytes], directory: Path) -> list[Path]:
    """Write a session's files as one folder that appears complete or not at all.

    The files go into a hidden temporary folder (``.<session>.<random>.tmp``) beside
    ``directory``, which is renamed to ``directory`` once every file is written: a full disk
    or a kill half-way leaves the previous folder (or none), never a folder with 4 of 6 files.
    A previous folder is swapped out by a second rename and then removed. Temporary folders
    left by killed runs are removed on the next write.
    """
    import contextlib
    import secrets
    import shutil

    directory = Path(directory)
    parent = directory.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for orphan in parent.glob(f".{directory.name}.*.tmp"):
            shutil.rmtree(orphan, ignore_errors=True)
        tmp = parent / f".{directory.name}.{secrets.token_hex(4)}.tmp"
        tmp.mkdir()  # the user's umask applies, as for the folder it becomes
    except OSError as exc:
        raise SnapshotError(f"cannot write {directory}: {_os_reason(exc)}") from exc
    old = None
    try:
        write_files(files, tmp)
        if directory.exists():
            old = parent / f".{directory.name}.{secrets.token_hex(4)}.tmp"
            directory.rename(old)
        tmp.rename(directory)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not directory.exists():
            with contextlib.suppress(OSError):
                old.rename(directory)  # put the previous folder back
        if isinstance(exc, OSError):
            raise SnapshotError(f"cannot write {directory}: {_os_reason(exc)}") from exc
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    from tui.config.atomic import _fsync_dir

    _fsync_dir(parent)
    return [directory / name for name in files]


@dataclass
class SnapshotRun:
    """What :func:`take_snapshot` did."""

    snapshot: Snapshot
    paths: list[Path]
    directory: Path | None
    json_bytes: bytes | None
    store_result: Any


def default_out_dir(data_dir: Path) -> Path:
    """Where snapshots go by default: ``<data dir>/snapshots``."""
    return Path(data_dir) / "snapshots"


def take_snapshot(
    *,
    data_dir: Path,
    watchlists: Path,
    catalysts: Path | None,
    session: date | None = None,
    out: Path | str | None = None,
    formats: Iterable[str] = FORMATS,
    today: date,
    now: datetime | None = None,
    refresh_interval: int = 60,
    store: Any = None,
    project: Any = None,
) -> SnapshotRun:
    """Build the snapshot, write ``<out>/<session>/`` (or return the JSON when ``out`` is
    "-"), and upsert its rows into the store's snapshots table."""
    from tui.store import Store

    if project is None:
        from tui.config.loader import load_project

        project = load_project(Path(watchlists), Path(catalysts) if catalysts else None)
    if not project.themes:
        from tui.config.loader import why_no_themes

        raise SnapshotError(f"{why_no_themes(project, Path(watchlists))}: nothing to snapshot")
    own = store is None
    if own:
        store = Store.open(data_dir)
    try:
        snap = build_snapshot(store, project, session, today=today, now=now, refresh_interval=refresh_interval)
        formats = tuple(f for f in FORMATS if f in set(formats))
        to_stdout = str(out) == "-"
        files = render_files(snap, ("json",) if to_stdout else formats)
        paths: list[Path] = []
        directory = None
        if not to_stdout:
            directory = Path(out if out is not None else default_out_dir(data_dir)).expanduser() / snap.session.isoformat()
            paths = write_session_folder(files, directory)
        result = store.upsert_snapshot(snap.store_rows())
    finally:
        if own:
            store.close()
    return SnapshotRun(snap, paths, directory, files.get("snapshot.json") if to_stdout else None, result)


__all__ = [
    "CATALYST_COLUMNS", "FORMATS", "INDICATOR_COLUMNS", "STOCK_COLUMNS", "THEME_COLUMNS",
    "NotASessionError", "Snapshot", "SnapshotError", "SnapshotRun", "atomic_write",
    "build_snapshot", "default_out_dir", "latest_session_with_data", "render_csv",
    "render_files", "render_json", "take_snapshot", "write_files", "write_session_folder",
]  # fmt: skip
