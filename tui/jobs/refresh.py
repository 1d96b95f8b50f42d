"""The refresh job: fetch quotes, daily history, benchmarks and trade dates into the store.

History is incremental: only sessions after `store.last_bar_date(code, adjust)` are fetched.
Forward-adjusted (qfq) series are re-based by every dividend, so a qfq fetch starts *at* the
last stored session and compares that overlap bar: if its close moved (an ex-dividend since the
last refresh) or the stored series is sample data, the whole qfq history is fetched again and
replaces the stored one. Raw bars are appended. Index bars are stored under adjust "qfq", as the store keys them.

Failures never touch stored data: only successful frames are written. Offline it fails fast:
after `offline_after` network failures in a row the remaining tasks are not attempted and are
reported as "network unreachable". The store is used only from the calling thread; fetches
run in a few daemon threads (the source caps concurrent requests).

The run is bounded as a whole by a `Budget` (tui.sources.budget; default 90 s for up to 100
stocks), handed to the source too (`use_budget`), so per-call deadlines are cut to what is
left. When the budget is used up or cancelled (SIGINT/SIGTERM through tui.jobs.interrupt) the
job stops waiting at once: what was fetched is stored, the rest is reported as not attempted,
and the summary says why.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from tui.sources.base import Failure, FailureKind, FetchResult, MarketSource
from tui.sources.budget import Budget, default_budget_seconds
from tui.sources.calls import parallel_map
from tui.sources.classify import one_line
from tui.domain.market import SHANGHAI

ProgressCallback = Callable[[int, int, str], None]

DEFAULT_BENCHMARKS = ("sh000300", "sz399006")
#: Bars of today are complete (and stored) only after the close plus settling time.
SESSION_FINAL = (15, 30)
#: A qfq overlap bar whose close moved by more than this (yuan/points) means re-adjustment.
QFQ_TOLERANCE = 0.011
NOT_ATTEMPTED = "network unreachable (not attempted)"
#: The store keys index bars "qfq" (index points are never adjusted, so qfq == raw).
INDEX_ADJUST = "qfq"


@dataclass(frozen=True)
class TaskOutcome:
    """The result of one unit of work: a quote, a bar series (code, adjust), an index, the calendar."""

    kind: str  # "quote", "bars", "index", "trade_dates"
    code: str
    status: str  # "fetched", "unchanged", "failed"
    adjust: str = ""
    rows: int = 0
    failure: Failure | None = None
    note: str = ""

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.kind, self.code, self.adjust) if p)


@dataclass
class RefreshSummary:
    """What a refresh did; `format_summary` renders it for the CLI."""

    outcomes: list[TaskOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    aborted_offline: bool = False
    elapsed: float = 0.0
    #: Why the run stopped before the end ("refresh budget of 90 s used up", "interrupted by
    #: SIGTERM"); '' when it ran to the end.
    stopped: str = ""
    #: Providers whose breaker opened ("Eastmoney timed out 3 times in a row: ...").
    breakers: list[str] = field(default_factory=list)
    budget: float | None = None

    def _count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def fetched(self) -> int:
        return self._count("fetched")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def not_attempted(self) -> int:
        return sum(1 for o in self.outcomes if o.status == "failed" and o.failure is not None and not o.failure.attempted)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def failures_by_kind(self) -> dict[FailureKind, list[TaskOutcome]]:
        """Failed outcomes grouped by failure class, in FailureKind order."""
        groups: dict[FailureKind, list[TaskOutcome]] = {}
        for outcome in self.outcomes:
            if outcome.status == "failed" and outcome.failure is not None:
                groups.setdefault(outcome.failure.kind, []).append(outcome)
        return {k: groups[k] for k in FailureKind if k in groups}


def session_end(today: date, now: datetime | None) -> date:
    """The last day whose daily bar is final: today after 15:30 Shanghai, else yesterday.

    When `today` is not the clock's date (a frozen THEME_TRACKER_TODAY), today counts as done.
    """
    now = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    if now.date() != today or (now.hour, now.minute) >= SESSION_FINAL:
        return today
    return today - timedelta(days=1)


def last_session(end: date, trade_dates: Sequence[date]) -> date:
    """The last trading day on or before `end` (weekdays when no calendar covers `end`)."""
    if trade_dates and trade_dates[-1] >= end:
        earlier = [d for d in trade_dates if d <= end]
        if earlier:
            return earlier[-1]
    day = end
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _write_count(result: Any) -> int:
    """inserted + updated of a store WriteResult (tolerant of its exact type)."""
    if result is None:
        return 0
    if isinstance(result, dict):
        return int(result.get("inserted", 0)) + int(result.get("updated", 0))
    return int(getattr(result, "inserted", 0)) + int(getattr(result, "updated", 0))


def _stored_dates(store: Any) -> list[date]:
    raw = store.get_meta("trade_dates")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    try:
        return sorted(date.fromisoformat(str(d)[:10]) for d in raw or [])
    except ValueError:
        return []


@dataclass
class _Task:
    kind: str
    code: str
    adjust: str
    start: date
    end: date
    overlap: date | None = None  # qfq: the stored session re-fetched for comparison
    overlap_close: float = math.nan
    full_start: date | None = None  # qfq: where a full refetch starts
    incremental: bool = False  # the store already holds this series


class _Run:
    """State of one refresh run (kept off the public function for readability)."""

    def __init__(self, store: Any, source: MarketSource, progress: ProgressCallback | None,
                 total: int, offline_after: int, budget: Budget,
                 on_outcome: Callable[[TaskOutcome], None] | None = None) -> None:  # fmt: skip
        self.store = store
        self.source = source
        self.progress = progress
        self.budget = budget
        self.on_outcome = on_outcome
        self.total = total
        self.done = 0
        self.streak = 0
        self.offline_after = offline_after
        self.aborted = False
        self.summary = RefreshSummary()
        self.pending_log: list[tuple] = []

    def record(self, outcome: TaskOutcome) -> None:
        self.summary.outcomes.append(outcome)
        self.done += 1
        failure = outcome.failure
        if outcome.status == "failed" and failure is not None and failure.kind is FailureKind.NETWORK:
            self.streak += 1
            if self.streak >= self.offline_after and not self.aborted:
                self.aborted = True
        elif outcome.status != "failed":
            self.streak = 0
        error = failure.message if failure is not None else None
        self.pending_log.append((outcome.kind if not outcome.adjust else f"{outcome.kind}:{outcome.adjust}",
                                 outcome.code, outcome.status != "failed", error, datetime.now(SHANGHAI)))
        if len(self.pending_log) >= LOG_BATCH:
            self.flush_log()
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        if self.progress is not None:
            self.progress(self.done, self.total, outcome.label)

    def flush_log(self) -> None:
        """Write the buffered fetch-log entries in one transaction."""
        entries, self.pending_log = self.pending_log, []
        if not entries:
            return
        many = getattr(self.store, "log_fetches", None)
        if many is not None:
            many(entries)
            return
        one = getattr(self.store, "log_fetch", None)
        if one is not None:
            for entry in entries:
                one(*entry)

    @property
    def halted(self) -> bool:
        """Start nothing more: offline, or the budget is used up or cancelled."""
        return self.aborted or self.budget.stopped

    def skip(self, kind: str, code: str, adjust: str = "") -> None:
        if self.budget.stopped:
            error = self.budget.error()
            failure = Failure(code, error.kind, error.message, attempted=False)
        else:
            failure = Failure(code, FailureKind.NETWORK, NOT_ATTEMPTED, attempted=False)
        self.record(TaskOutcome(kind, code, "failed", adjust, failure=failure))


def run_refresh(
    store: Any,
    source: MarketSource,
    codes: Sequence[str],
    *,
    benchmarks: Sequence[str] = DEFAULT_BENCHMARKS,
    today: date,
    progress: ProgressCallback | None = None,
    quotes: bool = True,
    history: bool = True,
    history_days: int = 730,
    now: datetime | None = None,
    offline_after: int = 3,
    workers: int | None = None,
    budget: Budget | float | None = None,
    on_outcome: Callable[[TaskOutcome], None] | None = None,
    pools: bool = True,
) -> RefreshSummary:
    """Refresh quotes and daily history of `codes`, the benchmarks and the trade calendar.

    `progress(done, total, label)` and `on_outcome(outcome)` are called after each task.
    `budget` bounds the whole run: a Budget (shared with the caller, who may cancel it), a
    number of seconds, or None for the default (`default_budget_seconds(len(codes))`). Returns
    a RefreshSummary with fetched / unchanged / failed counts and the failures grouped by class.
    """
    started = time.monotonic()
    codes = list(dict.fromkeys(codes))
    if not isinstance(budget, Budget):
        budget = Budget(default_budget_seconds(len(codes)) if budget is None else float(budget))
    use_budget = getattr(source, "use_budget", None)
    if callable(use_budget):
        use_budget(budget)
    total = (len(codes) if quotes else 0) + ((1 + len(benchmarks) + 2 * len(codes)) if history else 0)
    total += 4 if (quotes and pools and hasattr(source, "fetch_limit_pools")) else 0  # the limit pools
    run = _Run(store, source, progress, total, offline_after, budget, on_outcome)
    try:
        if quotes and codes:
            if run.halted:
                for code in codes:
                    run.skip("quote", code)
            else:
                _refresh_quotes(run, codes)
            run.flush_log()
        # ---- the whole market's limit pools (issue 15): a separate step, see tui/jobs/limit_pools.py
        if quotes and pools and hasattr(source, "fetch_limit_pools"):
            from tui.jobs.limit_pools import POOLS, pool_session, refresh_limit_pools

            if run.halted:
                for pool in POOLS:
                    run.skip("pool", pool)
            else:
                outcomes, notes = refresh_limit_pools(store, source, pool_session(today, now, _stored_dates(store)))
                for outcome in outcomes:
                    run.record(outcome)
                run.summary.notes += notes
            run.flush_log()
        if history:
            if run.halted:
                run.skip("trade_dates", "*")
            else:
                _refresh_trade_dates(run)
            end = session_end(today, now)
            tasks = _plan_history(run, codes, benchmarks, today, end, history_days)
            _run_history(run, tasks, workers or int(getattr(source, "max_concurrent", 1)))
    finally:
        run.flush_log()
    run.summary.aborted_offline = run.aborted
    run.summary.stopped = budget.reason
    run.summary.budget = budget.seconds
    notes = getattr(source, "breaker_notes", None)
    run.summary.breakers = list(notes()) if callable(notes) else []
    run.summary.elapsed = time.monotonic() - started
    return run.summary


def _refresh_quotes(run: _Run, codes: list[str]) -> None:
    result: FetchResult = run.source.fetch_quotes(codes)
    run.summary.notes += result.notes
    frame = result.frame
    previous = _rows_by_code(run.store.latest_quotes(codes))
    if not frame.empty:
        run.store.upsert_quotes(frame)
    new = _rows_by_code(frame)
    for code in codes:
        failure = result.failure_for(code)
        if code in new:
            status = "unchanged" if _same_quote(previous.get(code), new[code]) else "fetched"
            run.record(TaskOutcome("quote", code, status, rows=1))
        else:
            failure = failure or Failure(code, FailureKind.OTHER, "no quote returned")
            run.record(TaskOutcome("quote", code, "failed", failure=failure))


#: Fetch-log entries are written in batches of this many (one transaction each).
LOG_BATCH = 200

#: The quote fields whose change makes a quote "fetched" rather than "unchanged".
COMPARED_FIELDS = ("price", "volume", "amount", "suspended")


def _rows_by_code(frame: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    """The compared fields of each code's first row (one pass, not a lookup per code)."""
    if frame is None or frame.empty or "code" not in frame.columns:
        return {}
    columns = [c for c in COMPARED_FIELDS if c in frame.columns]
    first = frame.drop_duplicates("code", keep="first")
    values = list(zip(*(first[c].tolist() for c in columns))) if columns else [()] * len(first)
    return {str(code): dict(zip(columns, row)) for code, row in zip(first["code"].tolist(), values)}


