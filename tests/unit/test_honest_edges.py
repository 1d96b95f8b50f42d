"""Honest edges: broken links, absurd readings, NUL bytes, full-width digits, the calendar's
whole history (issue 13 item 10)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from tui.cli import main
from tui.config.loader import load_project
from tui.domain.calendar import BeforeFirstSessionError, TradingCalendar
from tui.domain.codes import CodeError, parse_code
from tui.domain.values import Value


def errors_of(wl: Path) -> list[str]:
    return [f"{d.path.name}:{d.line}:{d.col}: {d.message}" for d in load_project(wl, None).errors]


def test_a_dangling_symlink_is_reported(tmp_path: Path):
    wl = tmp_path / "wl"
    wl.mkdir()
    os.symlink(tmp_path / "gone.yaml", wl / "ai-apps.yaml")
    [err] = errors_of(wl)
    assert err.startswith("ai-apps.yaml:1:1: broken symbolic link") and "gone.yaml" in err


def test_a_nul_byte_is_located_at_its_line(tmp_path: Path):
    wl = tmp_path / "wl"
    wl.mkdir()
    (wl / "t.yaml").write_bytes('id: t\nname: 测试\nstocks:\n  - code: "300133"\n    name: 华\x00策\n'.encode())
    [err] = errors_of(wl)
    assert err.startswith("t.yaml:5:12: a NUL byte")


@pytest.mark.parametrize("value", ["9" * 5000, "9" * 400, "1e999", "< 1e999", "1-1e999"])
def test_an_absurd_reading_is_refused_not_shown_as_inf(value):
    with pytest.raises(ValueError) as exc:
        Value.parse(value)
    assert "inf" not in str(exc.value)


def test_a_5000_digit_reading_in_a_file_is_an_error_at_its_line(tmp_path: Path):
    wl = tmp_path / "wl"
    wl.mkdir()
    (wl / "t.yaml").write_text(
        "id: t\nname: 测试\nindicators:\n  - id: x\n    name: x\n    unit: \"%\"\n    readings:\n"
        f"      - date: 2025-01\n        value: {'9' * 5000}\n", encoding="utf-8")
    [err] = errors_of(wl)
    assert err.startswith("t.yaml:9:") and "5,000 digits" in err


def test_reading_add_refuses_5000_digits(tmp_path: Path, capsys):
    import shutil

    from tests.conftest import WATCHLISTS

    wl = tmp_path / "wl"
    wl.mkdir()
    shutil.copyfile(WATCHLISTS / "compute-power.yaml", wl / "compute-power.yaml")
    indicator = load_project(wl, None).themes[0].indicators[0].id
    assert main(["--watchlists", str(wl), "reading", "add", indicator, "--date", "2026-01", "--value", "9" * 5000]) == 1
    assert "digits" in capsys.readouterr().err


def test_full_width_digits_get_their_own_message():
    with pytest.raises(CodeError, match='full-width digits; type it with ASCII digits: "300133"'):
        parse_code("３００１３３")
    with pytest.raises(CodeError, match="full-width"):
        parse_code("30０133")


def test_the_calendar_covers_the_whole_listed_history():
    cal = TradingCalendar(today=date(2026, 11, 22))
    # The 2005 Spring Festival closure (2005-02-07 .. 2005-02-15) is not a run of sessions.
    assert cal.sessions_in_range(date(2005, 2, 7), date(2005, 2, 16)) == [date(2005, 2, 16)]
    assert not cal.is_session(date(1990, 12, 18)) and cal.is_session(date(1990, 12, 19))
    assert cal.xshg_start == date(1990, 12, 19)
    assert not cal.calendar_stale
    with pytest.raises(BeforeFirstSessionError):
        cal.previous_session(date(1990, 12, 19))


def test_schedule_dry_run_in_2005_knows_the_spring_festival(capsys):
    assert main(["schedule", "--dry-run", "--from", "2005-02-07", "--days", "10"]) == 0
    out, err = capsys.readouterr()
    sessions = [line for line in out.splitlines() if " session " in line]
    assert [line[:10] for line in sessions] == ["2005-02-16"]
    assert "stale" not in out + err
