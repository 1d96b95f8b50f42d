"""`theme-tracker watchlist|catalyst|reading ...`: edit the YAML files from the command line.

    theme-tracker watchlist add THEME_ID CODE [--name N] [--segment S] [--reason R] ...
    theme-tracker watchlist remove THEME_ID CODE
    theme-tracker watchlist move CODE --from THEME_ID --to THEME_ID [--segment S]
    theme-tracker watchlist edit THEME_ID CODE [--reason R] [--segment S] ...
    theme-tracker catalyst add --id ID --title T [--date D] [--kind K] [--stocks C1,C2] [--themes T1,T2]
    theme-tracker catalyst set-status ID STATUS [--outcome TEXT]
    theme-tracker catalyst remove ID
    theme-tracker reading add INDICATOR_ID --date D --value V [--source S] [--note N]
    theme-tracker reading remove INDICATOR_ID --date D [--value V]

Edits go through tui.config.editing: validated before writing, minimal diffs, atomic writes
with a backup in `.backup/` beside the file. stdout gets one confirmation line; warnings and errors go to
stderr. Exit codes: 0 done, 1 refused (invalid value, unknown id, file changed on disk),
2 usage error (bad option, missing --name).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import Any

from tui.config.editing import (
    UNSET,
    CatalystEditor,
    EditError,
    EditResult,
    NameLookup,
    WatchlistEditor,
    find_indicator,
    find_theme_file,
    move_stock,
    reference_warnings,
)
from tui.config.atomic import file_locks
from tui.config.loader import directory_problem
from tui.context import Context
from tui.config.editing import MissingNameError
from tui.errors import ExitCode, UsageError

#: Hook for the stock-name lookup used when `watchlist add` has no --name: a function of the
#: Context returning a `code -> name | None` callable (e.g. from the stored quotes), or None.
def _default_name_lookup(ctx: Context) -> NameLookup | None:
    from tui.views.names import name_lookup

    local = name_lookup(ctx.watchlists, ctx.catalysts, ctx.data_dir)

    def lookup(code: str) -> str | None:
        name = local(code)
        if name:
            return name
        # Online, with a short deadline, through the configured source (THEME_TRACKER_SOURCE).
        from tui.jobs import name_lookup as online
        from tui.sources.factory import source_factory

        deadline = online.NAME_LOOKUP_DEADLINE_S
        found = online.fetch_name(code, source_factory(timeout=deadline), deadline=deadline)
        if found.name is None:
            _online_failures[code] = found.reason or "not found"
        return found.name

    return lookup


#: Why the online name lookup found nothing, by code (for the refusal's message).
_online_failures: dict[str, str] = {}


name_lookup_factory: Callable[[Context], NameLookup | None] = _default_name_lookup


def _csv(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `watchlist`, `catalyst` and `reading` commands."""
    _register_watchlist(sub)
    _register_catalyst(sub)
    _register_reading(sub)


def _group(sub: argparse._SubParsersAction, name: str, help: str) -> argparse._SubParsersAction:
    p = sub.add_parser(
        name, help=help,
        description=f"{help[0].upper()}{help[1:]}. Edits keep comments and layout; the previous "
        "version is kept in .backup/ beside the file. Exit status: 0 done, 1 refused, 2 usage error.",
    )
    return p.add_subparsers(dest="action", metavar="ACTION", required=True)


