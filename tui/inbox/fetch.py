"""Fetch every feed for the themes' stocks into the store (`inbox fetch`, `refresh --feeds`,
the schedule's after-close job).

Order: earnings dates and previews of the current and next report periods (two market-wide
calls each), then per stock: lock-ups, announcements, investor Q&A, news. Per-stock calls run
in a few daemon threads; the FeedCaller caps concurrency, spaces requests and stops at its
budget (what is left is reported as not attempted). Hong Kong codes are skipped: these feeds
are A-share only. Failures never touch stored items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tui.domain.codes import CodeError, parse_code
from tui.sources.base import Failure, FailureKind
from tui.sources.calls import parallel_map
from tui.sources.classify import one_line
from tui.sources.feeds import (
    FeedCaller, FeedResult, default_since, fetch_announcements, fetch_earnings_dates,
    fetch_earnings_previews, fetch_lockups, fetch_news, fetch_qa, report_periods,
)
from tui.store import inbox as inbox_store

#: Feed names, in the order they run; `--feeds`-style selections use these.
FEEDS: tuple[str, ...] = ("earnings", "previews", "lockups", "announcements", "qa", "news")
PER_CODE_FEEDS = ("lockups", "announcements", "qa", "news")
#: Lock-ups already past stay listed (as happened) this many days.
LOCKUP_LOOKBACK_DAYS = 30

ProgressCallback = Callable[[int, int, str], None]

_PERIOD_LABELS = {3: "一季报", 6: "半年报", 9: "三季报", 12: "年报"}


def period_label(period: str) -> str:
    """'2026-09-30' -> '2026年三季报'."""
    day = date.fromisoformat(period)
    return f"{day.year}年{_PERIOD_LABELS.get(day.month, period)}"


@dataclass
class FeedCount:
    calls: int = 0
    failed: int = 0
    rows: int = 0
    new: int = 0


@dataclass
class FeedSummary:
    """What an inbox fetch did, per feed."""

    counts: dict[str, FeedCount] = field(default_factory=lambda: {f: FeedCount() for f in FEEDS})
    failures: list[tuple[str, Failure]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    items_new: int = 0
    items_duplicate: int = 0
    catalysts_new: int = 0
    catalysts_updated: int = 0
    skipped_codes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def record(self, feed: str, result: FeedResult) -> None:
        count = self.counts[feed]
        count.calls += 1
        count.rows += len(result.frame)
        if result.failures:
            count.failed += 1
            self.failures += [(feed, f) for f in result.failures]
        self.notes += result.notes


def format_feed_summary(summary: FeedSummary, *, verbose: bool = False) -> list[str]:
    """Lines for the CLI: totals, one line per feed, failures grouped by class."""
    lines = [
        f"inbox fetch: {summary.items_new} new item(s), {summary.items_duplicate} already known; "
        f"{summary.catalysts_new} new and {summary.catalysts_updated} updated fetched catalyst(s); "
        f"{len(summary.failures)} failed"
    ]
    for feed in FEEDS:
        c = summary.counts[feed]
        if c.calls:
            lines.append(f"  {feed}: {c.calls} call(s), {c.rows} row(s), {c.failed} failed")
    groups: dict[FailureKind, list[tuple[str, Failure]]] = {}
    for feed, failure in summary.failures:
        groups.setdefault(failure.kind, []).append((feed, failure))
    for kind in FailureKind:
        if kind not in groups:
            continue
        entries = groups[kind]
        feed, first = entries[0]
        call = f" [{first.call}]" if first.call else ""
        lines.append(f"failed: {first.message} ({len(entries)}); e.g. {feed} {first.code}{call}")
        if verbose:
            for feed, f in entries[1:]:
                lines.append(f"  {feed} {f.code}: {f.message}" + (f" [{f.call}]" if f.call else ""))
    if summary.skipped_codes:
        lines.append(f"note: skipped (not A-shares): {', '.join(summary.skipped_codes)}")
    for note in summary.notes:
        lines.append(f"note: {note}")
    return lines


def _a_shares(codes: Iterable[str]) -> tuple[list[str], list[str]]:
    keep, skipped = [], []
    for code in dict.fromkeys(codes):
        try:
            (keep if parse_code(code).is_a_share else skipped).append(code)
        except CodeError:
            skipped.append(code)
    return keep, skipped


def earnings_rows(frame: Any, names: dict[str, str]) -> list[dict[str, Any]]:
    """Fetched catalysts (kind earnings) from a normalized earnings-dates frame: dated on the
    latest change (一次/二次/三次变更), happened once 实际披露时间 is set."""
    rows = []
    for rec in frame.to_dict("records"):
        changes = [rec["change1"], rec["change2"], rec["change3"]]
        scheduled = next((d for d in reversed(changes) if d), None) or rec["first_date"]
        actual = rec["actual_date"]
        code = rec["code"]
        name = names.get(code) or rec["name"] or code
        rows.append({
            "key": f"earnings:{code}:{rec['period']}", "code": code, "kind": "earnings",
            "date": actual or scheduled, "first_date": rec["first_date"],
            "title": f"{name} {period_label(rec['period'])}披露",
            "status": "happened" if actual else "expected",
            "changes": sum(1 for d in changes if d),
            "detail": {"period": rec["period"], "first_date": rec["first_date"], "change1": rec["change1"],
                       "change2": rec["change2"], "change3": rec["change3"], "actual_date": actual,
                       "scheduled_date": scheduled},
            "source": "stock_yysj_em",
        })
    return rows


def _wan(value: float | None) -> str:
    if value is None:
        return "?"
    if abs(value) >= 1e8:
        return f"{value / 1e8:,.2f}亿"
    return f"{value / 1e4:,.0f}万"


def lockup_rows(frame: Any, names: dict[str, str], today: date) -> list[dict[str, Any]]:
    """Fetched catalysts (kind risk) from a normalized lock-up frame."""
    rows = []
    for rec in frame.to_dict("records"):
        code = rec["code"]
        name = names.get(code) or code
        shares = rec["shares_actual"] if rec["shares_actual"] is not None else rec["shares"]
        value = f"，市值约{_wan(rec['market_value'])}元" if rec["market_value"] is not None else ""
        rows.append({
            "key": f"lockup:{code}:{rec['date']}", "code": code, "kind": "risk", "date": rec["date"],
            "first_date": rec["date"], "title": f"{name} 限售解禁 {_wan(shares)}股{value}",
            "status": "happened" if rec["date"] <= today.isoformat() else "expected", "changes": 0,
            "detail": {k: rec[k] for k in ("holders", "shares", "shares_actual", "shares_remaining", "market_value",
                                          "ratio_total", "ratio_float", "type")},
            "source": "stock_restricted_release_queue_em",
        })
    return rows


def run_inbox_fetch(
    conn: Any,
    caller: FeedCaller,
    codes: Sequence[str],
    *,
    today: date,
    names: dict[str, str] | None = None,
    since: date | None = None,
    feeds: Iterable[str] = FEEDS,
    progress: ProgressCallback | None = None,
    now: datetime | None = None,
) -> FeedSummary:
    """Fetch `feeds` for `codes` into the store behind `conn` (this thread's connection)."""
    names = names or {}
    wanted = [f for f in FEEDS if f in set(feeds)]
    since = since or default_since(today)
    summary = FeedSummary()
    codes, summary.skipped_codes = _a_shares(codes)
    if not codes:
        return summary
    periods = report_periods(today)
    tasks: list[tuple[str, Any]] = []
    tasks += [("earnings", p) for p in periods if "earnings" in wanted]
    tasks += [("previews", p) for p in periods if "previews" in wanted]
    tasks += [(feed, code) for code in codes for feed in PER_CODE_FEEDS if feed in wanted]
    total, done = len(tasks), 0

    def step(label: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, label)

    lockup_since = date.fromordinal(today.toordinal() - LOCKUP_LOOKBACK_DAYS)

    def run(task: tuple[str, Any]) -> FeedResult:
        feed, arg = task
        if feed == "earnings":
            return fetch_earnings_dates(caller, arg, codes)
        if feed == "previews":
            return fetch_earnings_previews(caller, arg, codes)
        if feed == "lockups":
            return fetch_lockups(caller, arg, lockup_since)
        if feed == "announcements":
            return fetch_announcements(caller, arg, since, today)
        if feed == "qa":
            return fetch_qa(caller, arg, since, today)
        return fetch_news(caller, arg, since)

    workers = max(1, int(getattr(caller, "max_concurrent", 2)))
    budget = getattr(caller, "budget", None)
    for _, task, outcome in parallel_map(run, tasks, workers, budget=budget):
        feed, arg = task
        label = f"{feed} {arg}"
        code = arg if isinstance(arg, str) else "*"
        if outcome is None:  # skipped: the feed budget ran out or the run was cancelled
            error = budget.error() if budget is not None else None
            message = error.message if error is not None else "not attempted"
            kind = error.kind if error is not None else FailureKind.OTHER
            result = FeedResult(outcome_frame(), [Failure(code, kind, message, feed, "", False)])
            summary.record(feed, result)
            step(label)
            continue
        if isinstance(outcome, BaseException):
            failure = Failure(code, FailureKind.OTHER, one_line(f"{type(outcome).__name__}: {outcome}", 120), feed)
            result = FeedResult(outcome_frame(), [failure])
        else:
            result = outcome
        summary.record(feed, result)
        _store(conn, feed, result, summary, names, today, now)
        step(label)
    return summary


def outcome_frame() -> Any:
    import pandas as pd

    return pd.DataFrame()


def _store(conn: Any, feed: str, result: FeedResult, summary: FeedSummary, names: dict[str, str], today: date,
           now: datetime | None) -> None:
    frame = result.frame
    if frame.empty:
        return
    if feed == "earnings":
        written = inbox_store.upsert_fetched_catalysts(conn, earnings_rows(frame, names), now=now)
    elif feed == "lockups":
        written = inbox_store.upsert_fetched_catalysts(conn, lockup_rows(frame, names, today), now=now)
    elif feed == "previews":
        summary.counts[feed].new += inbox_store.upsert_previews(conn, frame.to_dict("records"), now=now)
        return
    else:
        items = inbox_store.upsert_items(conn, frame.to_dict("records"), now=now)
        summary.counts[feed].new += items.inserted
        summary.items_new += items.inserted
        summary.items_duplicate += items.seen_again + items.duplicates
        return
    summary.counts[feed].new += written.inserted
    summary.catalysts_new += written.inserted
    summary.catalysts_updated += written.updated
