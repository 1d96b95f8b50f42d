"""Timing of one alert evaluation (what runs after every refresh) on a synthetic store.

Run: python benchmarks/bench_alerts.py
Prints one plain line per figure: "<what>: <seconds> s".
1,000 stocks in 10 themes, 120 sessions of bars each, a fresh quote per stock, 20 rules
(every market condition, theme rules, catalysts, indicators); live and replay, each with the
episode claim (one SQLite transaction) included.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from tui.alerts.engine import run_check
from tui.alerts.rules import Rule
from tui.config.loader import Project
from tui.domain.calendar import TradingCalendar
from tui.domain.models import Stock, Theme
from tui.sources.base import finish_bars, finish_quotes
from tui.store import Store

SH = ZoneInfo("Asia/Shanghai")
N_STOCKS, N_THEMES, N_SESSIONS = 1_000, 10, 120
SEED = 17


def build(tmp: Path) -> tuple[Store, Project, list[date]]:
    rng = np.random.default_rng(SEED)
    sessions = [d.date() for d in pd.bdate_range(end="2025-03-28", periods=N_SESSIONS)]
    codes = [f"{600000 + i:06d}" for i in range(N_STOCKS)]
    moves = np.clip(rng.normal(0, 0.03, (N_SESSIONS, N_STOCKS)), -0.1, 0.1)
    close = np.round(10 * np.cumprod(1 + moves, axis=0), 2)
    frame = pd.DataFrame({
        "code": np.repeat(codes, N_SESSIONS), "date": pd.to_datetime(np.tile(sessions, N_STOCKS)),
        "open": close.T.ravel(), "high": close.T.ravel(), "low": close.T.ravel(), "close": close.T.ravel(),
        "volume": rng.uniform(1e3, 1e5, N_STOCKS * N_SESSIONS), "amount": rng.uniform(1e6, 1e9, N_STOCKS * N_SESSIONS),
        "adjust": "qfq", "source": "bench", "is_sample": False,
    })  # fmt: skip
    store = Store.open(tmp, load_sample=False)
    store.upsert_bars(finish_bars(frame)[0])
    as_of = datetime(2025, 3, 31, 10, 0, tzinfo=SH)
    last = close[-1]
    price = np.round(last * (1 + np.clip(rng.normal(0, 0.04, N_STOCKS), -0.1, 0.1)), 2)
    quotes = pd.DataFrame({
        "code": codes, "name": [f"n{c}" for c in codes], "price": price, "change": price - last,
        "change_pct": (price / last - 1) * 100, "volume": 1e4, "amount": 1e8, "turnover_rate": 1.0,
        "market_cap": 1e10, "open": last, "high": np.maximum(price, last), "low": np.minimum(price, last),
        "prev_close": last, "limit_up": np.nan, "limit_down": np.nan, "suspended": False, "as_of": as_of,
        "fetched_at": as_of, "source": "bench", "is_sample": False,
    })  # fmt: skip
    store.upsert_quotes(finish_quotes(quotes)[0])
    per = N_STOCKS // N_THEMES
    themes = [Theme(id=f"t{k}", name=f"题材{k}", stocks=[Stock(code=c, name=f"n{c}") for c in codes[k * per:(k + 1) * per]])
              for k in range(N_THEMES)]  # fmt: skip
    return store, Project(themes=themes), sessions


RULES = [
    Rule(id="up", theme="all", when="limit_up"), Rule(id="down", theme="all", when="limit_down"),
    Rule(id="broken", theme="all", when="broken"), Rule(id="s2", theme="all", when="streak", min=2),
    Rule(id="p", theme="all", when="price_above", value=12), Rule(id="q", theme="all", when="price_below", value=8),
    Rule(id="c", theme="all", when="change_pct_above", value=5), Rule(id="d", theme="all", when="change_pct_below", value=-5),
    Rule(id="a", theme="all", when="amount_surge", ratio=2), Rule(id="v", theme="all", when="volume_surge", ratio=2),
    Rule(id="b", theme="all", when="theme_limit_ups", min=3), Rule(id="x", theme="all", when="theme_vs_benchmark", value=2),
    Rule(id="cd", theme="all", when="catalyst_due", days=3), Rule(id="co", theme="all", when="catalyst_overdue"),
    Rule(id="is", theme="all", when="indicator_stale"), Rule(id="io", theme="all", when="indicator_off_track"),
]  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store, project, sessions = build(Path(tmp))
        calendar = TradingCalendar(xshg_sessions=[d.date() for d in pd.bdate_range("2024-01-01", "2026-12-31")], today=date(2025, 3, 31))
        now = datetime(2025, 3, 31, 10, 1, tzinfo=SH)
        for label, kw in (("live", {}), ("replay", {"replay_date": sessions[-1]})):
            times, fired = [], []
            for _ in range(3):
                started = time.perf_counter()
                result = run_check(store, project, RULES, now=now, calendar=calendar, **kw)
                times.append(time.perf_counter() - started)
                fired.append(len(result.fired))
            print(f"alerts check, {label}, {N_STOCKS} stocks x {len(RULES)} rules: first {times[0]:.2f} s "
                  f"({fired[0]} fired), repeated {min(times[1:]):.2f} s ({fired[1]} fired: same episodes)")  # fmt: skip
        store.close()


if __name__ == "__main__":
    main()
