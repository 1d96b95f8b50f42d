"""SQLite store (sqlite-utils for schema work, plain parameterised SQL for the hot paths).

See docs/data-contracts.md for the frames it reads and writes.
"""

from tui.store.schema import LATEST_VERSION, SchemaTooNewError
from tui.store.store import DB_FILENAME, Store, StoreError, WriteResult

__all__ = ["DB_FILENAME", "LATEST_VERSION", "SchemaTooNewError", "Store", "StoreError", "WriteResult"]
