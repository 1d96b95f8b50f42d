"""`theme-tracker board list|show`: browse Eastmoney's concept and industry boards.

    theme-tracker board list [--match TEXT] [--kind concept|industry] [--format table|json]
    theme-tracker board show NAME_OR_BK [--format table|json]

Boards come through the source layer (deadlines, retries, breaker) and are cached in the store
with their fetch time; a list or member set younger than --max-age minutes is not fetched
again, and a failed fetch shows the cached copy marked stale, with the reason on stderr.
stdout carries the table or the JSON. Exit codes: 0 shown (cached data included), 1 nothing
to show (fetch failed and nothing cached, unknown board), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta
from typing import Any

from tui.commands.text_table import render_table
from tui.formats import finite_or_none, fmt_amount, fmt_pct, fmt_price
from tui.context import Context
from tui.errors import ExitCode, ThemeTrackerError, UsageError


def add_source_options(p: argparse.ArgumentParser) -> None:
    """Options every board-reading command shares."""
    group = p.add_mutually_exclusive_group()
    group.add_argument("--refresh", action="store_true", help="fetch even if the cached copy is recent")
    group.add_argument("--offline", action="store_true", help="read only the cached copy; no network")
    p.add_argument("--max-age", metavar="MIN", type=float, default=15.0,
                   help="fetch again when the cached copy is older than this (minutes; default 15)")
    p.add_argument("--timeout", metavar="SECONDS", type=float, default=10.0,
                   help="deadline of each call to the source (default 10)")
    p.add_argument("--budget", metavar="SECONDS", type=float, default=60.0,
                   help="time budget of the whole command's fetches (default 60)")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `board` command."""
    p = sub.add_parser(
        "board", help="browse concept and industry boards (东方财富 概念板块/行业板块)",
        description="Browse Eastmoney's concept and industry boards: their moves, breadth, leading "
        "stocks and constituents. Cached in the store with the fetch time. Exit status: 0 shown, "
        "1 nothing to show, 2 usage error.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    q = actions.add_parser("list", help="list boards with their move, breadth and leading stock",
                           description="List the concept and industry boards: name, BK code, move (涨跌幅), "
                           "breadth (stocks up/down) and leading stock (领涨股票), biggest move first.")
    q.add_argument("--match", metavar="TEXT", help="only boards whose name or code contains TEXT")
    q.add_argument("--kind", choices=("concept", "industry"), help="only concept or only industry boards")
    q.add_argument("--limit", metavar="N", type=int, default=0, help="show at most N boards (table only; default all)")
    q.add_argument("--format", choices=("table", "json"), default="table")
    add_source_options(q)
    q.set_defaults(handler=run_list)

    q = actions.add_parser("show", help="a board's constituents with their quotes",
                           description="Show a board's constituents (成分股) with their quotes, and which of "
                           "your themes each one is in. NAME_OR_BK: a BK code, a board name, or a unique part of one.")
    q.add_argument("board", metavar="NAME_OR_BK")
    q.add_argument("--format", choices=("table", "json"), default="table")
    add_source_options(q)
    q.set_defaults(handler=run_show)


def check_source_options(args: argparse.Namespace) -> None:
    """Usage errors in the options of add_source_options."""
    if args.max_age < 0:
        raise UsageError("--max-age must be 0 or more minutes")
    if args.timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    if args.budget <= 0:
        raise UsageError("--budget must be more than 0 seconds")


def open_fetcher(args: argparse.Namespace) -> tuple[Any | None, str | None]:
    """The configured source's board fetcher, or (None, why) with --offline or without boards."""
    if args.offline:
        return None, "offline"
    from tui.jobs.boards import open_fetcher as _open
    from tui.sources.factory import source_factory

    return _open(source_factory(timeout=args.timeout), budget_seconds=args.budget)


