"""Boards, fetched or cached: what `board list/show`, `theme new/diff` and the app's boards view
read. Every function takes an open Store and a board fetcher (or None, offline) and returns
what it could get plus why the rest failed; nothing raises for an upstream problem.

Policy: a cached list or member set younger than `max_age` is used as is; an older one is
fetched again; a failed fetch falls back to the cache, which is then marked stale with the
reason. `refresh=True` always fetches; a fetcher of None (offline, or a source without
boards) always reads the cache.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from tui.domain.boards import BOARD_KINDS, BoardKind, is_board_code
from tui.domain.market import SHANGHAI
from tui.errors import ThemeTrackerError
from tui.sources.base import Failure, FailureKind
from tui.store import boards as cache
from tui.store.store import Store

#: Board moves change all day; a list or member set older than this is fetched again.
DEFAULT_MAX_AGE = timedelta(minutes=15)


#: Failures that mean the upstream did not answer: the next list is not tried.
_NO_ANSWER = frozenset({FailureKind.NETWORK, FailureKind.TIMEOUT, FailureKind.RATE_LIMIT})


class UnknownBoardError(ThemeTrackerError):
    """No board has that name or code."""


@dataclass
class Cached:
    """A frame from the source or the cache, with its fetch time and why a fetch failed."""

    frame: pd.DataFrame
    as_of: datetime | None = None
    fetched: bool = False            # True: fetched just now; False: read from the cache
    failures: list[Failure] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        """From the cache because a fetch failed (or could not be tried)."""
        return not self.fetched and bool(self.failures)

    def error_line(self) -> str | None:
        if not self.failures:
            return None
        failure = self.failures[0]
        call = f" [{failure.call}]" if failure.call else ""
        return f"{failure.message}{call}"


@dataclass(frozen=True)
class Board:
    """One board as the list describes it (or, for a bare BK code, as little as is known)."""

    code: str
    name: str
    kind: BoardKind = "concept"

    def label(self) -> str:
        return f"{self.name}（{self.code}）" if self.name and self.name != self.code else self.code


def _now() -> datetime:
    return datetime.now(SHANGHAI)


def _young(at: datetime | None, now: datetime, max_age: timedelta) -> bool:
    return at is not None and now - at <= max_age


def board_list(
    store: Store,
    fetcher: Any | None,
    *,
    kinds: tuple[BoardKind, ...] = BOARD_KINDS,
    refresh: bool = False,
    max_age: timedelta = DEFAULT_MAX_AGE,
    now: Callable[[], datetime] = _now,
) -> Cached:
    """Every board of `kinds`: from the cache when young enough, else fetched (and cached)."""
    failures: list[Failure] = []
    fetched_any = False
    for kind in kinds:
        at = cache.fetched_at(store, cache.list_key(kind), "list")
        if fetcher is None or (not refresh and _young(at, now(), max_age)):
            continue
        result = fetcher.fetch_board_list(kind)
        if result.frame.empty:
            failures += result.failures
            if any(f.kind in _NO_ANSWER for f in result.failures):
                break  # the same host serves every list: do not wait on it again
            continue
        cache.save_board_list(store, kind, result.frame, now(), result.source)
        fetched_any = True
    frame = cache.read_board_list(store, kinds)
    times = [datetime.fromisoformat(t) for t in frame["fetched_at"].dropna().unique()] if not frame.empty else []
    as_of = min(times) if times else None
    return Cached(frame, as_of, fetched_any and not failures, failures)


def resolve_board(boards: pd.DataFrame, query: str) -> Board:
    """The board named `query`: a BK code, an exact name, or a name part matching one board.

    A BK code not in the list is accepted as is (Eastmoney knows boards the cached list may
    predate). Raises UnknownBoardError naming near matches otherwise.
    """
    text = query.strip()
    if not text:
        raise UnknownBoardError("no board given")
    if is_board_code(text):
        code = text.upper()
        hit = boards[boards["code"] == code] if not boards.empty else boards
        if not hit.empty:
            return Board(code, str(hit.iloc[0]["name"]), hit.iloc[0]["kind"])
        return Board(code, code, "concept")
    if boards.empty:
        raise UnknownBoardError(
            f"unknown board {text!r}: no board list is stored yet and it could not be fetched; "
            "pass the board's BK code (e.g. BK1128) or run `theme-tracker board list` when online"
        )
    names = boards["name"].astype(str)
    exact = boards[names.str.casefold() == text.casefold()]
    if len(exact) >= 1:
        row = exact.sort_values("kind").iloc[0]  # a concept and an industry board may share a name
        return Board(str(row["code"]), str(row["name"]), row["kind"])
    part = boards[names.str.contains(text, case=False, regex=False)]
    if len(part) == 1:
        row = part.iloc[0]
        return Board(str(row["code"]), str(row["name"]), row["kind"])
    if len(part) > 1:
        listed = "、".join(f"{n}（{c}）" for n, c in zip(part["name"].head(8), part["code"].head(8)))
        more = f" and {len(part) - 8} more" if len(part) > 8 else ""
        raise UnknownBoardError(f"board {text!r} matches {len(part)} boards: {listed}{more}; give the full name or the BK code")
    close = difflib.get_close_matches(text, names.tolist(), n=5, cutoff=0.5)
    hint = f"; did you mean {'、'.join(close)}?" if close else "; `theme-tracker board list --match TEXT` searches the list"
    raise UnknownBoardError(f"unknown board {text!r}{hint}")


def board_members(
    store: Store,
    fetcher: Any | None,
    board: Board,
    *,
    refresh: bool = False,
    max_age: timedelta = DEFAULT_MAX_AGE,
    now: Callable[[], datetime] = _now,
) -> Cached:
    """A board's constituents with their quotes: cached when young enough, else fetched."""
    at = cache.fetched_at(store, board.code, "members")
    failures: list[Failure] = []
    if fetcher is not None and (refresh or not _young(at, now(), max_age)):
        result = fetcher.fetch_board_members(board.kind, board.code)
        if not result.frame.empty:
            stamp = now()
            cache.save_members(store, board.code, result.frame, stamp, result.source)
            return Cached(cache.read_members(store, board.code), stamp, True)
        failures = result.failures
    return Cached(cache.read_members(store, board.code), at, False, failures)


