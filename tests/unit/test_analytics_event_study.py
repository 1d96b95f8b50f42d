"""Tests for tui.analytics.event_study: day 0, windows, exclusions, abnormal returns, t."""

from __future__ import annotations

import csv
import json
import math
import statistics
from pathlib import Path

import pandas as pd
import pytest

import tui
from tui.analytics.event_study import (
    DEFAULT_WINDOWS,
    event_study,
    event_study_many,
    event_study_windows,
    summary_frame,
)

SAMPLE = Path(tui.__file__).parent / "data" / "sample"
STOCKS_CSV = SAMPLE / "a_share_daily_qfq_20240102_20251121.csv"
INDEX_CSV = SAMPLE / "index_daily_000300_399006_20240102_20251121.csv"

SESSIONS = [str(d.date()) for d in pd.bdate_range("2024-03-04", periods=8)]  # 03-04 .. 03-13
BENCH = [100, 101, 102, 100, 103, 104, 105, 106]
FULL = {
    "600001": [10, 10.5, 11, 10.8, 11.5, 12, 12.2, 12.5],
    "600002": [20, 20, 21, 22, 21, 23, 24, 24],
    "600003": [5, 5.1, 5.2, 5.3, 5.4, 5.5, 5.6, 5.7],
}
KEYS = {"day0", "window", "benchmark", "benchmark_return", "theme_return", "theme_abnormal",
        "n", "stocks", "excluded"}


def small() -> tuple[pd.DataFrame, pd.Series]:
    rows = [(code, SESSIONS[i], c) for code, closes in FULL.items() for i, c in enumerate(closes)]
    rows += [("600004", SESSIONS[i], 8.0 + i) for i in range(8) if i != 4]  # suspended 03-08
    rows += [("600005", SESSIONS[i], 3.0 + i) for i in range(3, 8)]  # first bar 03-07
    rows += [("600006", SESSIONS[i], 7.0) for i in range(0, 6)]  # last bar 03-11
    bars = pd.DataFrame(rows, columns=["code", "date", "close"])
    bars["date"] = pd.to_datetime(bars["date"])
    bench = pd.Series(BENCH, index=pd.to_datetime(SESSIONS), name="sh000300", dtype="float64")
    return bars, bench


def test_non_session_event_moves_to_next_session_and_window_returns():
    bars, bench = small()
    res = event_study(bars, bench, "2024-03-09", window=(-1, 1))  # Saturday -> Monday 03-11
    assert res.day0.isoformat() == "2024-03-11"
    lo, hi = 3, 6  # day a-1 = day -2 = 03-07, day b = 03-12
    bench_r = BENCH[hi] / BENCH[lo] - 1
    assert res.benchmark_return == pytest.approx(bench_r)
    want = {code: closes[hi] / closes[lo] - 1 for code, closes in FULL.items()}
    want["600005"] = (3.0 + 6) / (3.0 + 3) - 1  # first bar exactly on day a-1: included
    got = {s["code"]: s for s in res.stocks}
    assert set(got) == set(want) and res.n == 4
    for code, r in want.items():
        assert got[code]["return"] == pytest.approx(r)
        assert got[code]["abnormal"] == pytest.approx(r - bench_r)
    assert res.theme_return == pytest.approx(statistics.fmean(want.values()))
    abn = [r - bench_r for r in want.values()]
    assert res.theme_abnormal == pytest.approx(statistics.fmean(abn))
    assert res.t_stat == pytest.approx(statistics.fmean(abn) / (statistics.stdev(abn) / math.sqrt(4)))
    reasons = {e["code"]: e["reason"] for e in res.excluded}
    assert reasons == {
        "600004": "suspended on 2024-03-08",
        "600006": "window ends after the last bar (2024-03-11)",
    }


def test_late_listing_is_excluded_with_reason():
    bars, bench = small()
    res = event_study(bars, bench, "2024-03-11", window=(-3, 0))  # day a-1 = 03-05
    reasons = {e["code"]: e["reason"] for e in res.excluded}
    assert reasons["600005"].startswith("no bars on or before day a-1 (2024-03-05)")
    assert "first bar 2024-03-07" in reasons["600005"]
    assert res.benchmark_return == pytest.approx(BENCH[5] / BENCH[1] - 1)


def test_window_past_the_last_session_excludes_everyone():
    bars, bench = small()
    res = event_study(bars, bench, "2024-03-11", window=(0, 9))
    assert res.n == 0 and res.benchmark_return is None and res.theme_return is None
    assert {e["reason"] for e in res.excluded} == {"window ends after the last session (2024-03-13)"}
    assert len(res.excluded) == 6


def test_t_stat_needs_three_stocks_and_to_dict_shape():
    bars, bench = small()
    res = event_study(bars, bench, "2024-03-11", window=(0, 2), codes=["600001", "600002"])
    assert res.n == 2 and res.t_stat is None
    d = res.to_dict()
    assert set(d) == KEYS
    assert d["window"] == [0, 2] and d["day0"] == "2024-03-11" and d["benchmark"] == "sh000300"
    assert all(set(s) == {"code", "return", "abnormal"} for s in d["stocks"])
    json.dumps(d)  # JSON-ready
    empty = event_study(bars, bench, "2024-03-11", window=(0, 2), codes=["600001", "688999"])
    assert empty.excluded == [{"code": "688999", "reason": "no bars"}]


