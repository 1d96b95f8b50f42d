"""The test suite's own guarantees: no network, and never the user's working-tree files."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CATALYSTS, ROOT, SHIPPED, WATCHLISTS, NetworkUsed


def test_a_connection_to_the_internet_fails_at_once_with_a_clear_message(_no_network):
    with pytest.raises(NetworkUsed, match="tests use recorded frames"):
        socket.create_connection(("10.255.255.1", 80), timeout=5)
    with pytest.raises(NetworkUsed):
        socket.getaddrinfo("push2.eastmoney.com", 443)
    # Caught by the code under test, it still fails the test (at teardown).
    assert len(_no_network.attempts) == 2
    _no_network.attempts.clear()


def test_local_sockets_still_work():
    a, b = socket.socketpair()
    with a, b:
        a.sendall(b"x")
        assert b.recv(1) == b"x"


def test_tests_read_copies_of_the_shipped_files_not_the_working_tree():
    assert WATCHLISTS.is_relative_to(SHIPPED) and CATALYSTS.is_relative_to(SHIPPED)
    assert Path.cwd() != ROOT  # the CLI's default paths are a test's own copies
    assert (Path.cwd() / "watchlists" / "compute-power.yaml").read_bytes() == (WATCHLISTS / "compute-power.yaml").read_bytes()


def _committed(path: str) -> bytes | None:
    try:
        return subprocess.run(["git", "show", f"HEAD:{path}"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


@pytest.mark.parametrize("name", ["catalysts.yaml", *sorted(f"watchlists/{p.name}" for p in WATCHLISTS.glob("*.yaml"))])
def test_the_fixture_copies_equal_the_committed_shipped_files(name):
    """Not the working tree's (a user edits those): the committed version. When the shipped
    files change, copy them to tests/fixtures/shipped/ in the same commit."""
    committed = _committed(name)
    if committed is None:
        pytest.skip("not a git checkout")
    assert (SHIPPED / name).read_bytes() == committed, f"tests/fixtures/shipped/{name} differs from the committed {name}"
