"""Tests for tui.analytics.returns: trailing 1/5/20/60-session and YTD returns."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

import tui
from tui.analytics.returns import series_returns, trailing_returns

SAMPLE = Path(tui.__file__).parent / "data" / "sample"
STOCKS_CSV = SAMPLE / "a_share_daily_qfq_20240102_20251121.csv"
INDEX_CSV = SAMPLE / "index_daily_000300_399006_20240102_20251121.csv"

DAYS = ["2023-12-28", "2023-12-29", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"]


def small_bars() -> pd.DataFrame:
    rows = []
    for day, close in zip(DAYS, [10, 11, 12, 12.6, 13, 13.65, 14]):
        rows.append(("600001", day, close))
    for day, close in [("2024-01-03", 20), ("2024-01-04", 21), ("2024-01-08", 22)]:  # new, suspended 01-05
        rows.append(("600002", day, close))
    for day, close in zip(DAYS[:-1], [5.0, 5.0, 5.5, 5.5, 6.0, 6.6]):  # no bar on the last day
        rows.append(("600003", day, close))
    frame = pd.DataFrame(rows, columns=["code", "date", "close"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.sample(frac=1.0, random_state=1)  # order must not matter


def test_small_frame_hand_computed():
    out = trailing_returns(small_bars(), periods=(1, 5, 20))
    a, b, c = out.loc["600001"], out.loc["600002"], out.loc["600003"]
    assert a["ret_1d"] == pytest.approx(14 / 13.65 - 1)
    assert a["ret_5d"] == pytest.approx(14 / 11 - 1)  # five sessions before 01-08 is 12-29
    assert a["ret_ytd"] == pytest.approx(14 / 11 - 1)  # base: last close of 2023
    assert math.isnan(a["ret_20d"])  # only 7 sessions
    assert b["ret_1d"] == pytest.approx(22 / 21 - 1)  # 01-05 suspended: carried 21
    assert math.isnan(b["ret_5d"]) and math.isnan(b["ret_ytd"])  # listed in 2024
    assert c["ret_1d"] == 0.0 and c["close"] == 6.6
    assert c["ret_5d"] == pytest.approx(6.6 / 5.0 - 1)
    assert c["last_date"] == pd.Timestamp("2024-01-05")
    assert (out["as_of"] == pd.Timestamp("2024-01-08")).all()


def test_as_of_between_sessions_uses_the_previous_session():
    out = trailing_returns(small_bars(), periods=(1,), as_of="2024-01-06")
    assert out.loc["600001", "ret_1d"] == pytest.approx(13.65 / 13 - 1)
    assert out.loc["600001", "as_of"] == pd.Timestamp("2024-01-05")


def test_codes_keep_order_and_unknown_codes_are_nan():
    out = trailing_returns(small_bars(), periods=(1,), codes=["600003", "600001", "688999"])
    assert out.index.tolist() == ["600003", "600001", "688999"]
    assert math.isnan(out.loc["688999", "ret_1d"])


def read_closes(path: Path, code: str) -> list[tuple[str, float]]:
    with path.open(newline="") as fh:
        return [(r["date"], float(r["close"])) for r in csv.DictReader(fh) if r["code"] == code]


@pytest.fixture(scope="module")
def sample_bars() -> pd.DataFrame:
    return pd.read_csv(STOCKS_CSV, dtype={"code": str}, parse_dates=["date"])


def test_300133_on_the_tariff_crash(sample_bars):
    series = read_closes(STOCKS_CSV, "300133")
    dates = [d for d, _ in series]
    i = dates.index("2025-04-07")
    close = dict(series)
    last_2024 = max(d for d in dates if d < "2025-01-01")
    out = trailing_returns(sample_bars, as_of="2025-04-07").loc["300133"]
    assert out["ret_1d"] == pytest.approx(6.00 / 7.33 - 1)
    assert round(out["ret_1d"] * 100, 1) == -18.1
    assert out["ret_5d"] == pytest.approx(close["2025-04-07"] / series[i - 5][1] - 1)
    assert out["ret_20d"] == pytest.approx(close["2025-04-07"] / series[i - 20][1] - 1)
    assert out["ret_60d"] == pytest.approx(close["2025-04-07"] / series[i - 60][1] - 1)
    assert out["ret_ytd"] == pytest.approx(close["2025-04-07"] / close[last_2024] - 1)


def test_suspended_stock_carries_its_close(sample_bars):
    # 688041 had no bars 2025-05-26 .. 2025-06-09 (merger halt).
    out = trailing_returns(sample_bars, periods=(1, 5), as_of="2025-06-09").loc["688041"]
    closes = dict(read_closes(STOCKS_CSV, "688041"))
    assert out["ret_1d"] == 0.0 and out["ret_5d"] == 0.0
    assert out["close"] == closes["2025-05-23"]
    assert out["last_date"] == pd.Timestamp("2025-05-23")


@pytest.mark.parametrize("code, expected_pct", [("000300", -7.05), ("399006", -12.50)])
def test_index_one_day_returns(code, expected_pct):
    series = read_closes(INDEX_CSV, code)
    close = dict(series)
    frame = pd.DataFrame(series, columns=["date", "close"]).assign(code=code)
    out = series_returns(frame, as_of="2025-04-07")
    assert out["ret_1d"] == pytest.approx(close["2025-04-07"] / close["2025-04-03"] - 1)
    assert round(out["ret_1d"] * 100, 2) == expected_pct
    dates = [d for d, _ in series]
    last_2024 = max(d for d in dates if d < "2025-01-01")
    assert out["ret_ytd"] == pytest.approx(close["2025-04-07"] / close[last_2024] - 1)