def test_many_matches_single_calls_and_sessions_override():
    bars, bench = small()
    days = ["2024-03-06", "2024-03-09", "2024-03-11"]
    many = event_study_many(bars, bench, days, DEFAULT_WINDOWS)
    assert len(many) == len(days) * len(DEFAULT_WINDOWS)
    for k, res in enumerate(many):
        single = event_study(bars, bench, days[k // 4], window=DEFAULT_WINDOWS[k % 4])
        assert res.to_dict() == single.to_dict()
    frame = summary_frame(many)
    assert frame["n"].tolist() == [r.n for r in many]
    with pytest.raises(ValueError):
        event_study(bars, bench, "2024-03-11", window=(2, 0))
    custom = event_study(bars, bench, "2024-03-06", window=(0, 0), sessions=SESSIONS[:5])
    assert custom.day0.isoformat() == "2024-03-06"


# --- the shipped real bars ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_bars() -> pd.DataFrame:
    return pd.read_csv(STOCKS_CSV, dtype={"code": str}, parse_dates=["date"])


@pytest.fixture(scope="module")
def indices() -> pd.DataFrame:
    frame = pd.read_csv(INDEX_CSV, dtype={"code": str}, parse_dates=["date"])
    frame["code"] = frame["code"].map({"000300": "sh000300", "399006": "sz399006"})
    return frame


@pytest.fixture(scope="module")
def csv_closes() -> tuple[dict, dict]:
    with STOCKS_CSV.open(newline="") as fh:
        stocks = {(r["code"], r["date"]): float(r["close"]) for r in csv.DictReader(fh)}
    with INDEX_CSV.open(newline="") as fh:
        index = {(r["code"], r["date"]): float(r["close"]) for r in csv.DictReader(fh)}
    return stocks, index


@pytest.mark.parametrize("bench_code, raw_code, pct", [("sh000300", "000300", -7.05), ("sz399006", "399006", -12.50)])
def test_tariff_crash_day(sample_bars, indices, csv_closes, bench_code, raw_code, pct):
    stocks, index = csv_closes
    res = event_study(sample_bars, indices, "2025-04-06", window=(0, 0), benchmark_code=bench_code)
    assert res.day0.isoformat() == "2025-04-07" and res.benchmark == bench_code
    bench_r = index[(raw_code, "2025-04-07")] / index[(raw_code, "2025-04-03")] - 1
    assert res.benchmark_return == pytest.approx(bench_r)
    assert round(res.benchmark_return * 100, 2) == pct
    got = {s["code"]: s for s in res.stocks}
    assert got["300133"]["return"] == pytest.approx(6.00 / 7.33 - 1)
    assert round(got["300133"]["return"] * 100, 1) == -18.1
    assert got["300133"]["abnormal"] == pytest.approx(6.00 / 7.33 - 1 - bench_r)
    codes = {c for c, _ in stocks}
    moves = [stocks[(c, "2025-04-07")] / stocks[(c, "2025-04-03")] - 1 for c in codes]
    assert res.n == 18 and res.excluded == []
    assert res.theme_return == pytest.approx(statistics.fmean(moves))
    assert res.theme_abnormal == pytest.approx(statistics.fmean(moves) - bench_r)


def test_platform_launch_day(sample_bars, indices):
    res = event_study(sample_bars, indices, "2025-03-13", window=(0, 0), benchmark_code="sh000300")
    assert round(res.benchmark_return * 100, 2) == -0.40  # 3911.58, -0.40% (PROVENANCE.md)


def test_merger_halt_and_single_day_suspension_reasons(sample_bars, indices, csv_closes):
    stocks, index = csv_closes
    sessions = sorted(d for c, d in index if c == "000300")
    i0 = sessions.index("2025-05-27")
    window_days = sessions[i0 - 1 : i0 + 3]  # day a-1 .. day b for [0, 2]
    gaps = [d for d in window_days if ("688041", d) not in stocks]
    res = event_study(sample_bars, indices, "2025-05-27", window=(0, 2), benchmark_code="sh000300")
    reasons = {e["code"]: e["reason"] for e in res.excluded}
    assert reasons == {"688041": "suspended on " + ", ".join(gaps)}
    assert res.n == 17
    nov = event_study_windows(sample_bars, indices, "2025-11-11", [(0, 2), (0, 9)], benchmark_code="sh000300")
    assert {e["code"]: e["reason"] for e in nov[0].excluded} == {"002602": "suspended on 2025-11-11"}
    last = sessions[-1]
    assert nov[1].n == 0 and nov[1].benchmark_return is None
    assert nov[1].excluded[0]["reason"] == f"window ends after the last session ({last})"
