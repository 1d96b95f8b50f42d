"""The shipped sample history (tui/data/sample/): real daily bars for the 算力 stocks and two
benchmark indices, 2024-01-02 to 2025-11-21, loaded into an empty store so that the app has
something true to show before its first refresh.

Read with the csv module straight into store rows: ~9,000 rows in a few milliseconds, without
building a DataFrame on the app's start-up path.
"""

from __future__ import annotations

import csv
from pathlib import Path

from tui.paths import SAMPLE_DATA_DIR

STOCKS_FILE = "a_share_daily_qfq_20240102_20251121.csv"
INDICES_FILE = "index_daily_000300_399006_20240102_20251121.csv"

#: The last date in the sample (meta "sample_as_of").
SAMPLE_AS_OF = "2025-11-21"
SAMPLE_PROVENANCE = "see tui/data/sample/PROVENANCE.md"

# The index file uses bare codes; the store keys indices with their market prefix.
INDEX_CODES = {"000300": "sh000300", "399006": "sz399006"}


def _float(text: str) -> float | None:
    return float(text) if text else None


def sample_bar_rows(directory: Path = SAMPLE_DATA_DIR) -> list[tuple]:
    """Bar rows (store column order, with the source's name where its id goes) for both sample
    files, marked ``is_sample=1``.

    Stock prices are forward-adjusted (qfq) by the upstream; index points are not adjusted and
    are keyed ``qfq`` like every index bar. The files carry no turnover, so ``amount`` is NULL.
    """
    rows: list[tuple] = []
    for name, is_index in ((STOCKS_FILE, False), (INDICES_FILE, True)):
        source = f"sample:{name}"
        with open(directory / name, newline="", encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                code = rec["code"].strip()
                if is_index:
                    code = INDEX_CODES.get(code, code)
                rows.append(
                    (
                        code, "qfq", rec["date"], _float(rec["open"]), _float(rec["high"]),
                        _float(rec["low"]), float(rec["close"]), _float(rec["volume"]), None,
                        source, 1,
                    )
                )  # fmt: skip
    return rows
