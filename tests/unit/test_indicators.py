from datetime import date

import pytest

from tui.domain.indicators import IndicatorStatus, assess
from tui.domain.models import Indicator

TODAY = date(2026, 11, 22)


def ind(**kw) -> Indicator:
    base = {"id": "x", "name": "X", "unit": "%", "update_every": "yearly"}
    base.update(kw)
    return Indicator.model_validate(base)


def test_no_readings_is_no_data():
    a = assess(ind(target=70), TODAY)
    assert a.status is IndicatorStatus.NO_DATA and a.progress is None


def test_met_higher_is_better():
    a = assess(ind(target=70, readings=[{"date": "2026-10-01", "value": 72}]), TODAY)
    assert a.status is IndicatorStatus.MET and a.progress == 1.0 and a.target_met


def test_lower_is_better_with_an_upper_bound_reading():
    a = assess(ind(good="lower", target=1.2, readings=[{"date": "2026-06-30", "value": "< 1.2"}]), TODAY)
    assert a.status is IndicatorStatus.MET


def test_upper_bound_reading_cannot_meet_a_higher_target():
    a = assess(ind(target=80, readings=[{"date": "2026-06-30", "value": "< 50"}]), TODAY)
    assert a.status is IndicatorStatus.OFF_TRACK
    assert a.progress == pytest.approx(50 / 80)


def test_stale_when_older_than_update_interval():
    a = assess(ind(target=80, update_every="90d", readings=[{"date": "2026-01-31", "value": 50}]), TODAY)
    assert a.status is IndicatorStatus.STALE
    assert a.days_since_reading == (TODAY - date(2026, 1, 31)).days


def test_dated_target_on_and_off_track_against_the_straight_line():
    # Baseline 20 at 2025-01-01, target 50 by 2027-01-01: halfway on 2026-01-01 expects 35.
    spec = {"target": {"value": 50, "by": "2027-01-01", "baseline": {"date": "2025-01-01", "value": 20}}, "update_every": "yearly"}
    on = assess(ind(**spec, readings=[{"date": "2026-01-01", "value": 36}]), date(2026, 6, 1))
    off = assess(ind(**spec, readings=[{"date": "2026-01-01", "value": 30}]), date(2026, 6, 1))
    assert on.status is IndicatorStatus.ON_TRACK
    assert off.status is IndicatorStatus.OFF_TRACK
    assert on.progress == pytest.approx((36 - 20) / 30)


def test_range_target():
    a = assess(ind(target={"range": [12, 15]}, readings=[{"date": "2026-10-01", "value": "13-14"}]), TODAY)
    assert a.status is IndicatorStatus.MET


def test_readings_without_target_are_tracked_only():
    a = assess(ind(readings=[{"date": "2026-10-01", "value": 680}]), TODAY)
    assert a.status is IndicatorStatus.UNTARGETED


def test_target_needs_exactly_one_of_value_or_range():
    with pytest.raises(ValueError, match="exactly one"):
        ind(target={"value": 1, "range": [1, 2]})
