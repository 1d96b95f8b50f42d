"""The heat view of the index tab (tui.views.theme_heat) on the shipped bars."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

import tui
from tui.analytics.ladder import ladder_states
from tui.store import Store
from tui.views.theme_heat import build_heat_view, heat_rows, load_heat_view

STOCKS_CSV = Path(tui.__file__).parent / "data" / "sample" / "a_share_daily_qfq_20240102_20251121.csv"


def test_view_from_states_and_bucketing():
    bars = pd.read_csv(STOCKS_CSV, dtype={"code": str}, parse_dates=["date"])
    bars = bars.loc[bars["date"].between("2025-02-17", "2025-03-03")]
    view = build_heat_view(ladder_states(bars, prices="qfq"))
    days = view.dates
    i = days.index(date(2025, 2, 24))
    assert (view.limit_up[i], view.top_streak[i], view.broken[i], view.touched[i]) == (3, 2, 1, 4)
    assert view.top_streak[days.index(date(2025, 2, 27))] == 5
    assert view.uncertain  # qfq prices
    full = heat_rows(view, 100)  # wider than the sessions: one column each
    assert len(full.limit_up) == len(days) and full.max_streak == 5 and full.peak_streak_day == date(2025, 2, 27)
    assert full.top_streak[days.index(date(2025, 2, 27))] == "█"
    narrow = heat_rows(view, 4)  # buckets keep the maximum
    assert len(narrow.top_streak) == 4 and "█" in narrow.top_streak


def test_load_from_a_store_of_the_sample(tmp_path):
    with Store.open(tmp_path / "data"):
        pass
    view = load_heat_view(tmp_path / "data", ["600589", "002335", "603881"])
    assert view.is_sample and view.dates[-1] == date(2025, 11, 21)
    assert view.dates[0] >= date(2024, 11, 21)
    assert max(view.top_streak) == 5
    assert load_heat_view(tmp_path / "data", ["688256"]).has_data is False  # no bars for it
