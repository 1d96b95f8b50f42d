"""`theme-tracker snapshot`: contents checked against figures computed here from the sample CSV,
replay, idempotency, offline use, stale/sample marking, date rejection, JSON on stdout."""

from __future__ import annotations

import csv
import json
import os
import socket
import stat
from argparse import Namespace
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import CATALYSTS, WATCHLISTS
from tui.context import Context
from tui.errors import UsageError
from tui.store import Store
from tui.sources.normalize import SHANGHAI

SAMPLE = Path(__file__).resolve().parents[2] / "tui" / "data" / "sample"
STOCKS_CSV = SAMPLE / "a_share_daily_qfq_20240102_20251121.csv"
INDEX_CSV = SAMPLE / "index_daily_000300_399006_20240102_20251121.csv"
DAY = "2025-03-14"
TODAY = date(2026, 11, 22)


# ---------------------------------------------------------------- independent figures


def sample_closes() -> dict[str, dict[str, float]]:
    """code -> {date: close} straight from the sample CSV (csv module, no project code)."""
    out: dict[str, dict[str, float]] = {}
    with open(STOCKS_CSV, newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            out.setdefault(rec["code"], {})[rec["date"]] = float(rec["close"])
    return out


def index_closes(code: str) -> dict[str, float]:
    with open(INDEX_CSV, newline="", encoding="utf-8") as fh:
        return {r["date"]: float(r["close"]) for r in csv.DictReader(fh) if r["code"] == code}


CLOSES = sample_closes()
SESSIONS = sorted({d for series in CLOSES.values() for d in series})


def prev_session(day: str, n: int = 1) -> str:
    return SESSIONS[SESSIONS.index(day) - n]


def expected_change_pct(code: str, day: str = DAY) -> float:
    series = CLOSES[code]
    return (series[day] / series[prev_session(day)] - 1) * 100


def expected_ret(code: str, n: int, day: str = DAY) -> float:
    return CLOSES[code][day] / CLOSES[code][prev_session(day, n)] - 1


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------- helpers


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    return Context(watchlists=WATCHLISTS, catalysts=CATALYSTS, data_dir=tmp_path / "data", today_override=TODAY)


def run_snapshot(ctx: Context, capsys, *, date_: str | None = DAY, out: Path | str | None = None,
                 fmt: str = "csv,json,md") -> tuple[int, str, str]:  # fmt: skip
    from tui.commands import snapshot as cmd

    args = Namespace(date=date_, out=str(out) if out is not None else None, format=fmt)
    code = cmd.run(args, ctx)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def cli(argv: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    import tui.cli

    code = tui.cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def offline(monkeypatch):
    """Any network connection attempt fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the snapshot tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# ---------------------------------------------------------------- contents


def test_replay_of_2025_03_14_matches_the_sample_csv(ctx, tmp_path, capsys, offline):
    code, out, err = run_snapshot(ctx, capsys, out=tmp_path / "out")
    assert code == 0
    paths = [Path(p) for p in out.split()]
    assert [p.name for p in paths] == ["stocks.csv", "themes.csv", "indicators.csv", "catalysts.csv",
                                       "snapshot.json", "report.md"]  # fmt: skip
    assert all(p.parent == tmp_path / "out" / DAY for p in paths)
    rows = {r["code"]: r for r in read_csv(paths[0])}
    assert list(read_csv(paths[0])[0])[:16] == [
        "theme", "code", "name", "segment", "close", "change_pct", "amount", "turnover_rate", "market_cap",
        "ret_5d", "ret_20d", "limit_flag", "suspended", "as_of", "source", "stale",
    ]  # fmt: skip
    for c in ("000815", "300738", "300846", "600589"):
        assert float(rows[c]["close"]) == pytest.approx(CLOSES[c][DAY])
        assert float(rows[c]["change_pct"]) == pytest.approx(expected_change_pct(c), abs=1e-3)
        assert float(rows[c]["ret_5d"]) == pytest.approx(expected_ret(c, 5), abs=1e-5)
        assert float(rows[c]["ret_20d"]) == pytest.approx(expected_ret(c, 20), abs=1e-5)
        assert rows[c]["as_of"] == f"{DAY}T15:00:00+08:00"
    assert rows["000815"]["limit_flag"] == "up"  # 美利云 +9.98% on a ±10% board
    assert rows["000815"]["segment"] and rows["000815"]["theme"] == "compute-power"

    # theme mean move: equal-weighted over the stocks that traded that day and the day before
    moves = [expected_change_pct(c) for c, s in CLOSES.items() if DAY in s and prev_session(DAY) in s]
    theme = read_csv(paths[1])[0]
    assert float(theme["mean_pct"]) == pytest.approx(sum(moves) / len(moves), abs=1e-3)
    assert int(theme["up"]) == sum(m > 0 for m in moves) and int(theme["down"]) == sum(m < 0 for m in moves)
    chinext = index_closes("399006")
    assert float(theme["benchmark_pct"]) == pytest.approx((chinext[DAY] / chinext[prev_session(DAY)] - 1) * 100, abs=1e-3)
    assert theme["leader"].endswith("000815")


def test_replay_ignores_newer_quotes_and_uses_that_days_quote(ctx, tmp_path, capsys):
    from tui.sources.base import finish_quotes

    def quote(code, price, as_of):
        return {"code": code, "name": "测试", "price": price, "change": 0.0, "change_pct": 1.5, "volume": 1.0,
                "amount": 5e8, "turnover_rate": 3.2, "market_cap": 1e10, "open": price, "high": price,
                "low": price, "prev_close": price, "limit_up": float("nan"), "limit_down": float("nan"),
                "suspended": False, "as_of": as_of, "fetched_at": as_of, "source": "test:live", "is_sample": False}  # fmt: skip

    newer = datetime(2025, 11, 21, 15, 0, tzinfo=SHANGHAI)
    same_day = datetime(2025, 3, 14, 15, 0, 3, tzinfo=SHANGHAI)
    with Store.open(ctx.data_dir) as store:
        store.upsert_quotes(finish_quotes(pd.DataFrame([quote("300738", 999.0, newer), quote("300846", 42.0, same_day)]))[0])
    code, out, _ = run_snapshot(ctx, capsys, out=tmp_path / "out", fmt="csv")
    rows = {r["code"]: r for r in read_csv(Path(out.split()[0]))}
    assert float(rows["300738"]["close"]) == pytest.approx(CLOSES["300738"][DAY])  # the newer quote is ignored
    assert rows["300846"]["close"] == "42.0" and rows["300846"]["turnover_rate"] == "3.2"  # that day's quote
    assert rows["300846"]["source"] == "test:live" and rows["300846"]["stale"] == "false"
    assert rows["300846"]["sample"] == "false"


def test_a_suspended_day_is_marked_suspended_not_moved(ctx, tmp_path, capsys):
    code_ = "688041"  # 海光信息: 10 missing days in 2025 (the merger halt)
    gaps = [d for d in SESSIONS if d.startswith("2025") and d not in CLOSES[code_] and d > min(CLOSES[code_])]
    assert gaps
    code, out, _ = run_snapshot(ctx, capsys, date_=gaps[0], out=tmp_path / "out", fmt="csv")
    row = {r["code"]: r for r in read_csv(Path(out.split()[0]))}[code_]
    assert row["suspended"] == "true" and row["change_pct"] == "" and row["limit_flag"] == ""


def test_default_date_is_the_latest_session_with_data(ctx, tmp_path, capsys):
    code, out, _ = run_snapshot(ctx, capsys, date_=None, out=tmp_path / "out", fmt="json")
    assert Path(out.split()[0]).parent.name == "2025-11-21"


def test_catalysts_indicators_and_reactions(ctx, tmp_path, capsys):
    code, out, _ = run_snapshot(ctx, capsys, out=tmp_path / "out", fmt="csv,json")
    paths = {Path(p).name: Path(p) for p in out.split()}
    cats = {r["id"]: r for r in read_csv(paths["catalysts.csv"])}
    # next 14 days (2025-03-17) and last 7 (03-11, 03-13); nothing older, nothing undated
    assert set(cats) == {"compute-leasing-rally-2025-03-17", "hangzhou-scheduling-platform-2025-03-13",
                         "citic-preview-2025-03-11"}  # fmt: skip
    assert cats["compute-leasing-rally-2025-03-17"]["countdown"] == "3天后"
    assert cats["citic-preview-2025-03-11"]["countdown"] == "3天前"
    assert list(read_csv(paths["catalysts.csv"])[0])[:5] == ["date", "title", "kind", "status", "countdown"]
    # the reaction to 2025-03-11 up to the session: day 0 = 03-11 .. 03-14 is window [0, +3]
    citic = cats["citic-preview-2025-03-11"]
    assert citic["reaction_window"] == "[0,+3]"
    base = prev_session("2025-03-11")
    rets = [s[DAY] / s[base] - 1 for s in CLOSES.values() if all(d in s for d in SESSIONS[SESSIONS.index(base):SESSIONS.index(DAY) + 1])]
    assert float(citic["reaction_theme_pct"]) == pytest.approx(sum(rets) / len(rets) * 100, abs=1e-3)
    hs300 = index_closes("000300")  # the event study's benchmark, whatever the theme's
    bench = (hs300[DAY] / hs300[base] - 1) * 100
    assert float(citic["reaction_abnormal_pct"]) == pytest.approx(sum(rets) / len(rets) * 100 - bench, abs=1e-3)
    assert citic["reaction_benchmark"] == "sh000300"
    doc = json.loads(paths["snapshot.json"].read_text(encoding="utf-8"))
    assert {r["catalyst"] for r in doc["reactions"]} >= {"citic-preview-2025-03-11"}
    inds = read_csv(paths["indicators.csv"])
    assert list(inds[0])[:9] == ["theme", "indicator", "name", "latest", "target", "progress", "status", "reading_date", "source"]
    statuses = {r["indicator"]: r["status"] for r in inds}
    assert statuses["idc-rack-occupancy-aofei-zjk"] == "off_track"


def test_the_reaction_is_the_event_studys_with_its_benchmark_named(ctx, tmp_path, capsys, monkeypatch):
    """report.md said 题材 -0.91%，创业板指 +0.36%（1 只股票） for the 2025-05-27 summit over
    [0,+2] while `event-study` said +2.14% against 沪深300 -0.04%, n=17: one definition now."""
    code, out, _ = run_snapshot(ctx, capsys, date_="2025-05-29", out=tmp_path / "out", fmt="csv,json,md")
    paths = {Path(p).name: Path(p) for p in out.split()}
    argv = ["--watchlists", str(WATCHLISTS), "--catalysts", str(CATALYSTS), "--data-dir", str(ctx.data_dir),
            "event-study", "--catalyst", "aidc-summit-2025-05-27", "--window", "0:2", "--format", "json"]  # fmt: skip
    rc, study_out, _ = cli(argv, monkeypatch, capsys)
    study = json.loads(study_out)
    assert rc == 0 and study["n"] == 17 and study["benchmark"] == "sh000300"
    summit = {r["id"]: r for r in read_csv(paths["catalysts.csv"])}["aidc-summit-2025-05-27"]
    assert summit["reaction_window"] == "[0,+2]" and summit["reaction_benchmark"] == "sh000300"
    assert int(summit["reaction_n"]) == study["n"]
    for column, key in (("reaction_theme_pct", "theme_return"), ("reaction_benchmark_pct", "benchmark_return"),
                        ("reaction_abnormal_pct", "theme_abnormal")):  # fmt: skip
        assert float(summit[column]) == pytest.approx(study[key] * 100, abs=1e-4), column
    doc = json.loads(paths["snapshot.json"].read_text(encoding="utf-8"))
    reaction = next(r for r in doc["reactions"] if r["catalyst"] == "aidc-summit-2025-05-27")
    window = next(w for w in reaction["windows"] if w["window"] == [0, 2])
    assert window["t_stat"] == pytest.approx(study["t_stat"]) and reaction["theme"] == "compute-power"
    line = next(x for x in paths["report.md"].read_text(encoding="utf-8").splitlines() if "2025智算行业峰会" in x and "超额" in x)
    assert f"沪深300 {study['benchmark_return'] * 100:+.2f}%" in line and "创业板指" not in line
    assert f"超额 {study['theme_abnormal'] * 100:+.2f}%" in line and "17/29 只A股等权" in line


def test_a_replay_shows_each_catalyst_as_it_stood_on_the_day(ctx, tmp_path, capsys):
    """The 2025-05-27 summit has happened (catalysts.yaml), but not yet on 2025-05-23."""
    code, out, _ = run_snapshot(ctx, capsys, date_="2025-05-23", out=tmp_path / "before", fmt="csv,md")
    paths = {Path(p).name: Path(p) for p in out.split()}
    summit = {r["id"]: r for r in read_csv(paths["catalysts.csv"])}["aidc-summit-2025-05-27"]
    assert (summit["status"], summit["countdown"], summit["bucket"]) == ("expected", "4天后", "upcoming")
    row = next(line for line in paths["report.md"].read_text(encoding="utf-8").splitlines() if "2025智算行业峰会" in line)
    assert "预期" in row and "已发生" not in row
    code, out, _ = run_snapshot(ctx, capsys, date_="2025-05-29", out=tmp_path / "after", fmt="csv")
    summit = {r["id"]: r for r in read_csv(Path(out.split()[3]))}["aidc-summit-2025-05-27"]
    assert summit["status"] == "happened"


def test_readings_after_the_session_are_left_out(ctx, tmp_path, capsys):
    code, out, _ = run_snapshot(ctx, capsys, date_="2024-03-01", out=tmp_path / "out", fmt="csv")
    inds = {r["indicator"]: r for r in read_csv(Path(out.split()[2]))}
    assert inds["idc-rack-occupancy-aofei-zjk"]["latest"] == ""  # its 2024-12-31 reading came later
    assert inds["idc-rack-occupancy-aofei-zjk"]["status"] == "no_data"


# ---------------------------------------------------------------- marking, idempotency


def test_sample_and_stale_are_marked_in_every_format(ctx, tmp_path, capsys, offline):
    code, out, err = run_snapshot(ctx, capsys, out=tmp_path / "out")
    paths = {Path(p).name: Path(p) for p in out.split()}
    rows = read_csv(paths["stocks.csv"])
    priced = [r for r in rows if r["close"]]
    assert priced and all(r["stale"] == "true" and r["sample"] == "true" for r in priced)
    assert all(r["stale"] == "true" for r in rows if not r["close"])  # no data at all: stale too
    doc = json.loads(paths["snapshot.json"].read_text(encoding="utf-8"))
    assert doc["sample"] is True and doc["stale"] is True and doc["stale_rows"] == len(rows)
    assert all(s["stale"] for s in doc["stocks"]) and any(s["sample"] for s in doc["stocks"])
    assert {w["kind"] for w in doc["warnings"]} >= {"sample", "no_data"}
    report = paths["report.md"].read_text(encoding="utf-8")
    assert "样本数据" in report and "2025-11-21" in report
    assert report.startswith(f"# 题材日报 · {DAY}（周五）")
    for section in ("## 题材概览", "## 个股异动", "## 涨停 / 跌停", "## 催化剂", "## 指标提示", "## 数据提示"):
        assert section in report
    assert "sample history" in err


def test_live_figures_older_than_the_session_are_stale(ctx, tmp_path, capsys):
    from tui.sources.base import finish_bars

    with Store.open(ctx.data_dir) as store:  # live bars for one code, ending the day before
        days = pd.to_datetime([prev_session(DAY, 2), prev_session(DAY)])
        frame = pd.DataFrame({"code": "300738", "date": days, "open": 1.0, "high": 1.0, "low": 1.0,
                              "close": [30.0, 31.0], "volume": 1.0, "amount": 1.0, "adjust": "qfq",
                              "source": "test:live", "is_sample": False})  # fmt: skip
        store.upsert_bars(finish_bars(frame)[0])
        store.conn.execute("DELETE FROM bars WHERE code = '300738' AND date >= ?", (DAY,))
        store.conn.commit()
    code, out, err = run_snapshot(ctx, capsys, out=tmp_path / "out", fmt="csv,md")
    row = {r["code"]: r for r in read_csv(Path(out.split()[0]))}["300738"]
    assert row["sample"] == "false" and row["stale"] == "true" and row["close"] == "31.0"
    report = Path(out.split()[-1]).read_text(encoding="utf-8")
    assert "数据过期" in report and "300738" in report
    assert "not from 2025-03-14" in err


def test_rerun_writes_identical_bytes_and_one_row_per_stock(ctx, tmp_path, capsys):
    code, out1, err1 = run_snapshot(ctx, capsys, out=tmp_path / "out")
    first = {p: Path(p).read_bytes() for p in out1.split()}
    code, out2, err2 = run_snapshot(ctx, capsys, out=tmp_path / "out")
    assert out1 == out2
    assert {p: Path(p).read_bytes() for p in out2.split()} == first
    assert not list((tmp_path / "out" / DAY).glob(".*.tmp"))  # no temp files left behind
    with Store.open(ctx.data_dir) as store:
        rows = store.snapshot_rows(DAY)
        n_stocks = len(read_csv(Path(out1.split()[0])))
        assert len(rows) == n_stocks == len(rows.drop_duplicates(["session", "theme", "code"]))
        assert store.snapshot_sessions() == [date(2025, 3, 14)]
        assert rows.set_index("code").loc["000815", "close"] == pytest.approx(CLOSES["000815"][DAY])
        assert bool(rows.set_index("code").loc["000815", "is_sample"])
    assert f"{n_stocks} unchanged" in err2


def test_snapshot_table_upsert_is_idempotent(tmp_path):
    from tui.store.schema import LATEST_VERSION

    with Store.open(tmp_path, load_sample=False) as store:
        assert LATEST_VERSION >= 3
        frame = pd.DataFrame({"session": ["2026-03-02"], "theme": ["t"], "code": ["300133"], "close": [8.5],
                              "suspended": [False], "stale": [False], "is_sample": [False]})  # fmt: skip
        assert store.upsert_snapshot(frame).inserted == 1
        assert store.upsert_snapshot(frame).unchanged == 1
        frame.loc[0, "close"] = 8.6
        assert store.upsert_snapshot(frame).updated == 1
        got = store.snapshot_rows(code="300133")
        assert got["close"].tolist() == [8.6] and got["session"].tolist() == [date(2026, 3, 2)]


# ---------------------------------------------------------------- the command line


def test_a_weekend_is_rejected_naming_the_nearest_sessions(monkeypatch, capsys, tmp_path):
    code, out, err = cli(["--data-dir", str(tmp_path / "d"), "snapshot", "--date", "2025-03-15"], monkeypatch, capsys)
    assert code == 2 and out == ""
    assert "2025-03-15" in err and "2025-03-14" in err and "2025-03-17" in err


def test_a_session_before_any_stored_bar_says_so_and_exits_1(monkeypatch, capsys, tmp_path):
    """It ended in a traceback; then (once the board coped) it wrote a report of blanks."""
    argv = ["--data-dir", str(tmp_path / "d"), "--watchlists", str(WATCHLISTS), "--catalysts", str(CATALYSTS),
            "snapshot", "--date", "2023-06-01", "--out", str(tmp_path / "o")]  # fmt: skip
    code, out, err = cli(argv, monkeypatch, capsys)
    assert code == 1 and out == ""
    assert "no stored bars for the session 2023-06-01 (the stored history starts 2024-01-02)" in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()
    with Store.open(tmp_path / "d") as store:
        assert store.snapshot_sessions() == []


def test_a_holiday_is_rejected_naming_the_nearest_sessions(ctx, capsys):
    with pytest.raises(UsageError) as info:
        run_snapshot(ctx, capsys, date_="2025-10-01")
    assert "2025-09-30" in str(info.value) and "2025-10-09" in str(info.value)
    assert info.value.exit_code == 2


@pytest.mark.parametrize("argv", [["--date", "2099-01-05"], ["--date", "15/03/2025"], ["--format", "xml"],
                                  ["--format", "csv", "--out", "-"]])  # fmt: skip
def test_usage_errors_exit_2(argv, monkeypatch, capsys, tmp_path):
    code, out, err = cli(["--data-dir", str(tmp_path / "d"), "snapshot", *argv], monkeypatch, capsys)
    assert code == 2 and out == ""


def test_json_to_stdout_is_only_json(monkeypatch, capsys, tmp_path, offline):
    code, out, err = cli(["--data-dir", str(tmp_path / "d"), "snapshot", "--date", DAY, "--format", "json", "--out", "-"],
                         monkeypatch, capsys)  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    assert doc["session"] == DAY and doc["sample"] is True
    assert {"themes", "stocks", "indicators", "catalysts", "reactions", "warnings"} <= set(doc)
    row = next(s for s in doc["stocks"] if s["code"] == "300738")
    assert row["close"] == pytest.approx(CLOSES["300738"][DAY])
    assert not (tmp_path / "d" / "snapshots").exists()  # nothing written to disk


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_snapshot_files_follow_the_users_umask(ctx, tmp_path, capsys, umask, mode):
    """A daily report is meant to be shared: the files were always 0600 (mkstemp's mode)."""
    old = os.umask(umask)
    try:
        code, _, _ = run_snapshot(ctx, capsys, out=tmp_path / "out")
    finally:
        os.umask(old)
    assert code == 0
    files = sorted((tmp_path / "out" / DAY).iterdir())
    assert [f.name for f in files] == sorted(["stocks.csv", "themes.csv", "indicators.csv", "catalysts.csv", "snapshot.json", "report.md"])
    assert {oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == {oct(mode)}
