"""`theme-tracker refresh`: fetch quotes and daily history of the watchlist stocks.

Prints the summary on stdout; a plain-text progress bar goes to stderr when it is a terminal.
Exit code 0 when every fetch succeeded, 1 when anything failed (stored data is kept).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from tui.errors import ExitCode, UsageError


def register(subparsers: Any) -> None:
    """Add the `refresh` subcommand."""
    parser = subparsers.add_parser(
        "refresh",
        help="fetch latest quotes and daily history into the local store",
        description="Fetch latest quotes and daily history (incremental, qfq and raw) of the "
        "watchlist stocks, the benchmark indices and the trade calendar into the local store.",
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--quotes-only", action="store_true", help="fetch quotes only")
    only.add_argument("--history-only", action="store_true", help="fetch daily history only")
    parser.add_argument("--codes", metavar="C1,C2", help="only these codes (default: every listed watchlist code)")
    parser.add_argument("--timeout", metavar="SECONDS", type=float, default=10.0,
                        help="deadline of each request in seconds (default 10)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every failed fetch, not one line per failure class")
    parser.set_defaults(handler=run)


class _ProgressBar:
    """A one-line text progress bar, redrawn in place with a carriage return."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.shown = False

    def __call__(self, done: int, total: int, label: str) -> None:
        total = max(total, 1)
        filled = int(self.width * min(done, total) / total)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {label[:40]:<40}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * (self.width + 60) + "\r")
            self.stream.flush()


def _codes(args: argparse.Namespace, ctx: Any) -> list[str]:
    if args.codes:
        codes = [c.strip() for c in args.codes.split(",") if c.strip()]
        if not codes:
            raise UsageError("--codes needs at least one code, e.g. --codes 300133,002602")
        return codes
    from tui.config.loader import load_project

    project = load_project(ctx.watchlists, ctx.catalysts)
    return list(project.listed_codes())


def run(args: argparse.Namespace, ctx: Any) -> int:
    """Run the refresh; print the summary; 0 if everything succeeded, else 1."""
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    codes = _codes(args, ctx)
    from tui.jobs.refresh import format_summary, run_refresh
    from tui.sources.akshare_source import AkshareSource
    from tui.store import Store

    source = AkshareSource(timeout=args.timeout)
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    with Store.open(ctx.data_dir) as store:
        try:
            summary = run_refresh(
                store, source, codes, today=ctx.today(), progress=bar,
                quotes=not args.history_only, history=not args.quotes_only,
            )
        finally:
            if bar is not None:
                bar.close()
    for line in format_summary(summary, verbose=args.verbose):
        print(line)
    return int(ExitCode.OK if summary.ok else ExitCode.FAILED)