def _register_watchlist(sub: argparse._SubParsersAction) -> None:
    actions = _group(sub, "watchlist", "add, remove, move or edit a theme's stocks")

    p = actions.add_parser("add", help="add a stock to a theme", description="Add a stock to a theme's watchlist file. "
                           "It goes after the last stock of its segment group (or at the end).")
    p.add_argument("theme", metavar="THEME_ID")
    p.add_argument("code", metavar="CODE", help="six-digit A-share code (a five-digit Hong Kong code needs --market HK)")
    p.add_argument("--market", metavar="M", choices=("A", "HK"), help="HK for a Hong Kong listing (five-digit code); default A-share")
    p.add_argument("--name", metavar="N", help="the company's name (default: from another watchlist, the stored quotes, "
                   "or the market source, looked up online within 5 s)")
    p.add_argument("--segment", metavar="S", help="industry-chain segment; one of the theme's segments")
    p.add_argument("--reason", metavar="R", help="why the stock is in the theme")
    p.add_argument("--risk", metavar="TEXT", action="append", default=[], help="a risk (repeatable)")
    p.add_argument("--tags", metavar="T1,T2", help="comma-separated tags")
    p.add_argument("--notes", metavar="TEXT", help="free-text notes")
    p.add_argument("--source", metavar="ARTICLE", help="the source article's name")
    p.set_defaults(handler=run_watchlist_add)

    p = actions.add_parser("remove", help="remove a stock from a theme", description="Remove a stock from a theme's watchlist file.")
    p.add_argument("theme", metavar="THEME_ID")
    p.add_argument("code", metavar="CODE", help="the stock's code (or name, for a company without a code)")
    p.set_defaults(handler=run_watchlist_remove)

    p = actions.add_parser("move", help="move a stock to another theme and/or segment",
                           description="Move a stock, with its notes and comments, to another theme and/or segment.")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--from", dest="src", metavar="THEME_ID", required=True, help="the theme it is in")
    p.add_argument("--to", dest="dst", metavar="THEME_ID", required=True, help="the theme to move it to (may be the same)")
    p.add_argument("--segment", metavar="S", help="its segment in the destination theme")
    p.set_defaults(handler=run_watchlist_move)

    p = actions.add_parser("edit", help="change a stock's reason, risks, tags, notes or segment",
                           description="Change fields of a stock. An empty value (--notes '') removes the field.")
    p.add_argument("theme", metavar="THEME_ID")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--name", metavar="N")
    p.add_argument("--segment", metavar="S")
    p.add_argument("--reason", metavar="R")
    p.add_argument("--risks", metavar="R1;R2", help="semicolon-separated risks (replaces the list)")
    p.add_argument("--tags", metavar="T1,T2", help="comma-separated tags (replaces the list)")
    p.add_argument("--notes", metavar="TEXT")
    p.set_defaults(handler=run_watchlist_edit)


def _register_catalyst(sub: argparse._SubParsersAction) -> None:
    actions = _group(sub, "catalyst", "add or remove a catalyst, or record what happened")

    p = actions.add_parser("add", help="add a catalyst to the calendar", description="Add a catalyst at the end of the calendar.")
    p.add_argument("--id", required=True, metavar="ID", help="lowercase letters, digits, - _ .")
    p.add_argument("--title", required=True, metavar="T")
    p.add_argument("--date", metavar="D", help="2025-03-13 | 2024-09 | 2025Q2 | 2026H1 | 2026 (omit if undated)")
    p.add_argument("--kind", metavar="K", help="policy | industry | company | earnings | order | financing | risk | market | other")
    p.add_argument("--stocks", metavar="C1,C2", help="comma-separated codes")
    p.add_argument("--themes", metavar="T1,T2", help="comma-separated theme ids")
    p.add_argument("--impact", metavar="I", help="positive | negative | mixed | unknown")
    p.add_argument("--status", metavar="S", help="expected | confirmed | happened | missed | cancelled")
    p.add_argument("--expected", metavar="TEXT", help="the expected impact, in words")
    p.add_argument("--notes", metavar="TEXT")
    p.add_argument("--source", metavar="ARTICLE", help="the source article's name")
    p.set_defaults(handler=run_catalyst_add)

    p = actions.add_parser("set-status", help="set a catalyst's status (and outcome)",
                           description="Set a catalyst's status: expected | confirmed | happened | missed | cancelled.")
    p.add_argument("id", metavar="ID")
    p.add_argument("status", metavar="STATUS", help="expected | confirmed | happened | missed | cancelled")
    p.add_argument("--outcome", metavar="TEXT", help="what happened")
    p.set_defaults(handler=run_catalyst_set_status)

    p = actions.add_parser("remove", help="remove a catalyst from the calendar", description="Remove a catalyst (by id) from the calendar.")
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=run_catalyst_remove)


