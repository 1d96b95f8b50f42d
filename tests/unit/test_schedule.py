"""The schedule: planned runs (weekends, holidays, make-up days, the calendar's end), the
triggers, misfire/coalesce, failing jobs, the jobs' calendar checks, SIGTERM, the in-app variant."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time as _time
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import CATALYSTS, WATCHLISTS
from tui.domain.calendar import TradingCalendar
from tui.jobs import schedule as sched
from tui.sources.base import Failure, FailureKind, FetchResult, empty_bars, empty_quotes
from tui.store import Store

SH = sched.SHANGHAI
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cal() -> TradingCalendar:
    return TradingCalendar(today=date(2026, 9, 1))


def days_with(runs, job=None):
    return sorted({r.session for r in runs if job is None or r.job == job})


# ---------------------------------------------------------------- planning (pure)


def test_a_normal_week(cal):
    runs = sched.planned_runs(date(2026, 3, 2), 7, cal, 5, time(15, 35))
    assert days_with(runs) == [date(2026, 3, d) for d in (2, 3, 4, 5, 6)]  # Mon..Fri, no weekend
    monday = [r for r in runs if r.session == date(2026, 3, 2)]
    quotes = [r.at for r in monday if r.job == "quotes"]
    assert quotes[0] == datetime(2026, 3, 2, 9, 30, tzinfo=SH) and quotes[-1] == datetime(2026, 3, 2, 15, 0, tzinfo=SH)
    assert len(quotes) == 50  # 09:30..11:30 and 13:00..15:00 every 5 minutes, ends included
    assert not any(time(11, 30) < q.time() < time(13, 0) for q in quotes)
    closes = [r for r in runs if r.job == "close"]
    assert [c.at for c in closes][0] == datetime(2026, 3, 2, 15, 35, tzinfo=SH) and len(closes) == 5
    assert runs == sorted(runs, key=lambda r: r.at)
    assert not any(r.calendar_stale for r in runs)


def test_national_day_2026_and_make_up_weekends(cal):
    runs = sched.planned_runs(date(2026, 9, 18), 25, cal, 1, time(15, 35))
    planned = days_with(runs)
    for d in range(1, 8):
        assert date(2026, 10, d) not in planned  # the National Day holiday: nothing at all
    assert date(2026, 9, 20) not in planned and date(2026, 10, 10) not in planned  # make-up working weekends
    assert date(2026, 9, 30) in planned and date(2026, 10, 8) in planned
    assert days_with(runs, "close") == days_with(runs, "quotes") == planned
    plans = {p.day: p for p in sched.planned_days(date(2026, 9, 18), 25, cal, 1)}
    assert plans[date(2026, 10, 5)].reason == "market holiday" and plans[date(2026, 10, 10)].reason == "weekend"


def test_the_calendar_end_falls_back_and_says_stale():
    cal = TradingCalendar(today=date(2026, 12, 1))
    runs = sched.planned_runs(date(2026, 12, 29), 10, cal, 30, time(15, 35))
    planned = days_with(runs)
    assert date(2026, 12, 31) in planned and date(2027, 1, 1) not in planned  # 1 Jan: fixed holiday
    assert date(2027, 1, 4) in planned and date(2027, 1, 2) not in planned
    assert not any(r.calendar_stale for r in runs if r.session.year == 2026)
    assert all(r.calendar_stale for r in runs if r.session.year == 2027)
    lines = sched.format_plan(sched.planned_days(date(2026, 12, 29), 10, cal, 30, time(15, 35)), cal, 30, time(15, 35))
    assert any("calendar is stale" in line and "2026-12-31" in line for line in lines)
    assert any(line.startswith("2027-01-04") and "guessed" in line for line in lines)


def test_the_cron_triggers_fire_on_the_planned_grid_and_on_holidays(cal):
    interval = 7
    trig = sched.quotes_trigger(interval)
    start = datetime(2026, 9, 28, 0, 0, tzinfo=SH)
    fired, prev = [], None
    t = start
    while True:
        nxt = trig.get_next_fire_time(prev, t)
        if nxt >= start + timedelta(days=14):
            break
        fired.append(nxt.astimezone(SH))
        prev, t = nxt, nxt
    planned = [r.at for r in sched.planned_runs(start.date(), 14, cal, interval) if r.job == "quotes"]
    kept = [f for f in fired if cal.is_session(f.date()) and sched.in_quote_window(f)]
    assert kept == planned
    assert any(f.date() == date(2026, 10, 1) for f in fired)  # cron fires on the holiday: the job checks
    close = sched.close_trigger(time(15, 35)).get_next_fire_time(None, datetime(2026, 10, 1, 0, 0, tzinfo=SH))
    assert close == datetime(2026, 10, 1, 15, 35, tzinfo=SH)


def test_misfire_and_coalesce_options():
    q = sched.job_options("quotes", 5)
    c = sched.job_options("close", 5)
    assert q == {"coalesce": True, "misfire_grace_time": 150, "max_instances": 1}
    assert c["coalesce"] is True and c["max_instances"] == 1
    assert c["misfire_grace_time"] == 3 * 24 * 3600
    assert sched.job_options("quotes", 1)["misfire_grace_time"] == 30


def test_pending_sessions_after_sleep_and_holidays(cal):
    at = time(15, 35)
    friday = date(2026, 9, 18)
    # slept through Friday 15:35, woke on Monday morning: Friday is written once
    monday = datetime(2026, 9, 21, 8, 0, tzinfo=SH)
    assert sched.due_close_session(monday, cal, at) == friday
    assert sched.pending_sessions(monday, cal, date(2026, 9, 17), at) == [friday]
    assert sched.pending_sessions(monday, cal, friday, at) == []
    # the cron fires on a holiday: nothing pending when the last session is done
    holiday = datetime(2026, 10, 5, 15, 35, tzinfo=SH)
    assert sched.pending_sessions(holiday, cal, date(2026, 9, 30), at) == []
    # between the close and the run time, the previous session is the due one
    assert sched.due_close_session(datetime(2026, 9, 30, 15, 10, tzinfo=SH), cal, at) == date(2026, 9, 29)
    # a long gap: at most MAX_CATCH_UP sessions, the newest ones
    late = sched.pending_sessions(datetime(2026, 10, 9, 16, 0, tzinfo=SH), cal, date(2026, 9, 1), at)
    assert len(late) == sched.MAX_CATCH_UP and late[-1] == date(2026, 10, 9)


# ---------------------------------------------------------------- the jobs (fake source, fixed clock)


class OfflineSource:
    """Every fetch fails as offline would; records the calls."""

    name = "offline"
    max_concurrent = 2

    def __init__(self):
        self.calls = []

    def _fail(self, code):
        return [Failure(code, FailureKind.NETWORK, "network unreachable")]

    def fetch_quotes(self, codes):
        self.calls.append("quotes")
        return FetchResult(empty_quotes(), self._fail("*"), "offline")

    def fetch_bars(self, code, start, end, adjust="qfq"):
        self.calls.append("bars")
        return FetchResult(empty_bars(), self._fail(code), "offline")

    def fetch_index_bars(self, symbol, start, end):
        self.calls.append("index")
        return FetchResult(empty_bars(), self._fail(symbol), "offline")

    def fetch_trade_dates(self):
        self.calls.append("trade_dates")
        return FetchResult(pd.DataFrame({"date": pd.to_datetime([])}), self._fail("*"), "offline")


def runner(tmp_path, now, source):
    return sched.ScheduleRunner(
        data_dir=tmp_path / "data", watchlists=WATCHLISTS, catalysts=CATALYSTS, interval=5,
        out=tmp_path / "snaps", source_factory=lambda: source, clock=lambda: now,
    )  # fmt: skip


def test_quotes_job_runs_only_while_trading(tmp_path):
    src = OfflineSource()
    assert runner(tmp_path, datetime(2026, 10, 5, 10, 0, tzinfo=SH), src).quotes_job().startswith("skipped")
    assert runner(tmp_path, datetime(2026, 9, 30, 12, 0, tzinfo=SH), src).quotes_job().startswith("skipped")
    assert src.calls == []
    result = runner(tmp_path, datetime(2026, 9, 30, 10, 0, tzinfo=SH), src).quotes_job()
    assert result.startswith("quotes refresh") and src.calls == ["quotes"]


def test_close_job_writes_the_snapshot_once_even_offline(tmp_path):
    src = OfflineSource()
    # the sample store's latest session: 2025-11-21 (Friday); the job runs that evening
    now = datetime(2025, 11, 21, 15, 35, 5, tzinfo=SH)
    first = runner(tmp_path, now, src).close_job()
    assert "snapshot 2025-11-21" in first, first
    assert (tmp_path / "snaps" / "2025-11-21" / "report.md").exists()
    with Store.open(tmp_path / "data") as store:
        assert store.get_meta(sched.META_LAST_CLOSE) == "2025-11-21"
        assert store.snapshot_sessions() == [date(2025, 11, 21)]
    calls = len(src.calls)
    # the weekend: nothing pending, nothing fetched
    again = runner(tmp_path, datetime(2025, 11, 22, 15, 35, tzinfo=SH), src).close_job()
    assert again.startswith("skipped") and len(src.calls) == calls


def test_a_failing_close_job_is_logged_not_raised(tmp_path, caplog):
    class Broken(OfflineSource):
        def fetch_quotes(self, codes):
            raise RuntimeError("boom")

    result = runner(tmp_path, datetime(2025, 11, 21, 16, 0, tzinfo=SH), Broken()).close_job()
    assert result.startswith("failed: RuntimeError: boom")
    assert "retried" in caplog.text
    with Store.open(tmp_path / "data") as store:
        assert store.get_meta(sched.META_LAST_CLOSE) is None  # so the next run retries it


# ---------------------------------------------------------------- the real scheduler, briefly


def test_a_raising_job_does_not_stop_the_scheduler():
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    counts = {"bad": 0, "good": 0}

    def bad():
        counts["bad"] += 1
        raise RuntimeError("job failure")

    def good():
        counts["good"] += 1

    scheduler = BackgroundScheduler(timezone=SH)
    sched.add_jobs(scheduler, bad, good, interval=1,
                   triggers=(IntervalTrigger(seconds=0.1), IntervalTrigger(seconds=0.1)))  # fmt: skip
    scheduler.start()
    try:
        deadline = _time.monotonic() + 5
        while (counts["bad"] < 3 or counts["good"] < 3) and _time.monotonic() < deadline:
            _time.sleep(0.05)
        assert counts["bad"] >= 3 and counts["good"] >= 3  # retried on every slot
        assert scheduler.running
    finally:
        scheduler.shutdown(wait=True)


def test_missed_runs_are_coalesced_and_the_grace_applies():
    """As after a sleep: the close job missed by hours runs once; a quote slot missed by
    minutes (grace 30 s) is skipped."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    counts = {"quotes": 0, "close": 0}
    scheduler = BackgroundScheduler(timezone=SH)
    sched.add_jobs(scheduler, lambda: counts.__setitem__("quotes", counts["quotes"] + 1),
                   lambda: counts.__setitem__("close", counts["close"] + 1), interval=1,
                   triggers=(IntervalTrigger(minutes=1), IntervalTrigger(hours=1)))  # fmt: skip
    scheduler.start(paused=True)
    try:
        now = datetime.now(SH)
        scheduler.modify_job("close", next_run_time=now - timedelta(hours=10, minutes=1))  # 11 missed runs
        scheduler.modify_job("quotes", next_run_time=now - timedelta(minutes=5, seconds=30))
        scheduler.resume()
        deadline = _time.monotonic() + 5
        while counts["close"] < 1 and _time.monotonic() < deadline:
            _time.sleep(0.05)
        _time.sleep(0.3)
        assert counts["close"] == 1  # coalesced: once, not 11 times
        assert counts["quotes"] == 0  # the latest missed slot is 30 s late: beyond the grace
    finally:
        scheduler.shutdown(wait=True)


