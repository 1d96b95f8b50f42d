"""A refresh bounded as a whole (issue 13 item 1): the budget, the breaker per provider, the
fallback chains under a partial stall, cancellation, `-v` as it happens, THEME_TRACKER_SOURCE.

No network: akshare is a fake module whose stalled functions block on an Event (released at
teardown) and whose answering functions return frames in akshare's exact columns.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime

import pytest

from tests.conftest import ROOT
from tests.fixtures import akshare_frames as af
from tui.commands import refresh as command
from tui.context import Context
from tui.jobs.refresh import format_summary, run_refresh
from tui.sources import akshare_source, factory
from tui.sources.akshare_source import AkshareSource
from tui.sources.base import FailureKind, SourceError
from tui.sources.breakers import Breakers, ProviderBreaker
from tui.sources.budget import Budget, default_budget_seconds
from tui.sources.calls import RetryPolicy, call_with_retries, parallel_map
from tui.sources.normalize import SHANGHAI
from tui.store import Store

TODAY = date(2024, 6, 5)
NOW = datetime(2024, 6, 5, 17, 0, tzinfo=SHANGHAI)
CODES = ["300133", "002602", "300067", "300872", "300738", "300846", "300442", "688041"]
EASTMONEY = ("stock_bid_ask_em", "stock_zh_a_hist", "stock_zh_index_daily_em", "index_zh_a_hist")


@pytest.fixture
def release():
    """Stalled fake calls wait on this; set at teardown so no thread outlives the test long."""
    event = threading.Event()
    yield event
    event.set()


def stalled(release):
    def hang(*args, **kwargs):
        release.wait()
        raise ConnectionError("released at teardown")

    return hang


def make_source(fake, **kw) -> AkshareSource:
    kw.setdefault("timeout", 0.3)
    return AkshareSource(loader=lambda: fake, clock=lambda: NOW, **kw)


def store_rows(store) -> dict[str, list[tuple]]:
    """Every stored row but the fetch log (which a run appends to)."""
    return {table: store.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()  # noqa: S608 - fixed names
            for table in ("bars", "bar_series", "quotes", "meta", "sources")}  # fmt: skip


def calls_to(fake, names) -> int:
    return sum(1 for name, _ in fake.calls if name in names)


# --- a fully stalled source -------------------------------------------------------------------


def test_fully_stalled_source_ends_within_the_budget_and_keeps_every_stored_row(tmp_path, release):
    hang = stalled(release)
    names = ["stock_bid_ask_em", "stock_zh_a_hist_tx", "stock_zh_a_hist", "tool_trade_date_hist_sina",
             "stock_zh_index_daily_em", "stock_zh_index_daily_tx", "index_zh_a_hist"]
    fake = af.fake_akshare(**{n: hang for n in names})
    with Store.open(tmp_path) as store:  # the shipped sample history, as a fresh install has
        store.upsert_quotes(make_source(af.fake_akshare(stock_bid_ask_em=lambda symbol: af.bid_ask_frame()))
                            .fetch_quotes(["300133"]).frame)  # fmt: skip
        before = store_rows(store)
        assert before["bars"] and before["quotes"]
        budget = Budget(4.0)
        started = time.monotonic()
        # After the sample's last session (2025-11-21): every series is due for an update.
        summary = run_refresh(store, make_source(fake), CODES, today=date(2025, 11, 25),
                              now=datetime(2025, 11, 25, 17, 0, tzinfo=SHANGHAI), budget=budget)  # fmt: skip
        elapsed = time.monotonic() - started
        assert store_rows(store) == before
    assert elapsed < 4.0
    # The breakers ended it, not the budget: three timeouts per provider, the rest not attempted.
    assert not summary.stopped and summary.fetched == 0 and not summary.ok
    assert calls_to(fake, EASTMONEY) <= 3 + 2 and calls_to(fake, ["stock_zh_a_hist_tx", "stock_zh_index_daily_tx"]) <= 3 + 2
    assert summary.not_attempted >= 2 * len(CODES)
    lines = format_summary(summary)
    assert any(line.startswith("source stalled: ") for line in lines)
    assert "breaker: Eastmoney timed out 3 times in a row: later calls to it were not attempted (breaker open)" in lines
    assert any(line.startswith("failed: timed out after 0.3 s (") and "not attempted" in line for line in lines)


def test_the_budget_cuts_a_run_the_breakers_would_not_end_in_time(tmp_path, release):
    hang = stalled(release)
    fake = af.fake_akshare(stock_bid_ask_em=hang, stock_zh_a_hist_tx=hang, tool_trade_date_hist_sina=hang)
    with Store.open(tmp_path, load_sample=False) as store:
        started = time.monotonic()
        summary = run_refresh(store, make_source(fake, timeout=30.0), CODES, today=TODAY, now=NOW, budget=0.5)
        elapsed = time.monotonic() - started
    assert elapsed < 1.5
    assert summary.stopped == "refresh budget of 0.5 s used up"
    # every task is reported: quotes, the 4 limit pools (issue 15), trade dates, indices, bars
    assert len(summary.outcomes) == len(CODES) + 4 + 1 + 2 + 2 * len(CODES)
    lines = format_summary(summary, verbose=True)
    assert any(line.startswith("stopped: refresh budget of 0.5 s used up;") for line in lines)
    assert any(line.startswith("  not attempted (") for line in lines)


# --- a partial stall: Eastmoney stalls, Tencent and Sina answer -----------------------------------


def test_partial_stall_each_kind_arrives_through_its_fallback(tmp_path, release):
    hang = stalled(release)
    fake = af.fake_akshare(
        stock_bid_ask_em=hang, stock_zh_a_hist=hang, stock_zh_index_daily_em=hang, index_zh_a_hist=hang,
        stock_zh_a_hist_tx=lambda **kw: af.zh_a_hist_tx_frame(),
        stock_zh_index_daily_tx=lambda **kw: af.index_daily_tx_frame(),
        tool_trade_date_hist_sina=lambda: af.trade_date_frame(),
    )
    codes = ["300133", "002602"]
    with Store.open(tmp_path, load_sample=False) as store:
        started = time.monotonic()
        # pools=False: the whole-market limit pools (issue 15) are Eastmoney-only, no fallback.
        summary = run_refresh(store, make_source(fake), codes, today=TODAY, now=NOW, history_days=10, budget=5.0, pools=False)
        elapsed = time.monotonic() - started
        quotes = store.latest_quotes(codes)
        assert set(quotes["source"]) == {"akshare:stock_zh_a_hist_tx"} and len(quotes) == 2
        for code in codes:
            for adjust in ("qfq", "raw"):
                got = store.bars(code, adjust=adjust)
                assert set(got["source"]) == {"akshare:stock_zh_a_hist_tx"} and len(got) == 3
        for symbol in ("sh000300", "sz399006"):
            index = store.bars(symbol, adjust="qfq")
            assert set(index["source"]) == {"akshare:stock_zh_index_daily_tx"} and len(index) == 3
            assert index["volume"].iloc[0] == 120000000.0 and index["amount"].isna().all()  # lots; no yuan
        assert store.get_meta("trade_dates")[-1] == "2025-12-31"
    assert summary.ok, format_summary(summary, verbose=True)
    assert summary.fetched == 2 + 1 + 2 + 4
    assert elapsed < 5.0
    # Three Eastmoney timeouts opened its breaker; calls already queued may have gone too.
    assert calls_to(fake, EASTMONEY) <= 3 + 3
    assert "breaker: Eastmoney timed out 3 times in a row: later calls to it were not attempted (breaker open)" in format_summary(summary)


def test_every_kind_of_fetch_has_a_fallback_on_another_provider(release):
    """The chains as the README documents them, each tried in full when every call stalls."""
    from tui.sources.classify import provider_of

    hang = stalled(release)
    names = ["stock_bid_ask_em", "stock_zh_a_hist_tx", "stock_zh_a_hist", "tool_trade_date_hist_sina",
             "stock_zh_index_daily_em", "stock_zh_index_daily_tx", "index_zh_a_hist"]
    fake = af.fake_akshare(**{n: hang for n in names})
    src = make_source(fake, timeout=0.2, breakers=Breakers(threshold=99))
    chains = []
    for fetch in (lambda: src.fetch_quotes(["300133"]), lambda: src.fetch_bars("300133", date(2024, 6, 1), TODAY),
                  lambda: src.fetch_index_bars("sh000300", date(2024, 6, 1), TODAY)):  # fmt: skip
        fake.calls.clear()
        assert fetch().failures[0].kind is FailureKind.TIMEOUT
        chains.append([name for name, _ in fake.calls])
    assert chains == [["stock_bid_ask_em", "stock_zh_a_hist_tx"], ["stock_zh_a_hist", "stock_zh_a_hist_tx"],
                      ["stock_zh_index_daily_em", "stock_zh_index_daily_tx", "index_zh_a_hist"]]  # fmt: skip
    assert all([provider_of(n) for n in chain][:2] == ["em", "tx"] for chain in chains)
    # trade dates: Sina, then akshare's bundled calendar (read offline)
    bundled = af.fake_akshare(tool_trade_date_hist_sina=hang)
    bundled.futures = type("F", (), {"cons": type("C", (), {"get_calendar": staticmethod(lambda: ["20240603", "20240604"])})})
    result = make_source(bundled, timeout=0.2).fetch_trade_dates()
    assert result.ok and result.source == "akshare:futures.cons.get_calendar" and len(result.frame) == 2


# --- the breaker and the budget ---------------------------------------------------------------


def test_breaker_opens_after_timeouts_in_a_row_and_half_opens_for_one_probe():
    now = [0.0]
    breaker = ProviderBreaker("em", threshold=3, cooldown=10.0, clock=lambda: now[0])
    for _ in range(2):
        breaker.check()
        breaker.record(FailureKind.TIMEOUT)
    breaker.check()
    breaker.record(FailureKind.EMPTY)  # an answer ends the streak
    for _ in range(3):
        breaker.check()
        breaker.record(FailureKind.TIMEOUT)
    with pytest.raises(SourceError) as refused:
        breaker.check()
    assert not refused.value.attempted and refused.value.kind is FailureKind.TIMEOUT
    assert refused.value.message == "not attempted: Eastmoney timed out 3 times in a row"
    now[0] = 10.5
    breaker.check()  # half-open: this caller is the probe ...
    with pytest.raises(SourceError):
        breaker.check()  # ... and nobody else while it is out
    breaker.record(None)
    assert not breaker.is_open
    breaker.check()


def test_call_with_retries_passes_through_breaker_and_budget():
    breakers = Breakers(threshold=1)
    budget = Budget(10.0)
    policy = RetryPolicy()

    def stalls():
        raise TimeoutError("timed out")

    with pytest.raises(SourceError) as first:
        call_with_retries(stalls, deadline=1.0, policy=policy, breaker=breakers.get("sina"), budget=budget, provider="sina")
    assert first.value.attempted and first.value.kind is FailureKind.TIMEOUT
    with pytest.raises(SourceError) as second:
        call_with_retries(lambda: 1, deadline=1.0, policy=policy, breaker=breakers.get("sina"), budget=budget)
    assert not second.value.attempted
    assert call_with_retries(lambda: 2, deadline=1.0, policy=policy, breaker=breakers.get("tx"), budget=budget) == 2
    budget.cancel("interrupted by SIGTERM")
    with pytest.raises(SourceError) as third:
        call_with_retries(lambda: 3, deadline=1.0, policy=policy, breaker=breakers.get("tx"), budget=budget)
    assert third.value.message == "not attempted: interrupted by SIGTERM"


def test_cancel_wakes_a_call_in_flight_and_the_consumer_of_parallel_map(release):
    budget = Budget(None)
    waiting = threading.Event()

    def slow(item):
        waiting.set()
        release.wait()
        return item

    results = []

    def consume():
        results.extend(parallel_map(slow, range(5), workers=2, budget=budget))

    consumer = threading.Thread(target=consume)
    consumer.start()
    assert waiting.wait(5), "no worker started"
    started = time.monotonic()
    budget.cancel("interrupted by SIGINT")
    consumer.join(5)
    assert not consumer.is_alive() and time.monotonic() - started < 1.0
    assert sorted(i for i, _, _ in results) == list(range(5)) and all(o is None for _, _, o in results)


def test_cancel_ends_a_call_in_flight_at_once(release):
    budget = Budget(60.0)
    entered = threading.Event()
    errors: list[SourceError] = []

    def hangs():
        entered.set()
        release.wait()

    def call():
        try:
            call_with_retries(hangs, deadline=30.0, policy=RetryPolicy(), budget=budget)
        except SourceError as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    assert entered.wait(5), "the call never started"
    started = time.monotonic()
    budget.cancel("interrupted by SIGTERM")
    caller.join(5)
    assert not caller.is_alive() and time.monotonic() - started < 1.0
    assert [e.message for e in errors] == ["stopped: interrupted by SIGTERM"] and not errors[0].attempted


def test_default_budget():
    assert default_budget_seconds(8) == 90.0 and default_budget_seconds(100) == 90.0
    assert default_budget_seconds(200) == pytest.approx(150.0)


# --- the command -----------------------------------------------------------------------------


def parse(argv):
    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["refresh", *argv])


def ctx_for(tmp_path) -> Context:
    return Context(watchlists=tmp_path / "w", catalysts=tmp_path / "c.yaml", data_dir=tmp_path / "data",
                   today_override=date(2025, 11, 21))  # fmt: skip


def test_theme_tracker_source_sample_is_honoured_by_the_cli(tmp_path, monkeypatch, capsys):
    def no_akshare(**kw):
        raise AssertionError("THEME_TRACKER_SOURCE=sample must not build the akshare source")

    monkeypatch.setattr(akshare_source, "AkshareSource", no_akshare)
    monkeypatch.setenv("THEME_TRACKER_SOURCE", "sample")
    code = command.run(parse(["--codes", "300133", "--quotes-only"]), ctx_for(tmp_path))
    assert code == 0, capsys.readouterr().out
    with Store.open(tmp_path / "data") as store:
        quote = store.latest_quotes(["300133"]).iloc[0]
    assert quote["source"] == "sample:tushare-qfq" and bool(quote["is_sample"])


def test_verbose_prints_each_failure_as_it_happens_when_stdout_is_not_a_terminal(tmp_path, monkeypatch, capsys):
    from tests.unit.test_refresh import FakeSource, full_series

    source = FakeSource(full_series(), fail={("bars", "300133", "raw"): FailureKind.TIMEOUT})
    printed_during_the_run: list[str] = []
    real = command._print_failure

    def spy(outcome):
        real(outcome)
        printed_during_the_run.append(capsys.readouterr().out)

    monkeypatch.setattr(command, "_print_failure", spy)
    monkeypatch.setattr(factory, "source_factory", lambda **kw: (lambda: source))
    assert command.run(parse(["--codes", "300133,002602", "-v", "--budget", "30"]), ctx_for(tmp_path)) == 1
    assert "".join(printed_during_the_run) == "failed bars 300133 raw: timed out\n"
    out = capsys.readouterr().out
    assert out.startswith("refresh: ") and "  bars 300133 raw: timed out" not in out  # not repeated


def test_bad_budget_is_a_usage_error(tmp_path):
    from tui.errors import UsageError

    with pytest.raises(UsageError):
        command.run(parse(["--codes", "300133", "--budget", "-1"]), ctx_for(tmp_path))


# --- SIGTERM / SIGINT mid-run (a real process) ----------------------------------------------------


def _read_line_until(stream, predicate, timeout: float) -> list[str]:
    """Lines of `stream` up to the first matching `predicate`; raises when none comes in time."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([stream], [], [], left)[0]:
            raise AssertionError(f"no matching line within {timeout} s: {lines}")
        line = stream.readline()
        if not line:
            raise AssertionError(f"the process ended first: {lines}")
        lines.append(line)
        if predicate(line):
            return lines


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_run_stops_within_two_seconds_keeps_what_was_fetched(tmp_path, sig, code):
    env = {**os.environ, "THEME_TRACKER_DATA_DIR": str(tmp_path / "data"), "TQDM_DISABLE": "1",
           "THEME_TRACKER_SOURCE": "tests.fixtures.stalled_source:make", "PYTHONPATH": str(ROOT),
           "THEME_TRACKER_TODAY": "2025-11-28"}  # fmt: skip  (after the sample: all due)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "refresh", "--codes", "300133,002602", "-v"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        # -v into a pipe: the index failures are printed (and flushed) while the bars hang.
        lines = _read_line_until(proc.stdout, lambda line: line.startswith("failed index"), 60)
        sent = time.monotonic()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
        stopped_after = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == code, err
    assert stopped_after < 2.0
    out = "".join(lines) + out
    assert f"stopped: interrupted by {signal.Signals(sig).name};" in out and "Traceback" not in err
    assert out.index("failed index") < out.index("refresh: ")
    with Store.open(tmp_path / "data", load_sample=False) as store:
        quotes = store.latest_quotes(["300133", "002602"])
        assert set(quotes["source"]) == {"akshare:stock_bid_ask_em"} and len(quotes) == 2
        assert store.get_meta("trade_dates")[-1] == "2025-12-31"


