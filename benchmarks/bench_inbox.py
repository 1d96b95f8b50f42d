"""Timing of the catalyst inbox's store and view model on synthetic items (no network).

Run: python benchmarks/bench_inbox.py
Prints one plain line per figure. A watchlist of 100 stocks, 30 items each (announcements,
Q&A, news over a month: 3,000 items, synthetic titles), stored once, fetched again (every
item a duplicate), then read back with relevance for the tab and the board counts.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from tui.config.loader import Project
from tui.domain.models import Theme
from tui.store import Store
from tui.store import inbox as inbox_store
from tui.views.inbox import board_counts, read_inbox, theme_inbox

N_STOCKS = 100
PER_STOCK = 30
KINDS = ("announcement", "qa", "news")


def items() -> list[dict]:
    rows = []
    start = date(2026, 11, 1)
    for s in range(N_STOCKS):
        code = f"300{s:03d}"
        for i in range(PER_STOCK):
            kind = KINDS[i % 3]
            title = f"关于{'算力' if i % 5 == 0 else '日常'}事项的公告第{i}号" if kind == "announcement" else f"{kind} {code} #{i}"
            rows.append({"source": "em-notice" if kind == "announcement" else ("irm" if kind == "qa" else "em-news"),
                         "source_id": f"{code}-{i}", "code": code, "title": title,
                         "date": (start + timedelta(days=i)).isoformat(), "published_at": None, "kind": kind,
                         "category": "", "link": f"https://example.invalid/{code}/{i}", "detail": ""})
    return rows


def main() -> None:
    project = Project(themes=[Theme.model_validate({
        "id": "bench", "name": "Bench", "keywords": ["算力"],
        "stocks": [{"code": f"300{s:03d}", "name": f"S{s}"} for s in range(N_STOCKS)],
    })])
    rows = items()
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp), load_sample=False) as store:
        t = time.perf_counter()
        written = inbox_store.upsert_items(store.conn, rows)
        print(f"store {len(rows):,} new items: {time.perf_counter() - t:.3f} s ({written.inserted:,} inserted)")
        t = time.perf_counter()
        again = inbox_store.upsert_items(store.conn, rows)
        print(f"fetch the same {len(rows):,} again (dedupe): {time.perf_counter() - t:.3f} s ({again.seen_again:,} seen again)")
        t = time.perf_counter()
        data = read_inbox(store.conn, project, date(2026, 12, 1))
        print(f"read the inbox for the app: {time.perf_counter() - t:.3f} s ({len(data.items):,} items)")
        t = time.perf_counter()
        view = theme_inbox(data, project, project.themes[0])
        counts = board_counts(data, project)
        print(f"theme view + board counts (relevance of every item): {time.perf_counter() - t:.3f} s "
              f"({len(view.rows):,} rows, {view.relevant:,} relevant, {len(counts)} stocks counted)")


if __name__ == "__main__":
    main()
