"""SQLite store (plain parameterised SQL; sqlite-utils wraps the connection for migrations).

See docs/data-contracts.md for the frames it reads and writes.

The names below are loaded on first use (PEP 562), not when the package is imported: the
package then never imports its own submodules while it is being initialised, so there is no
import cycle (``tui.store`` -> ``tui.store.store`` -> ``tui.store``) for two threads importing
it at once to deadlock on. ``from tui.store import Store`` works as before.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.store.schema import LATEST_VERSION, SchemaTooNewError
    from tui.store.store import DB_FILENAME, Store, StoreError, WriteResult

_HOMES = {
    "DB_FILENAME": "tui.store.store",
    "Store": "tui.store.store",
    "StoreError": "tui.store.store",
    "WriteResult": "tui.store.store",
    "LATEST_VERSION": "tui.store.schema",
    "SchemaTooNewError": "tui.store.schema",
}

__all__ = ["DB_FILENAME", "LATEST_VERSION", "SchemaTooNewError", "Store", "StoreError", "WriteResult"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'tui.store' has no attribute {name!r}")
    return getattr(import_module(home), name)