def test_hong_kong_quotes_and_raw_bars_fall_back_to_sina(release):
    """stock_hk_hist (Eastmoney) stalls: the quote and raw bars come from Sina's stock_hk_daily;
    forward-adjusted bars have no fallback (Sina's qfq mode runs eval() on downloaded text)."""
    fake = af.fake_akshare(stock_hk_hist=stalled(release), stock_hk_daily=lambda **kw: af.hk_daily_frame())
    src = make_source(fake, timeout=0.2)
    quotes = src.fetch_quotes(["00700"])
    assert quotes.ok and quotes.frame.iloc[0]["source"] == "akshare:stock_hk_daily"
    assert quotes.frame.iloc[0]["price"] == 373.0
    raw = src.fetch_bars("00700", date(2024, 6, 1), TODAY, adjust="raw")
    assert raw.ok and raw.source == "akshare:stock_hk_daily" and len(raw.frame) == 3
    assert raw.frame["amount"].isna().all() and raw.frame["volume"].iloc[0] == 15000000.0  # shares
    qfq = src.fetch_bars("00700", date(2024, 6, 1), TODAY, adjust="qfq")
    assert qfq.failures[0].call == "stock_hk_hist"
    assert all(kw.get("adjust") == "" for name, kw in fake.calls if name == "stock_hk_daily")
