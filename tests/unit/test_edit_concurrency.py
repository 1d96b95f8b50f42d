"""Two CLI editors writing one watchlist at once: no edit that exited 0 is lost."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT, WATCHLISTS
from tui.config import atomic
from tui.config.loader import load_files

# One process = one "CLI editor": it runs `watchlist add` 100 times through tui.cli.main, each
# call loading the file afresh, as 100 separate `theme-tracker watchlist add` runs would.
WRITER = textwrap.dedent(
    """
    import sys
    from tui.cli import main

    watchlists, prefix, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(100):
        code = f"{prefix}{start + i:03d}"
        rc = main(["--watchlists", watchlists, "watchlist", "add", "compute-power", code, "--name", f"测试{code}"])
        print("RESULT", code, rc, flush=True)
    """
)


def test_two_concurrent_cli_editors_lose_nothing(tmp_path: Path):
    wl = tmp_path / "watchlists"
    wl.mkdir()
    shutil.copyfile(WATCHLISTS / "compute-power.yaml", wl / "compute-power.yaml")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(wl), prefix, "100"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for prefix in ("603", "002")
    ]
    # ~1 min on an idle 2-core machine; generous for a loaded one (each edit is a whole CLI run).
    outputs = [p.communicate(timeout=1200) for p in procs]
    ok, refused = [], []
    for out, err in outputs:
        results = [line.split()[1:] for line in out.splitlines() if line.startswith("RESULT ")]
        for code, rc in results:
            (ok if rc == "0" else refused).append(code)
        # Every refused edit says why on stderr.
        assert err.count("theme-tracker: ") >= len([1 for _, rc in results if rc != "0"])
    assert len(ok) + len(refused) == 200
    theme = load_files([wl / "compute-power.yaml"]).themes[0]
    written = {s.code for s in theme.stocks}
    lost = [c for c in ok if c not in written]
    assert lost == [], f"{len(lost)} edits exited 0 but are missing from the file"
    assert refused == []  # the CLI applies its edit under the lock: nothing to refuse
    assert atomic.temp_files(wl / "compute-power.yaml") == []


def test_a_form_editor_loaded_before_another_write_is_refused_with_the_reason(tmp_path: Path):
    import pytest

    from tui.config.editing import ConflictError, WatchlistEditor

    path = tmp_path / "compute-power.yaml"
    shutil.copyfile(WATCHLISTS / "compute-power.yaml", path)
    form = WatchlistEditor(path)  # the app's form loads the file when it opens
    WatchlistEditor(path).add_stock("600100", name="同方股份")  # another writer saves meanwhile
    with pytest.raises(ConflictError, match="changed on disk since it was loaded; reload first"):
        form.add_stock("600101", name="测试")
    assert "同方股份" in path.read_text(encoding="utf-8")


def test_a_lock_held_too_long_is_reported_not_waited_for_forever(tmp_path: Path, monkeypatch):
    import pytest

    from tui.config.editing import ConflictError, WatchlistEditor

    path = tmp_path / "compute-power.yaml"
    shutil.copyfile(WATCHLISTS / "compute-power.yaml", path)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(
            """
            import sys
            from pathlib import Path
            from tui.config import atomic
            with atomic.file_lock(Path(sys.argv[1])):
                print("held", flush=True)
                sys.stdin.readline()
            """
        ), str(path)],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(atomic, "LOCK_TIMEOUT_S", 0.2)
        with pytest.raises(ConflictError, match="another edit of this file has held its lock"):
            WatchlistEditor(path).add_stock("600100", name="同方股份")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert "同方股份" not in path.read_text(encoding="utf-8")


def test_another_thread_of_the_same_process_waits_for_the_lock(tmp_path: Path, monkeypatch):
    import threading

    import pytest

    path = tmp_path / "t.yaml"
    path.write_text("id: t\nname: x\n", encoding="utf-8")
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with atomic.file_lock(path):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=holder, daemon=True)
    thread.start()
    assert held.wait(30)
    try:
        with pytest.raises(atomic.LockTimeout):
            with atomic.file_lock(path, timeout=0.2):
                pass
    finally:
        release.set()
        thread.join(30)
    with atomic.file_lock(path, timeout=0.2), atomic.file_lock(path, timeout=0.2):  # re-entrant in one thread
        pass
