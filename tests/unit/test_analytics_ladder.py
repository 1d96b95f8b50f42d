"""Tests for tui.analytics.ladder: streaks, 一字板, 炸板, 跌停 runs, a day's ladder, daily heat."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tui
from tui.analytics.ladder import (
    HEAT_COLUMNS,
    heat_series,
    ladder_day,
    ladder_label,
    ladder_states,
    ladder_states_preferring_raw,
    ladder_text,
    streak_label,
)

STOCKS_CSV = Path(tui.__file__).parent / "data" / "sample" / "a_share_daily_qfq_20240102_20251121.csv"
# 世纪华通 traded as ST华通 (±5%) in 2025 H1 (the sample's PROVENANCE.md).
ST_HUATONG = [("002602", "2025-01-01", "2025-06-30")]


@pytest.fixture(scope="module")
def sample_states() -> pd.DataFrame:
    bars = pd.read_csv(STOCKS_CSV, dtype={"code": str}, parse_dates=["date"])
    return ladder_states(bars, prices="qfq", st=ST_HUATONG)


def bars_of(code: str, rows: list[tuple[str, float, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": code,
            "date": pd.to_datetime([r[0] for r in rows]),
            "open": [r[1] for r in rows],
            "high": [r[2] for r in rows],
            "low": [r[3] for r in rows],
            "close": [r[4] for r in rows],
        }
    )


# --- hand-computed frames -------------------------------------------------------------------

HAND = bars_of(
    "600001",
    [
        ("2024-03-01", 10.00, 10.00, 10.00, 10.00),
        ("2024-03-04", 10.50, 11.00, 10.40, 11.00),  # 11.00 = 10.00 x 1.1: 首板
        ("2024-03-05", 12.10, 12.10, 12.10, 12.10),  # 12.10: 2板, 一字
        ("2024-03-06", 13.31, 13.31, 12.90, 13.00),  # opened at the limit 13.31, closed below: 炸板
        ("2024-03-07", 13.00, 13.00, 11.70, 11.70),  # 13.00 x 0.9 = 11.70: 跌停
        ("2024-03-08", 10.53, 10.53, 10.53, 10.53),  # 11.70 x 0.9 = 10.53: 跌停 2, 一字
        ("2024-03-11", 10.60, 11.00, 10.50, 10.90),  # neither
    ],
)


def test_hand_frame_states():
    out = ladder_states(HAND, prices="raw")
    assert out["streak"].tolist() == [0, 1, 2, 0, 0, 0, 0]
    assert out["one_word"].tolist() == [False, False, True, False, False, True, False]
    assert out["broken"].tolist() == [False, False, False, True, False, False, False]
    assert out["touched"].tolist() == [False, True, True, True, False, False, False]
    assert out["limit_down"].tolist() == [False, False, False, False, True, True, False]
    assert out["down_streak"].tolist() == [0, 0, 0, 0, 1, 2, 0]
    assert out["prev_streak"].tolist() == [0, 0, 1, 2, 0, 0, 0]
    assert out["prev_limit_up"].tolist() == [False, False, True, True, False, False, False]
    assert (out["basis"] == "raw").all() and not out["uncertain"].any()


def test_opened_at_limit_closed_below_is_broken_not_limit_up():
    out = ladder_states(HAND, prices="raw").set_index("date").loc[pd.Timestamp("2024-03-06")]
    assert out["open"] == out["limit_up_price"] == 13.31
    assert bool(out["broken"]) and not out["limit_up"] and out["streak"] == 0


def test_suspension_neither_counts_nor_breaks_a_streak():
    bars = bars_of(
        "600002",
        [
            ("2024-03-01", 10.0, 10.0, 10.0, 10.0),
            ("2024-03-04", 11.0, 11.0, 11.0, 11.0),
            # 2024-03-05 suspended: no bar
            ("2024-03-06", 12.1, 12.1, 12.1, 12.1),
        ],
    )
    out = ladder_states(bars, prices="raw")
    assert out["streak"].tolist() == [0, 1, 2]
    assert out["prev_limit_up"].tolist() == [False, False, True]


def test_streaks_restart_per_code():
    a = bars_of("600001", [("2024-03-01", 10, 10, 10, 10.0), ("2024-03-04", 11, 11, 11, 11.0)])
    b = bars_of("600003", [("2024-03-01", 11, 11, 11, 11.0), ("2024-03-04", 9.9, 9.9, 9.9, 9.9)])
    out = ladder_states(pd.concat([b, a]), prices="raw")
    assert out["code"].tolist() == ["600001", "600001", "600003", "600003"]
    assert out["streak"].tolist() == [0, 1, 0, 0]
    assert out["down_streak"].tolist() == [0, 0, 0, 1]
    assert out["prev_streak"].tolist() == [0, 0, 0, 0]


def test_hand_ladder_day_and_heat():
    # Three stocks on 2024-03-05: A at 2板 (一字), B at 首板 (not 一字), C 炸板.
    a = HAND.iloc[:3]
    b = bars_of("600004", [("2024-03-01", 5, 5, 5, 5.0), ("2024-03-04", 5, 5, 5, 5.0), ("2024-03-05", 5.1, 5.5, 5.1, 5.5)])
    c = bars_of("600005", [("2024-03-01", 8, 8, 8, 8.0), ("2024-03-04", 8.8, 8.8, 8.8, 8.8), ("2024-03-05", 9.0, 9.68, 9.0, 9.5)])
    states = ladder_states(pd.concat([a, b, c]), prices="raw")
    day = ladder_day(states, "2024-03-05")
    assert (day.limit_up, day.broken, day.one_word) == (2, 1, 1)
    assert day.ladder == {2: 1, 1: 1}
    assert (day.top_streak_code, day.top_streak, day.top_streak_one_word) == ("600001", 2, True)
    assert day.broken_rate == pytest.approx(1 / 3)
    # On 03-04 A and C were limit-up; on 03-05 only A was again: 1 of 2.
    assert (day.prev_limit_up, day.promoted, day.promotion_rate) == (2, 1, 0.5)
    heat = heat_series(states)
    assert list(heat.columns) == HEAT_COLUMNS
    assert heat["limit_up"].tolist() == [0, 2, 2]
    assert heat["top_streak"].tolist() == [0, 1, 2]
    assert np.isnan(heat["broken_rate"].iloc[0]) and heat["broken_rate"].iloc[2] == pytest.approx(1 / 3)
    assert np.isnan(heat["promotion_rate"].iloc[1]) and heat["promotion_rate"].iloc[2] == 0.5
    assert heat_series(states, codes=["600004"])["limit_up"].tolist() == [0, 0, 1]


def test_top_streak_tie_goes_to_one_word_then_code():
    frame = pd.DataFrame(
        {
            "code": ["600010", "600009", "600008"],
            "streak": [3, 3, 2],
            "one_word": [True, False, True],
            "limit_up": [True, True, True],
            "limit_down": False,
            "broken": False,
            "prev_limit_up": True,
        }
    )
    day = ladder_day(frame)
    assert day.top_streak_code == "600010" and day.top_streak_one_word
    assert ladder_text(day.ladder) == "3:2 2:1"


def test_labels():
    assert ladder_text({5: 1, 3: 1, 2: 2, 1: 4}) == "5:1 3:1 2:2 1:4"
    assert ladder_label({1: 4, 5: 1, 3: 1, 2: 2}) == "5板×1 3板×1 2板×2 首板×4"
    assert streak_label(1) == "首板" and streak_label(5, True) == "5板 一字" and streak_label(0) == ""


def test_empty_day():
    day = ladder_day(ladder_states(HAND.iloc[:0], prices="raw"))
    assert day.top_streak == 0 and day.top_streak_code is None and day.ladder == {}
    assert day.broken_rate is None and day.promotion_rate is None


# --- the shipped real bars ------------------------------------------------------------------


def test_600589_streak_one_then_five_last_four_one_word(sample_states):
    s = sample_states.loc[sample_states["code"] == "600589"].set_index("date")
    days = pd.to_datetime(["2025-02-21", "2025-02-24", "2025-02-25", "2025-02-26", "2025-02-27"])
    assert s.loc[days, "streak"].tolist() == [1, 2, 3, 4, 5]
    assert s.loc[days, "one_word"].tolist() == [False, True, True, True, True]
    assert s.loc[pd.Timestamp("2025-02-20"), "streak"] == 0


def test_002602_st_limit_down_twice(sample_states):
    s = sample_states.loc[sample_states["code"] == "002602"].set_index("date")
    days = pd.to_datetime(["2025-04-07", "2025-04-08"])
    assert s.loc[days, "limit_down"].all()
    assert s.loc[days, "down_streak"].tolist() == [1, 2]
    assert s.loc[pd.Timestamp("2025-04-09"), "down_streak"] == 0


def test_ladder_of_2025_02_24_by_hand(sample_states):
    # By hand from the CSV (prev close x (1 + limit), half up to the cent):
    # 002335 47.28x1.1=52.008->52.01, closed 52.01 (2板; 02-21 42.98x1.1=47.28 too);
    # 600589 4.76x1.1=5.236->5.24 一字 (2板); 600602 24.24x1.1=26.664->26.66 一字 (2板);
    # 002602 (ST 5%) 7.02x1.05=7.371->7.37 = high, closed 7.07: 炸板;
    # 603881 33.57x1.1=36.927->36.93 = high, closed 35.33: 炸板.
    # The day before, 9 stocks closed limit-up (000815 002335 002602 300383 300442 300738
    # 600589 600602 603881); 3 of them did again.
    day = ladder_day(sample_states, "2025-02-24")
    assert day.ladder == {2: 3}
    assert (day.limit_up, day.broken, day.one_word, day.limit_down) == (3, 2, 2, 0)
    assert day.broken_rate == pytest.approx(2 / 5)
    assert (day.prev_limit_up, day.promoted) == (9, 3)
    assert day.promotion_rate == pytest.approx(1 / 3)
    assert (day.top_streak_code, day.top_streak, day.top_streak_one_word) == ("600589", 2, True)
    prev = ladder_day(sample_states, "2025-02-21")
    assert prev.ladder == {2: 1, 1: 8}  # 300738 was limit-up on 02-20 too
    top = ladder_day(sample_states, "2025-02-27")
    assert (top.top_streak_code, top.top_streak, top.top_streak_one_word) == ("600589", 5, True)


def test_heat_series_matches_ladder_day(sample_states):
    heat = heat_series(sample_states)
    for when in ("2025-02-21", "2025-02-24", "2025-02-27", "2025-04-07"):
        day = ladder_day(sample_states, when)
        row = heat.loc[pd.Timestamp(when)]
        assert (row["limit_up"], row["top_streak"], row["broken"], row["limit_down"]) == (
            day.limit_up, day.top_streak, day.broken, day.limit_down)


def test_raw_bars_are_preferred_where_they_cover_the_window():
    qfq = HAND.assign(close=HAND["close"] * 0.9)  # an adjusted series with no limit hits
    raw = HAND
    out = ladder_states_preferring_raw(qfq, raw)
    assert (out["basis"] == "raw").all() and out["streak"].max() == 2
    short_raw = HAND.iloc[:3]  # stops before the newest qfq bar: not used
    out = ladder_states_preferring_raw(qfq, short_raw)
    assert (out["basis"] == "qfq").all()


# --- the board's live state from quotes -------------------------------------------------------


def test_board_rows_take_todays_state_from_a_newer_quote():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tui.analytics.board import build_board, summarize_board

    sh = ZoneInfo("Asia/Shanghai")
    bars = pd.concat([
        HAND.iloc[:3],  # 600001: 2板 on 03-05 (close 12.10)
        bars_of("600004", [("2024-03-04", 5, 5, 5, 5.0), ("2024-03-05", 5.5, 5.5, 5.5, 5.5)]),  # 首板
        bars_of("600005", [("2024-03-04", 8, 8, 8, 8.0), ("2024-03-05", 8, 8, 8, 8.0)]),
        bars_of("600006", [("2024-03-04", 9, 9, 9, 9.0), ("2024-03-05", 9, 9, 9, 9.0)]),  # no quote
    ]).assign(amount=1.0, source="test", is_sample=False)
    as_of = pd.Timestamp(datetime(2024, 3, 6, 10, 30, tzinfo=sh))
    quotes = pd.DataFrame({
        "code": ["600001", "600004", "600005"],
        "price": [13.31, 5.80, 7.20],  # 12.10 x 1.1 = 13.31 (3板, 一字); 5.50 x 1.1 = 6.05 touched; 8 x 0.9 = 7.20
        "prev_close": [12.10, 5.50, 8.00],
        "open": [13.31, 5.60, 7.50], "high": [13.31, 6.05, 7.60], "low": [13.31, 5.50, 7.20],
        "as_of": [as_of] * 3, "source": "test", "is_sample": False, "suspended": False,
    })
    board = build_board(["600001", "600004", "600005", "600006"], {}, quotes, bars, now=datetime(2024, 3, 6, 10, 31, tzinfo=sh))
    rows = board.set_index("code")
    assert rows.loc["600001", ["streak", "one_word", "ladder_basis"]].tolist() == [3, True, "quote"]
    assert rows.loc["600004", ["streak", "broken", "prev_limit_up"]].tolist() == [0, True, True]
    assert rows.loc["600005", ["streak", "down_streak"]].tolist() == [0, 1]
    assert rows.loc["600006", "streak"] == 0  # its newest figure is yesterday's bar: no state today
    s = summarize_board(board)
    assert (s.top_streak_code, s.top_streak, s.top_streak_one_word) == ("600001", 3, True)
    assert s.ladder == {3: 1} and (s.broken, s.limit_up, s.limit_down) == (1, 1, 1)
    assert (s.prev_limit_up, s.promoted, s.promotion_rate) == (2, 1, 0.5)
    assert s.broken_rate == 0.5


def test_board_flags_follow_the_ladder_on_a_qfq_near_hit():
    # 603881 on 2025-02-17: a locked one-word bar at 31.19, one cent under the qfq-derived limit
    # 31.20 (the raw close was at the limit), its 4th in a row (02-12 23.43, 02-13 25.78 against
    # 25.77, 02-14 28.36): the board marks it 涨停 with the ladder, uncertain.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tui.analytics.board import build_board, summarize_board

    bars = pd.read_csv(STOCKS_CSV, dtype={"code": str}, parse_dates=["date"])
    bars = bars.loc[(bars["code"] == "603881") & bars["date"].between("2025-01-02", "2025-02-17")]
    bars = bars.assign(amount=1.0, source="sample", is_sample=True)
    board = build_board(["603881"], {"603881": "数据港"}, pd.DataFrame(), bars,
                        now=datetime(2025, 2, 17, 20, tzinfo=ZoneInfo("Asia/Shanghai")))
    row = board.iloc[0]
    assert (row["limit_flag"], row["streak"], bool(row["one_word"]), bool(row["ladder_uncertain"])) == ("up", 4, True, True)
    assert summarize_board(board).limit_up == 1
