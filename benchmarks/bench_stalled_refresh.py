"""How long `theme-tracker refresh` takes against a source that stalls, and how fast it stops.

Run: python benchmarks/bench_stalled_refresh.py [--codes N] [--sigterm-after S]
A local TCP server on 127.0.0.1 accepts every connection and never answers; HTTP_PROXY and
HTTPS_PROXY point at it (requests and curl_cffi honour them, reference §2.5), so every akshare
request stalls as it would behind a dead proxy. Nothing leaves the machine. Prints one line
per figure: the run's end time and exit code, the summary's headline lines, and the time from
SIGTERM to exit of a second run.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODES = ["300133", "002602", "300067", "300872", "300738", "300846", "300442", "688041",
         "300059", "002230", "300418", "002739", "300251", "300027", "002131", "300364"]  # fmt: skip
#: More six-digit ChiNext codes for long lists (the fake stall never looks them up).
MORE = [f"3001{i:02d}" for i in range(100)]


def stalled_server() -> tuple[socket.socket, int]:
    """A listening socket whose accepted connections are kept open and never read or answered."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(128)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    return server, server.getsockname()[1]


def run(codes: list[str], port: int, data_dir: str, extra: list[str], sigterm_after: float | None) -> tuple[float, int, list[str], float | None]:
    env = dict(os.environ)
    proxy = f"http://127.0.0.1:{port}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        env[name] = proxy
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    env.pop("THEME_TRACKER_SOURCE", None)
    env["THEME_TRACKER_DATA_DIR"] = data_dir
    env["PYTHONPATH"] = str(ROOT)
    argv = [sys.executable, "-m", "tui", "refresh", "--codes", ",".join(codes), "-v", *extra]
    started = time.monotonic()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    stop_to_exit = None
    if sigterm_after is not None:
        try:
            proc.wait(sigterm_after)
        except subprocess.TimeoutExpired:
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            proc.wait(120)
            stop_to_exit = time.monotonic() - sent
    out, _ = proc.communicate(timeout=300)
    return time.monotonic() - started, proc.returncode, out.splitlines(), stop_to_exit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--codes", type=int, default=8, help="stocks to refresh (at most 200: per-stock quotes)")
    parser.add_argument("--sigterm-after", type=float, default=15.0)
    args = parser.parse_args()
    pool = list(dict.fromkeys(CODES + MORE))
    codes = pool[: max(1, min(args.codes, len(pool)))]
    server, port = stalled_server()
    with tempfile.TemporaryDirectory() as tmp:
        elapsed, code, lines, _ = run(codes, port, str(Path(tmp) / "full"), [], None)
        print(f"fully stalled refresh of {len(codes)} stocks (default budget): ended after {elapsed:.1f} s, exit {code} (target < 60 s, exit 1)")
        for line in lines:
            if line.startswith(("refresh:", "stopped:", "source stalled:", "breaker:", "failed:")):
                print(f"  {line}")
        elapsed, code, lines, to_exit = run(codes, port, str(Path(tmp) / "term"), [], args.sigterm_after)
        if to_exit is None:
            print(f"SIGTERM run: ended by itself after {elapsed:.1f} s before the signal (exit {code})")
        else:
            print(f"SIGTERM after {args.sigterm_after:g} s: exited {to_exit:.2f} s later, exit {code} (target < 2 s, 143)")
        for line in lines:
            if line.startswith(("refresh:", "stopped:")):
                print(f"  {line}")
    server.close()


if __name__ == "__main__":
    main()