def _same_quote(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    if old is None:
        return False
    for column in COMPARED_FIELDS:
        a, b = old.get(column), new.get(column)
        if pd.isna(a) and pd.isna(b):
            continue
        if pd.isna(a) or pd.isna(b) or a != b:
            return False
    return True


def _refresh_trade_dates(run: _Run) -> None:
    result = run.source.fetch_trade_dates()
    run.summary.notes += result.notes
    if result.failures or result.frame.empty:
        failure = result.failures[0] if result.failures else Failure("*", FailureKind.EMPTY, "empty result")
        run.record(TaskOutcome("trade_dates", "*", "failed", failure=failure))
        return
    dates = [d.date().isoformat() for d in pd.to_datetime(result.frame["date"])]
    old = [d.isoformat() for d in _stored_dates(run.store)]
    if old == dates:
        run.record(TaskOutcome("trade_dates", "*", "unchanged", rows=len(dates)))
    else:
        run.store.set_meta("trade_dates", dates)
        run.record(TaskOutcome("trade_dates", "*", "fetched", rows=len(dates)))


def _plan_history(run: _Run, codes: list[str], benchmarks: Sequence[str], today: date, end: date,
                  history_days: int) -> list[_Task]:
    """Decide per series what to fetch; series already up to date are recorded as unchanged."""
    target = last_session(end, _stored_dates(run.store))
    default_start = today - timedelta(days=history_days)
    tasks: list[_Task] = []
    series = [("index", b, INDEX_ADJUST) for b in benchmarks]
    series += [("bars", c, adjust) for c in codes for adjust in ("qfq", "raw")]
    for kind, code, adjust in series:
        last = run.store.last_bar_date(code, adjust=adjust)
        if last is None:
            tasks.append(_Task(kind, code, adjust, default_start, end))
            continue
        if last >= target:
            run.record(TaskOutcome(kind, code, "unchanged", "" if kind == "index" else adjust, note="up to date"))
            continue
        if kind == "bars" and adjust == "raw":
            tasks.append(_Task(kind, code, adjust, last + timedelta(days=1), end, incremental=True))
            continue
        # qfq and indices: re-fetch the last stored session to detect re-adjustment / sample data.
        stored = run.store.bars(code, adjust=adjust)
        first = pd.Timestamp(stored["date"].min()).date() if not stored.empty else default_start
        tail = stored.loc[pd.to_datetime(stored["date"]).dt.date == last] if not stored.empty else stored
        sample = bool(tail["is_sample"].any()) if not tail.empty and "is_sample" in tail else False
        full_start = min(first, default_start)
        if sample:
            tasks.append(_Task(kind, code, adjust, full_start, end))
            continue
        close = float(tail["close"].iloc[-1]) if not tail.empty else math.nan
        tasks.append(_Task(kind, code, adjust, last, end, overlap=last, overlap_close=close, full_start=full_start))
    return tasks


def _fetch(source: MarketSource, task: _Task, start: date | None = None) -> FetchResult:
    start = start or task.start
    if task.kind == "index":
        return source.fetch_index_bars(task.code, start, task.end)
    return source.fetch_bars(task.code, start, task.end, task.adjust)  # type: ignore[arg-type]


def _run_history(run: _Run, tasks: list[_Task], workers: int) -> None:
    stop = threading.Event()
    if run.halted:
        stop.set()
    for _, task, outcome in parallel_map(lambda t: _fetch(run.source, t), tasks, workers, stop, run.budget):
        adjust = "" if task.kind == "index" else task.adjust
        if outcome is None:
            run.skip(task.kind, task.code, adjust)
            continue
        if isinstance(outcome, BaseException):
            failure = Failure(task.code, FailureKind.OTHER, one_line(f"{type(outcome).__name__}: {outcome}", 120))
            run.record(TaskOutcome(task.kind, task.code, "failed", adjust, failure=failure))
        else:
            _store_bars(run, task, outcome)
        if run.halted:
            stop.set()


def _store_bars(run: _Run, task: _Task, result: FetchResult) -> None:
    adjust = "" if task.kind == "index" else task.adjust
    run.summary.notes += result.notes
    if result.failures:
        failure = result.failures[0]
        if failure.kind is FailureKind.EMPTY and task.incremental:
            # Nothing after the last stored session (e.g. a suspension): nothing to add.
            run.record(TaskOutcome(task.kind, task.code, "unchanged", adjust, note="no new sessions"))
        else:
            run.record(TaskOutcome(task.kind, task.code, "failed", adjust, failure=failure))
        return
    frame = result.frame
    note = ""
    if task.overlap is not None and not frame.empty:
        at = frame.loc[frame["date"] == pd.Timestamp(task.overlap)]
        moved = not at.empty and not math.isnan(task.overlap_close) and abs(float(at["close"].iloc[0]) - task.overlap_close) > QFQ_TOLERANCE
        if moved and run.budget.stopped:
            run.skip(task.kind, task.code, adjust)
            return
        if moved:
            full = _fetch(run.source, task, task.full_start)
            if full.failures:
                run.record(TaskOutcome(task.kind, task.code, "failed", adjust, failure=full.failures[0]))
                return
            frame, note = full.frame, "re-adjusted: whole history fetched again"
    if frame.empty:
        run.record(TaskOutcome(task.kind, task.code, "unchanged", adjust, note="no new sessions"))
        return
    if task.kind == "index":
        frame = frame.assign(adjust=INDEX_ADJUST)
    written = _write_count(run.store.upsert_bars(frame))
    status = "fetched" if written else "unchanged"
    run.record(TaskOutcome(task.kind, task.code, status, adjust, rows=written, note=note))


def format_outcome(outcome: TaskOutcome) -> str:
    """One line for a failed outcome: 'quote 300133: timed out after 10 s [stock_bid_ask_em → …]'."""
    failure = outcome.failure
    if failure is None:
        return f"{outcome.label}: {outcome.status}"
    call = f" [{failure.call}]" if failure.call else ""
    return f"{outcome.label}: {failure.message}{call}"


def format_summary(summary: RefreshSummary, *, verbose: bool = False, listed: bool = False) -> list[str]:
    """Lines for the CLI: totals, why the run stopped early if it did, then one line per
    failure class (every failure if verbose; `listed`: the attempted ones were already printed
    one by one as they happened, so only the not-attempted list is repeated)."""
    lines = [
        f"refresh: {summary.fetched} fetched, {summary.unchanged} unchanged, "
        f"{summary.failed} failed ({summary.elapsed:.1f} s)"
    ]
    kinds: dict[str, list[int]] = {}
    for outcome in summary.outcomes:
        counts = kinds.setdefault(outcome.kind, [0, 0, 0])
        counts[("fetched", "unchanged", "failed").index(outcome.status)] += 1
    for kind, (f, u, x) in kinds.items():
        lines.append(f"  {kind}: {f} fetched, {u} unchanged, {x} failed")
    skipped_total = summary.not_attempted
    if summary.stopped:
        lines.append(f"stopped: {summary.stopped}; {skipped_total} fetch(es) not attempted; "
                     "what was fetched is stored, stored data was kept")  # fmt: skip
    elif summary.aborted_offline:
        lines.append("network unreachable: stopped early; stored data was kept")
    elif any(o.failure is not None and not o.failure.attempted and o.failure.kind is FailureKind.TIMEOUT
             for o in summary.outcomes):  # fmt: skip
        lines.append(f"source stalled: {skipped_total} fetch(es) not attempted, every provider that "
                     "serves them timed out repeatedly; stored data was kept")  # fmt: skip
    for text in summary.breakers:
        lines.append(f"breaker: {text}")
    for kind, outcomes in summary.failures_by_kind().items():
        skipped = [o for o in outcomes if o.failure is not None and not o.failure.attempted]
        tried = [o for o in outcomes if o not in skipped and o.failure is not None]
        per_kind: dict[str, int] = {}
        for o in outcomes:
            per_kind[o.kind] = per_kind.get(o.kind, 0) + 1
        breakdown = ", ".join(f"{k} {n}" for k, n in per_kind.items())
        if tried and skipped:
            breakdown += f"; {len(skipped)} not attempted"
        shown = tried[0] if tried else outcomes[0]
        message = shown.failure.message if shown.failure is not None else kind.value
        example = ""
        if tried:
            first = tried[0]
            call = f" [{first.failure.call}]" if first.failure.call else ""
            example = f"; e.g. {first.label}{call}"
        lines.append(f"failed: {message} ({len(outcomes)}: {breakdown}){example}")
        if verbose:
            if not listed:
                lines.extend(f"  {format_outcome(o)}" for o in tried)
            if skipped:
                lines.append(f"  not attempted ({len(skipped)}): " + ", ".join(o.label for o in skipped))
    for note in summary.notes:
        lines.append(f"note: {note}")
    return lines