SUBPROCESS_SCRIPT = """
import sys
import tui.jobs.schedule as s
class Offline:
    name = 'offline'; max_concurrent = 1
    def _r(self):
        import pandas as pd
        from tui.sources.base import Failure, FailureKind, FetchResult, empty_quotes
        return FetchResult(empty_quotes(), [Failure('*', FailureKind.NETWORK, 'offline')], 'offline')
    def fetch_quotes(self, codes): return self._r()
    def fetch_bars(self, *a, **k): return self._r()
    def fetch_index_bars(self, *a, **k): return self._r()
    def fetch_trade_dates(self): return self._r()
s.default_source_factory = lambda: Offline()
from tui.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_command_stops_cleanly_on_a_signal(tmp_path, sig):
    env = {**os.environ, "THEME_TRACKER_DATA_DIR": str(tmp_path / "data"), "TQDM_DISABLE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", SUBPROCESS_SCRIPT, "--watchlists", str(WATCHLISTS), "--catalysts", str(CATALYSTS),
         "schedule", "--interval", "5", "--out", str(tmp_path / "snaps")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines = []
    try:
        deadline = _time.monotonic() + 60
        while _time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("next runs:"):
                break
        assert lines and lines[-1].startswith("next runs:"), (lines, proc.stderr.read() if proc.poll() is not None else "")
        _time.sleep(0.5)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert f"{signal.Signals(sig).name} received" in err and "stopped" in err
    assert "quotes every 5 min" in lines[0]


def test_dry_run_lists_without_running(tmp_path, monkeypatch, capsys):
    import tui.cli

    code = tui.cli.main(["--data-dir", str(tmp_path / "d"), "schedule", "--dry-run", "--from", "2026-09-28",
                         "--days", "14", "--interval", "10"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    for d in range(1, 8):
        assert f"2026-10-0{d}" in out and f"2026-10-0{d} " in out
        line = next(li for li in out.splitlines() if li.startswith(f"2026-10-0{d}"))
        assert "nothing runs" in line
    assert "2026-10-08 Thu  session" in out
    assert "total: 5 session(s)" in out  # 09-28, 09-29, 09-30, 10-08, 10-09
    assert not (tmp_path / "d" / "snapshots").exists()
    assert tui.cli.main(["--data-dir", str(tmp_path / "d"), "schedule", "--at", "14:00", "--dry-run"]) == 2
    assert tui.cli.main(["--data-dir", str(tmp_path / "d"), "schedule", "--days", "3"]) == 2


# ---------------------------------------------------------------- in the app (asyncio)


def test_in_app_schedule_checks_the_calendar_and_survives_failures(cal, caplog):
    now = {"t": datetime(2026, 9, 30, 10, 0, tzinfo=SH)}
    calls = {"quotes": 0, "close": []}

    async def on_quotes():
        calls["quotes"] += 1
        raise RuntimeError("quotes broke")

    async def on_close(session):
        calls["close"].append(session)

    async def scenario():
        app = sched.InAppSchedule(on_quotes, on_close, interval=5, calendar=cal, clock=lambda: now["t"])
        app.start(paused=True)  # the real clock must not fire a job during the test
        assert app.running
        jobs = {j.id: j for j in app._scheduler.get_jobs()}
        assert set(jobs) == {"quotes", "close"} and jobs["close"].coalesce
        assert (await app.quotes_tick()).startswith("quotes: failed")  # logged, not raised
        now["t"] = datetime(2026, 10, 1, 10, 0, tzinfo=SH)  # National Day
        assert (await app.quotes_tick()).startswith("skipped")
        now["t"] = datetime(2026, 9, 30, 15, 40, tzinfo=SH)
        await app.close_tick()
        await app.close_tick()  # already done: once per session
        now["t"] = datetime(2026, 10, 5, 15, 35, tzinfo=SH)  # holiday: nothing pending
        assert (await app.close_tick()).startswith("skipped")
        assert [r.job for r in app.next_runs(3)]
        app.shutdown()
        assert not app.running

    asyncio.run(scenario())
    assert calls["quotes"] == 1 and calls["close"] == [date(2026, 9, 30)]
    assert "quotes broke" in caplog.text


# ---------------------------------------------------------------- runs never stack


def test_a_quote_run_still_going_makes_the_next_one_skip_with_a_log_line(tmp_path, caplog):
    """The first quote run hangs in its fetch; the next one due meanwhile is skipped, logged."""
    import threading

    entered, release = threading.Event(), threading.Event()

    class Hanging(OfflineSource):
        budget = None

        def use_budget(self, budget):
            self.budget = budget

        def fetch_quotes(self, codes):
            entered.set()
            release.wait(30)
            return super().fetch_quotes(codes)

    src = Hanging()
    run = runner(tmp_path, datetime(2026, 9, 30, 10, 0, tzinfo=SH), src)
    first: list[str] = []
    worker = threading.Thread(target=lambda: first.append(run.quotes_job()))
    worker.start()
    try:
        assert entered.wait(30), "the first quote run never reached its fetch"
        second = run.quotes_job()
        assert second == "skipped: quotes run at 10:00:00: the quotes run started at 10:00:00 is still going"
        assert second.removeprefix("skipped: ") in caplog.text
        assert src.calls == []  # the second run fetched nothing
        run.cancel_running("interrupted by SIGTERM")  # what the command does on a signal
        assert src.budget.cancelled and src.budget.reason == "interrupted by SIGTERM"
    finally:
        release.set()
        worker.join(30)
    assert first and first[0].startswith("quotes refresh") and src.calls == ["quotes"]
    # A quote run's budget is shorter than the interval (5 min here; 45 s for 1 min).
    assert src.budget.seconds == sched.quote_budget(5, len(run._codes()[1])) == 90.0 < 5 * 60
    assert sched.quote_budget(1, 8) == 45.0 and sched.quote_budget(1, 1000) < 60
    # Once the first run ended, the next slot runs again.
    assert run.quotes_job().startswith("quotes refresh")
