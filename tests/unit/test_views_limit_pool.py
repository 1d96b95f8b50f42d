"""The 涨停池 view model on recorded-shape pool frames (no network) and its fallback."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from tests.fixtures.akshare_frames import fake_akshare
from tests.fixtures.limit_pool_frames import pool_functions
from tui.sources.akshare_source import AkshareSource
from tui.store import Store
from tui.store.limit_pools import write_limit_pools
from tui.views.limit_pool import build_pool_view, load_pool_view

NOW = datetime(2025, 2, 27, 15, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = date(2025, 2, 27)
THEMES = [("compute-power", "算力", ["600589", "603881", "002335", "002602"]), ("steel", "钢铁", ["600126", "600589"])]


def pool_frame() -> pd.DataFrame:
    fake = fake_akshare(**pool_functions())
    src = AkshareSource(loader=lambda: fake, sleep=lambda s: None, clock=lambda: NOW, timeout=0.5)
    return src.fetch_limit_pools(DAY).frame


def test_groups_themes_first_then_industries():
    view = build_pool_view(pool_frame(), THEMES)
    assert view.session == "2025-02-27" and not view.fallback
    assert [g.key for g in view.groups] == ["theme:compute-power", "theme:steel", "industry:软件开发", "industry:文化传媒"]
    assert [r.code for r in view.groups[0].rows] == ["600589"]
    assert view.groups[0].rows[0].themes == ("算力", "钢铁")  # in two themes, grouped under the first
    assert [r.code for r in view.groups[2].rows] == ["002230", "300033"]  # 2板 before 首板
    assert view.outside_themes == 3
    assert view.ladder == {5: 1, 3: 1, 2: 1, 1: 2}
    assert (view.top.code, view.top.streak, view.top.one_word) == ("600589", 5, True)
    assert (view.limit_up, view.broken, view.limit_down) == (5, 2, 1)
    assert view.broken_rate == 2 / 7
    # Yesterday: 600589 (4), 603000 (2), 002230 (1), 002335 (2); sealed again: the first three.
    assert (view.prev_limit_up, view.promoted, view.promotion_rate) == (4, 3, 0.75)
    assert view.promotion_by_height == {1: (1, 1), 2: (1, 2), 4: (1, 1)}


def test_load_prefers_the_stored_pool_and_falls_back_to_own_bars(tmp_path):
    data = tmp_path / "data"
    names = {"600589": "大位科技"}
    with Store.open(data) as store:  # the shipped sample, cut at 2025-02-27
        store.conn.execute("DELETE FROM bars WHERE date > ?", (DAY.isoformat(),))
        store.conn.commit()
    own = load_pool_view(data, THEMES, names)
    assert own.fallback and own.sample and own.session == "2025-02-27"
    assert (own.top.code, own.top.name, own.top.streak) == ("600589", "大位科技", 5)
    assert own.ladder == {5: 1} and own.outside_themes == 0
    with Store.open(data) as store:
        write_limit_pools(store, pool_frame())
    stored = load_pool_view(data, THEMES, names)
    assert not stored.fallback and stored.limit_up == 5 and stored.outside_themes == 3
