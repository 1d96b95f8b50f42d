"""`theme-tracker event-study` on the shipped sample bars, checked against the CSV by hand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import CATALYSTS, ROOT, WATCHLISTS
from tui.cli import main

SAMPLE = ROOT / "tui" / "data" / "sample"
STOCKS_CSV = SAMPLE / "a_share_daily_qfq_20240102_20251121.csv"
INDEX_CSV = SAMPLE / "index_daily_000300_399006_20240102_20251121.csv"


def closes(path: Path, code: str) -> dict[str, float]:
    with path.open(encoding="utf-8") as fh:
        return {row["date"]: float(row["close"]) for row in csv.DictReader(fh) if row["code"].lstrip("shz") == code.lstrip("shz")}


def run(capsys, tmp_path, *args: str) -> tuple[int, str, str]:
    code = main(["--watchlists", str(WATCHLISTS), "--catalysts", str(CATALYSTS), "--data-dir", str(tmp_path / "data"), "event-study", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_for_the_hangzhou_launch_matches_the_bars(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path, "--catalyst", "hangzhou-scheduling-platform-2025-03-13", "--window", "0:2", "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert {"day0", "window", "benchmark", "benchmark_return", "theme_return", "theme_abnormal", "n", "stocks", "excluded"} <= set(result)
    assert result["day0"] == "2025-03-13" and result["window"] == [0, 2] and result["benchmark"] == "sh000300"
    # Day 0 = 2025-03-13 (a session); day -1 = 03-12; day +2 = 03-17.
    bench = closes(INDEX_CSV, "000300")
    bench_ret = bench["2025-03-17"] / bench["2025-03-12"] - 1
    assert result["benchmark_return"] == pytest.approx(bench_ret, abs=1e-12)
    huace = closes(STOCKS_CSV, "300133")
    stock = next(s for s in result["stocks"] if s["code"] == "300133")
    assert stock["return"] == pytest.approx(huace["2025-03-17"] / huace["2025-03-12"] - 1, abs=1e-12)
    assert stock["abnormal"] == pytest.approx(stock["return"] - bench_ret, abs=1e-12)
    # The theme figure is the mean over stocks with bars on every session of the window.
    assert result["n"] == len(result["stocks"]) == 18
    assert result["theme_abnormal"] == pytest.approx(sum(s["abnormal"] for s in result["stocks"]) / 18, abs=1e-12)
    assert {e["code"] for e in result["excluded"]} >= {"688256", "603019"}  # no bars shipped for them
    assert result["claimed_reaction"] == "算力租赁指数3日涨12%（美利云5天3板）"
    assert result["sample_data"] is True and "sample" in err


def test_default_windows_table_shows_claim_and_measurement(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "--catalyst", "hangzhou-scheduling-platform-2025-03-13")
    assert code == 0
    assert "claimed: 算力租赁指数3日涨12%" in out
    for label in ("[-1,+1]", "[+0,+2]", "[+0,+4]", "[+0,+9]"):
        assert label in out
    assert "excluded:" in out and "688256" in out


def test_a_non_session_date_starts_on_the_next_session(capsys, tmp_path):
    # 2025-04-05 is a Saturday (and 04-04 Qingming): day 0 is Monday 2025-04-07.
    code, out, _ = run(capsys, tmp_path, "--date", "2025-04-05", "--window", "0:0", "--benchmark", "sz399006", "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["day0"] == "2025-04-07" and result["benchmark"] == "sz399006"
    chinext = closes(INDEX_CSV, "399006")
    assert result["benchmark_return"] == pytest.approx(chinext["2025-04-07"] / chinext["2025-04-03"] - 1, abs=1e-12)
    assert result["benchmark_return"] == pytest.approx(-0.1250, abs=5e-5)


def test_csv_has_a_row_per_stock_and_a_theme_row(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "--date", "2025-03-13", "--window", "-1:1", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert rows[-1]["code"] == "THEME"
    assert {r["code"] for r in rows if r["excluded_reason"]} >= {"688256"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--catalyst", "nfra-leasing-list-2024-08"], "dated only to 2024-08"),
        (["--catalyst", "jiliu-hk-ipo-filing"], "has no date"),
        (["--catalyst", "nope"], "no catalyst 'nope'"),
        (["--date", "2025-03-13", "--window", "2:0"], "is after the end"),
        (["--date", "2025-03-13", "--window", "x"], "expected A:B"),
        (["--date", "13/03/2025"], "expected YYYY-MM-DD"),
        (["--date", "2025-03-13", "--benchmark", "000300"], "market prefix"),
    ],
)
def test_usage_errors_exit_2(capsys, tmp_path, args, fragment):
    code, _, err = run(capsys, tmp_path, *args)
    assert code == 2 and fragment in err
