"""The schedule: quote refreshes during sessions, and history refresh + snapshot after the close.

Two jobs, both on the XSHG calendar (tui.domain.calendar), all times Asia/Shanghai:

* **quotes** — every ``interval`` minutes (1..60, on the cron grid ``*/interval`` of each hour)
  while the market trades: 09:30–11:30 and 13:00–15:00 inclusive, sessions only;
* **close** — at ``at`` (default 15:35) on sessions: refresh quotes and daily history, then write
  the snapshot of the session (tui.export.snapshot).

APScheduler's cron triggers fire on weekdays whatever the exchange does, so each job checks the
calendar itself: on a holiday the quotes job does nothing, and the close job does nothing unless
a session's after-close run is still pending (below).

Missed runs (misfire) and catch-up
----------------------------------
* Both jobs coalesce: however many runs were missed, one runs.
* quotes: grace = half the interval (at least 30 s). A refresh that is later than that is
  pointless; the next slot comes soon.
* close: grace = :data:`CLOSE_GRACE` (3 days, so a laptop that sleeps from Friday afternoon to
  Monday morning still writes Friday's snapshot when it wakes). The job does not snapshot
  "today": it snapshots every session whose after-close time has passed and whose run is not
  recorded yet (store meta ``schedule.last_close``), oldest first, at most
  :data:`MAX_CATCH_UP` of them. So a missed or failed run is written once, on the next run; a
  rerun for a session already written is skipped.
* On start, if the latest session's after-close run is pending, one close run is scheduled
  immediately (a machine that was off at 15:35).

Runs never stack: a quote run's time budget (:func:`quote_budget`) is shorter than the
interval, and a job that comes due while another run is still going is skipped with a log line
(the after-close job first waits up to one quote budget for a quote run to end; a skipped
after-close run is caught up by the next one). A failing job is logged (one line on stderr) and
retried on its next slot; it never stops the scheduler. SIGINT/SIGTERM stop the foreground scheduler: a running refresh is cancelled (it stores what it
fetched and ends within a second), then the scheduler shuts down; a second signal aborts.

The planning logic is pure (:func:`planned_runs`, :func:`planned_days`) and is what the dry run
and the start-up listing print; the triggers fire on the same grid.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from tui.domain.market import MARKET_CLOSE, SHANGHAI, TIMEZONE_NAME, TRADING_SESSIONS

#: Quote refreshes run inside these windows (both ends included).
QUOTE_WINDOWS = TRADING_SESSIONS
QUOTE_HOURS = "9-11,13-15"
DEFAULT_AT = time(15, 35)
EARLIEST_AT = MARKET_CLOSE
#: The close job's misfire grace: a run missed by up to this long still runs (once).
CLOSE_GRACE = timedelta(days=3)
#: At most this many pending sessions are snapshotted by one close run.
MAX_CATCH_UP = 5
META_LAST_CLOSE = "schedule.last_close"
QUOTES_JOB = "quotes"
CLOSE_JOB = "close"

log = logging.getLogger("theme_tracker.schedule")


def quotes_grace(interval: int) -> timedelta:
    """The quotes job's misfire grace: half the interval, at least 30 seconds."""
    return timedelta(seconds=max(30, interval * 60 // 2))


def check_interval(interval: int) -> int:
    if not isinstance(interval, int) or not 1 <= interval <= 60:
        raise ValueError(f"interval must be a whole number of minutes from 1 to 60, not {interval!r}")
    return interval


def check_at(at: time) -> time:
    if at < EARLIEST_AT:
        raise ValueError(f"the after-close time {at:%H:%M} is before the close (15:00)")
    return at


#: A quote run ends at least this long before the next slot.
QUOTE_BUDGET_MARGIN = 15.0


def quote_budget(interval: int, stocks: int) -> float:
    """The time budget of one scheduled quote run: the refresh default, cut to the interval
    less QUOTE_BUDGET_MARGIN (a 1-minute interval gives 45 s), so runs never stack."""
    from tui.sources.budget import default_budget_seconds

    return min(default_budget_seconds(stocks), interval * 60 - QUOTE_BUDGET_MARGIN)


def interval_from_settings(seconds: int) -> int:
    """settings.refresh_interval (seconds) as whole minutes for the schedule (1..60)."""
    return max(1, min(60, round(seconds / 60)))


# ------------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class PlannedRun:
    """One planned run of a job."""

    at: datetime  # aware, Asia/Shanghai
    job: str  # "quotes" | "close"
    session: date
    calendar_stale: bool = False  # the day was judged by the calendar's fallback guess


@dataclass(frozen=True)
class DayPlan:
    """What the schedule does on one calendar day."""

    day: date
    session: bool
    reason: str  # "session", "weekend", "market holiday"
    quotes: tuple[datetime, ...] = ()
    close: datetime | None = None
    calendar_stale: bool = False


def quote_times(day: date, interval: int) -> list[datetime]:
    """The quote slots of a session day: the cron grid minute % interval == 0 of hours 9-11
    and 13-15, kept inside :data:`QUOTE_WINDOWS`."""
    check_interval(interval)
    out = []
    for hour in (9, 10, 11, 13, 14, 15):
        for minute in range(0, 60, interval):
            t = time(hour, minute)
            if any(a <= t <= b for a, b in QUOTE_WINDOWS):
                out.append(datetime.combine(day, t, SHANGHAI))
    return out


def _is_stale_day(calendar: Any, day: date) -> bool:
    return day > calendar.known_end


def planned_days(start: date, days: int, calendar: Any, interval: int, at: time = DEFAULT_AT) -> list[DayPlan]:
    """The plan of ``days`` calendar days from ``start``: quote slots and the after-close run
    on sessions, nothing on weekends, holidays and make-up working weekends (no trading)."""
    check_interval(interval)
    check_at(at)
    out = []
    for i in range(max(0, days)):
        day = start + timedelta(days=i)
        stale = _is_stale_day(calendar, day)
        if calendar.is_session(day):
            out.append(DayPlan(day, True, "session", tuple(quote_times(day, interval)),
                               datetime.combine(day, at, SHANGHAI), stale))  # fmt: skip
        else:
            reason = "weekend" if day.weekday() >= 5 else "market holiday"
            out.append(DayPlan(day, False, reason, calendar_stale=stale))
    return out


def planned_runs(start: date, days: int, calendar: Any, interval: int, at: time = DEFAULT_AT) -> list[PlannedRun]:
    """Every planned run from ``start`` for ``days`` calendar days, in time order."""
    runs: list[PlannedRun] = []
    for plan in planned_days(start, days, calendar, interval, at):
        runs += [PlannedRun(t, QUOTES_JOB, plan.day, plan.calendar_stale) for t in plan.quotes]
        if plan.close is not None:
            runs.append(PlannedRun(plan.close, CLOSE_JOB, plan.day, plan.calendar_stale))
    return runs


def next_runs(now: datetime, calendar: Any, interval: int, at: time = DEFAULT_AT, *, limit: int = 5,
              horizon_days: int = 21) -> list[PlannedRun]:  # fmt: skip
    """The next planned runs after ``now`` (quotes and close), at most ``limit``."""
    now = now.astimezone(SHANGHAI)
    runs = [r for r in planned_runs(now.date(), horizon_days, calendar, interval, at) if r.at > now]
    return runs[:limit]


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def format_plan(plans: Sequence[DayPlan], calendar: Any, interval: int, at: time) -> list[str]:
    """The dry-run listing: one line per day, then totals and the calendar's state."""
    lines = []
    if plans:
        lines.append(
            f"planned runs {plans[0].day.isoformat()} .. {plans[-1].day.isoformat()} ({len(plans)} days), "
            f"times {TIMEZONE_NAME}: quotes every {interval} min in sessions, "
            f"history refresh + snapshot at {at:%H:%M} after the close"
        )
    for p in plans:
        head = f"{p.day.isoformat()} {_WEEKDAYS[p.day.weekday()]}"
        mark = "  [calendar stale: guessed]" if p.calendar_stale else ""
        if p.session:
            q = p.quotes
            quotes = f"quotes {q[0]:%H:%M}..{q[-1]:%H:%M} ({len(q)} runs)" if q else "no quote slots"
            lines.append(f"{head}  session  {quotes}; close {p.close:%H:%M} history + snapshot{mark}")
        else:
            lines.append(f"{head}  closed ({p.reason}): nothing runs{mark}")
    sessions = [p for p in plans if p.session]
    lines.append(
        f"total: {len(sessions)} session(s), {sum(len(p.quotes) for p in sessions)} quote refresh(es), "
        f"{len(sessions)} after-close run(s)"
    )
    if any(p.calendar_stale for p in plans):
        lines.append(f"warning: the trading calendar is stale: {calendar.stale_reason}")
    return lines


def format_runs(runs: Sequence[PlannedRun]) -> list[str]:
    out = []
    for r in runs:
        what = "quotes refresh" if r.job == QUOTES_JOB else f"history refresh + snapshot of {r.session.isoformat()}"
        stale = "  [calendar stale: guessed]" if r.calendar_stale else ""
        out.append(f"  {r.at:%Y-%m-%d %H:%M} {_WEEKDAYS[r.at.weekday()]}  {what}{stale}")
    return out


# ------------------------------------------------------------------------------- job rules


def in_quote_window(now: datetime, grace: timedelta = timedelta(0)) -> bool:
    """True inside a quote window (its end extended by ``grace`` for a late run)."""
    local = now.astimezone(SHANGHAI)
    t = datetime.combine(local.date(), local.time())
    for a, b in QUOTE_WINDOWS:
        if datetime.combine(local.date(), a) <= t <= datetime.combine(local.date(), b) + grace:
            return True
    return False


def due_close_session(now: datetime, calendar: Any, at: time = DEFAULT_AT) -> date:
    """The latest session whose after-close time (``at``) has passed at ``now``."""
    now = now.astimezone(SHANGHAI)
    session = calendar.last_close(now)
    if now < datetime.combine(session, at, SHANGHAI):
        session = calendar.previous_session(session)
    return session


def pending_sessions(now: datetime, calendar: Any, last_done: date | None, at: time = DEFAULT_AT,
                     limit: int = MAX_CATCH_UP) -> list[date]:  # fmt: skip
    """Sessions whose after-close run is due and not done yet, oldest first (at most
    ``limit``, the newest ones). With no record, only the latest due session."""
    due = due_close_session(now, calendar, at)
    if last_done is None:
        return [due]
    if last_done >= due:
        return []
    return calendar.sessions_in_range(last_done + timedelta(days=1), due)[-limit:]


# ------------------------------------------------------------------------------- triggers


def quotes_trigger(interval: int) -> Any:
    from apscheduler.triggers.cron import CronTrigger

    check_interval(interval)
    return CronTrigger(day_of_week="mon-fri", hour=QUOTE_HOURS, minute=f"*/{interval}", timezone=SHANGHAI)


def close_trigger(at: time = DEFAULT_AT) -> Any:
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger(day_of_week="mon-fri", hour=at.hour, minute=at.minute, timezone=SHANGHAI)


def job_options(job: str, interval: int) -> dict[str, Any]:
    """add_job options: coalesce, misfire grace (seconds), one instance at a time."""
    grace = quotes_grace(interval) if job == QUOTES_JOB else CLOSE_GRACE
    return {"coalesce": True, "misfire_grace_time": int(grace.total_seconds()), "max_instances": 1}


def add_jobs(
    scheduler: Any,
    quotes_func: Callable[[], Any],
    close_func: Callable[[], Any],
    *,
    interval: int,
    at: time = DEFAULT_AT,
    triggers: tuple[Any, Any] | None = None,
) -> None:
    """Add the two jobs to an APScheduler 3 scheduler (triggers replaceable for tests)."""
    q_trig, c_trig = triggers or (quotes_trigger(interval), close_trigger(at))
    scheduler.add_job(quotes_func, q_trig, id=QUOTES_JOB, name="quotes refresh", replace_existing=True,
                      **job_options(QUOTES_JOB, interval))  # fmt: skip
    scheduler.add_job(close_func, c_trig, id=CLOSE_JOB, name="history refresh + snapshot", replace_existing=True,
                      **job_options(CLOSE_JOB, interval))  # fmt: skip


# ------------------------------------------------------------------------------- the jobs


def default_source_factory() -> Any:
    """The source THEME_TRACKER_SOURCE names (akshare by default), built per run."""
    from tui.sources.factory import source_factory

    return source_factory(timeout=10.0)()


def _now_shanghai() -> datetime:
    return datetime.now(SHANGHAI)


@dataclass
class ScheduleRunner:
    """The job bodies, shared by the foreground scheduler and the app (call them in a worker
    thread from asyncio). Each job opens its own Store (one per thread), checks the calendar,
    never raises, and returns a one-line result."""

    data_dir: Path
    watchlists: Path
    catalysts: Path | None
    interval: int = 1
    at: time = DEFAULT_AT
    out: Path | None = None
    refresh_interval: int = 60
    source_factory: Callable[[], Any] = default_source_factory
    clock: Callable[[], datetime] = _now_shanghai
    calendar_factory: Callable[[list[date], date], Any] | None = None
    #: tui.alerts.hooks.AlertHook: evaluate alerts after each refresh, post the daily brief.
    alert_hook: Any = None
    _calendar: Any = field(default=None, repr=False)
    _calendar_key: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: Held by the run in progress (quotes or after-close): runs never overlap.
    _run_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _running: str = field(default="", repr=False)
    _budget: Any = field(default=None, repr=False)  # the running refresh's Budget

    # ---- helpers
    def calendar(self, store: Any = None) -> Any:
        """A TradingCalendar with the store's trade dates, rebuilt once a day."""
        today = self.clock().astimezone(SHANGHAI).date()
        supplied: list[date] = []
        if store is not None:
            try:
                supplied = store.trade_dates()
            except Exception:  # noqa: BLE001
                supplied = []
        key = (today, len(supplied), supplied[-1] if supplied else None)
        with self._lock:
            if self._calendar is None or self._calendar_key != key:
                if self.calendar_factory is not None:
                    self._calendar = self.calendar_factory(supplied, today)
                else:
                    from tui.domain.calendar import TradingCalendar

                    self._calendar = TradingCalendar(supplied, today=today)
                self._calendar_key = key
            return self._calendar

    def _codes(self) -> tuple[Any, list[str]]:
        from tui.config.loader import load_project

        project = load_project(Path(self.watchlists), Path(self.catalysts) if self.catalysts else None)
        return project, list(project.listed_codes())

    def _open_store(self) -> Any:
        from tui.store import Store

        return Store.open(self.data_dir)

    # ---- jobs
    def _new_budget(self, seconds: float) -> Any:
        from tui.sources.budget import Budget

        self._budget = Budget(seconds)
        return self._budget

    def cancel_running(self, reason: str) -> None:
        """Stop the refresh in progress within a second (it stores what it fetched): SIGTERM."""
        budget = self._budget
        if budget is not None:
            budget.cancel(reason)

    def _busy(self, job: str) -> str:
        text = f"{job} run at {self.clock().astimezone(SHANGHAI):%H:%M:%S}: the {self._running} is still going"
        log.warning("skipped: %s", text)
        return f"skipped: {text}"

    def _exclusive(self, job: str, body: Callable[[], str], wait: float = 0.0) -> str:
        """Run `body` unless another run holds the run lock (waiting at most `wait` s for it)."""
        acquired = self._run_lock.acquire(timeout=wait) if wait > 0 else self._run_lock.acquire(blocking=False)
        if not acquired:
            return self._busy(job)
        try:
            self._running = f"{job} run started at {self.clock().astimezone(SHANGHAI):%H:%M:%S}"
            return body()
        finally:
            self._running = ""
            self._budget = None
            self._run_lock.release()

    def quotes_job(self) -> str:
        """Refresh quotes if the market is trading now; never raises, never overlaps a run."""
        try:
            return self._exclusive("quotes", self._quotes)
        except Exception as exc:  # noqa: BLE001
            log.error("quotes refresh failed: %s: %s (retried on the next slot)", type(exc).__name__, exc)
            return f"failed: {type(exc).__name__}: {exc}"

    def _quotes(self) -> str:
        now = self.clock().astimezone(SHANGHAI)
        with self._open_store() as store:
            cal = self.calendar(store)
            if not cal.is_session(now.date()):
                return self._skip(f"quotes: {now:%Y-%m-%d} is not a session")
            if not in_quote_window(now, quotes_grace(self.interval)):
                return self._skip(f"quotes: {now:%H:%M} is outside trading hours")
            from tui.jobs.refresh import run_refresh

            _, codes = self._codes()
            summary = run_refresh(store, self.source_factory(), codes, today=now.date(), now=now,
                                  quotes=True, history=False,
                                  budget=self._new_budget(quote_budget(self.interval, len(codes))))  # fmt: skip
            if self.alert_hook is not None and (summary.fetched or summary.unchanged):
                self.alert_hook.after_refresh(store, now=now)
        text = f"quotes refresh: {summary.fetched} fetched, {summary.unchanged} unchanged, {summary.failed} failed"
        (log.info if summary.ok else log.warning)(text)
        return text

    def close_job(self) -> str:
        """Refresh history and write the snapshot of every pending session; never raises.

        Waits for a quote run still going (its budget bounds the wait), never overlaps it."""
        try:
            return self._exclusive("after-close", self._close, wait=self.interval * 60.0)
        except Exception as exc:  # noqa: BLE001
            log.error("after-close run failed: %s: %s (retried on the next run)", type(exc).__name__, exc)
            return f"failed: {type(exc).__name__}: {exc}"

    def _close(self) -> str:
        now = self.clock().astimezone(SHANGHAI)
        with self._open_store() as store:
            cal = self.calendar(store)
            done_text = store.get_meta(META_LAST_CLOSE)
            done = date.fromisoformat(done_text) if done_text else None
            sessions = pending_sessions(now, cal, done, self.at)
            if not sessions:
                return self._skip(f"after-close: nothing pending (last run for {done_text})")
            from tui.export.snapshot import take_snapshot
            from tui.jobs.refresh import format_summary, run_refresh

            project, codes = self._codes()
            from tui.sources.budget import default_budget_seconds

            summary = run_refresh(store, self.source_factory(), codes, today=sessions[-1], now=now,
                                  budget=self._new_budget(default_budget_seconds(len(codes))))
            if not summary.ok:
                for line in format_summary(summary):
                    log.warning("refresh: %s", line)
            feeds_text = self._fetch_feeds(store, project, codes, sessions[-1])
            written = []
            for session in sessions:
                run = take_snapshot(
                    data_dir=self.data_dir, watchlists=self.watchlists, catalysts=self.catalysts,
                    session=session, out=self.out, today=now.date(), now=now,
                    refresh_interval=self.refresh_interval, store=store, project=project,
                )  # fmt: skip
                store.set_meta(META_LAST_CLOSE, session.isoformat())
                written.append(f"{session.isoformat()} -> {run.directory}" + (" (stale data)" if run.snapshot.stale_rows else ""))
                if self.alert_hook is not None and run.directory is not None:
                    self.alert_hook.after_close(store, session=session, report=run.directory / "report.md", now=now)
            if self.alert_hook is not None and (summary.fetched or summary.unchanged):
                self.alert_hook.after_refresh(store, now=now)
        text = (f"after-close: refresh {summary.fetched} fetched, {summary.failed} failed; {feeds_text}"
                f"snapshot {'; '.join(written)}")  # fmt: skip
        (log.info if summary.ok else log.warning)(text)
        return text

    def _fetch_feeds(self, store: Any, project: Any, codes: list[str], today: date) -> str:
        """The catalyst feeds (tui.inbox.fetch), after the close only, with their own budget.
        Only a source that offers them (`feed_caller()`, the akshare source) is asked; never
        raises: a failure is logged and the snapshot still runs."""
        make = getattr(self.source_factory(), "feed_caller", None)
        if make is None:
            return ""
        try:
            from tui.inbox.fetch import format_feed_summary, run_inbox_fetch

            feeds = run_inbox_fetch(store.conn, make(), codes, today=today, names=project.stock_names())
        except Exception as exc:  # noqa: BLE001
            log.warning("feeds: %s: %s", type(exc).__name__, exc)
            return "feeds failed; "
        if not feeds.ok:
            for line in format_feed_summary(feeds):
                log.warning("feeds: %s", line)
        return f"feeds {feeds.items_new} new item(s), {len(feeds.failures)} failed; "

    def close_pending(self) -> list[date]:
        """Sessions an after-close run would write now (for the start-up catch-up)."""
        with self._open_store() as store:
            cal = self.calendar(store)
            done_text = store.get_meta(META_LAST_CLOSE)
        return pending_sessions(self.clock(), cal, date.fromisoformat(done_text) if done_text else None, self.at)

    @staticmethod
    def _skip(text: str) -> str:
        log.debug("skipped: %s", text)
        return f"skipped: {text}"


# ------------------------------------------------------------------------------- foreground


def serve(scheduler: Any, *, poll: float = 0.5, on_stop: Callable[[str], None] | None = None) -> int:
    """Run a started-or-not BackgroundScheduler until SIGINT/SIGTERM; then shut it down after
    the running job (if any) finishes. A second signal aborts with KeyboardInterrupt."""
    stop = threading.Event()
    received: list[int] = []

    def handler(signum: int, frame: Any) -> None:
        received.append(signum)
        if len(received) > 1:
            raise KeyboardInterrupt
        stop.set()

    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, handler)
    try:
        if not scheduler.running:
            scheduler.start()
        while not stop.wait(poll):
            pass
        name = signal.Signals(received[0]).name if received else "stop"
        if on_stop is not None:
            on_stop(f"{name} received: stopping (a running refresh stops at once and keeps what it fetched)")
        scheduler.shutdown(wait=True)
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
    return 0


# ------------------------------------------------------------------------------- in the app


class InAppSchedule:
    """The same schedule inside an asyncio app (Textual): an AsyncIOScheduler whose jobs are
    ``async def`` wrappers that check the calendar and await the app's callbacks.

    ``on_quotes()`` is awaited in each quote slot of a session; ``on_close(session)`` once per
    session after ``at`` (pending sessions are caught up, as in the foreground scheduler, from
    when the schedule started). A callback that raises is logged; the schedule keeps going.
    Heavy work belongs in a thread: ``await asyncio.to_thread(runner.close_job)``.
    Call :meth:`start` from the running event loop, :meth:`shutdown` on exit.
    """

    def __init__(
        self,
        on_quotes: Callable[[], Awaitable[Any]],
        on_close: Callable[[date], Awaitable[Any]],
        *,
        interval: int = 1,
        at: time = DEFAULT_AT,
        calendar: Any = None,
        clock: Callable[[], datetime] = _now_shanghai,
    ) -> None:
        self.on_quotes = on_quotes
        self.on_close = on_close
        self.interval = check_interval(interval)
        self.at = check_at(at)
        self.clock = clock
        self._calendar = calendar
        self._scheduler: Any = None
        self.last_close: date | None = None
        self.last_result: str = ""

    @property
    def calendar(self) -> Any:
        if self._calendar is None:
            from tui.domain.calendar import TradingCalendar

            self._calendar = TradingCalendar()
        return self._calendar

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    def start(self, *, event_loop: asyncio.AbstractEventLoop | None = None, paused: bool = False) -> None:
        """Start on the running loop (or ``event_loop``); ``paused`` adds the jobs without
        firing them until ``resume()``."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        if self.running:
            return
        loop = event_loop or asyncio.get_running_loop()
        self._scheduler = AsyncIOScheduler(event_loop=loop, timezone=SHANGHAI)
        add_jobs(self._scheduler, self.quotes_tick, self.close_tick, interval=self.interval, at=self.at)
        self.last_close = due_close_session(self.clock(), self.calendar, self.at)
        self._scheduler.start(paused=paused)

    def resume(self) -> None:
        if self._scheduler is not None:
            self._scheduler.resume()

    def shutdown(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

    def next_runs(self, limit: int = 5) -> list[PlannedRun]:
        return next_runs(self.clock(), self.calendar, self.interval, self.at, limit=limit)

    async def quotes_tick(self) -> str:
        now = self.clock().astimezone(SHANGHAI)
        if not self.calendar.is_session(now.date()) or not in_quote_window(now, quotes_grace(self.interval)):
            self.last_result = "skipped: market not trading"
            return self.last_result
        try:
            await self.on_quotes()
            self.last_result = "quotes: done"
        except Exception as exc:  # noqa: BLE001
            log.error("in-app quotes refresh failed: %s: %s", type(exc).__name__, exc)
            self.last_result = f"quotes: failed: {exc}"
        return self.last_result

    async def close_tick(self) -> str:
        pending = pending_sessions(self.clock(), self.calendar, self.last_close, self.at)
        if not pending:
            self.last_result = "skipped: nothing pending"
            return self.last_result
        for session in pending:
            try:
                await self.on_close(session)
            except Exception as exc:  # noqa: BLE001
                log.error("in-app after-close run for %s failed: %s: %s", session, type(exc).__name__, exc)
                self.last_result = f"close {session}: failed: {exc}"
                return self.last_result
            self.last_close = session
        self.last_result = f"close: done for {', '.join(d.isoformat() for d in pending)}"
        return self.last_result


__all__ = [
    "CLOSE_GRACE", "DEFAULT_AT", "DayPlan", "InAppSchedule", "PlannedRun", "QUOTE_WINDOWS",
    "ScheduleRunner", "add_jobs", "close_trigger", "due_close_session", "format_plan", "quote_budget",
    "format_runs", "in_quote_window", "interval_from_settings", "job_options", "next_runs",
    "pending_sessions", "planned_days", "planned_runs", "quote_times", "quotes_grace",
    "quotes_trigger", "serve",
]  # fmt: skip
