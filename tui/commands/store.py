"""`theme-tracker store check|rebuild`: is the SQLite store sound, and a way back when it is not.

    theme-tracker store check      SQLite's integrity check (read-only); exit 0 sound, 1 damaged
    theme-tracker store rebuild    move the store aside and start a new one with the sample data

The YAML watchlists and catalysts are never touched; rebuilding keeps the old file as
`theme-tracker.db.damaged-<time>` beside the new one.
"""

from __future__ import annotations

import argparse

from tui.context import Context
from tui.errors import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("store", help="check or rebuild the local data store",
                       description="Check the SQLite store, or rebuild it when it is damaged. Your YAML files are never touched.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = actions.add_parser("check", help="run SQLite's integrity check on the store (read-only)",
                           description="Run SQLite's integrity check on the store. Exit status: 0 sound, 1 damaged or missing.")
    c.set_defaults(handler=run_check)
    r = actions.add_parser("rebuild", help="move the store aside and start a new one with the sample data",
                           description="Move the store aside (kept as theme-tracker.db.damaged-<time>) and start a new one "
                           "with the shipped sample data. Watchlists and catalysts are not touched; run `theme-tracker refresh` "
                           "afterwards to fetch live data again.")
    r.set_defaults(handler=run_rebuild)


def run_check(args: argparse.Namespace, ctx: Context) -> int:
    from tui.store.health import check

    result = check(ctx.data_dir)
    if not result.exists:
        print(f"theme-tracker: no store at {result.path} yet (it is created on first use)")
        return int(ExitCode.FAILED)
    if result.ok:
        print(f"{result.path}: ok")
        return int(ExitCode.OK)
    print(f"{result.path}: damaged ({len(result.problems)} problem(s)):")
    for problem in result.problems:
        print(f"  {problem}")
    print("to recover: `theme-tracker store rebuild` moves it aside and starts a new store with the sample data; "
          "then `theme-tracker refresh`")
    return int(ExitCode.FAILED)


def run_rebuild(args: argparse.Namespace, ctx: Context) -> int:
    from tui.store.health import rebuild

    moved, path = rebuild(ctx.data_dir)
    if moved is not None:
        print(f"the old store was moved to {moved}")
    print(f"new store at {path}, with the shipped sample data; run `theme-tracker refresh` to fetch live data")
    return int(ExitCode.OK)