def board_history(
    store: Store,
    fetcher: Any | None,
    board: Board,
    start: date,
    end: date,
    *,
    now: Callable[[], datetime] = _now,
) -> Cached:
    """A board's daily index in [start, end]: the stored bars, topped up from the source."""
    stored = cache.read_board_bars(store, board.code)
    failures: list[Failure] = []
    fetched = False
    if fetcher is not None:
        last = stored["date"].max() if not stored.empty else None
        first_needed = start if last is None or pd.Timestamp(start) < stored["date"].min() else (last + pd.Timedelta(days=1)).date()
        if first_needed <= end:
            result = fetcher.fetch_board_history(board.kind, board.code, first_needed, end, name=board.name)
            if not result.frame.empty:
                cache.save_board_bars(store, board.code, result.frame, now(), result.source)
                stored = cache.read_board_bars(store, board.code)
                fetched = True
            elif result.failures:
                failures = result.failures
    window = stored[(stored["date"] >= pd.Timestamp(start)) & (stored["date"] <= pd.Timestamp(end))].reset_index(drop=True)
    return Cached(window, cache.fetched_at(store, board.code, "bars"), fetched, failures)


#: The time budget of one board command or view load, on top of the per-call deadlines
#: (Eastmoney's concept list alone pages through five requests with sleeps).
BOARD_BUDGET_SECONDS = 60.0


def open_fetcher(source_factory: Callable[[], Any] | None, *, budget_seconds: float | None = BOARD_BUDGET_SECONDS) -> tuple[Any | None, str | None]:
    """The board fetcher of the configured source (its calls bounded by a time budget, as a
    refresh's are), or (None, why) when there is no source or it has no boards."""
    if source_factory is None:
        return None, "offline"
    from tui.sources.boards import boards_of

    source = source_factory()
    if budget_seconds and hasattr(source, "use_budget"):
        from tui.sources.budget import Budget

        source.use_budget(Budget(budget_seconds, label="board budget"))
    fetcher = boards_of(source)
    if fetcher is None:
        return None, f"the {getattr(source, 'name', 'configured')} source has no concept boards"
    return fetcher, None
