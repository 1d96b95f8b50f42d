"""`theme-tracker schedule [--interval MIN] [--at HH:MM] [--out DIR] [--dry-run --from DATE --days N]`.

Runs in the foreground (APScheduler 3): quote refreshes every MIN minutes during trading
sessions, history refresh + snapshot after the close on XSHG sessions (see
tui.jobs.schedule for the misfire, catch-up and calendar rules). On start it prints the next
runs on stdout; job results are logged on stderr. SIGINT/SIGTERM stop it (exit 0): a running
refresh is cancelled, keeping what it fetched, and the scheduler shuts down.
`--dry-run` prints the planned runs and exits without running anything.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date, time
from pathlib import Path
from typing import Any

from tui.domain.market import MARKET_CLOSE
from tui.errors import ExitCode, UsageError


def register(subparsers: Any) -> None:
    """Add the `schedule` subcommand."""
    parser = subparsers.add_parser(
        "schedule",
        help="run the refresh + snapshot schedule in the foreground (APScheduler)",
        description="Refresh quotes every MIN minutes while the market trades (09:30-11:30, "
        "13:00-15:00 Asia/Shanghai, XSHG sessions only) and, after the close, refresh daily "
        "history and write the snapshot. Stops cleanly on SIGINT/SIGTERM. "
        "--dry-run lists the planned runs without running anything.",
    )
    parser.add_argument("--interval", metavar="MIN", type=int,
                        help="minutes between quote refreshes, 1-60 (default: the settings' refresh_interval)")
    parser.add_argument("--at", metavar="HH:MM", default="15:35",
                        help="after-close run time, Asia/Shanghai, 15:00 or later (default 15:35)")
    parser.add_argument("--out", metavar="DIR", help="snapshot directory (default: <data dir>/snapshots)")
    parser.add_argument("--dry-run", action="store_true", help="print the planned runs and exit")
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day of the dry run (default today)")
    parser.add_argument("--days", metavar="N", type=int, help="days in the dry run (default 7, at most 366)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log skipped runs too")
    parser.set_defaults(handler=run)


def parse_at(text: str) -> time:
    try:
        hh, mm = text.strip().split(":")
        at = time(int(hh), int(mm))
    except (ValueError, AttributeError):
        raise UsageError(f"--at {text!r}: write the time as HH:MM, e.g. 15:35") from None
    if at < MARKET_CLOSE:
        raise UsageError(f"--at {text}: the after-close run must be at 15:00 or later (the market closes at 15:00)")
    return at


def _options(args: argparse.Namespace, ctx: Any) -> tuple[int, time]:
    from tui.jobs.schedule import interval_from_settings

    interval = args.interval if args.interval is not None else interval_from_settings(ctx.settings.refresh_interval)
    if not 1 <= interval <= 60:
        raise UsageError(f"--interval {interval}: choose 1 to 60 minutes")
    at = parse_at(args.at)
    if not args.dry_run and (args.start is not None or args.days is not None):
        raise UsageError("--from and --days go with --dry-run")
    return interval, at


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    logger = logging.getLogger("theme_tracker.schedule")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
    aps = logging.getLogger("apscheduler")
    aps.handlers[:] = [handler]
    aps.setLevel(logging.WARNING)
    aps.propagate = False


def _calendar(ctx: Any, today: date) -> Any:
    from tui.domain.calendar import TradingCalendar
    from tui.store import Store

    try:
        with Store.open(ctx.data_dir) as store:
            supplied = store.trade_dates()
    except Exception:  # noqa: BLE001 - the plan still works on XSHG alone
        supplied = []
    return TradingCalendar(supplied, today=today)


def run(args: argparse.Namespace, ctx: Any) -> int:
    interval, at = _options(args, ctx)
    from tui.jobs import schedule as sched

    if args.dry_run:
        try:
            start = date.fromisoformat(args.start) if args.start else ctx.today()
        except ValueError:
            raise UsageError(f"--from {args.start!r} is not a date; write it as YYYY-MM-DD") from None
        days = 7 if args.days is None else args.days
        if not 1 <= days <= 366:
            raise UsageError(f"--days {days}: choose 1 to 366")
        last_day = (date.max - start).days + 1  # dates end at 9999-12-31
        if days > last_day:
            print(f"note: the plan stops at {date.max} (the last date a calendar can hold)", file=sys.stderr)
            days = last_day
        cal = _calendar(ctx, ctx.today())
        for line in sched.format_plan(sched.planned_days(start, days, cal, interval, at), cal, interval, at):
            print(line)
        return int(ExitCode.OK)

    _setup_logging(args.verbose)
    from apscheduler.schedulers.background import BackgroundScheduler

    runner = sched.ScheduleRunner(
        data_dir=ctx.data_dir, watchlists=ctx.watchlists, catalysts=ctx.catalysts, interval=interval, at=at,
        out=Path(args.out).expanduser() if args.out else None, refresh_interval=ctx.settings.refresh_interval,
        source_factory=sched.default_source_factory, alert_hook=_alert_hook(ctx),
    )  # fmt: skip
    scheduler = BackgroundScheduler(timezone=sched.SHANGHAI)
    sched.add_jobs(scheduler, runner.quotes_job, runner.close_job, interval=interval, at=at)
    now = runner.clock()
    cal = runner.calendar()
    pending = runner.close_pending()
    catch_up = bool(pending) and pending[-1] >= sched.due_close_session(now, cal, at)
    if catch_up:
        scheduler.add_job(runner.close_job, "date", run_date=now, id="catch-up", name="catch-up after-close run",
                          misfire_grace_time=None)  # fmt: skip
    print(f"theme-tracker schedule: quotes every {interval} min in sessions (09:30-11:30, 13:00-15:00), "
          f"history refresh + snapshot at {at:%H:%M} {sched.TIMEZONE_NAME} on XSHG sessions")  # fmt: skip
    if catch_up:
        print(f"  now  catch-up: history refresh + snapshot of {', '.join(d.isoformat() for d in pending)}")
    print("next runs:")
    for line in sched.format_runs(sched.next_runs(now, cal, interval, at, limit=5)):
        print(line)
    nxt_close = next((r for r in sched.next_runs(now, cal, interval, at, limit=10_000) if r.job == sched.CLOSE_JOB), None)
    if nxt_close is not None and not any(r.job == sched.CLOSE_JOB for r in sched.next_runs(now, cal, interval, at, limit=5)):
        print(*sched.format_runs([nxt_close]), sep="\n")
    if cal.calendar_stale:
        print(f"warning: the trading calendar is stale: {cal.stale_reason}", file=sys.stderr)
    print("press Ctrl+C (or send SIGTERM) to stop", file=sys.stderr)
    sys.stdout.flush()
    def on_stop(message: str) -> None:
        print(f"theme-tracker schedule: {message}", file=sys.stderr)
        runner.cancel_running(f"interrupted by {message.split(' ')[0]}")

    code = sched.serve(scheduler, on_stop=on_stop)
    print("theme-tracker schedule: stopped", file=sys.stderr)
    return code


def _alert_hook(ctx: Any) -> Any:
    """Alerts after each refresh and the daily brief (issue 17)."""
    from tui.alerts.hooks import AlertHook

    return AlertHook.from_context(ctx)


__all__ = ["register", "run", "parse_at"]
