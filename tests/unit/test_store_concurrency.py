"""Two writers at once: no "database is locked", no lost rows."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd

from tui.store import Store, WriteResult
from tui.store.connection import connect

ROOT = Path(__file__).resolve().parents[2]

WRITER = r"""
import sys, time
import pandas as pd
from tui.store import Store

data_dir, worker, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = Store.open(data_dir)  # both may race to create the file and load the sample
start = pd.Timestamp("2026-01-05")
# Wait for the other process so that the writes really interleave.
go = float(sys.argv[4])
while time.time() < go:
    time.sleep(0.005)
for i in range(n):
    day = start + pd.Timedelta(days=i)
    bars = pd.DataFrame({
        "code": pd.array(["300133", "002602"], dtype="str"),
        "date": [day, day],
        "open": [1.0, 1.0], "high": [2.0, 2.0], "low": [0.5, 0.5],
        "close": [1.0 + worker + i / 1000, 2.0 + worker + i / 1000],
        "volume": [10.0, 10.0], "amount": [float("nan")] * 2,
        "adjust": pd.array(["qfq" if worker == 0 else "raw"] * 2, dtype="str"),
        "source": pd.array([f"worker{worker}"] * 2, dtype="str"),
        "is_sample": [False, False],
    })
    store.upsert_bars(bars)
    quote = pd.DataFrame({
        "code": pd.array([f"{worker}{i:05d}"], dtype="str"),
        "name": pd.array(["x"], dtype="str"), "price": [1.0 + i],
        "source": pd.array([f"worker{worker}"], dtype="str"),
    })
    store.upsert_quotes(quote)
    store.log_fetch("bars", f"{worker}", True)
store.close()
print("done")
"""


def test_two_processes_writing_interleaved_rows_lose_nothing(tmp_path):
    n = 100
    go = time.time() + 1.5  # both start writing at the same moment
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(w), str(n), str(go)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for w in (0, 1)
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "locked" not in err and out.strip() == "done"
    with Store.open(tmp_path) as store:
        for adjust, worker in (("qfq", 0), ("raw", 1)):
            for code in ("300133", "002602"):
                got = store.bars(code, adjust=adjust, start="2026-01-05")
                assert len(got) == n, (code, adjust)
                assert set(got["source"]) == {f"worker{worker}"}
        quotes = store.latest_quotes()
        assert len(quotes) == 2 * n
        log = [r[0] for r in store.conn.execute("SELECT code FROM fetch_log ORDER BY id")]
        assert len(log) == 2 * n
        switches = sum(1 for a, b in zip(log, log[1:]) if a != b)
        assert switches >= 5, "the two writers did not interleave"
        # The sample was loaded exactly once despite the race to open.
        assert store.conn.execute("SELECT count(*) FROM bars WHERE is_sample = 1").fetchone()[0] == 9127


def test_writer_waits_for_a_lock_held_by_another_connection(tmp_path):
    store = Store.open(tmp_path, load_sample=False)
    held = 0.4
    locked = threading.Event()

    def hold_lock():
        other = connect(tmp_path / "theme-tracker.db")  # its own connection, in its own thread
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO meta VALUES ('holder', '1', 'now')")
        locked.set()
        time.sleep(held)
        other.execute("COMMIT")
        other.close()

    t = threading.Thread(target=hold_lock)
    t.start()
    assert locked.wait(5)
    t0 = time.perf_counter()
    bars = pd.DataFrame({
        "code": pd.array(["300133"], dtype="str"), "date": [pd.Timestamp("2026-03-02")],
        "close": [10.0], "adjust": pd.array(["qfq"], dtype="str"),
        "source": pd.array(["live"], dtype="str"),
    })
    result = store.upsert_bars(bars)
    waited = time.perf_counter() - t0
    t.join()
    assert result == WriteResult(inserted=1)
    assert waited >= held * 0.5  # it really waited for the lock, then wrote
    assert store.get_meta("holder") == 1  # the other writer's row is there too
    store.close()


def test_readers_are_not_blocked_by_a_writer(tmp_path):
    store = Store.open(tmp_path)
    other = connect(tmp_path / "theme-tracker.db")
    other.execute("BEGIN IMMEDIATE")
    other.execute("DELETE FROM bars WHERE code = '300133'")
    t0 = time.perf_counter()
    assert len(store.bars("300133")) > 400  # WAL: reads see the last commit, instantly
    assert time.perf_counter() - t0 < 0.5
    other.execute("ROLLBACK")
    other.close()
    store.close()
