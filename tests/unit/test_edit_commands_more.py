"""Issue 12 item 14: reading add lists valid ids; catalyst add refuses unknown stocks/themes;
an event study of a future catalyst says it has not happened; catalyst remove, reading remove."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import CATALYSTS, WATCHLISTS
from tui.cli import main
from tui.config.loader import load_project


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    wl = tmp_path / "watchlists"
    wl.mkdir()
    shutil.copyfile(WATCHLISTS / "compute-power.yaml", wl / "compute-power.yaml")
    cal = tmp_path / "catalysts.yaml"
    shutil.copyfile(CATALYSTS, cal)
    return wl, cal


def cli(files, *argv: str) -> int:
    wl, cal = files
    return main(["--watchlists", str(wl), "--catalysts", str(cal), "--data-dir", str(wl.parent / "data"), *argv])


def test_reading_add_with_an_unknown_indicator_lists_the_valid_ids(files, capsys):
    assert cli(files, "reading", "add", "nope", "--date", "2025-06", "--value", "1") == 1
    err = capsys.readouterr().err
    ids = [i.id for i in load_project(files[0], None).themes[0].indicators]
    assert "no indicator 'nope'" in err and "indicators: " in err and all(i in err for i in ids)


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [(["--stocks", "30073"], "A-share codes have six digits"),
     (["--stocks", "300002"], "stock 300002 is in no watchlist"),
     (["--themes", "nope"], "theme 'nope' is defined by no watchlist; themes: compute-power"),
     (["--stocks", "３００１３３"], "full-width")],
)
def test_catalyst_add_refuses_unknown_references(files, capsys, extra, fragment):
    before = files[1].read_bytes()
    assert cli(files, "catalyst", "add", "--id", "x-1", "--title", "某事", *extra) == 1
    err = capsys.readouterr().err
    assert fragment in err and "nothing was written" in err
    assert files[1].read_bytes() == before


def test_catalyst_add_with_known_references_and_remove(files, capsys):
    before = files[1].read_bytes()
    assert cli(files, "catalyst", "add", "--id", "x-1", "--title", "某事", "--stocks", "300133", "--themes", "compute-power") == 0
    capsys.readouterr()
    assert cli(files, "catalyst", "remove", "x-1") == 0
    assert capsys.readouterr().out.startswith("removed catalyst x-1")
    assert files[1].read_bytes() == before
    assert cli(files, "catalyst", "remove", "x-1") == 1
    assert "no catalyst 'x-1'" in capsys.readouterr().err


def test_reading_remove(files, capsys):
    wl = files[0]
    before = (wl / "compute-power.yaml").read_bytes()
    assert cli(files, "reading", "add", "lease-price", "--date", "2025-09", "--value", "10-12") == 0
    assert cli(files, "reading", "remove", "lease-price", "--date", "2025-09") == 0
    assert "removed reading 2025-09: 10-12 from lease-price" in capsys.readouterr().out
    assert (wl / "compute-power.yaml").read_bytes() == before
    assert cli(files, "reading", "remove", "lease-price", "--date", "2025-09") == 1
    assert "has no reading 2025-09" in capsys.readouterr().err


def test_reading_remove_asks_for_the_value_when_a_date_has_several(files, capsys):
    assert cli(files, "reading", "add", "lease-price", "--date", "2025-09", "--value", "10") == 0
    assert cli(files, "reading", "add", "lease-price", "--date", "2025-09", "--value", "11") == 0
    capsys.readouterr()
    assert cli(files, "reading", "remove", "lease-price", "--date", "2025-09") == 1
    assert "pass --value" in capsys.readouterr().err
    assert cli(files, "reading", "remove", "lease-price", "--date", "2025-09", "--value", "11") == 0
    indicator = next(i for i in load_project(files[0], None).themes[0].indicators if i.id == "lease-price")
    assert [r.value.low for r in indicator.readings if str(r.date) == "2025-09"] == [10.0]


def test_event_study_of_a_future_catalyst_says_it_has_not_happened(files, capsys, monkeypatch):
    monkeypatch.setenv("THEME_TRACKER_TODAY", "2026-11-22")
    assert cli(files, "event-study", "--date", "2026-12-31", "--theme", "compute-power") == 1
    err = capsys.readouterr().err
    assert "has not happened yet (today is 2026-11-22)" in err and "run `theme-tracker refresh`" not in err


def test_event_study_after_the_last_stored_session_says_where_the_bars_end(files, capsys, monkeypatch):
    monkeypatch.setenv("THEME_TRACKER_TODAY", "2026-11-22")
    assert cli(files, "event-study", "--date", "2026-06-01", "--theme", "compute-power") == 1
    err = capsys.readouterr().err
    assert "is after the last stored session (2025-11-21)" in err
    assert date(2025, 11, 21)
