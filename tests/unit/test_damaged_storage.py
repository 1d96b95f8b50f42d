"""Damaged, read-only or full storage and impossible dates: a message and exit 1, never a traceback."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import CATALYSTS, WATCHLISTS
from tests.unit.test_refresh import FakeSource, full_series
from tui.cli import main
from tui.config import atomic
from tui.sources import akshare_source
from tui.store import DB_FILENAME, Store
from tui.store import store as store_module


def cli(capsys, data: Path, *argv: str, watchlists: Path = WATCHLISTS) -> tuple[int, str, str]:
    code = main(["--watchlists", str(watchlists), "--catalysts", str(CATALYSTS), "--data-dir", str(data), *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    with Store.open(d):  # the sample bars
        pass
    conn = sqlite3.connect(d / DB_FILENAME)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return d


def damage(data: Path) -> None:
    """Garbage over the pages holding the bars (the store opens; reading bars fails)."""
    db = data / DB_FILENAME
    size = db.stat().st_size
    with db.open("r+b") as f:
        for offset in range(size // 4, size - 4096, 4096):
            f.seek(offset + 64)
            f.write(b"\xde\xad\xbe\xef" * 400)


@pytest.mark.parametrize(
    "argv",
    [["snapshot", "--date", "2025-05-27"], ["event-study", "--catalyst", "hangzhou-scheduling-platform-2025-03-13"],
     ["event-study", "--date", "2025-05-27"]],
)
def test_garbage_in_a_page_says_the_store_is_damaged(capsys, data, tmp_path, argv):
    damage(data)
    if argv[0] == "snapshot":
        argv = [*argv, "--out", str(tmp_path / "out")]
    code, _, err = cli(capsys, data, *argv)
    assert code == 1
    assert "is damaged" in err and str(data / DB_FILENAME) in err
    assert "theme-tracker store check" in err and "theme-tracker store rebuild" in err


def test_store_check_and_rebuild(capsys, data, tmp_path):
    code, out, _ = cli(capsys, data, "store", "check")
    assert code == 0 and out.strip().endswith(": ok")
    damage(data)
    code, out, _ = cli(capsys, data, "store", "check")
    assert code == 1 and "damaged" in out and "store rebuild" in out
    watchlist_before = (WATCHLISTS / "compute-power.yaml").read_bytes()
    code, out, _ = cli(capsys, data, "store", "rebuild")
    assert code == 0 and "moved to" in out
    kept = [p for p in data.iterdir() if p.name.startswith(f"{DB_FILENAME}.damaged-") and not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and kept[0].stat().st_size > 0  # the damaged file is kept, never deleted
    assert cli(capsys, data, "store", "check")[0] == 0
    code, _, _ = cli(capsys, data, "snapshot", "--date", "2025-05-27", "--out", str(tmp_path / "out"))
    assert code == 0  # the sample was loaded again
    assert (WATCHLISTS / "compute-power.yaml").read_bytes() == watchlist_before


def test_store_check_without_a_store(capsys, tmp_path):
    code, out, _ = cli(capsys, tmp_path / "none", "store", "check")
    assert code == 1 and "no store" in out


@pytest.fixture
def read_only(monkeypatch):
    """The store as on a read-only file: every write fails as SQLite reports it."""
    real = store_module.connect

    def connect(path, **kw):
        conn = real(path, **kw)
        conn.execute("PRAGMA query_only = ON")
        return conn

    monkeypatch.setattr(store_module, "connect", connect)


def test_read_only_store_snapshot(capsys, data, tmp_path, read_only):
    code, _, err = cli(capsys, data, "snapshot", "--date", "2025-05-27", "--out", str(tmp_path / "out"))
    assert code == 1 and "is read-only" in err and str(data / DB_FILENAME) in err


def test_read_only_store_refresh(capsys, data, monkeypatch, read_only):
    monkeypatch.setattr(akshare_source, "AkshareSource", lambda **kw: FakeSource(full_series()))
    code, _, err = cli(capsys, data, "refresh", "--codes", "300133", "--quotes-only")
    assert code == 1 and "is read-only" in err


def test_full_disk_during_a_yaml_edit(capsys, tmp_path, monkeypatch):
    wl = tmp_path / "watchlists"
    wl.mkdir()
    shutil.copyfile(WATCHLISTS / "compute-power.yaml", wl / "compute-power.yaml")
    before = (wl / "compute-power.yaml").read_bytes()

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "write_temp", full)
    code, _, err = cli(capsys, tmp_path / "d", "watchlist", "add", "compute-power", "300002", "--name", "神州泰岳", watchlists=wl)
    assert code == 1 and "no space left on the device" in err and "unchanged" in err
    assert (wl / "compute-power.yaml").read_bytes() == before


def test_full_disk_during_a_snapshot_leaves_no_partial_session_folder(capsys, data, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert cli(capsys, data, "snapshot", "--date", "2025-05-27", "--out", str(out))[0] == 0
    complete = sorted(p.name for p in (out / "2025-05-27").iterdir())
    assert len(complete) == 6
    first = {p.name: p.read_bytes() for p in (out / "2025-05-27").iterdir()}
    real, calls = atomic.write_temp, []

    def fills_up(path, data):
        calls.append(path)
        if len(calls) == 4:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(atomic, "write_temp", fills_up)
    code, _, err = cli(capsys, data, "snapshot", "--date", "2025-05-27", "--out", str(out))
    assert code == 1 and "no space left" in err
    # The previous complete folder is still there, untouched; no half-written folder anywhere.
    assert {p.name: p.read_bytes() for p in (out / "2025-05-27").iterdir()} == first
    assert sorted(p.name for p in out.iterdir()) == ["2025-05-27"]
    monkeypatch.setattr(atomic, "write_temp", real)
    shutil.rmtree(out)
    calls.clear()
    monkeypatch.setattr(atomic, "write_temp", fills_up)
    assert cli(capsys, data, "snapshot", "--date", "2025-05-27", "--out", str(out))[0] == 1
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [[], ["validate"], ["refresh", "--codes", "300133"], ["event-study", "--date", "2025-05-27"], ["snapshot"],
     ["schedule", "--dry-run"], ["store", "check"], ["watchlist", "remove", "compute-power", "300133"],
     ["catalyst", "set-status", "x", "happened"], ["reading", "add", "x", "--date", "2025-01", "--value", "1"]],
)
def test_an_impossible_today_is_a_message_for_every_command(capsys, tmp_path, monkeypatch, argv):
    monkeypatch.setenv("THEME_TRACKER_TODAY", "2027-13-01")
    code, _, err = cli(capsys, tmp_path / "d", *argv)
    assert code == 1 and "THEME_TRACKER_TODAY='2027-13-01' is not a date" in err


@pytest.mark.parametrize(("start", "days"), [("9999-12-25", None), ("9999-12-25", "30"), ("9999-12-31", "366")])
def test_schedule_plan_near_the_end_of_the_calendar(capsys, tmp_path, start, days):
    argv = ["schedule", "--dry-run", "--from", start, *(["--days", days] if days else [])]
    code, out, err = cli(capsys, tmp_path / "d", *argv)
    assert code == 0 and "9999-12-31" in out
    if days:
        assert "the plan stops at 9999-12-31" in err
