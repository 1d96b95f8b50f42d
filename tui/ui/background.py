"""Run blocking work in a daemon thread and await it without ever blocking exit.

Textual's thread workers run on asyncio's default executor, which is joined when the app
exits: a fetch hung on a stalled server would then hold `q` for minutes. Work started here
runs in a daemon thread instead; the awaiting (async) worker can be cancelled at once, and
the thread is abandoned: the interpreter does not wait for daemon threads. SQLite writes
in an abandoned thread are transactional, so an interrupted write is rolled back, not torn.

Several of these threads start at once after the first paint, each importing the data stack
(pandas, the store, the analytics) for the first time. That is safe without a lock of our own
as long as our modules import each other without a cycle at module level (``tui.store`` once
imported ``tui.store.store``, which imported ``tui.store`` back: two threads importing both
deadlocked, "cannot import name 'Store'"; the package now loads its names lazily). Python's
per-module import locks then cannot deadlock. tests/unit/test_layers.py checks there is no
cycle and imports the background modules from many threads at once.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def run_in_daemon_thread(fn: Callable[[], T], *, name: str = "theme-tracker-io") -> T:
    """Run `fn()` in a new daemon thread; return its result or raise its exception."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def target() -> None:
        try:
            result = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            try:
                loop.call_soon_threadsafe(settle, None, exc)
            except RuntimeError:  # the loop is closed: the app has exited
                pass
            return
        try:
            loop.call_soon_threadsafe(settle, result, None)
        except RuntimeError:
            pass

    threading.Thread(target=target, name=name, daemon=True).start()
    return await future
