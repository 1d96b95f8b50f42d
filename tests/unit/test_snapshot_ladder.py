"""The snapshot's ladder contract: stocks.csv streak/one_word/broken/down_streak, themes.csv
top_streak_code/top_streak/ladder/broken_count/promotion_rate, snapshot.json, report.md 连板梯队."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.test_snapshot import ctx, offline, read_csv, run_snapshot  # noqa: F401 (fixtures)


def snapshot_of(day: str, ctx, tmp_path: Path, capsys) -> dict[str, Path]:  # noqa: F811
    code, out, _err = run_snapshot(ctx, capsys, date_=day, out=tmp_path / "out")
    assert code == 0
    return {Path(p).name: Path(p) for p in out.split()}


def test_2025_02_27_600589_is_the_five_board_one_word_top(ctx, tmp_path, capsys, offline):  # noqa: F811
    files = snapshot_of("2025-02-27", ctx, tmp_path, capsys)
    stocks = {r["code"]: r for r in read_csv(files["stocks.csv"])}
    assert list(read_csv(files["stocks.csv"])[0])[-4:] == ["streak", "one_word", "broken", "down_streak"]
    assert (stocks["600589"]["streak"], stocks["600589"]["one_word"], stocks["600589"]["broken"]) == ("5", "true", "false")
    assert stocks["300738"]["streak"] == "0"  # the day's top gainer (领涨) is not on the ladder
    theme = read_csv(files["themes.csv"])[0]
    assert (theme["top_streak_code"], theme["top_streak"], theme["ladder"]) == ("600589", "5", "5:1")
    assert theme["leader"].endswith("300738")  # 领涨 stays the top gainer
    # 02-26: 600589 (4板) and 002335 limit-up; 02-27 only 600589 again: 1 of 2.
    assert (theme["broken_count"], float(theme["promotion_rate"])) == ("0", 0.5)
    data = json.loads(files["snapshot.json"].read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False)
    for key in ("top_streak_code", "top_streak", "ladder", "broken_count", "promotion_rate", "streak", "one_word", "down_streak"):
        assert f'"{key}"' in text
    report = files["report.md"].read_text(encoding="utf-8")
    section = report.split("## 连板梯队", 1)[1].split("\n## ", 1)[0]
    assert "5连板（一字）：大位科技 600589" in section
    assert "最高标 大位科技 600589 5板（一字）" in section and "晋级率 1/2（50%）" in section


def test_2025_02_24_ladder_with_broken_boards(ctx, tmp_path, capsys, offline):  # noqa: F811
    files = snapshot_of("2025-02-24", ctx, tmp_path, capsys)
    stocks = {r["code"]: r for r in read_csv(files["stocks.csv"])}
    # 603881: 33.57 x 1.1 = 36.93 was the high, it closed at 35.33: 炸板.
    assert stocks["603881"]["broken"] == "true" and stocks["603881"]["streak"] == "0"
    assert [stocks[c]["streak"] for c in ("002335", "600589", "600602")] == ["2", "2", "2"]
    theme = read_csv(files["themes.csv"])[0]
    assert (theme["top_streak_code"], theme["ladder"], theme["broken_count"]) == ("600589", "2:3", "1")
    report = files["report.md"].read_text(encoding="utf-8")
    assert "- 2连板（一字）：大位科技 600589、云赛智联 600602" in report
    assert "- 炸板：数据港 603881" in report
