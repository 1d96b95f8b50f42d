"""Tests for tui.analytics.theme_index and tui.analytics.breadth."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tui
from tui.analytics.breadth import breadth, daily_moves
from tui.analytics.theme_index import index_vs_benchmark, theme_index

SAMPLE = Path(tui.__file__).parent / "data" / "sample"
STOCKS_CSV = SAMPLE / "a_share_daily_qfq_20240102_20251121.csv"
INDEX_CSV = SAMPLE / "index_daily_000300_399006_20240102_20251121.csv"

DAYS = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08", "2024-01-09", "2024-01-10"]
A = [10, 11, 12, 12.6, 13, 13.65, 14]


def small_bars(with_c: bool = False) -> pd.DataFrame:
    rows = [("600001", d, c) for d, c in zip(DAYS, A)]
    # B enters on day 3, is suspended on day 5.
    rows += [("600002", DAYS[3], 20.0), ("600002", DAYS[4], 21.0), ("600002", DAYS[6], 22.0)]
    if with_c:  # C stops after day 4
        rows += [("600003", DAYS[3], 5.0), ("600003", DAYS[4], 5.5)]
    frame = pd.DataFrame(rows, columns=["code", "date", "close"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def expected_equal() -> list[float]:
    ra = [0.0] + [A[i] / A[i - 1] - 1 for i in range(1, 7)]
    rb = {4: 21 / 20 - 1, 5: 0.0, 6: 22 / 21 - 1}
    out = []
    for i in range(7):
        members = [ra[i]] if i > 0 else []
        if i in rb:
            members.append(rb[i])
        out.append(sum(members) / len(members) if members else 0.0)
    return out


def test_equal_weight_with_late_entry_and_suspension():
    idx = theme_index(small_bars())
    want = expected_equal()
    assert idx.daily_return.tolist() == pytest.approx(want)
    assert idx.members.tolist() == [0, 1, 1, 1, 2, 2, 2]
    level = 100.0
    for r in want:
        level *= 1 + r
    assert idx.level.iloc[-1] == pytest.approx(level)
    assert idx.level.iloc[0] == 100.0 and idx.weighting == "equal"
    assert idx.stale == {} and idx.cap_missing == []


def test_rebased_to_the_chosen_date():
    idx = theme_index(small_bars(), base_date="2024-01-06")  # a Saturday -> next session 01-08
    assert idx.base_date == pd.Timestamp("2024-01-08")
    assert idx.level.loc["2024-01-08"] == pytest.approx(100.0)
    want = expected_equal()
    assert idx.level.iloc[-1] == pytest.approx(100 * (1 + want[5]) * (1 + want[6]))


def test_cap_weighted_hand_computed():
    caps = {"600001": 100.0, "600002": 300.0}  # yuan, as of the last close (14 and 22)
    idx = theme_index(small_bars(), weighting="cap", market_caps=pd.Series(caps))
    # day 4: weights = cap * prev close / last close
    wa, wb = 100 * 12.6 / 14, 300 * 20 / 22
    day4 = (wa * (13 / 12.6 - 1) + wb * (21 / 20 - 1)) / (wa + wb)
    wa6, wb6 = 100 * 13.65 / 14, 300 * 21 / 22
    day6 = (wa6 * (14 / 13.65 - 1) + wb6 * (22 / 21 - 1)) / (wa6 + wb6)
    assert idx.daily_return.iloc[4] == pytest.approx(day4)
    assert idx.daily_return.iloc[6] == pytest.approx(day6)
    assert idx.daily_return.iloc[1] == pytest.approx(0.1)  # only A
    assert idx.weighting == "cap" and idx.cap_missing == []


def test_missing_caps_are_reported_and_filled_with_the_median():
    idx = theme_index(small_bars(), weighting="cap", market_caps={"600001": 100.0})
    assert idx.cap_missing == ["600002"] and idx.weighting == "cap"
    assert any("600002" in note for note in idx.notes)
    wa, wb = 100 * 12.6 / 14, 100 * 20 / 22
    assert idx.daily_return.iloc[4] == pytest.approx((wa * (13 / 12.6 - 1) + wb * 0.05) / (wa + wb))
    none = theme_index(small_bars(), weighting="cap")
    assert none.weighting == "equal" and none.cap_missing == ["600001", "600002"]
    assert none.daily_return.tolist() == pytest.approx(expected_equal())


def test_stock_that_stops_is_listed_as_stale():
    idx = theme_index(small_bars(with_c=True))
    assert idx.stale == {"600003": "2024-01-08"}
    assert idx.members.iloc[6] == 3  # carried flat, return 0


@pytest.fixture(scope="module")
def sample_bars() -> pd.DataFrame:
    return pd.read_csv(STOCKS_CSV, dtype={"code": str}, parse_dates=["date"])


@pytest.fixture(scope="module")
def csi300() -> pd.DataFrame:
    frame = pd.read_csv(INDEX_CSV, dtype={"code": str}, parse_dates=["date"])
    frame = frame.loc[frame["code"] == "000300"].copy()
    frame["code"] = "sh000300"  # the data contract wants the market prefix
    return frame


def moves_from_csv(day: str, prev_day: str) -> dict[str, float]:
    with STOCKS_CSV.open(newline="") as fh:
        rows = {(r["code"], r["date"]): float(r["close"]) for r in csv.DictReader(fh)}
    codes = {c for c, _ in rows}
    return {c: rows[(c, day)] / rows[(c, prev_day)] - 1 for c in codes if (c, day) in rows and (c, prev_day) in rows}


def test_real_equal_weight_day_return_and_benchmark(sample_bars, csi300):
    moves = moves_from_csv("2025-04-07", "2025-04-03")
    assert len(moves) == 18
    idx = theme_index(sample_bars)
    assert idx.daily_return.loc["2025-04-07"] == pytest.approx(sum(moves.values()) / len(moves))
    table = index_vs_benchmark(idx, csi300, as_of="2025-04-07")
    assert table.loc["benchmark", "ret_1d"] == pytest.approx(3589.44 / 3861.5 - 1)
    assert round(table.loc["benchmark", "ret_1d"] * 100, 2) == -7.05
    assert table.loc["index", "ret_1d"] == pytest.approx(sum(moves.values()) / len(moves))
    assert table.loc["excess", "ret_1d"] == pytest.approx(
        table.loc["index", "ret_1d"] - table.loc["benchmark", "ret_1d"]
    )
    assert idx.returns(as_of="2025-04-07")["ret_1d"] == pytest.approx(table.loc["index", "ret_1d"])


def test_real_breadth_on_the_tariff_crash(sample_bars):
    moves = moves_from_csv("2025-04-07", "2025-04-03")
    b = breadth(sample_bars, "2025-04-07")
    assert b.n == 18 and b.missing == 0
    assert b.down == sum(v < 0 for v in moves.values()) == 18
    assert b.up == 0 and b.flat == 0
    assert b.mean == pytest.approx(statistics.fmean(moves.values()))
    assert b.median == pytest.approx(statistics.median(moves.values()))
    assert daily_moves(sample_bars, "2025-04-07").loc["300133"] == pytest.approx(6.00 / 7.33 - 1)


def test_breadth_counts_suspended_and_flat():
    bars = small_bars(with_c=True)
    bars.loc[len(bars)] = ["600003", pd.Timestamp(DAYS[5]), 5.5]  # flat day for C
    b = breadth(bars, DAYS[5], codes=["600001", "600002", "600003"])
    assert (b.up, b.down, b.flat, b.missing, b.n) == (1, 0, 1, 1, 2)  # B suspended
    assert b.to_dict()["day"] == "2024-01-09"
    assert b.median == pytest.approx(np.median([13.65 / 13 - 1, 0.0]))
