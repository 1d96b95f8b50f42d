"""`board list/show` and `theme new/diff` on recorded board frames (no network)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.fixtures import board_frames as rec
from tui.cli import main
from tui.sources.base import FailureKind

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the shipped watchlists and calendar, a private store, the fake board source."""
    shutil.copytree(ROOT / "watchlists", tmp_path / "watchlists", ignore=shutil.ignore_patterns("*.bak", ".backup"))
    shutil.copy(ROOT / "catalysts.yaml", tmp_path / "catalysts.yaml")
    monkeypatch.setenv("THEME_TRACKER_SOURCE", "tests.fixtures.board_frames:make_source")
    monkeypatch.setenv("THEME_TRACKER_TODAY", "2026-12-04")
    fake = rec.FakeBoards()
    monkeypatch.setattr(rec.FakeBoardSource, "boards_fetcher", fake)
    base = ["--watchlists", str(tmp_path / "watchlists"), "--catalysts", str(tmp_path / "catalysts.yaml"),
            "--data-dir", str(tmp_path / "data")]

    def run(*argv: str) -> int:
        return main([*base, *argv])

    run.fake = fake  # type: ignore[attr-defined]
    run.dir = tmp_path  # type: ignore[attr-defined]
    return run


def test_board_list_json_and_match(project, capsys):
    assert project("board", "list", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["stale"] is False and doc["as_of"].startswith("20")
    codes = [b["code"] for b in doc["boards"]]
    assert codes[0] == "BK0437" and set(codes) >= {"BK1128", "BK1134", "BK0447"}
    cpo = next(b for b in doc["boards"] if b["code"] == "BK1128")
    assert cpo == {
        "kind": "concept", "code": "BK1128", "name": "CPO概念", "price": 2681.19, "change_pct": -2.88,
        "up_count": 2, "down_count": 41, "breadth": pytest.approx(2 / 43), "leader_name": "奥飞数据",
        "leader_change_pct": 11.02, "market_cap": 1.9e12, "turnover_rate": 4.25,
    }
    assert project("board", "list", "--match", "cpo") == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and "BK1128" in out[1] and "奥飞数据" in out[1] and "-2.88%" in out[1]


def test_a_stale_cached_list_is_shown_marked(project, capsys):
    assert project("board", "list", "--kind", "concept") == 0
    capsys.readouterr()
    project.fake.fail = FailureKind.TIMEOUT
    assert project("board", "list", "--kind", "concept", "--refresh", "--format", "json") == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["stale"] is True and "timed out" in doc["error"] and len(doc["boards"]) == 5
    assert "fetch failed (timed out [fake]); showing the copy cached at" in captured.err


def test_board_list_with_nothing_cached_and_the_source_down(project, capsys):
    project.fake.fail = FailureKind.NETWORK
    assert project("board", "list") == 1
    assert "no boards stored and none fetched (network unreachable [fake])" in capsys.readouterr().err


def test_board_show_marks_theme_members(project, capsys):
    assert project("board", "show", "算力租赁", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["board"] == {"code": "BK1134", "name": "算力租赁", "kind": "concept"}
    members = {m["code"]: m for m in doc["members"]}
    assert len(members) == 7
    assert members["300133"]["themes"] == ["compute-power"] and members["300418"]["themes"] == []
    assert members["300067"]["price"] is None  # suspended: no price, never 0


def test_board_show_unknown_name_is_a_clear_error(project, capsys):
    assert project("board", "show", "液冷服务器") == 1
    err = capsys.readouterr().err
    assert "unknown board '液冷服务器'" in err and "board list --match" in err


def test_theme_new_from_a_board_passes_validate_unchanged(project, capsys):
    assert project("theme", "new", "compute-lease", "--name", "算力租赁（板块）", "--board", "BK1134") == 0
    out = capsys.readouterr().out
    path = project.dir / "watchlists" / "compute-lease.yaml"
    assert f"wrote {path}: 7 stock(s) from 算力租赁（BK1134）" in out
    text = path.read_text(encoding="utf-8")
    assert '  - code: "002602"\n    name: 世纪华通' in text
    assert "boards:" in text and "{code: BK1134, name: 算力租赁, kind: concept, added: 2026-12-04}" in text
    assert "outlet: 东方财富, date: 2026-12-04" in text
    assert project("validate") == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().err


def test_theme_new_without_board_writes_a_commented_template(project, capsys):
    assert project("theme", "new", "ai-apps", "--name", "AI应用") == 0
    text = (project.dir / "watchlists" / "ai-apps.yaml").read_text(encoding="utf-8")
    assert "id: ai-apps\nname: AI应用\n" in text and '# - code: "300738"' in text
    assert project("validate") == 0
    assert project("watchlist", "add", "ai-apps", "300418", "--name", "昆仑万维") == 0
    assert '  - code: "300418"\n    name: 昆仑万维\n  # - code: "300738"' in (project.dir / "watchlists" / "ai-apps.yaml").read_text(encoding="utf-8")


def test_theme_new_refuses_an_existing_theme_or_bad_id(project, capsys):
    before = (project.dir / "watchlists" / "compute-power.yaml").read_bytes()
    assert project("theme", "new", "compute-power", "--name", "x") == 1
    assert "already exists" in capsys.readouterr().err
    assert (project.dir / "watchlists" / "compute-power.yaml").read_bytes() == before
    assert project("theme", "new", "Bad Id", "--name", "x") == 2


def test_theme_diff_lists_both_sides(project, capsys):
    assert project("theme", "diff", "compute-power", "--board", "算力租赁", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["code"] for s in doc["missing"]] == ["300418", "603083"]
    assert doc["missing"][0]["boards"] == ["算力租赁（BK1134）"]
    assert doc["common"] == 5 and len(doc["extra"]) == 24 and doc["applied"] == []


def test_theme_diff_without_a_recorded_board_asks_for_one(project, capsys):
    assert project("theme", "diff", "compute-power") == 2
    assert "records no board: pass --board" in capsys.readouterr().err


def test_theme_diff_apply_add_keeps_every_comment(project, capsys):
    path = project.dir / "watchlists" / "compute-power.yaml"
    before = path.read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert project("theme", "diff", "compute-power", "--board", "BK1134", "--apply", "add") == 0
    out = capsys.readouterr().out
    assert "added 300418 昆仑万维" in out and "added 603083 剑桥科技" in out
    after = path.read_text(encoding="utf-8")
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == comments
    assert set(before.splitlines()) <= set(after.splitlines())  # nothing of the user's lost
    assert "  - code: \"300418\"\n    name: 昆仑万维\n    source: {outlet: 东方财富, title: 板块成分 算力租赁（BK1134）, date: '2026-12-04'}" in after
    assert project("validate") == 0
    capsys.readouterr()
    assert project("theme", "diff", "compute-power", "--board", "BK1134", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["missing"] == []


def test_theme_diff_removes_only_named_stocks_no_board_has(project, capsys):
    path = project.dir / "watchlists" / "compute-power.yaml"
    assert project("theme", "diff", "compute-power", "--board", "BK1134", "--remove", "300133") == 1
    assert "a compared board has it" in capsys.readouterr().err
    assert project("theme", "diff", "compute-power", "--board", "BK1134", "--remove", "688041") == 0
    assert "removed 688041" in capsys.readouterr().out
    assert 'code: "688041"' not in path.read_text(encoding="utf-8") and '"300133"' in path.read_text(encoding="utf-8")


def test_theme_diff_uses_the_boards_a_theme_records(project, capsys):
    assert project("theme", "new", "lease", "--name", "租赁", "--board", "BK1134") == 0
    capsys.readouterr()
    project.fake.members["BK1134"] = rec.COMPUTE_MEMBERS + [("301085", "亚康股份", 30.0, 1.0)]
    assert project("theme", "diff", "lease", "--refresh") == 0
    out = capsys.readouterr().out
    assert out.startswith("lease vs 算力租赁（BK1134）: 7 in both, 1 in the board(s) only, 0 in the theme only")
    assert "301085  亚康股份" in out


def test_offline_show_reads_the_cache(project, capsys):
    assert project("board", "show", "BK1134") == 0
    capsys.readouterr()
    project.fake.fail = FailureKind.NETWORK
    assert project("board", "show", "BK1134", "--offline", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["members"]) == 7 and doc["stale"] is False
