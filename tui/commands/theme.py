"""`theme-tracker theme new|diff`: start a theme from portal boards and keep it in step.

    theme-tracker theme new THEME_ID --name NAME [--board NAME_OR_BK ...]
    theme-tracker theme diff THEME_ID [--board NAME_OR_BK ...] [--apply add] [--remove CODE ...]

`new` writes `<watchlists>/THEME_ID.yaml`: the boards' constituents (codes quoted, names;
segments and reasons left for the user) with the boards recorded under `boards:` and as the
theme's source, dated; without --board, an empty theme with a commented template. The file is
checked with the loader before it appears and never replaces an existing one.

`diff` lists the boards' members the theme lacks and the theme's stocks no board has. With
`--apply add` the missing ones are added through the comment-preserving editor; a stock is
only ever removed when named with `--remove CODE`, one by one. Without --board, the boards the
theme records under `boards:` are used. Exit codes: 0 done, 1 refused or nothing to compare,
2 usage error.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import timedelta
from typing import Any

from tui.commands.board import add_source_options, check_source_options, open_fetcher, resolve, warn_if_stale
from tui.commands.text_table import render_table
from tui.context import Context
from tui.formats import fmt_pct
from tui.errors import ExitCode, ThemeTrackerError, UsageError

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `theme` command."""
    p = sub.add_parser(
        "theme", help="start a theme from concept boards, and compare a theme with its boards",
        description="Create a theme file from concept/industry boards, or compare a theme with its "
        "boards and add what it lacks. Exit status: 0 done, 1 refused, 2 usage error.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    q = actions.add_parser("new", help="write a new theme file, from boards or an empty template",
                           description="Write <watchlists>/THEME_ID.yaml: with --board, the boards' constituents "
                           "(codes and names; segments and reasons are yours to fill in) and the boards recorded "
                           "as the theme's source; without, an empty theme with a commented template.")
    q.add_argument("theme", metavar="THEME_ID", help="lowercase letters, digits, - _ . (the file is THEME_ID.yaml)")
    q.add_argument("--name", metavar="NAME", required=True, help="the theme's display name, e.g. CPO 光模块")
    q.add_argument("--board", metavar="NAME_OR_BK", action="append", default=[],
                   help="a board to take the constituents from (repeatable)")
    q.add_argument("--benchmark", metavar="INDEX", default="sz399006",
                   help="the theme's benchmark index with market prefix (default sz399006 创业板指)")
    add_source_options(q)
    q.set_defaults(handler=run_new)

    q = actions.add_parser("diff", help="compare a theme with its boards; add what it lacks",
                           description="List the boards' members the theme lacks and the theme's stocks no "
                           "board has. --apply add adds the missing ones (comments kept); --remove CODE removes "
                           "one named stock the boards lack (repeatable).")
    q.add_argument("theme", metavar="THEME_ID")
    q.add_argument("--board", metavar="NAME_OR_BK", action="append", default=[],
                   help="compare with this board (repeatable; default: the boards the theme records)")
    q.add_argument("--apply", choices=("add",), help="add: add every board member the theme lacks")
    q.add_argument("--remove", metavar="CODE", action="append", default=[],
                   help="remove this stock, which no compared board has (repeatable, one code each)")
    q.add_argument("--format", choices=("table", "json"), default="table")
    add_source_options(q)
    q.set_defaults(handler=run_diff)


def _members_of(store: Any, fetcher: Any, queries: list[str], args: argparse.Namespace, why: str | None) -> list[tuple[Any, Any]]:
    """(Board, members frame) for each query; ThemeTrackerError when one has no members."""
    from tui.jobs.boards import board_members

    max_age = timedelta(minutes=args.max_age)
    out = []
    for query in queries:
        board = resolve(store, fetcher, query, max_age=max_age)
        got = board_members(store, fetcher, board, refresh=args.refresh, max_age=max_age)
        warn_if_stale(f"board {board.label()}", got, why)
        if got.frame.empty:
            reason = got.error_line() or why or "nothing fetched"
            raise ThemeTrackerError(f"board {board.label()}: no constituents stored and none fetched ({reason})")
        out.append((board, got.frame))
    return out


