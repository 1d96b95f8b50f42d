"""`theme-tracker refresh`: fetch quotes and daily history of the watchlist stocks.

Prints the summary on stdout; a plain-text progress bar goes to stderr when it is a terminal.
The whole run is bounded by `--budget` (default 90 s for up to 100 stocks, +0.6 s per further
stock). With `-v` and stdout not a terminal (a log file, cron), each failure is printed as it
happens, flushed. SIGINT/SIGTERM stop the run within a second: what was fetched is stored,
the summary so far is printed, exit 130/143. Otherwise exit code 0 when every fetch
succeeded, 1 when anything failed (stored data is kept). The source is the one
THEME_TRACKER_SOURCE names (tui.sources.factory).
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
    parser.add_argument("--budget", metavar="SECONDS", type=float,
                        help="time budget of the whole run in seconds; what is not done by then is reported "
                        "as not attempted (default 90 for up to 100 stocks, +0.6 per further stock; 0: none)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every failed fetch, not one line per failure class (as they happen when "
                        "stdout is not a terminal)")
    parser.add_argument("--feeds", action="store_true",
                        help="also fetch the catalyst inbox feeds (announcements, Q&A, news, earnings dates, "
                        "lock-ups) with their own time budget; see `theme-tracker inbox fetch`")
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


def _print_failure(outcome: Any) -> None:
    """-v into a log: each failed fetch as it happens (not the not-attempted ones: they are
    listed once in the summary), flushed so a killed run's log still shows its progress."""
    if outcome.status == "failed" and outcome.failure is not None and outcome.failure.attempted:
        from tui.jobs.refresh import format_outcome

        print(f"failed {format_outcome(outcome)}", flush=True)


def run(args: argparse.Namespace, ctx: Any) -> int:
    """Run the refresh; print the summary; 0 if everything succeeded, else 1 (130/143 when
    stopped by SIGINT/SIGTERM)."""
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if args.budget is not None and not args.budget >= 0:
        raise UsageError("--budget must be a number of seconds (0 for no budget)")
    codes = _codes(args, ctx)
    from tui.jobs.interrupt import cancel_on_signals, exit_code
    from tui.jobs.refresh import format_summary, run_refresh
    from tui.sources.budget import Budget, default_budget_seconds
    from tui.sources.factory import source_factory
    from tui.store import Store

    source = source_factory(timeout=args.timeout)()
    seconds = default_budget_seconds(len(codes)) if args.budget is None else args.budget
    budget = Budget(seconds or None)
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    streamed = args.verbose and not sys.stdout.isatty()
    with cancel_on_signals(budget) as received, Store.open(ctx.data_dir) as store:
        try:
            summary = run_refresh(
                store, source, codes, today=ctx.today(), progress=bar,
                quotes=not args.history_only, history=not args.quotes_only,
                budget=budget, on_outcome=_print_failure if streamed else None,
            )
        finally:
            if bar is not None:
                bar.close()
        alerts = None
        if (summary.fetched or summary.unchanged) and not received:  # issue 17: the alert rules
            alerts = _alerts_after_refresh(store, ctx)
    for line in format_summary(summary, verbose=args.verbose, listed=streamed):
        print(line)
    from tui.alerts.hooks import summary_lines

    for line in summary_lines(alerts, ctx.settings.language):
        print(line)
    sys.stdout.flush()
    if received:
        return exit_code(received[0])
    feeds_ok = True
    if getattr(args, "feeds", False):
        from tui.commands.inbox import fetch_feeds, project_of
        from tui.inbox.fetch import format_feed_summary

        feeds = fetch_feeds(ctx, project_of(ctx), codes)
        for line in format_feed_summary(feeds, verbose=args.verbose):
            print(line)
        feeds_ok = feeds.ok
    return int(ExitCode.OK if summary.ok and feeds_ok else ExitCode.FAILED)


def _alerts_after_refresh(store: Any, ctx: Any) -> Any:
    """Evaluate the alert rules on what the refresh stored (issue 17); None without rules."""
    from tui.alerts.hooks import AlertHook, now_for

    return AlertHook.from_context(ctx).after_refresh(store, now=now_for(ctx), today=ctx.today())
