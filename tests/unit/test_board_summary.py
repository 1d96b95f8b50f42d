"""The theme header figures (summarize_board) on a small hand-made board."""

from __future__ import annotations

import math

import pandas as pd

from tui.analytics.board import summarize_board


def board() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["300133", "002602", "300067", "300872", "300738"],
            "name": ["华策影视", "世纪华通", "安诺其", "天阳科技", "奥飞数据"],
            "price": [7.65, 5.10, None, 20.0, 19.11],
            "change_pct": [2.0, -10.0, None, 2.0, 0.0],
            "amount": [1.0e8, 2.5e8, None, None, 0.5e8],
            "limit_flag": [None, "down", None, None, None],
            "suspended": [False, False, True, False, False],
            "stale": [False, True, False, False, True],
            "is_sample": [True, True, False, False, False],
            "as_of": pd.to_datetime(["2025-11-21 15:00", "2025-11-21 15:00", None, "2025-11-20 15:00", "2025-11-21 14:59"]).tz_localize("Asia/Shanghai"),
        }
    )


def test_summary_figures_by_hand():
    s = summarize_board(board(), benchmark="sz399006", benchmark_pct=-1.5)
    # Live moves: 2.0, -10.0, 2.0, 0.0 (300067 is suspended with no move).
    assert s.n == 5 and s.priced == 4
    assert math.isclose(s.mean_pct, -1.5) and math.isclose(s.median_pct, 1.0)
    assert (s.up, s.down, s.flat) == (2, 1, 1)
    assert (s.limit_up, s.limit_down, s.suspended) == (0, 1, 1)
    # Ties go to the first row in board order.
    assert (s.leader, s.leader_pct) == ("华策影视 300133", 2.0)
    assert (s.laggard, s.laggard_pct) == ("世纪华通 002602", -10.0)
    assert math.isclose(s.amount, 4.0e8)
    assert s.benchmark == "sz399006" and math.isclose(s.excess_pct, 0.0)
    assert s.as_of == "2025-11-21T15:00:00+08:00"
    assert (s.stale, s.sample) == (2, 2)


def test_summary_of_a_board_without_moves():
    b = board().assign(change_pct=None, amount=None, price=None, as_of=pd.NaT)
    s = summarize_board(b)
    assert s.priced == 0 and s.mean_pct is None and s.median_pct is None
    assert (s.up, s.down, s.flat) == (0, 0, 0)
    assert s.leader is None and s.laggard is None and s.amount is None and s.as_of is None
    assert s.excess_pct is None


def test_summary_of_an_empty_board():
    s = summarize_board(board().iloc[0:0])
    assert s.n == 0 and s.mean_pct is None and s.leader is None and s.amount is None and s.suspended == 0


def test_a_board_of_stocks_without_any_stored_data_is_blank_not_a_crash():
    """No stored bar for any stock (a new theme offline), and no stocks at all: blank rows."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tui.analytics.board import BOARD_COLUMNS, build_board
    from tui.store.frames import empty_bars

    now = datetime(2026, 11, 22, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    for codes in (["300418"], []):
        b = build_board(codes, {"300418": "昆仑万维"}, pd.DataFrame(), empty_bars(), now=now, expected_as_of=now)
        assert list(b.columns) == BOARD_COLUMNS and list(b["code"]) == codes
        assert b["price"].isna().all() and b["as_of"].isna().all()
        assert list(b["basis"]) == ["none"] * len(codes) and b["stale"].all()
        s = summarize_board(b, benchmark="sz399006", benchmark_pct=None)
        assert (s.n, s.priced, s.mean_pct, s.as_of, s.leader) == (len(codes), 0, None, None, None)