def _as_of(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else "never"


def warn_if_stale(what: str, got: Any, why_offline: str | None) -> None:
    """One stderr line when the data shown is the cached copy because a fetch failed."""
    if got.stale:
        print(f"theme-tracker: {what}: fetch failed ({got.error_line()}); showing the copy cached at "
              f"{_as_of(got.as_of)}", file=sys.stderr)
    elif not got.fetched and why_offline and why_offline != "offline":
        print(f"theme-tracker: {what}: {why_offline}; showing the copy cached at {_as_of(got.as_of)}", file=sys.stderr)


def _int(value: Any) -> int | None:
    number = finite_or_none(value)
    return None if number is None else int(number)


def _breadth(up: Any, down: Any) -> float | None:
    """Share of the board's movers that rose (0-1), or None when unknown or nothing moved."""
    u, d = _int(up), _int(down)
    if u is None or d is None or u + d == 0:
        return None
    return u / (u + d)


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    check_source_options(args)
    from tui.jobs.boards import board_list
    from tui.store import Store

    fetcher, why = open_fetcher(args)
    kinds = (args.kind,) if args.kind else ("concept", "industry")
    with Store.open(ctx.data_dir) as store:
        got = board_list(store, fetcher, kinds=kinds, refresh=args.refresh, max_age=timedelta(minutes=args.max_age))
    warn_if_stale("board list", got, why)
    frame = got.frame
    if frame.empty:
        reason = got.error_line() or why or "nothing fetched"
        print(f"theme-tracker: board list: no boards stored and none fetched ({reason})", file=sys.stderr)
        return int(ExitCode.FAILED)
    if args.match:
        text = args.match.strip()
        hit = frame["name"].astype(str).str.contains(text, case=False, regex=False) | (frame["code"] == text.upper())
        frame = frame[hit]
    frame = frame.sort_values(["change_pct", "code"], ascending=[False, True], na_position="last")
    rows = [
        {
            "kind": r.kind, "code": r.code, "name": r.name, "price": finite_or_none(r.price), "change_pct": finite_or_none(r.change_pct),
            "up_count": _int(r.up_count), "down_count": _int(r.down_count),
            "breadth": _breadth(r.up_count, r.down_count),
            "leader_name": r.leader_name if isinstance(r.leader_name, str) else None,
            "leader_change_pct": finite_or_none(r.leader_change_pct), "market_cap": finite_or_none(r.market_cap),
            "turnover_rate": finite_or_none(r.turnover_rate),
        }
        for r in frame.itertuples(index=False)
    ]
    if args.format == "json":
        doc = {"as_of": got.as_of.isoformat() if got.as_of else None, "stale": got.stale,
               "error": got.error_line(), "boards": rows}
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return int(ExitCode.OK)
    shown = rows[: args.limit] if args.limit and args.limit > 0 else rows
    kind_label = {"concept": "概念", "industry": "行业"}
    table = [
        [kind_label[r["kind"]], r["code"], r["name"], fmt_pct(r["change_pct"]),
         f"{r['up_count'] if r['up_count'] is not None else '—'}/{r['down_count'] if r['down_count'] is not None else '—'}",
         r["leader_name"] or "—", fmt_pct(r["leader_change_pct"])]
        for r in shown
    ]
    print(render_table(["kind", "BK", "name", "move", "up/down", "leader", "leader move"], table,
                       right={3, 4, 6}))
    more = f" (first {len(shown)})" if len(shown) < len(rows) else ""
    mark = " [stale: cached copy]" if got.stale else ""
    print(f"{len(rows)} board(s){more} · as of {_as_of(got.as_of)}{mark}", file=sys.stderr)
    return int(ExitCode.OK)


def resolve(store: Any, fetcher: Any | None, query: str, *, max_age: timedelta = timedelta(minutes=15)) -> Any:
    """The board a NAME_OR_BK argument names. The cached list answers when it can; otherwise
    the list is fetched (a BK code works without it, but then has no name)."""
    from tui.domain.boards import is_board_code
    from tui.jobs.boards import UnknownBoardError, board_list, resolve_board
    from tui.store import boards as cache

    listed = cache.read_board_list(store)
    try:
        board = resolve_board(listed, query)
        if board.name != board.code or fetcher is None:
            return board
    except UnknownBoardError:
        if fetcher is None:
            raise
    got = board_list(store, fetcher, refresh=True, max_age=max_age)
    if is_board_code(query) and got.frame.empty:
        return resolve_board(cache.read_board_list(store), query)
    return resolve_board(got.frame, query)


def run_show(args: argparse.Namespace, ctx: Context) -> int:
    check_source_options(args)
    from tui.config.loader import load_project
    from tui.jobs.boards import board_members
    from tui.store import Store

    fetcher, why = open_fetcher(args)
    max_age = timedelta(minutes=args.max_age)
    with Store.open(ctx.data_dir) as store:
        board = resolve(store, fetcher, args.board, max_age=max_age)
        got = board_members(store, fetcher, board, refresh=args.refresh, max_age=max_age)
    warn_if_stale(f"board {board.label()}", got, why)
    if got.frame.empty:
        reason = got.error_line() or why or "nothing fetched"
        raise ThemeTrackerError(f"board {board.label()}: no constituents stored and none fetched ({reason})")
    project = load_project(ctx.watchlists, ctx.catalysts)
    themes_of: dict[str, list[str]] = {}
    for theme in project.themes:
        for stock in theme.stocks:
            if stock.code:
                themes_of.setdefault(stock.code, []).append(theme.id)
    members = got.frame
    rows = [
        {"code": r.code, "name": r.name, "price": finite_or_none(r.price), "change_pct": finite_or_none(r.change_pct),
         "amount": finite_or_none(r.amount), "turnover_rate": finite_or_none(r.turnover_rate), "themes": themes_of.get(r.code, [])}
        for r in members.itertuples(index=False)
    ]
    if args.format == "json":
        doc = {"board": {"code": board.code, "name": board.name, "kind": board.kind},
               "as_of": got.as_of.isoformat() if got.as_of else None, "stale": got.stale,
               "error": got.error_line(), "members": rows}
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return int(ExitCode.OK)
    table = [
        [r["code"], r["name"], fmt_price(r["price"]), fmt_pct(r["change_pct"]),
         fmt_amount(r["amount"]), fmt_pct(r["turnover_rate"], sign=False), ",".join(r["themes"])]
        for r in rows
    ]
    print(render_table(["code", "name", "price", "change", "amount", "turnover", "in themes"], table, right={2, 3, 4, 5}))
    in_themes = sum(1 for r in rows if r["themes"])
    mark = " [stale: cached copy]" if got.stale else ""
    print(f"{board.label()}: {len(rows)} constituent(s), {in_themes} in your themes · as of {_as_of(got.as_of)}{mark}",
          file=sys.stderr)
    return int(ExitCode.OK)
