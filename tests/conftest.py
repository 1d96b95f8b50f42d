"""Shared fixtures: copies of the project's shipped files, a frozen 'today', a Context factory.

Tests never read the working tree's `watchlists/` or `catalysts.yaml`: a user edits those (and
the editors leave `.bak` files beside them). They read `tests/fixtures/shipped/`, copies of the
files as shipped; `tests/unit/test_shipped_fixtures.py` checks that the copies equal the
committed originals.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from datetime import date
from pathlib import Path

import pytest

from tui.context import Context

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "tests" / "fixtures" / "shipped"
WATCHLISTS = SHIPPED / "watchlists"
CATALYSTS = SHIPPED / "catalysts.yaml"
BROKEN = ROOT / "tests" / "fixtures" / "broken"
TODAY = date(2026, 11, 22)

os.environ.setdefault("TQDM_DISABLE", "1")


async def wait_for_startup(pilot, timeout: float = 30.0) -> None:
    """Wait until the app has loaded its stored data and calendar (they load one after the
    other, after the first paint), then for any other workers and pending messages."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    while not getattr(app, "data_started", True):
        if time.monotonic() > deadline:
            raise AssertionError(f"the app did not finish loading its data within {timeout} s")
        await pilot.pause(0.02)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(pilot, condition, what: str, timeout: float = 10.0) -> None:
    """Pause until `condition()` holds; raise (naming `what`) when it never does. For state
    that a worker's result or a later message sets."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not seen within {timeout} s")
        await pilot.pause(0.02)


class NetworkUsed(RuntimeError):
    """A test tried to reach the network (tests never do: see tests/fixtures/akshare_frames.py)."""


class NetworkGuard:
    """Makes every internet connection (and name lookup) in the test process fail with a clear
    message, and remembers the attempts: code under test that catches the error (a source
    treating it as "offline") still fails the test at teardown."""

    LOCAL = {None, "localhost", "127.0.0.1", "::1"}

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def refuse(self, target: object) -> NetworkUsed:
        self.attempts.append(repr(target))
        return NetworkUsed(f"a test tried to reach the network ({target!r}): tests use recorded frames (tests/fixtures/akshare_frames.py) or a fake source")

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real_connect, real_connect_ex, real_getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
        internet = (socket.AF_INET, socket.AF_INET6)

        def connect(sock: socket.socket, address: object) -> None:
            if sock.family in internet and not _is_local(address):
                raise self.refuse(address)
            return real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: object) -> int:
            if sock.family in internet and not _is_local(address):
                raise self.refuse(address)
            return real_connect_ex(sock, address)

        def getaddrinfo(host: object, *args: object, **kw: object) -> object:
            if host not in self.LOCAL:
                raise self.refuse(host)
            return real_getaddrinfo(host, *args, **kw)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _is_local(address: object) -> bool:
    host = address[0] if isinstance(address, tuple) and address else address
    return host in NetworkGuard.LOCAL or (isinstance(host, str) and host.startswith("127."))


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch):
    guard = NetworkGuard()
    guard.install(monkeypatch)
    yield guard
    if guard.attempts:
        pytest.fail("the test tried to reach the network: " + ", ".join(guard.attempts), pytrace=False)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real settings or data directory from a test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("THEME_TRACKER_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("THEME_TRACKER_CONFIG", str(home / "settings.toml"))
    monkeypatch.delenv("THEME_TRACKER_TODAY", raising=False)


@pytest.fixture(autouse=True)
def _shipped_files_in_cwd(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each test in a directory holding its own copies of the shipped `watchlists/` and
    `catalysts.yaml`, so that the CLI's default paths never reach the user's files."""
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(WATCHLISTS, project / "watchlists")
    shutil.copy(CATALYSTS, project / "catalysts.yaml")
    monkeypatch.chdir(project)
    return project


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for running `python -m tui` in a test's working directory (which holds
    the test's own copies of the shipped files, see `_shipped_files_in_cwd`), not the repository."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(ROOT) + (os.pathsep + path if path else ""), **extra}


@pytest.fixture
def shipped_ctx(tmp_path: Path) -> Context:
    return Context(watchlists=WATCHLISTS, catalysts=CATALYSTS, data_dir=tmp_path / "data", today_override=TODAY)


@pytest.fixture
def make_ctx(tmp_path: Path):
    def _make(watchlists: Path, catalysts: Path | None = None) -> Context:
        return Context(
            watchlists=watchlists,
            catalysts=catalysts or (tmp_path / "catalysts.yaml"),
            data_dir=tmp_path / "data",
            today_override=TODAY,
        )

    return _make
