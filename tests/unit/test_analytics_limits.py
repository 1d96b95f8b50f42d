"""Tests for tui.analytics.limits: exact HALF UP limit prices, board/status/date rules, flags."""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tui
from tui.analytics.limits import limit_flags, limit_price, limit_prices_cents

SAMPLE = Path(tui.__file__).parent / "data" / "sample"
STOCKS_CSV = SAMPLE / "a_share_daily_qfq_20240102_20251121.csv"
# 世纪华通 traded as ST华通 (±5%) from 2024-11 to mid-2025 (PROVENANCE.md); the brief asks
# to treat it as ST for 2025 H1.
ST_HUATONG = [("002602", "2025-01-01", "2025-06-30")]


def dec_limit(prev: str, pct: str, side: int) -> Decimal:
    """Independent reference: Decimal HALF UP to the cent."""
    factor = Decimal(1) + side * Decimal(pct)
    return (Decimal(prev) * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def sample_bars() -> pd.DataFrame:
    return pd.read_csv(STOCKS_CSV, dtype={"code": str}, parse_dates=["date"])


@pytest.fixture(scope="module")
def csv_rows() -> dict[tuple[str, str], dict[str, str]]:
    with STOCKS_CSV.open(newline="") as fh:
        return {(r["code"], r["date"]): r for r in csv.DictReader(fh)}


def make_bars(code: str, rows: list[tuple[str, float, float, float, float]]) -> pd.DataFrame:
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


# --- limit price arithmetic --------------------------------------------------------------


def test_half_up_cases_where_float_round_is_wrong():
    # 1.15 * 1.1 = 1.265 -> 1.27 (float round gives 1.26); 1.25 * 0.9 = 1.125 -> 1.13
    # (float round gives 1.12, half-even); 0.70 * 1.05 = 0.735 -> 0.74.
    up, down = limit_prices_cents(np.array([1.15, 1.25, 0.70]), np.array([0.10, 0.10, 0.05]))
    assert up[0] == 127 and down[1] == 113 and up[2] == 74
    assert round(1.15 * 1.1, 2) == 1.26 and round(1.25 * 0.9, 2) == 1.12  # the float trap
    assert limit_price(4.45, 0.10) == (4.90, 4.01)
    assert limit_price(10.05, 0.05) == (10.55, 9.55)  # 10.5525 / 9.5475


@pytest.mark.parametrize("pct", ["0.05", "0.1", "0.2", "0.3"])
def test_vectorised_limits_match_decimal_on_every_cent_to_200(pct):
    cents = np.arange(1, 20_001)
    prev = cents / 100.0
    up, down = limit_prices_cents(prev, np.full(prev.shape, float(pct)))
    want_up = [int(dec_limit(f"{c / 100:.2f}", pct, +1) * 100) for c in cents]
    want_down = [int(dec_limit(f"{c / 100:.2f}", pct, -1) * 100) for c in cents]
    assert up.tolist() == want_up
    assert down.tolist() == want_down


def test_no_limit_gives_minus_one():
    up, down = limit_prices_cents(np.array([np.nan, 10.0]), np.array([0.1, np.nan]))
    assert up.tolist() == [-1, -1] and down.tolist() == [-1, -1]


# --- board, status and date rules --------------------------------------------------------


def two_day(code: str, day1: str, day2: str, close2: float) -> pd.DataFrame:
    return make_bars(code, [(day1, 10, 10, 10, 10.0), (day2, close2, close2, close2, close2)])


@pytest.mark.parametrize(
    "code, day1, day2, pct",
    [
        ("600000", "2024-03-01", "2024-03-04", 0.10),  # SH main
        ("000001", "2024-03-01", "2024-03-04", 0.10),  # SZ main
        ("688041", "2024-03-01", "2024-03-04", 0.20),  # STAR
        ("300133", "2020-08-20", "2020-08-21", 0.10),  # ChiNext before the reform
        ("300133", "2020-08-21", "2020-08-24", 0.20),  # ChiNext from 2020-08-24
        ("830799", "2024-03-01", "2024-03-04", 0.30),  # Beijing
    ],
)
def test_board_limits(code, day1, day2, pct):
    close2 = float(dec_limit("10", str(pct), +1))
    out = limit_flags(two_day(code, day1, day2, close2), prices="raw")
    row = out.iloc[1]
    assert row["limit_pct"] == pytest.approx(pct)
    assert row["limit_up_price"] == close2
    assert bool(row["limit_up"]) and bool(row["one_word"])
    assert np.isnan(out.iloc[0]["limit_up_price"])  # first bar: no previous close


def test_hong_kong_has_no_limit():
    out = limit_flags(two_day("00700", "2024-03-01", "2024-03-04", 13.0), prices="raw")
    assert np.isnan(out.iloc[1]["limit_pct"]) and not out["limit_up"].any()


def test_st_main_board_five_percent_by_periods_row_flags_and_column():
    bars = pd.concat(
        [two_day("600001", "2024-03-01", "2024-03-04", 10.5), two_day("300001", "2024-03-01", "2024-03-04", 10.5)],
        ignore_index=True,
    )
    by_period = limit_flags(bars, prices="raw", st=[("600001", "2024-01-01", None), ("300001", None, None)])
    flags = pd.Series([True, True, True, True])
    by_rows = limit_flags(bars, prices="raw", st=flags)
    by_col = limit_flags(bars.assign(is_st=True), prices="raw", st="is_st")
    for out in (by_period, by_rows, by_col):
        main = out.loc[out["code"] == "600001"].iloc[1]
        chinext = out.loc[out["code"] == "300001"].iloc[1]
        assert main["limit_pct"] == 0.05 and bool(main["limit_up"]) and bool(main["st"])
        assert chinext["limit_pct"] == 0.20 and not chinext["limit_up"]  # ST stays ±20% on ChiNext
    outside = limit_flags(bars, prices="raw", st=[("600001", "2024-03-05", None)])
    assert outside.loc[outside["code"] == "600001", "limit_pct"].iloc[1] == 0.10


def test_st_rule_after_the_2025_proposal_is_uncertain_unless_dated():
    bars = two_day("600001", "2025-07-07", "2025-07-08", 10.5)
    st = [("600001", None, None)]
    undated = limit_flags(bars, prices="raw", st=st)
    assert undated.iloc[1]["limit_pct"] == 0.05 and bool(undated.iloc[1]["uncertain"])
    dated = limit_flags(bars, prices="raw", st=st, st_main_10pct_from="2025-07-08")
    assert dated.iloc[1]["limit_pct"] == 0.10 and not dated.iloc[1]["uncertain"]
    assert not dated.iloc[1]["limit_up"]


def test_new_listing_has_no_limit_for_five_sessions():
    days = pd.bdate_range("2024-03-01", periods=7)
    closes = [10.0, 14.0, 18.0, 25.0, 20.0, 22.0, 24.2]  # day 7: +10% exactly
    bars = make_bars("603999", [(str(d.date()), c, c, c, c) for d, c in zip(days, closes)])
    out = limit_flags(bars, prices="raw", new_listings={"603999": "2024-03-01"})
    assert out["limit_pct"].iloc[:5].isna().all()
    assert not out["limit_up"].iloc[:5].any()
    assert out["limit_pct"].iloc[5] == 0.10 and out["limit_up_price"].iloc[6] == 24.2
    assert bool(out["limit_up"].iloc[6])


# --- flags on a hand-built bar series ------------------------------------------------------


def test_flags_streak_broken_and_limit_down():
    bars = make_bars(
        "600001",
        [
            ("2024-03-01", 10.00, 10.00, 10.00, 10.00),
            ("2024-03-04", 10.50, 11.00, 10.40, 11.00),  # limit-up (11.00), not one-word
            ("2024-03-05", 12.10, 12.10, 12.10, 12.10),  # limit-up one-word, streak 2
            ("2024-03-06", 12.50, 13.31, 12.40, 13.00),  # touched 13.31, closed below: 炸板
            ("2024-03-07", 13.50, 14.30, 13.40, 14.30),  # limit-up again, streak 1
            ("2024-03-08", 13.00, 13.00, 12.87, 12.87),  # limit-down 12.87
        ],
    )
    out = limit_flags(bars, prices="raw")
    assert out["limit_up_price"].tolist()[1:] == [11.00, 12.10, 13.31, 14.30, 15.73]
    assert out["limit_up"].tolist() == [False, True, True, False, True, False]
    assert out["one_word"].tolist() == [False, False, True, False, False, False]
    assert out["broken"].tolist() == [False, False, False, True, False, False]
    assert out["streak"].tolist() == [0, 1, 2, 0, 1, 0]
    assert out["limit_down"].tolist() == [False] * 5 + [True]
    assert not out["uncertain"].any()


def test_streak_restarts_per_code_and_input_order_does_not_matter():
    a = make_bars("600001", [("2024-03-01", 10, 10, 10, 10.0), ("2024-03-04", 11, 11, 11, 11.0)])
    b = make_bars("600002", [("2024-03-01", 11, 11, 11, 11.0), ("2024-03-04", 11, 11, 11, 11.0)])
    out = limit_flags(pd.concat([b, a]).iloc[::-1], prices="raw")
    assert out["code"].tolist() == ["600001", "600001", "600002", "600002"]
    assert out["streak"].tolist() == [0, 1, 0, 0]


# --- the shipped real bars ----------------------------------------------------------------


def test_600589_five_limit_ups_last_four_one_word(sample_bars, csv_rows):
    days = ["2025-02-21", "2025-02-24", "2025-02-25", "2025-02-26", "2025-02-27"]
    prev_day = {"2025-02-21": "2025-02-20", "2025-02-24": "2025-02-21", "2025-02-25": "2025-02-24",
                "2025-02-26": "2025-02-25", "2025-02-27": "2025-02-26"}
    for day in days:  # independent check straight from the CSV text
        row, prev = csv_rows[("600589", day)], csv_rows[("600589", prev_day[day])]
        assert Decimal(row["close"]) == dec_limit(prev["close"], "0.1", +1)
    out = limit_flags(sample_bars.loc[sample_bars["code"] == "600589"], prices="qfq")
    win = out.set_index(out["date"].dt.strftime("%Y-%m-%d")).loc["2025-02-20":"2025-02-28"]
    assert win.loc[days, "limit_up"].all()
    assert win.loc[days, "streak"].tolist() == [1, 2, 3, 4, 5]
    assert win.loc[days, "one_word"].tolist() == [False, True, True, True, True]
    assert not win.loc["2025-02-20", "limit_up"] and not win.loc["2025-02-28", "limit_up"]
    assert win.loc["2025-02-28", "streak"] == 0
    assert win.loc[days, "uncertain"].all()  # qfq: every limit hit is flagged uncertain
    raw = limit_flags(sample_bars.loc[sample_bars["code"] == "600589"], prices="raw")
    assert not raw["uncertain"].any()


def test_002602_st_limit_down_on_the_tariff_crash(sample_bars, csv_rows):
    assert Decimal(csv_rows[("002602", "2025-04-07")]["close"]) == dec_limit(
        csv_rows[("002602", "2025-04-03")]["close"], "0.05", -1
    )
    assert Decimal(csv_rows[("002602", "2025-04-08")]["close"]) == dec_limit(
        csv_rows[("002602", "2025-04-07")]["close"], "0.05", -1
    )
    bars = sample_bars.loc[sample_bars["code"] == "002602"]
    out = limit_flags(bars, prices="qfq", st=ST_HUATONG).set_index("date")
    days = pd.to_datetime(["2025-04-07", "2025-04-08"])
    assert out.loc[days, "limit_down"].all()
    assert out.loc[days, "limit_pct"].tolist() == [0.05, 0.05]
    assert out.loc[days, "limit_down_price"].tolist() == [6.44, 6.12]
    assert bool(out.loc[days[0], "one_word"]) and not out.loc[pd.Timestamp("2025-04-09"), "limit_down"]
    not_st = limit_flags(bars, prices="qfq").set_index("date")
    assert not not_st.loc[days, "limit_down"].any()  # at ±10% these are ordinary falls


def test_qfq_one_cent_shift_is_caught_and_marked_uncertain(sample_bars, csv_rows):
    # 603881 on 2025-02-17: a locked one-word bar at 31.19, while the qfq-derived limit is
    # 28.36 * 1.1 = 31.196 -> 31.20; the raw close was at the limit.
    row = csv_rows[("603881", "2025-02-17")]
    assert row["open"] == row["high"] == row["low"] == row["close"] == "31.19"
    assert dec_limit(csv_rows[("603881", "2025-02-14")]["close"], "0.1", +1) == Decimal("31.20")
    bars = sample_bars.loc[sample_bars["code"] == "603881"]
    day = pd.Timestamp("2025-02-17")
    qfq = limit_flags(bars, prices="qfq").set_index("date").loc[day]
    assert bool(qfq["limit_up"]) and bool(qfq["one_word"]) and bool(qfq["uncertain"])
    raw = limit_flags(bars, prices="raw").set_index("date").loc[day]
    assert not raw["limit_up"] and not raw["uncertain"]


def test_rejects_unknown_price_marker(sample_bars):
    with pytest.raises(ValueError):
        limit_flags(sample_bars.head(3), prices="hfq")


def test_adjust_column_must_agree_and_selects_rows():
    qfq = two_day("600001", "2024-03-01", "2024-03-04", 11.0).assign(adjust="qfq")
    with pytest.raises(ValueError, match="adjusted"):
        limit_flags(qfq, prices="raw")
    raw = qfq.assign(adjust="raw", close=[10.0, 10.5])
    out = limit_flags(pd.concat([qfq, raw], ignore_index=True), prices="raw")
    assert len(out) == 2 and out["close"].tolist() == [10.0, 10.5] and not out["limit_up"].any()