def run_new(args: argparse.Namespace, ctx: Context) -> int:
    from tui.config.editing import EditError
    from tui.config.loader import load_project
    from tui.config.new_theme import BoardMembers, create_theme_file, render_theme

    theme_id = args.theme.strip()
    if not _SLUG.match(theme_id):
        raise UsageError(f"theme id {theme_id!r} must be lowercase letters, digits, '-', '_' or '.', starting with a letter or digit")
    if not args.name.strip():
        raise UsageError("--name must not be blank")
    if not re.match(r"^(sh|sz|bj)\d{6}$", args.benchmark):
        raise UsageError(f"--benchmark {args.benchmark!r} must be an index code with its market prefix, e.g. sz399006")
    existing = load_project(ctx.watchlists, None)
    if existing.theme(theme_id) is not None:
        raise ThemeTrackerError(f"theme {theme_id!r} already exists; pick another id, or `theme diff {theme_id}`")
    boards: list[BoardMembers] = []
    if args.board:
        check_source_options(args)
        from tui.store import Store

        fetcher, why = open_fetcher(args)
        with Store.open(ctx.data_dir) as store:
            for board, frame in _members_of(store, fetcher, args.board, args, why):
                members = [(str(c), str(n)) for c, n in zip(frame["code"], frame["name"])]
                boards.append(BoardMembers(board.code, board.name, board.kind, members))
    path = ctx.watchlists / f"{theme_id}.yaml"
    text = render_theme(theme_id, args.name.strip(), boards, ctx.today(), benchmark=args.benchmark)
    try:
        create_theme_file(path, text)
    except EditError as exc:
        print(f"theme-tracker: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    count = len({c for b in boards for c, _ in b.members})
    what = f"{count} stock(s) from {'、'.join(f'{b.name}（{b.code}）' for b in boards)}" if boards else "an empty theme"
    print(f"wrote {path}: {what}")
    return int(ExitCode.OK)


def run_diff(args: argparse.Namespace, ctx: Context) -> int:
    check_source_options(args)
    from tui.analytics.board_diff import diff_theme
    from tui.config.editing import EditError, WatchlistEditor, find_theme_file
    from tui.config.loader import load_project
    from tui.store import Store

    project = load_project(ctx.watchlists, None)
    theme = project.theme(args.theme)
    if theme is None:
        known = ", ".join(t.id for t in project.themes) or "none"
        raise ThemeTrackerError(f"unknown theme {args.theme!r} (themes: {known})")
    queries = args.board or [b.code for b in theme.boards]
    if not queries:
        raise UsageError(f"theme {theme.id!r} records no board: pass --board NAME_OR_BK "
                         "(or list its boards under `boards:` in the theme file)")
    fetcher, why = open_fetcher(args)
    with Store.open(ctx.data_dir) as store:
        members = _members_of(store, fetcher, queries, args, why)
    diff = diff_theme(theme, [(board.label(), frame) for board, frame in members])
    extra_codes = {s.code for s in diff.extra}
    bad = [c for c in args.remove if c not in extra_codes]
    if bad:
        listed = {s.code for s in theme.stocks if s.code}
        why_not = [f"{c} ({'a compared board has it' if c in listed else 'not in the theme'})" for c in bad]
        raise ThemeTrackerError(f"--remove only removes theme stocks no compared board has: {', '.join(why_not)}")

    if args.format == "json":
        doc = diff.to_dict()
    else:
        doc = None
        print(f"{theme.id} vs {'、'.join(diff.boards)}: {diff.common} in both, "
              f"{len(diff.missing)} in the board(s) only, {len(diff.extra)} in the theme only")
        if diff.missing:
            print("\nIn the board(s), not in the theme (theme diff --apply add adds them):")
            print(render_table(["code", "name", "change", "board"],
                               [[s.code, s.name, fmt_pct(s.change_pct), "、".join(s.boards)] for s in diff.missing],
                               right={2}))
        if diff.extra:
            print("\nIn the theme, in no compared board (kept unless removed one by one with --remove CODE):")
            print(render_table(["code", "name", "segment"], [[s.code, s.name, s.segment or "—"] for s in diff.extra]))

    applied: list[str] = []
    if args.apply == "add" or args.remove:
        editor = WatchlistEditor(find_theme_file(ctx.watchlists, theme.id))
        today = ctx.today().isoformat()
        try:
            if args.apply == "add":
                for s in diff.missing:
                    source = {"outlet": "东方财富", "title": f"板块成分 {'、'.join(s.boards)}", "date": today}
                    editor.add_stock(s.code, name=s.name, source=source)
                    applied.append(f"added {s.code} {s.name}")
            for code in args.remove:
                editor.remove_stock(code)
                applied.append(f"removed {code}")
        except EditError as exc:
            for line in applied:
                print(line, file=sys.stderr)
            print(f"theme-tracker: theme diff: {exc}", file=sys.stderr)
            return int(ExitCode.FAILED)
    if doc is not None:
        doc["applied"] = applied
        print(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        for line in applied:
            print(line)
    return int(ExitCode.OK)
