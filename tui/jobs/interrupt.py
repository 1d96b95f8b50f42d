"""SIGINT/SIGTERM cancel a running job's Budget, so it stops within a second and reports.

A Python signal handler runs in the main thread between two bytecodes, possibly while that
thread holds a lock that cancelling takes (an Event's condition, a results queue's mutex):
cancelling from the handler could deadlock. So the handler only records the signal; the
interpreter also writes the signal number to a pipe (`signal.set_wakeup_fd`), and a watcher
thread reading that pipe cancels the budget from an ordinary thread. The main thread, blocked
in a budget-aware wait, wakes up, stores what was fetched and prints the summary.

A second signal raises KeyboardInterrupt in the main thread (the usual "abort now").
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from tui.sources.budget import Budget

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def exit_code(signum: int) -> int:
    """The shell's exit status for a run stopped by `signum`: 130 for SIGINT, 143 for SIGTERM."""
    return 128 + int(signum)


@contextmanager
def cancel_on_signals(budget: Budget, signals: Sequence[int] = STOP_SIGNALS) -> Iterator[list[int]]:
    """Inside the block, the first of `signals` cancels `budget` ("interrupted by SIGTERM").

    Yields the list of signals received. Outside the main thread (where handlers cannot be
    installed) it does nothing.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    wanted = {int(s) for s in signals}

    def handler(signum: int, frame: object) -> None:
        received.append(signum)
        if len(received) > 1:
            raise KeyboardInterrupt

    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)

    def watch() -> None:
        while True:
            try:
                data = os.read(read_fd, 64)
            except OSError:
                return
            if not data:
                return
            for signum in data:
                if signum in wanted:
                    budget.cancel(f"interrupted by {signal.Signals(signum).name}")

    previous = {sig: signal.signal(sig, handler) for sig in signals}
    old_fd = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    watcher = threading.Thread(target=watch, name="signal-watcher", daemon=True)
    watcher.start()
    try:
        yield received
    finally:
        signal.set_wakeup_fd(old_fd)
        for sig, old in previous.items():
            signal.signal(sig, old)
        os.close(write_fd)  # the watcher reads end-of-file and returns
        watcher.join(1.0)
        os.close(read_fd)