def _register_reading(sub: argparse._SubParsersAction) -> None:
    actions = _group(sub, "reading", "add or remove an indicator reading")
    p = actions.add_parser("add", help="add a reading to an indicator", description="Add a reading to an indicator (found by id "
                           "in the watchlists), in date order.")
    p.add_argument("indicator", metavar="INDICATOR_ID")
    p.add_argument("--date", required=True, metavar="D", help="2025-03-13 | 2024-09 | 2025Q2 | 2026H1 | 2026")
    p.add_argument("--value", required=True, metavar="V", help='a number, a range "12-15" or a bound "< 50"')
    p.add_argument("--source", metavar="ARTICLE", help="the source article's name")
    p.add_argument("--note", metavar="TEXT")
    p.add_argument("--unit", metavar="U", help="must equal the indicator's unit")
    p.add_argument("--theme", metavar="THEME_ID", help="the indicator's theme, if several themes use the id")
    p.set_defaults(handler=run_reading_add)

    p = actions.add_parser("remove", help="remove a reading from an indicator",
                           description="Remove an indicator's reading of a date (pass --value too if it has several that date).")
    p.add_argument("indicator", metavar="INDICATOR_ID")
    p.add_argument("--date", required=True, metavar="D", help="the reading's date, as written (2025-03-13 | 2024-09 | 2025Q2 | ...)")
    p.add_argument("--value", metavar="V", help="the reading's value, when the date has several readings")
    p.add_argument("--theme", metavar="THEME_ID", help="the indicator's theme, if several themes use the id")
    p.set_defaults(handler=run_reading_remove)


# --------------------------------------------------------------------------- handlers


def _report(results: EditResult | list[EditResult]) -> int:
    items = results if isinstance(results, list) else [results]
    for r in items:
        for w in r.warnings:
            print(f"theme-tracker: warning: {w}", file=sys.stderr)
        if r.backup is not None:
            print(f"theme-tracker: previous version kept as {r.backup}", file=sys.stderr)
    print("; ".join(r.message for r in items))
    return int(ExitCode.OK)


def _need_watchlists(ctx: Context) -> None:
    problem = directory_problem(ctx.watchlists)
    if problem:
        raise UsageError(problem)


def _editor(ctx: Context, theme: str, **kw: Any) -> WatchlistEditor:
    _need_watchlists(ctx)
    return WatchlistEditor(find_theme_file(ctx.watchlists, theme), **kw)


def _under_lock(editor: Any, edit: Callable[[], Any]) -> Any:
    """Run `edit` with the file's write lock held from (re)loading to renaming: a CLI edit is
    "add this stock", not "apply this diff", so it is applied to the file as it is now and never
    refused because another writer finished a moment earlier."""
    with editor.locked():
        editor.reload()
        return edit()


def run_watchlist_add(args: argparse.Namespace, ctx: Context) -> int:
    if args.market != "HK" and re.fullmatch(r"\d{5}", args.code.strip()):
        raise EditError(
            f"code {args.code.strip()!r} has five digits: A-share codes have six digits; "
            "for a Hong Kong listing pass --market HK (written as market: HK beside the code)"
        )
    lookup = None if args.name else name_lookup_factory(ctx)
    editor = _editor(ctx, args.theme, name_lookup=lookup)
    if not args.name and lookup is None:
        raise UsageError(f"the name of {args.code} is not known yet: pass it with --name")
    try:
        result = _under_lock(editor, lambda: editor.add_stock(
            args.code, name=args.name, segment=args.segment, reason=args.reason, risks=args.risk,
            tags=_csv(args.tags), notes=args.notes, source=args.source, market=args.market,
        ))
    except MissingNameError:
        online = _online_failures.pop(args.code.strip(), None)
        where = "no watchlist or stored quote has it" + (f", and the online lookup failed: {online}" if online else "")
        raise UsageError(f"the name of {args.code} is not known ({where}): pass it with --name") from None
    return _report(result)


def run_watchlist_remove(args: argparse.Namespace, ctx: Context) -> int:
    editor = _editor(ctx, args.theme)
    return _report(_under_lock(editor, lambda: editor.remove_stock(args.code)))


def run_watchlist_move(args: argparse.Namespace, ctx: Context) -> int:
    src = _editor(ctx, args.src)
    dst = src if args.dst == args.src else _editor(ctx, args.dst)
    segment = args.segment if args.segment is not None else UNSET
    if args.dst == args.src and args.segment is None:
        raise UsageError("--from and --to name the same theme: pass --segment to move the stock to another segment")
    with file_locks([src.path, dst.path]):
        src.reload()
        if dst is not src:
            dst.reload()
        return _report(move_stock(src, dst, args.code, segment=segment))


