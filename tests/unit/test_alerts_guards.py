"""Live alerts never fire on bad data: pre-open zeros, stale, sample, suspended, failed quotes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.fixtures import alert_frames as af
from tui.alerts.engine import run_check
from tui.alerts.rules import Rule

MONDAY = date(2025, 3, 31)
RULE = Rule(id="up", theme="t1", when="limit_up")


@pytest.fixture
def store(tmp_path):
    s = af.open_store(tmp_path)
    af.put_bars(s, "600001", af.flat(30))  # closes of 10.00 up to Friday 2025-03-28
    yield s
    s.close()


def live(store, now, *rules, **kw):
    return run_check(store, af.project(("600001",)), list(rules or [RULE]), now=now, calendar=af.calendar(MONDAY),
                     stale_after=timedelta(seconds=90), **kw)  # fmt: skip


def reasons(result):
    return [s.reason for s in result.skipped]


def test_a_fresh_limit_up_quote_fires_with_its_as_of_time(store):
    af.put_quote(store, "600001", 11.0, af.at(MONDAY, 10, 0))
    result = live(store, af.at(MONDAY, 10, 1))
    assert [a.subject for a in result.fired] == ["600001"]
    alert = result.fired[0]
    assert alert.as_of == "2025-03-31T10:00:00+08:00" and not alert.replay and not alert.is_sample
    assert "截至 2025-03-31 10:00" in alert.text_zh and "回放" not in alert.text_zh


def test_pre_open_zeros_never_fire(store):
    af.put_quote(store, "600001", 0.0, af.at(MONDAY, 9, 20), volume=0.0, amount=0.0)
    result = live(store, af.at(MONDAY, 9, 21), RULE, Rule(id="down", theme="t1", when="change_pct_below", value=-5))
    assert result.fired == [] and reasons(result) == ["pre_open", "pre_open"]


def test_a_quote_taken_before_0925_is_pre_open_even_with_a_price(store):
    af.put_quote(store, "600001", 11.0, af.at(MONDAY, 9, 24))
    assert reasons(live(store, af.at(MONDAY, 9, 24, ))) == ["pre_open"]


def test_a_stale_quote_in_trading_hours_does_not_fire(store):
    af.put_quote(store, "600001", 11.0, af.at(MONDAY, 10, 0))
    result = live(store, af.at(MONDAY, 10, 30))
    assert result.fired == [] and reasons(result) == ["stale"]


def test_yesterdays_figure_after_the_close_of_today_is_stale(store):
    result = live(store, af.at(MONDAY, 16, 0))  # only Friday's bar is stored
    assert result.fired == [] and reasons(result) == ["stale"]


def test_sample_data_never_fires_live(store):
    af.put_quote(store, "600001", 11.0, af.at(MONDAY, 10, 0), sample=True)
    result = live(store, af.at(MONDAY, 10, 1))
    assert result.fired == [] and reasons(result) == ["sample"]


def test_a_suspended_stock_does_not_fire(store):
    af.put_quote(store, "600001", None, af.at(MONDAY, 10, 0), suspended=True)
    result = live(store, af.at(MONDAY, 10, 1))
    assert result.fired == [] and reasons(result) == ["suspended"]


def test_a_failed_quote_fetch_does_not_fire_on_the_kept_figures(store):
    af.put_quote(store, "600001", 11.0, af.at(MONDAY, 10, 0))
    store.log_fetch("quote", "600001", False, "timeout")
    result = live(store, af.at(MONDAY, 10, 1))
    assert result.fired == [] and reasons(result) == ["failed"]


def test_skipped_figures_do_not_end_an_episode(store):
    af.put_quote(store, "600001", 11.0, af.at(MONDAY, 10, 0))
    assert len(live(store, af.at(MONDAY, 10, 1)).fired) == 1
    stale = live(store, af.at(MONDAY, 11, 0))  # stale: unknown, not false
    assert reasons(stale) == ["stale"]
    af.put_quote(store, "600001", 11.0, af.at(MONDAY, 11, 1))
    assert live(store, af.at(MONDAY, 11, 2)).fired == []


def test_replay_evaluates_sample_bars_and_says_so(store):
    af.put_bars(store, "600002", [*af.flat(29), 11.0], sample=True)
    result = run_check(store, af.project(("600002",)), [RULE], now=af.at(MONDAY, 20), calendar=af.calendar(MONDAY),
                       replay_date=af.LAST)  # fmt: skip
    assert [a.subject for a in result.fired] == ["600002"] and result.sample
    assert result.fired[0].text_en.startswith("[replay] [sample data] [limit-up]")


def test_a_fresh_install_says_its_figures_are_sample_data(tmp_path):
    from tui.store import Store

    with Store.open(tmp_path / "fresh") as store:  # the shipped sample bars only (to 2025-11-21)
        result = run_check(store, af.project(("600589",)), [RULE], now=af.at(date(2026, 3, 2), 10), calendar=af.calendar(date(2026, 3, 2)),
                           stale_after=timedelta(seconds=90))  # fmt: skip
    assert result.fired == [] and reasons(result) == ["sample"]
