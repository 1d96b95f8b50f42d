"""`watchlist add` without --name: online, the name comes from the source (short deadline);
offline or stalled, the clear refusal stays (issue 13 item 5). No network: fake sources."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import WATCHLISTS
from tui.cli import main
from tui.jobs import name_lookup
from tui.sources.base import Failure, FailureKind, FetchResult

RELEASE = threading.Event()


class NamedSource:
    name = "fake"

    def fetch_quotes(self, codes):
        names = {"300002": "神州泰岳", "00700": "腾讯控股"}
        rows = [{"code": c, "name": names[c]} for c in codes if c in names]
        return FetchResult(pd.DataFrame(rows), [Failure(c, FailureKind.UNKNOWN_CODE, "unknown code") for c in codes if c not in names])


class OfflineSource:
    name = "fake"

    def fetch_quotes(self, codes):
        return FetchResult(pd.DataFrame(), [Failure(c, FailureKind.NETWORK, "network unreachable") for c in codes])


class StalledSource:
    name = "fake"

    def fetch_quotes(self, codes):
        RELEASE.wait(60)
        return FetchResult(pd.DataFrame(), [])


@pytest.fixture
def wl(tmp_path: Path) -> Path:
    d = tmp_path / "watchlists"
    d.mkdir()
    shutil.copyfile(WATCHLISTS / "compute-power.yaml", d / "compute-power.yaml")
    return d


def add(wl: Path, *argv: str) -> int:
    return main(["--watchlists", str(wl), "watchlist", "add", "compute-power", *argv])


def test_online_the_name_is_looked_up(wl, monkeypatch, capsys):
    monkeypatch.setenv("THEME_TRACKER_SOURCE", f"{__name__}:NamedSource")
    assert add(wl, "300002") == 0
    assert "added 300002 神州泰岳" in capsys.readouterr().out
    assert add(wl, "00700", "--market", "HK") == 0
    assert '  - code: "00700"\n    market: HK\n    name: 腾讯控股\n' in (wl / "compute-power.yaml").read_text(encoding="utf-8")


def test_an_unknown_code_is_refused_with_the_reason(wl, monkeypatch, capsys):
    monkeypatch.setenv("THEME_TRACKER_SOURCE", f"{__name__}:NamedSource")
    assert add(wl, "300003") == 2
    err = capsys.readouterr().err
    assert "the online lookup failed: unknown code" in err and "pass it with --name" in err


def test_offline_the_refusal_stays(wl, monkeypatch, capsys):
    before = (wl / "compute-power.yaml").read_bytes()
    monkeypatch.setenv("THEME_TRACKER_SOURCE", f"{__name__}:OfflineSource")
    assert add(wl, "300002") == 2
    err = capsys.readouterr().err
    assert "network unreachable" in err and "pass it with --name" in err
    assert (wl / "compute-power.yaml").read_bytes() == before


def test_a_stalled_source_is_abandoned_at_the_deadline(wl, monkeypatch, capsys):
    monkeypatch.setenv("THEME_TRACKER_SOURCE", f"{__name__}:StalledSource")
    monkeypatch.setattr(name_lookup, "NAME_LOOKUP_DEADLINE_S", 0.3)
    started = time.monotonic()
    try:
        assert add(wl, "300002") == 2
    finally:
        RELEASE.set()
    assert time.monotonic() - started < 10
    assert "no answer within 0.3 s" in capsys.readouterr().err


def test_a_name_another_watchlist_knows_needs_no_network(wl, monkeypatch, capsys):
    monkeypatch.setenv("THEME_TRACKER_SOURCE", f"{__name__}:StalledSource")
    (wl / "other.yaml").write_text('id: other\nname: 其他\nstocks:\n  - code: "300002"\n    name: 神州泰岳\n', encoding="utf-8")
    assert add(wl, "300002") == 0
    assert "神州泰岳" in capsys.readouterr().out
