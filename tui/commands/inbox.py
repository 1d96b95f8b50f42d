"""`theme-tracker inbox fetch|list|accept|dismiss|snooze|restore|calendar`: the catalyst inbox.

    theme-tracker inbox fetch [--codes C1,C2] [--since DATE] [--feeds LIST] [--budget S]
    theme-tracker inbox list [--state new] [--theme ID] [--format table|json] [--all]
    theme-tracker inbox accept ITEM_ID [--kind K] [--impact I] [--title T]
    theme-tracker inbox dismiss ITEM_ID
    theme-tracker inbox snooze ITEM_ID [--days N]
    theme-tracker inbox restore ITEM_ID
    theme-tracker inbox calendar [--theme ID] [--format table|json]

stdout is data (the list, the JSON, the one-line result); diagnostics go to stderr. Exit codes:
0 done, 1 a fetch failed or an edit was refused, 2 usage error (unknown item, bad option).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from tui.context import Context
from tui.errors import ExitCode, UsageError

STATES = ("new", "accepted", "dismissed", "snoozed", "all")


def _default_caller(ctx: Context, budget: float, timeout: float) -> Any:
    from tui.sources.feeds import FeedBudget, FeedCaller

    return FeedCaller(timeout=timeout, budget=FeedBudget(budget))


#: Builds the FeedCaller for `inbox fetch` / `refresh --feeds` (tests install a fake akshare).
caller_factory: Callable[[Context, float, float], Any] = _default_caller

#: Default time budget of one feed run, in seconds (its own, separate from quote refreshes).
DEFAULT_BUDGET = 180.0


def register(subparsers: Any) -> None:
    """Add the `inbox` command group."""
    parser = subparsers.add_parser(
        "inbox", help="fetch announcements, Q&A, news and earnings dates; triage them into the calendar",
        description="The catalyst inbox: announcements, answered investor questions and news of the "
        "themes' stocks, and fetched earnings dates and lock-up expiries.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = actions.add_parser("fetch", help="fetch the feeds into the inbox",
                           description="Fetch earnings dates and previews, lock-ups, announcements, investor "
                           "Q&A and news of the themes' stocks into the local store.")
    p.add_argument("--codes", metavar="C1,C2", help="only these codes (default: every listed watchlist code)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="items dated on or after this day (default: 14 days ago)")
    p.add_argument("--feeds", metavar="LIST", help="comma-separated among earnings, previews, lockups, "
                   "announcements, qa, news (default: all)")
    p.add_argument("--budget", metavar="SECONDS", type=float, default=DEFAULT_BUDGET,
                   help=f"time budget of the whole fetch (default {DEFAULT_BUDGET:g})")
    p.add_argument("--timeout", metavar="SECONDS", type=float, default=15.0, help="deadline of each request (default 15)")
    p.add_argument("-v", "--verbose", action="store_true", help="list every failure")
    p.set_defaults(handler=run_fetch)

    p = actions.add_parser("list", help="list inbox items (relevant first)")
    p.add_argument("--state", choices=STATES, default="new", help="items in this state (default new)")
    p.add_argument("--theme", metavar="ID", help="only the stocks of this theme")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--all", action="store_true", help="include muted routine filings")
    p.set_defaults(handler=run_list)

    p = actions.add_parser("accept", help="write an item to catalysts.yaml and mark it accepted")
    p.add_argument("item_id", metavar="ITEM_ID", type=int)
    p.add_argument("--kind", metavar="K", help="catalyst kind (default: suggested from the title)")
    p.add_argument("--impact", metavar="I", help="positive | negative | mixed | unknown")
    p.add_argument("--title", metavar="T", help="catalyst title (default: the item's)")
    p.set_defaults(handler=run_accept)

    p = actions.add_parser("dismiss", help="dismiss an item")
    p.add_argument("item_id", metavar="ITEM_ID", type=int)
    p.set_defaults(handler=run_dismiss)

    p = actions.add_parser("snooze", help="hide an item for a few days")
    p.add_argument("item_id", metavar="ITEM_ID", type=int)
    p.add_argument("--days", type=int, default=3, help="days until it is new again (default 3)")
    p.set_defaults(handler=run_snooze)

    p = actions.add_parser("restore", help="put a dismissed or snoozed item back to new")
    p.add_argument("item_id", metavar="ITEM_ID", type=int)
    p.set_defaults(handler=run_restore)

    p = actions.add_parser("calendar", help="list fetched earnings dates and lock-up expiries")
    p.add_argument("--theme", metavar="ID", help="only the stocks of this theme")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=run_calendar)


def project_of(ctx: Context) -> Any:
    from tui.config.loader import load_project

    return load_project(ctx.watchlists, ctx.catalysts if ctx.catalysts.is_file() else None)


def _parse_day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date; write it as YYYY-MM-DD") from None


def parse_feeds(text: str | None) -> tuple[str, ...]:
    from tui.inbox.fetch import FEEDS

    if text is None:
        return FEEDS
    wanted = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FEEDS]
    if unknown or not wanted:
        raise UsageError(f"--feeds: unknown feed {', '.join(unknown) or '(none)'}; choose among {', '.join(FEEDS)}")
    return tuple(wanted)


def fetch_feeds(ctx: Context, project: Any, codes: list[str], *, since: date | None = None,
                feeds: tuple[str, ...] | None = None, budget: float = DEFAULT_BUDGET, timeout: float = 15.0,
                progress: Any = None) -> Any:
    """Run the feeds into the store; returns the FeedSummary (shared with `refresh --feeds`)."""
    from tui.inbox.fetch import FEEDS, run_inbox_fetch
    from tui.store import Store

    caller = caller_factory(ctx, budget, timeout)
    with Store.open(ctx.data_dir) as store:
        return run_inbox_fetch(store.conn, caller, codes, today=ctx.today(), names=project.stock_names(),
                               since=since, feeds=feeds or FEEDS, progress=progress)


def run_fetch(args: argparse.Namespace, ctx: Context) -> int:
    if args.budget <= 0 or args.timeout <= 0:
        raise UsageError("--budget and --timeout must be positive numbers of seconds")
    since = _parse_day(args.since, "--since")
    feeds = parse_feeds(args.feeds)
    project = project_of(ctx)
    if args.codes:
        codes = [c.strip() for c in args.codes.split(",") if c.strip()]
        if not codes:
            raise UsageError("--codes needs at least one code, e.g. --codes 300133,688041")
    else:
        codes = project.listed_codes()
    if not codes:
        raise UsageError(f"no stocks to fetch: {ctx.watchlists} lists no codes; pass --codes")
    from tui.inbox.fetch import format_feed_summary

    summary = fetch_feeds(ctx, project, codes, since=since, feeds=feeds, budget=args.budget, timeout=args.timeout)
    for line in format_feed_summary(summary, verbose=args.verbose):
        print(line)
    return int(ExitCode.OK if summary.ok else ExitCode.FAILED)


def _rows(args: argparse.Namespace, ctx: Context, project: Any) -> list[Any]:
    from tui.store import Store
    from tui.views.inbox import load_rows

    if args.theme is not None and project.theme(args.theme) is None:
        known = ", ".join(t.id for t in project.themes) or "none loaded"
        raise UsageError(f"--theme {args.theme!r}: no such theme (themes: {known})")
    states = None if args.state == "all" else (args.state,)
    with Store.open(ctx.data_dir) as store:
        return load_rows(store.conn, project, today=ctx.today(), states=states, theme_id=args.theme,
                         include_muted=args.all)


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    project = project_of(ctx)
    rows = _rows(args, ctx, project)
    if args.format == "json":
        json.dump([r.as_json() for r in rows], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return int(ExitCode.OK)
    if not rows:
        print(f"no {'' if args.state == 'all' else args.state + ' '}items" + (f" for theme {args.theme}" if args.theme else ""))
        return int(ExitCode.OK)
    from tui.views.inbox import KIND_LABELS_EN

    print(f"{'ID':>5}  {'DATE':10}  {'CODE':6}  {'NAME':8}  {'KIND':6}  {'STATE':9}  REL  TITLE")
    for r in rows:
        i = r.item
        mark = "*" if r.relevant else ("m" if r.muted else "")
        print(f"{i.id:>5}  {i.date:10}  {i.code:6}  {r.name[:8]:8}  {KIND_LABELS_EN.get(i.kind, i.kind):6}  "
              f"{i.state:9}  {mark:3}  {i.title}")
    return int(ExitCode.OK)


def _store_conn(ctx: Context) -> Any:
    from tui.store import Store

    return Store.open(ctx.data_dir)


def run_accept(args: argparse.Namespace, ctx: Context) -> int:
    from tui.inbox.triage import accept

    project = project_of(ctx)
    with _store_conn(ctx) as store:
        done = accept(store.conn, args.item_id, ctx.catalysts, project, today=ctx.today(),
                      kind=args.kind, impact=args.impact, title=args.title)
    if done.edit.backup is not None:
        print(f"theme-tracker: previous version kept as {done.edit.backup}", file=sys.stderr)
    print(f"accepted inbox item {args.item_id} as catalyst {done.catalyst_id}: {done.edit.message}")
    return int(ExitCode.OK)


def run_dismiss(args: argparse.Namespace, ctx: Context) -> int:
    from tui.inbox.triage import dismiss

    with _store_conn(ctx) as store:
        dismiss(store.conn, args.item_id)
    print(f"dismissed inbox item {args.item_id}")
    return int(ExitCode.OK)


def run_snooze(args: argparse.Namespace, ctx: Context) -> int:
    from tui.inbox.triage import snooze

    with _store_conn(ctx) as store:
        item = snooze(store.conn, args.item_id, today=ctx.today(), days=args.days)
    print(f"snoozed inbox item {args.item_id} until {item.snoozed_until}")
    return int(ExitCode.OK)


def run_restore(args: argparse.Namespace, ctx: Context) -> int:
    from tui.inbox.triage import restore

    with _store_conn(ctx) as store:
        restore(store.conn, args.item_id)
    print(f"inbox item {args.item_id} is new again")
    return int(ExitCode.OK)


def run_calendar(args: argparse.Namespace, ctx: Context) -> int:
    from tui.store import Store
    from tui.views.inbox import fetched_rows

    project = project_of(ctx)
    theme = None
    if args.theme is not None:
        theme = project.theme(args.theme)
        if theme is None:
            raise UsageError(f"--theme {args.theme!r}: no such theme")
    with Store.open(ctx.data_dir) as store:
        rows = fetched_rows(store.conn, project, theme)
    if args.format == "json":
        out = [{"key": r.catalyst.key, "code": r.catalyst.code, "name": r.name, "kind": r.catalyst.kind,
                "date": r.catalyst.date, "status": r.catalyst.status, "title": r.catalyst.title,
                "changes": r.catalyst.changes, "source": r.catalyst.source, "detail": r.catalyst.detail,
                "previews": list(r.previews), "fetched_at": r.catalyst.fetched_at} for r in rows]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return int(ExitCode.OK)
    if not rows:
        print("no fetched catalysts (run theme-tracker inbox fetch)")
        return int(ExitCode.OK)
    for r in rows:
        c = r.catalyst
        moved = f"  (date changed {c.changes}x)" if c.changes else ""
        preview = f"  预告: {r.preview_text()}" if r.previews else ""
        print(f"{c.date or '—':10}  {c.code:6}  {c.kind:8}  {c.status:8}  {c.title}{moved}{preview}")
    return int(ExitCode.OK)