def run_watchlist_edit(args: argparse.Namespace, ctx: Context) -> int:
    changes: dict[str, Any] = {}
    for field in ("name", "segment", "reason", "notes"):
        value = getattr(args, field)
        if value is not None:
            changes[field] = value or None
    if args.risks is not None:
        changes["risks"] = [r.strip() for r in args.risks.split(";") if r.strip()]
    if args.tags is not None:
        changes["tags"] = _csv(args.tags)
    if not changes:
        raise UsageError("nothing to change: pass --reason, --risks, --tags, --notes, --segment or --name")
    editor = _editor(ctx, args.theme)
    return _report(_under_lock(editor, lambda: editor.update_stock(args.code, **changes)))


def _catalyst_editor(ctx: Context) -> CatalystEditor:
    if not ctx.catalysts.is_file():
        what = "a directory, not a catalyst file" if ctx.catalysts.is_dir() else "catalyst file not found"
        raise UsageError(f"{ctx.catalysts}: {what}; pass --catalysts FILE")
    return CatalystEditor(ctx.catalysts)


def run_catalyst_add(args: argparse.Namespace, ctx: Context) -> int:
    editor = _catalyst_editor(ctx)
    themes, stocks = _csv(args.themes), _csv(args.stocks)
    if themes or stocks:
        # A catalyst naming a stock or theme no watchlist has is refused, as the same mistake
        # in a watchlist is (a typo such as 30073 would otherwise be written with a warning).
        from tui.config.loader import load_project

        project = load_project(ctx.watchlists, None) if ctx.watchlists.is_dir() else None
        problems = _reference_problems(project, themes, stocks)
        if problems:
            raise EditError("; ".join(problems) + "; nothing was written")
    result = _under_lock(editor, lambda: editor.add_catalyst(
        args.id, title=args.title, date=args.date, kind=args.kind, themes=themes, stocks=stocks,
        impact=args.impact, status=args.status, expected=args.expected, notes=args.notes, source=args.source,
    ))
    return _report(result)


def _reference_problems(project: Any, themes: list[str], stocks: list[str]) -> list[str]:
    from tui.domain.codes import CodeError, check_listing

    problems, valid = [], []
    hk = _hk_codes(project) if project is not None else set()
    for code in stocks:
        try:
            check_listing(code, "HK" if code in hk else None)
            valid.append(code)
        except CodeError as exc:
            problems.append(f"--stocks: {exc}")
    if project is None:
        return problems
    problems += [
        f"--stocks: {w} (add it to a theme first: theme-tracker watchlist add)"
        for w in reference_warnings(project, stocks=valid)
    ]
    known = ", ".join(t.id for t in project.themes) or "none"
    problems += [f"--themes: {w}; themes: {known}" for w in reference_warnings(project, themes=themes)]
    return problems


def _hk_codes(project: Any) -> set[str]:
    return {s.code for t in project.themes for s in t.stocks if s.code and s.market == "HK"}


def run_catalyst_remove(args: argparse.Namespace, ctx: Context) -> int:
    editor = _catalyst_editor(ctx)
    return _report(_under_lock(editor, lambda: editor.remove_catalyst(args.id)))


def run_catalyst_set_status(args: argparse.Namespace, ctx: Context) -> int:
    outcome = args.outcome if args.outcome is not None else UNSET
    editor = _catalyst_editor(ctx)
    return _report(_under_lock(editor, lambda: editor.set_status(args.id, args.status, outcome=outcome)))


def run_reading_remove(args: argparse.Namespace, ctx: Context) -> int:
    _need_watchlists(ctx)
    path, _theme = find_indicator(ctx.watchlists, args.indicator, args.theme)
    editor = WatchlistEditor(path)
    return _report(_under_lock(editor, lambda: editor.remove_reading(args.indicator, date=args.date, value=args.value)))


def run_reading_add(args: argparse.Namespace, ctx: Context) -> int:
    _need_watchlists(ctx)
    path, _theme = find_indicator(ctx.watchlists, args.indicator, args.theme)
    editor = WatchlistEditor(path)
    return _report(_under_lock(editor, lambda: editor.add_reading(
        args.indicator, date=args.date, value=args.value, source=args.source, note=args.note, unit=args.unit,
    )))
