"""Where a stock's name can be found when the user gives only its code: the watchlists, then
the latest stored quote. (Here, not in tui.config: the YAML layer knows nothing of the store.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def name_lookup(watchlists: Path, catalysts: Path | None, data_dir: Path | None) -> Callable[[str], str | None]:
    """A `code -> name` lookup: the name another watchlist already uses, else the name in the
    latest stored quote (akshare's quote names, including ST prefixes), else None."""
    from tui.config.loader import load_project

    known = load_project(watchlists, catalysts).stock_names() if watchlists.is_dir() else {}

    def lookup(code: str) -> str | None:
        if code in known:
            return known[code]
        if data_dir is None or not (Path(data_dir) / "theme-tracker.db").exists():
            return None
        from tui.store.store import Store

        with Store.open(data_dir, load_sample=False) as store:
            quotes = store.latest_quotes([code])
        if len(quotes) and isinstance(quotes.iloc[0]["name"], str) and quotes.iloc[0]["name"]:
            return str(quotes.iloc[0]["name"])
        return None

    return lookup
