"""Every alert condition on hand-made bars, and the limit-up rule on the shipped sample."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.fixtures import alert_frames as af
from tests.conftest import CATALYSTS, WATCHLISTS
from tui.alerts.engine import run_check
from tui.alerts.inbox import InboxItem
from tui.alerts.rules import Rule
from tui.domain.models import Catalyst, Indicator, Reading, Target

NOW = af.at(date(2025, 3, 31), 20)


def check(store, project, *rules, day=af.LAST, **kw):
    return run_check(store, project, list(rules), now=NOW, calendar=af.calendar(), replay_date=day, **kw)


def fired(result):
    return {(a.rule_id, a.subject) for a in result.fired}


@pytest.fixture
def store(tmp_path):
    s = af.open_store(tmp_path)
    yield s
    s.close()


def test_price_and_change_levels(store):
    af.put_bars(store, "600001", [*af.flat(29), 10.6])
    af.put_bars(store, "300001", [*af.flat(29), 9.5])
    p = af.project()
    result = check(store, p,
                   Rule(id="above", stock="600001", when="price_above", value=10.5),
                   Rule(id="not-above", stock="600001", when="price_above", value=10.7),
                   Rule(id="below", stock="300001", when="price_below", value=9.5),
                   Rule(id="up", theme="t1", when="change_pct_above", value=5),
                   Rule(id="down", theme="t1", when="change_pct_below", value=-5))  # fmt: skip
    assert fired(result) == {("above", "600001"), ("below", "300001"), ("up", "600001"), ("down", "300001")}
    text = next(a for a in result.fired if a.rule_id == "up").text_zh
    assert "+6.00%" in text and "【回放】" in text and "截至 2025-03-28 15:00" in text


def test_surge_is_above_n_times_the_previous_20_sessions(store):
    af.put_bars(store, "600001", af.flat(25), amount=[1e6] * 24 + [5e6], volume=[1000.0] * 24 + [2500.0])
    af.put_bars(store, "300001", af.flat(10))  # too little history for an average
    p = af.project()
    result = check(store, p,
                   Rule(id="amt3", theme="t1", when="amount_surge", ratio=3),
                   Rule(id="amt5", theme="t1", when="amount_surge", ratio=5),  # 5x is not *above* 5x
                   Rule(id="vol2", theme="t1", when="volume_surge", ratio=2))  # fmt: skip
    assert fired(result) == {("amt3", "600001"), ("vol2", "600001")}
    assert {(s.rule.id, s.subject, s.reason) for s in result.skipped} >= {("amt3", "300001", "history")}
    assert next(a for a in result.fired if a.rule_id == "amt3").data["ratio"] == pytest.approx(5.0)


def test_limit_up_down_broken_and_streak(store):
    # 600001: three limit-ups in a row; 300001 (ChiNext, ±20%): touched +20% and fell back.
    af.put_bars(store, "600001", [*af.flat(27), 11.0, 12.1, 13.31])
    af.put_bars(store, "300001", [*af.flat(29), 11.0], highs=[*af.flat(29), 12.0])
    af.put_bars(store, "000001", [*af.flat(29), 9.0])
    p = af.project(("600001", "300001", "000001"))
    result = check(store, p,
                   Rule(id="up", theme="t1", when="limit_up"),
                   Rule(id="down", theme="t1", when="limit_down"),
                   Rule(id="broken", theme="t1", when="broken"),
                   Rule(id="s3", theme="t1", when="streak", min=3),
                   Rule(id="s4", theme="t1", when="streak", min=4))  # fmt: skip
    assert fired(result) == {("up", "600001"), ("down", "000001"), ("broken", "300001"), ("s3", "600001")}
    up = next(a for a in result.fired if a.rule_id == "up")
    assert "3连板" in up.text_zh and up.data["streak"] == 3


def test_theme_breadth_and_move_against_the_benchmark(store):
    af.put_bars(store, "600001", [*af.flat(29), 11.0])
    af.put_bars(store, "300001", [*af.flat(29), 12.0])
    af.put_bars(store, "sz399006", [*af.flat(29, 2000.0), 2020.0])  # +1%
    p = af.project()
    result = check(store, p,
                   Rule(id="two", theme="t1", when="theme_limit_ups", min=2),
                   Rule(id="three", theme="t1", when="theme_limit_ups", min=3),
                   Rule(id="beat", theme="all", when="theme_vs_benchmark", value=10),
                   Rule(id="beat20", theme="t1", when="theme_vs_benchmark", value=20))  # fmt: skip
    # equal-weight (+10% + +20%) / 2 = +15%, benchmark +1%: excess +14 points
    assert fired(result) == {("two", "t1"), ("beat", "t1")}
    beat = next(a for a in result.fired if a.rule_id == "beat")
    assert beat.data["excess"] == pytest.approx(14.0)


def test_theme_move_without_a_benchmark_is_skipped(store):
    af.put_bars(store, "600001", [*af.flat(29), 11.0])
    result = check(store, af.project(("600001",)), Rule(id="beat", theme="t1", when="theme_vs_benchmark", value=1))
    assert not result.fired and [s.reason for s in result.skipped] == ["no_benchmark"]


def test_catalyst_due_and_overdue_once_per_date(store):
    cats = [
        Catalyst(id="soon", title="大会", date="2025-04-02", themes=["t1"]),  # 3 sessions after 2025-03-28
        Catalyst(id="later", title="远期", date="2025-04-20", themes=["t1"]),
        Catalyst(id="month", title="某月", date="2025-04", themes=["t1"]),  # not a day: never "due"
        Catalyst(id="late", title="逾期", date="2025-03-20", themes=["t1"]),
        Catalyst(id="done", title="已发生", date="2025-03-20", themes=["t1"], status="happened"),
    ]
    p = af.project(catalysts=cats)
    rules = [Rule(id="due", theme="t1", when="catalyst_due", days=3), Rule(id="over", theme="all", when="catalyst_overdue")]
    first = check(store, p, *rules)
    assert fired(first) == {("due", "soon"), ("over", "late")}
    assert "T-3" in next(a for a in first.fired if a.rule_id == "due").text_zh
    again = check(store, p, *rules, day=af.LAST + timedelta(days=3))  # Monday: still due, same date
    assert fired(again) == set()
    moved = [c.model_copy(update={"date": c.date.parse("2025-04-03")}) if c.id == "soon" else c for c in cats]
    assert fired(check(store, af.project(catalysts=moved), *rules, day=af.LAST + timedelta(days=3))) == {("due", "soon")}


def test_indicator_stale_off_track_and_new_reading(store):
    fresh = Indicator(id="fresh", name="新指标", unit="%", update_every=30, target=Target(value=80),
                      readings=[Reading(date="2025-03-25", value=50)])  # fmt: skip
    old = Indicator(id="old", name="旧指标", unit="%", update_every=30, readings=[Reading(date="2024-12-31", value=10)])
    p = af.project(indicators=[fresh, old])
    result = check(store, p,
                   Rule(id="stale", theme="t1", when="indicator_stale"),
                   Rule(id="off", theme="t1", when="indicator_off_track"),
                   Rule(id="new", theme="t1", when="indicator_new_reading", days=7))  # fmt: skip
    assert fired(result) == {("stale", "t1/old"), ("off", "t1/fresh"), ("new", "t1/fresh")}


class FakeInbox:
    def relevant_items(self, *, themes, codes, day):
        assert themes == ["t1"]
        return [InboxItem("n1", "算力新政", af.at(day, 9, 40))]


def test_inbox_condition_waits_for_the_inbox_and_uses_its_items(store):
    p = af.project()
    rule = Rule(id="inbox", theme="t1", when="inbox_item")
    without = check(store, p, rule)
    assert not without.fired and [s.reason for s in without.skipped] == ["inbox"]
    with_inbox = check(store, p, rule, inbox=FakeInbox())
    assert fired(with_inbox) == {("inbox", "inbox:n1")}
    assert fired(check(store, p, rule, inbox=FakeInbox())) == set()


def test_sample_replay_fires_for_600589_once(tmp_path):
    from tui.config.loader import load_project
    from tui.store import Store

    project = load_project(WATCHLISTS, CATALYSTS)
    rule = Rule(id="theme-limit-up", theme="compute-power", when="limit_up")
    with Store.open(tmp_path / "data") as store:
        first = check(store, project, rule, day=date(2025, 2, 27))
        assert [a.subject for a in first.fired] == ["600589"]
        alert = first.fired[0]
        assert alert.replay and alert.is_sample and alert.as_of == "2025-02-27T15:00:00+08:00"
        assert alert.text_zh.startswith("【回放】【样本数据】【涨停】大位科技 600589")
        assert alert.text_en.startswith("[replay] [sample data] [limit-up]")
        second = check(store, project, rule, day=date(2025, 2, 27))
        assert second.fired == [] and [v.subject for v in second.holding] == ["600589"]


def test_previous_mean_equals_pandas_rolling():
    import numpy as np
    import pandas as pd

    from tui.alerts.figures import previous_mean

    rng = np.random.default_rng(3)
    codes = np.repeat(["a", "b", "c"], [30, 5, 45])
    values = rng.uniform(1, 100, len(codes))
    values[[7, 40]] = np.nan
    expected = pd.Series(values).groupby(codes).transform(lambda s: s.shift(1).rolling(20, min_periods=20).mean())
    np.testing.assert_allclose(previous_mean(codes, values, 20), expected.to_numpy(), equal_nan=True)
