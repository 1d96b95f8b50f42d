"""What the app's boards views show, loaded off the UI thread (no Textual here).

Each loader opens its own Store (sqlite connections cannot cross threads) and goes through
tui.jobs.boards, so the app reads boards exactly as the CLI does: the cache when it is young,
else a fetch through the source layer, falling back to the cache marked stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from tui.domain.boards import BoardKind
from tui.formats import finite_or_none
from tui.domain.models import Theme

#: A fetched board list or member set is used as is for this long.
MAX_AGE = timedelta(minutes=15)


@dataclass
class BoardRow:
    """One line of the boards view."""

    code: str
    name: str
    kind: BoardKind
    change_pct: float | None
    up: int | None
    down: int | None
    leader: str | None
    leader_change_pct: float | None


@dataclass
class BoardsView:
    rows: list[BoardRow]
    as_of: datetime | None
    stale: bool
    error: str | None            # why the last fetch failed (stale), or why none was tried


@dataclass
class MemberRow:
    code: str
    name: str
    price: float | None
    change_pct: float | None
    amount: float | None
    turnover_rate: float | None
    themes: list[str] = field(default_factory=list)


@dataclass
class MembersView:
    board_code: str
    board_name: str
    kind: BoardKind
    rows: list[MemberRow]
    as_of: datetime | None
    stale: bool
    error: str | None


def _int(value: Any) -> int | None:
    number = finite_or_none(value)
    return None if number is None else int(number)


def _fetcher(source_factory: Callable[[], Any] | None) -> tuple[Any | None, str | None]:
    from tui.jobs.boards import open_fetcher

    return open_fetcher(source_factory)


def _clock(now: Callable[[], datetime] | None) -> dict[str, Any]:
    return {"now": now} if now is not None else {}


def filter_boards(rows: list[BoardRow], text: str) -> list[BoardRow]:
    """Rows whose name or BK code contains `text` (case-insensitive); all for blank text."""
    needle = text.strip().casefold()
    if not needle:
        return rows
    return [r for r in rows if needle in r.name.casefold() or needle in r.code.casefold()]


def load_boards(data_dir: Path, source_factory: Callable[[], Any] | None, *, refresh: bool = False,
                now: Callable[[], datetime] | None = None) -> BoardsView:
    """The board list for the view (blocking: run it in a daemon thread)."""
    from tui.jobs.boards import board_list
    from tui.store import Store

    fetcher, why = _fetcher(source_factory)
    with Store.open(data_dir) as store:
        got = board_list(store, fetcher, refresh=refresh, max_age=MAX_AGE, **_clock(now))
    frame = got.frame.sort_values(["change_pct", "code"], ascending=[False, True], na_position="last")
    rows = [
        BoardRow(r.code, r.name, r.kind, finite_or_none(r.change_pct), _int(r.up_count), _int(r.down_count),
                 r.leader_name if isinstance(r.leader_name, str) else None, finite_or_none(r.leader_change_pct))
        for r in frame.itertuples(index=False)
    ]
    error = got.error_line() or (why if fetcher is None and why != "offline" else None)
    return BoardsView(rows, got.as_of, got.stale or (fetcher is None and bool(rows)), error)


def themes_by_code(themes: list[Theme]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for theme in themes:
        for stock in theme.stocks:
            if stock.code:
                out.setdefault(stock.code, []).append(theme.id)
    return out


def load_members(data_dir: Path, source_factory: Callable[[], Any] | None, code: str, name: str, kind: BoardKind,
                 themes: list[Theme], *, refresh: bool = False, now: Callable[[], datetime] | None = None) -> MembersView:
    """A board's constituents, each marked with the user's themes that hold it (blocking)."""
    from tui.jobs.boards import Board, board_members
    from tui.store import Store

    fetcher, why = _fetcher(source_factory)
    with Store.open(data_dir) as store:
        got = board_members(store, fetcher, Board(code, name, kind), refresh=refresh, max_age=MAX_AGE, **_clock(now))
    held = themes_by_code(themes)
    rows = [
        MemberRow(str(r.code), str(r.name), finite_or_none(r.price), finite_or_none(r.change_pct), finite_or_none(r.amount),
                  finite_or_none(r.turnover_rate), held.get(str(r.code), []))
        for r in got.frame.itertuples(index=False)
    ]
    error = got.error_line() or (why if fetcher is None and why != "offline" else None)
    return MembersView(code, name, kind, rows, got.as_of, got.stale or (fetcher is None and bool(rows)), error)


@dataclass
class DiffView:
    theme_id: str
    boards: list[str]
    diff: Any | None             # tui.analytics.board_diff.ThemeBoardDiff
    error: str | None            # why there is no diff (no board recorded, nothing fetched)
    stale: bool = False


def load_theme_diff(data_dir: Path, source_factory: Callable[[], Any] | None, theme: Theme,
                    boards: list[tuple[str, str, BoardKind]] | None = None,
                    now: Callable[[], datetime] | None = None) -> DiffView:
    """The theme against `boards` (code, name, kind), by default the boards it records (blocking)."""
    from tui.analytics.board_diff import diff_theme
    from tui.jobs.boards import Board, board_members
    from tui.store import Store

    wanted = boards if boards is not None else [(b.code, b.name or b.code, b.kind) for b in theme.boards]
    if not wanted:
        return DiffView(theme.id, [], None, "no_board")
    fetcher, why = _fetcher(source_factory)
    members: list[tuple[str, pd.DataFrame]] = []
    stale = False
    with Store.open(data_dir) as store:
        for code, name, kind in wanted:
            board = Board(code, name, kind)
            got = board_members(store, fetcher, board, max_age=MAX_AGE, **_clock(now))
            if got.frame.empty:
                return DiffView(theme.id, [board.label()], None, got.error_line() or why or "empty")
            stale = stale or got.stale
            members.append((board.label(), got.frame))
    return DiffView(theme.id, [label for label, _ in members], diff_theme(theme, members), None, stale)


# --------------------------------------------------------------------------- index overlay

#: Row keys of an overlaid board in a ThemeIndexView: its index and the theme's excess over it.
def overlay_key(code: str) -> str:
    return f"board:{code}"


def excess_key(code: str) -> str:
    return f"excess:{code}"


def add_board_overlay(view: Any, code: str, label: str, bars: pd.DataFrame) -> bool:
    """Put a board's own daily index on a theme index view (rebased to 100 on the view's
    first date, carried over missing sessions like the benchmarks) with its returns and the
    equal-weighted theme's excess over it. False when the board has no bar in the window."""
    from tui.analytics.returns import series_returns
    from tui.views.theme_index import EQUAL, PERIODS

    if not view.dates or bars.empty:
        return False
    close = pd.Series(bars["close"].to_numpy(dtype="float64"), index=pd.to_datetime(bars["date"]).dt.normalize())
    close = close.loc[~close.index.duplicated(keep="last")].sort_index().dropna()
    dates = pd.DatetimeIndex([pd.Timestamp(d) for d in view.dates])
    shown = close.reindex(dates).ffill()
    first = shown.dropna()
    if first.empty:
        return False
    key = overlay_key(code)
    view.benchmarks[key] = (shown / first.iloc[0] * 100.0).tolist()
    view.bench_as_of[key] = close.index[-1].date()
    view.names[key] = label
    board_returns = series_returns(close, periods=PERIODS, as_of=dates[-1])
    theme_returns = view.returns.get(EQUAL, {})
    view.returns[key] = {k: float(board_returns.get(k, float("nan"))) for k in theme_returns}
    view.returns[excess_key(code)] = {k: theme_returns[k] - view.returns[key][k] for k in theme_returns}
    return True


def load_board_overlay(data_dir: Path, source_factory: Callable[[], Any] | None, view: Any, code: str, name: str,
                       kind: BoardKind, *, now: Callable[[], datetime] | None = None) -> str | None:
    """Fetch (or read the cached) board index over the view's window and overlay it on `view`
    (blocking). Returns why it could not, or None."""
    from tui.jobs.boards import Board, board_history
    from tui.store import Store

    if not view.dates:
        return None
    fetcher, why = _fetcher(source_factory)
    board = Board(code, name, kind)
    with Store.open(data_dir) as store:
        got = board_history(store, fetcher, board, view.dates[0], view.dates[-1], **_clock(now))
    if add_board_overlay(view, code, board.label(), got.frame):
        return got.error_line() if got.stale else None
    return got.error_line() or why or "no bars"
