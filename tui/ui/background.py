"""Run blocking work in a daemon thread and await it without ever blocking exit.

Textual's thread workers run on asyncio's default executor, which is joined when the app
exits: a fetch hung on a stalled server would then hold `q` for minutes. Work started here
runs in a daemon thread instead; the awaiting (async) worker can be cancelled at once, and
the thread is abandoned: the interpreter does not wait for daemon threads. SQLite writes
in an abandoned thread are transactional, so an interrupted write is rolled back, not torn.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_IMPORT_LOCK = threading.Lock()
_imported = False


def ensure_imports() -> None:
    """Import the data stack (pandas, the store, analytics) once, under a lock.

    The first paint imports none of it; the first background jobs then start at the same
    time, and two threads importing the same package concurrently can see it half
    initialised ("cannot import name 'Store'"). Every background job calls this first:
    one thread imports, the others wait for it, and later calls cost nothing.
    """
    global _imported
    if _imported:
        return
    with _IMPORT_LOCK:
        if _imported:
            return
        import pandas  # noqa: F401
        import tui.analytics  # noqa: F401
        import tui.analytics.board  # noqa: F401
        import tui.store  # noqa: F401
        import tui.store.readers  # noqa: F401

        _imported = True


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
            ensure_imports()
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
