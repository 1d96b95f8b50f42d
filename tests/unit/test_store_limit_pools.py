"""The limit_pool table: the migration, replace-per-pool writes, reads of the newest session."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tests.fixtures.limit_pool_frames import zt_pool_frame
from tui.sources.limit_pools import normalize_pool
from tui.sources.schema import validate_frame
from tui.store import Store
from tui.store.limit_pools import limit_pool_sessions, read_limit_pools, write_limit_pools
from tui.store.schema import LATEST_VERSION

NOW = datetime(2025, 2, 27, 15, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


def zt(day: date, rows: slice = slice(None)):
    frame = validate_frame(zt_pool_frame().iloc[rows].reset_index(drop=True), "stock_zt_pool_em")
    return normalize_pool(frame, "zt", day, NOW, "akshare")


def test_write_replace_and_read(tmp_path):
    with Store.open(tmp_path / "data", load_sample=False) as store:
        assert store.schema_version == LATEST_VERSION
        assert read_limit_pools(store).empty
        day = date(2025, 2, 27)
        assert write_limit_pools(store, zt(day)) == 5
        assert write_limit_pools(store, zt(day, slice(0, 2))) == 2  # a re-fetch replaces the pool
        pool = read_limit_pools(store)
        assert pool["code"].tolist() == ["600589", "603000"]
        assert int(pool["streak"].iloc[0]) == 5 and pool["industry"].iloc[0] == "通信服务"
        write_limit_pools(store, zt(date(2025, 2, 26), slice(2, 3)))
        assert limit_pool_sessions(store) == [date(2025, 2, 26), day]
        assert read_limit_pools(store)["session"].unique().tolist() == ["2025-02-27"]  # newest
        assert read_limit_pools(store, date(2025, 2, 26))["code"].tolist() == ["002230"]
