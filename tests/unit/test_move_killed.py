"""`watchlist move` killed at every step: the next run leaves the stock in exactly one theme."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, WATCHLISTS
from tui.cli import main
from tui.config.loader import load_project

FIX = ROOT / "tests" / "fixtures" / "editing"

# Runs the move in a child process that dies (os._exit, as kill -9: no cleanup, no finally)
# right after its N-th durable step: each temp file written, each rename, each journal step.
KILLED_MOVE = textwrap.dedent(
    """
    import os, sys
    from tui.config import atomic, journal

    limit, count = int(sys.argv[1]), [0]

    def tick(*_):
        count[0] += 1
        if count[0] == limit:
            os._exit(137)

    real_write_temp, real_commit = atomic.write_temp, atomic.commit

    def write_temp(*a, **k):
        tmp = real_write_temp(*a, **k)
        tick()
        return tmp

    def commit(*a, **k):
        real_commit(*a, **k)
        tick()

    atomic.write_temp, atomic.commit, journal.step_hook = write_temp, commit, tick
    from tui.cli import main

    rc = main(["--watchlists", sys.argv[2], "--catalysts", sys.argv[3], "watchlist", "move", "300133",
               "--from", "compute-power", "--to", "storage", "--segment", "下游"])
    print("STEPS", count[0], flush=True)
    os._exit(rc)
    """
)


def fresh(tmp_path: Path) -> Path:
    wl = tmp_path / "watchlists"
    shutil.rmtree(wl, ignore_errors=True)
    wl.mkdir()
    shutil.copyfile(WATCHLISTS / "compute-power.yaml", wl / "compute-power.yaml")
    shutil.copyfile(FIX / "theme.yaml", wl / "storage.yaml")
    return wl


def where(wl: Path) -> list[str]:
    project = load_project(wl, None)
    assert not project.errors, project.errors
    return [t.id for t in project.themes if any(s.code == "300133" for s in t.stocks)]


def leftovers(wl: Path) -> list[str]:
    found = [p.name for p in wl.glob(".*.tmp")]
    if (wl / ".backup").is_dir():
        found += [p.name for p in (wl / ".backup").iterdir() if p.name.endswith((".tmp", ".journal"))]
    return found


def test_a_move_killed_at_every_step_is_completed_or_not_started(tmp_path: Path, capsys):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cal = tmp_path / "none.yaml"
    outcomes = {}
    step = 1
    while True:
        wl = fresh(tmp_path)
        proc = subprocess.run([sys.executable, "-c", KILLED_MOVE, str(step), str(wl), str(cal)],
                              env=env, capture_output=True, text=True, timeout=120)
        if proc.returncode == 0:  # the move finished before step N: every step has been tried
            assert f"STEPS {step - 1}" in proc.stdout
            assert where(wl) == ["storage"] and leftovers(wl) == []
            break
        assert proc.returncode == 137, proc.stderr
        # The next run (any command) completes the move or finds it never started.
        assert main(["--watchlists", str(wl), "--catalysts", str(cal), "validate"]) == 0
        capsys.readouterr()
        outcomes[step] = where(wl)
        assert outcomes[step] in (["compute-power"], ["storage"]), (step, outcomes[step])
        assert leftovers(wl) == [], (step, leftovers(wl))
        step += 1
        assert step < 40, "the move never finished"
    # Killed before the journal was written: not moved; after it: completed.
    assert outcomes[1] == ["compute-power"]
    assert outcomes[step - 1] == ["storage"]
    assert ["storage"] in outcomes.values() and len(outcomes) >= 5


def test_a_file_edited_after_the_kill_is_not_overwritten(tmp_path: Path, capsys):
    from tui.config import journal

    wl = fresh(tmp_path)
    storage = wl / "storage.yaml"
    changes = [
        journal.Change(storage, storage.read_bytes(), storage.read_bytes() + b"# after\n"),
        journal.Change(wl / "compute-power.yaml", (wl / "compute-power.yaml").read_bytes(), b"id: x\n"),
    ]
    journal.begin(changes, "move 300133 from compute-power to storage")
    storage.write_text(storage.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    [message] = journal.recover(wl)
    assert "was not completed" in message and str(storage) in message
    assert storage.read_text(encoding="utf-8").endswith("# edited by hand\n")
    assert (wl / "compute-power.yaml").read_bytes() == changes[1].before
    assert leftovers(wl) == []


def test_a_failed_second_write_restores_the_first_and_leaves_no_journal(tmp_path: Path, monkeypatch):
    from tui.config.editing import EditError, WatchlistEditor, YamlFileEditor, move_stock

    wl = fresh(tmp_path)
    before = {p.name: p.read_bytes() for p in wl.glob("*.yaml")}
    real = YamlFileEditor._commit

    def fail_on_source(self, sp, message, warnings=()):
        if self.path.name == "compute-power.yaml":
            raise EditError("simulated failure")
        return real(self, sp, message, warnings)

    monkeypatch.setattr(YamlFileEditor, "_commit", fail_on_source)
    with pytest.raises(EditError, match="simulated"):
        move_stock(WatchlistEditor(wl / "compute-power.yaml"), WatchlistEditor(wl / "storage.yaml"), "300133", segment="下游")
    assert {p.name: p.read_bytes() for p in wl.glob("*.yaml")} == before
    assert leftovers(wl) == []


def test_only_our_orphan_temp_files_are_removed(tmp_path: Path):
    from tui.config import journal

    wl = fresh(tmp_path)
    ours = wl / ".storage.yaml.ab12cd34.tmp"
    ours.write_text("half-written", encoding="utf-8")
    theirs = [wl / ".notes.draft.tmp", wl / ".storage.yaml.swp.tmp"]
    for path in theirs:
        path.write_text("not ours", encoding="utf-8")
    assert journal.recover(wl) == []
    assert not ours.exists() and all(p.exists() for p in theirs)


def test_a_move_in_progress_in_another_thread_is_waited_for_not_undone(tmp_path: Path):
    import threading

    from tui.config import atomic, journal
    from tui.config.editing import WatchlistEditor, move_stock

    wl = fresh(tmp_path)
    at_journal, proceed = threading.Event(), threading.Event()
    real = journal.step_hook

    def pause_after_journal(step: str) -> None:
        if step == "journal-written" and threading.current_thread().name == "mover":
            at_journal.set()
            proceed.wait(30)

    journal.step_hook = pause_after_journal
    try:
        mover = threading.Thread(
            target=lambda: move_stock(WatchlistEditor(wl / "compute-power.yaml"), WatchlistEditor(wl / "storage.yaml"),
                                      "300133", segment="下游"),
            name="mover", daemon=True,
        )
        mover.start()
        assert at_journal.wait(30)
        # Another reader runs recovery meanwhile: it waits for the mover's locks, then finds
        # the journal finished, and reports nothing.
        messages: list[str] = []
        recovering = threading.Thread(target=lambda: messages.extend(journal.recover(wl)), daemon=True)
        recovering.start()
        recovering.join(0.3)
        assert recovering.is_alive()  # waiting on the locks, not completing the move itself
        proceed.set()
        mover.join(30)
        recovering.join(30)
    finally:
        journal.step_hook = real
        proceed.set()
    assert messages == []
    assert where(wl) == ["storage"] and leftovers(wl) == []
    assert atomic.temp_files(wl / "storage.yaml") == []
