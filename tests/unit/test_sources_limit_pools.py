"""The limit-pool fetch (tui.sources.limit_pools) on recorded-shape frames, with faults."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from tests.fixtures.akshare_frames import fake_akshare
from tests.fixtures.limit_pool_frames import (
    DTGC_COLUMNS,
    PREVIOUS_COLUMNS,
    ZBGC_COLUMNS,
    ZT_COLUMNS,
    pool_functions,
    zt_pool_frame,
)
from tui.sources.akshare_source import AkshareSource
from tui.sources.base import FailureKind
from tui.sources.limit_pools import POOL_COLUMNS

NOW = datetime(2025, 2, 27, 15, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = date(2025, 2, 27)


def source(**functions) -> AkshareSource:
    fake = fake_akshare(**pool_functions(**functions))
    return AkshareSource(loader=lambda: fake, sleep=lambda s: None, clock=lambda: NOW, timeout=0.5)


def test_fixture_columns_are_akshares_exact_order():
    # Copied from akshare/stock_feature/stock_ztb_em.py (the temp_df[[...]] selections).
    assert list(zt_pool_frame().columns) == ZT_COLUMNS
    assert ZT_COLUMNS[-2:] == ["连板数", "所属行业"] and PREVIOUS_COLUMNS[13] == "昨日连板数"
    assert "炸板次数" in ZBGC_COLUMNS and DTGC_COLUMNS[13] == "连续跌停"


def test_all_four_pools_normalised():
    result = source().fetch_limit_pools(DAY)
    frame = result.frame
    assert result.ok and list(frame.columns) == POOL_COLUMNS
    assert frame.groupby("pool").size().to_dict() == {"dt": 1, "prev": 4, "zb": 2, "zt": 5}
    top = frame.loc[(frame["pool"] == "zt") & (frame["code"] == "600589")].iloc[0]
    assert top["streak"] == 5 and top["first_seal"] == "09:25:00" and top["industry"] == "通信服务"
    assert top["session"] == "2025-02-27" and top["source"] == "akshare:stock_zt_pool_em"
    dt = frame.loc[frame["pool"] == "dt"].iloc[0]
    assert (dt["code"], dt["down_streak"], dt["last_seal"]) == ("002602", 2, "14:57:00")
    prev = frame.loc[(frame["pool"] == "prev") & (frame["code"] == "002335")].iloc[0]
    assert prev["streak"] == 2 and prev["first_seal"] == "10:15:00"


def test_a_failed_or_changed_pool_leaves_the_others():
    def boom(date):
        raise ConnectionError("reset by peer")

    result = source(
        stock_zt_pool_zbgc_em=boom,
        stock_zt_pool_dtgc_em=lambda date: pd.DataFrame(),  # no limit-downs that day
        stock_zt_pool_previous_em=lambda date: zt_pool_frame().drop(columns=["连板数"]),  # wrong frame
    ).fetch_limit_pools(DAY)
    assert set(result.frame["pool"]) == {"zt"}
    kinds = {f.code: f.kind for f in result.failures}
    assert kinds["pool:zb"] in (FailureKind.NETWORK, FailureKind.OTHER)
    assert kinds["pool:prev"] is FailureKind.SCHEMA
    assert any("empty pool" in n for n in result.notes)


def test_a_hanging_pool_times_out():
    gate = threading.Event()

    def hang(date):
        gate.wait(5)
        return zt_pool_frame()

    try:
        result = source(stock_zt_pool_em=hang).fetch_limit_pools(DAY)
    finally:
        gate.set()
    assert {f.code for f in result.failures} == {"pool:zt"}
    assert result.failures[0].kind is FailureKind.TIMEOUT
    assert "zt" not in set(result.frame["pool"])


def test_text_in_a_number_column_is_a_schema_failure():
    shifted = zt_pool_frame()
    shifted["连板数"] = shifted["所属行业"]
    result = source(stock_zt_pool_em=lambda date: shifted).fetch_limit_pools(DAY)
    assert {f.code: f.kind for f in result.failures}["pool:zt"] is FailureKind.SCHEMA


def test_a_date_akshare_refuses_is_reported_not_raised():
    def refuse(date):
        raise ValueError("炸板股池只能获取最近 30 个交易日的数据")

    result = source(stock_zt_pool_zbgc_em=refuse).fetch_limit_pools(DAY)
    assert {f.code for f in result.failures} == {"pool:zb"}
