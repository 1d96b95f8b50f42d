"""AkshareSource parsing and normalization, driven by recorded akshare frames (no network)."""

from __future__ import annotations

import math
import sys
from datetime import date, datetime

import pandas as pd
import pytest

from tests.fixtures import akshare_frames as af
from tui.sources.akshare_source import AkshareSource
from tui.sources.base import BAR_COLUMNS, QUOTE_COLUMNS, FailureKind
from tui.sources.calls import RetryPolicy
from tui.sources.normalize import SHANGHAI

NOW = datetime(2025, 11, 21, 16, 0, tzinfo=SHANGHAI)


def make_source(fake, **kw) -> AkshareSource:
    kw.setdefault("timeout", 2.0)
    return AkshareSource(loader=lambda: fake, sleep=lambda s: None, clock=lambda: NOW, **kw)


def test_bid_ask_quote_normalized():
    fake = af.fake_akshare(stock_bid_ask_em=lambda symbol: af.bid_ask_frame())
    result = make_source(fake).fetch_quotes(["000001"])
    assert result.ok
    q = result.frame
    assert list(q.columns) == list(QUOTE_COLUMNS)
    row = q.iloc[0]
    assert row["code"] == "000001" and row["price"] == 10.45 and row["prev_close"] == 10.40
    assert row["change_pct"] == 0.48 and row["volume"] == 872663.0 and row["limit_up"] == 11.44
    assert row["suspended"] is False or row["suspended"] == False  # noqa: E712
    assert str(q["as_of"].dt.tz) == "Asia/Shanghai"
    assert row["as_of"] == pd.Timestamp("2025-11-21 15:00", tz=SHANGHAI)  # capped at the close
    assert pd.api.types.is_string_dtype(q["code"]) and q["price"].dtype == "float64"
    assert fake.calls == [("stock_bid_ask_em", {"symbol": "000001"})]


def test_bid_ask_dash_quirk_is_suspended_with_nan_price():
    frame = af.bid_ask_dash_frame()
    assert frame["value"].dtype == object and (frame["value"] == af.DASHES).any()
    fake = af.fake_akshare(stock_bid_ask_em=lambda symbol: frame)
    result = make_source(fake).fetch_quotes(["300067"])
    assert result.ok
    row = result.frame.iloc[0]
    assert bool(row["suspended"]) and math.isnan(row["price"])
    assert row["prev_close"] == 10.40 and row["limit_up"] == 11.44


def test_bid_ask_zero_volume_is_suspended():
    fake = af.fake_akshare(stock_bid_ask_em=lambda symbol: af.bid_ask_frame(总手=0.0))
    row = make_source(fake).fetch_quotes(["300133"]).frame.iloc[0]
    assert bool(row["suspended"]) and math.isnan(row["price"])


def test_bid_ask_missing_item_is_schema_failure_and_falls_back_to_tencent():
    broken = af.bid_ask_frame().loc[lambda f: f["item"] != "最新"]
    fake = af.fake_akshare(stock_bid_ask_em=lambda symbol: broken,
                           stock_zh_a_hist_tx=lambda **kw: af.zh_a_hist_tx_frame())
    src = AkshareSource(loader=lambda: fake, sleep=lambda s: None,
                        clock=lambda: datetime(2024, 6, 5, 16, 0, tzinfo=SHANGHAI))
    result = src.fetch_quotes(["300133"])
    assert result.ok
    row = result.frame.iloc[0]
    assert row["source"] == "akshare:stock_zh_a_hist_tx"
    assert row["price"] == 8.29 and row["prev_close"] == 8.32
    assert row["volume"] == pytest.approx(312958.0)  # Tencent shares -> lots
    assert row["as_of"] == pd.Timestamp("2024-06-05 15:00", tz=SHANGHAI)
    kw = fake.calls[-1][1]
    assert kw["symbol"] == "sz300133" and kw["start_date"] == "2024-05-22" and kw["end_date"] == "2024-06-05"


def test_schema_failure_reported_when_fallback_fails_too():
    broken = af.bid_ask_frame().loc[lambda f: f["item"] != "最新"]
    fake = af.fake_akshare(stock_bid_ask_em=lambda symbol: broken,
                           stock_zh_a_hist_tx=lambda **kw: pd.DataFrame())
    result = make_source(fake).fetch_quotes(["300133"])
    (failure,) = result.failures
    assert failure.kind is FailureKind.SCHEMA
    assert failure.message == "source changed its columns: missing 最新"
    assert "stock_zh_a_hist_tx" in failure.call and "empty result" in failure.detail


def test_unknown_code_from_data_null_does_not_fall_back():
    def data_null(symbol):
        data_json = {"data": None}
        return data_json["data"]["f31"]  # what akshare does: TypeError

    fake = af.fake_akshare(stock_bid_ask_em=data_null, stock_zh_a_hist_tx=lambda **kw: 1 / 0)
    result = make_source(fake).fetch_quotes(["300999", "abc"])
    kinds = {f.code: f.kind for f in result.failures}
    assert kinds == {"300999": FailureKind.UNKNOWN_CODE, "abc": FailureKind.UNKNOWN_CODE}
    assert [c for c, _ in fake.calls] == ["stock_bid_ask_em"]


def test_big_list_uses_spot_em_and_drops_duplicates():
    spot = af.spot_em_frame()
    spot = pd.concat([spot, spot.iloc[[5]]], ignore_index=True)  # 300133 twice (paging overlap)
    fake = af.fake_akshare(stock_zh_a_spot_em=lambda: spot)
    src = make_source(fake, big_list=2)
    result = src.fetch_quotes(["300133", "300067", "836149", "600000"])
    q = result.frame.set_index("code")
    assert q.loc["300133", "price"] == 7.65 and q.loc["300133", "name"] == "华策影视"
    assert q.loc["300133", "market_cap"] == 1.4e10
    assert bool(q.loc["300067", "suspended"]) and math.isnan(q.loc["300067", "price"])
    assert q.loc["836149", "price"] == 7.31
    assert result.dropped_duplicates == 1 and any("duplicate" in n for n in result.notes)
    assert [(f.code, f.kind) for f in result.failures] == [("600000", FailureKind.UNKNOWN_CODE)]
    assert [c for c, _ in fake.calls] == ["stock_zh_a_spot_em"]


def test_big_list_falls_back_to_sina_spot():
    def banned():
        raise ConnectionError("('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))")

    fake = af.fake_akshare(stock_zh_a_spot_em=banned, stock_zh_a_spot=af.sina_spot_frame)
    result = make_source(fake, big_list=1).fetch_quotes(["300133", "430198"])
    q = result.frame.set_index("code")
    assert q.loc["300133", "price"] == 7.65 and q.loc["300133", "volume"] == 123456.0  # shares -> lots
    assert bool(q.loc["430198", "suspended"]) and math.isnan(q.loc["430198", "price"])
    assert result.ok


def test_extra_columns_tolerated():
    frame = af.zh_a_hist_frame()
    frame["新列"] = "x"
    fake = af.fake_akshare(stock_zh_a_hist=lambda **kw: frame)
    result = make_source(fake).fetch_bars("000001", date(2017, 3, 1), date(2017, 3, 3), "raw")
    assert result.ok and len(result.frame) == 3


def test_zh_a_hist_bars_normalized_qfq_and_raw():
    fake = af.fake_akshare(stock_zh_a_hist=lambda **kw: af.zh_a_hist_frame())
    src = make_source(fake, timeout=7)
    result = src.fetch_bars("000001", date(2017, 3, 1), date(2017, 3, 3), "qfq")
    bars = result.frame
    assert list(bars.columns) == list(BAR_COLUMNS)
    assert bars["date"].dtype == "datetime64[ns]"
    assert bars.iloc[0][["open", "high", "low", "close", "volume", "amount"]].tolist() == [
        9.49, 9.55, 9.44, 9.49, 346994.0, 330157184.0]
    assert set(bars["adjust"]) == {"qfq"} and not bars["is_sample"].any()
    assert result.source == "akshare:stock_zh_a_hist"
    kw = fake.calls[0][1]
    assert kw == {"symbol": "000001", "period": "daily", "start_date": "20170301",
                  "end_date": "20170303", "adjust": "qfq", "timeout": 7.0}
    src.fetch_bars("000001", date(2017, 3, 1), date(2017, 3, 3), "raw")
    assert fake.calls[1][1]["adjust"] == ""


def test_bars_duplicates_dropped_with_count():
    frame = af.zh_a_hist_frame()
    frame = pd.concat([frame, frame.iloc[[1]]], ignore_index=True)
    fake = af.fake_akshare(stock_zh_a_hist=lambda **kw: frame)
    result = make_source(fake).fetch_bars("000001", date(2017, 3, 1), date(2017, 3, 3))
    assert len(result.frame) == 3 and result.dropped_duplicates == 1
    assert any("duplicate" in n for n in result.notes)


def test_bars_suspended_rows_dropped():
    frame = af.zh_a_hist_frame()
    frame.loc[1, "收盘"] = math.nan
    frame.loc[2, "成交量"] = 0
    fake = af.fake_akshare(stock_zh_a_hist=lambda **kw: frame)
    result = make_source(fake).fetch_bars("000001", date(2017, 3, 1), date(2017, 3, 3))
    assert result.frame["date"].dt.day.tolist() == [1]
    assert any("suspended" in n for n in result.notes)


def test_bars_fall_back_to_tencent_on_missing_column():
    broken = af.zh_a_hist_frame().drop(columns=["收盘"])
    fake = af.fake_akshare(stock_zh_a_hist=lambda **kw: broken,
                           stock_zh_a_hist_tx=lambda **kw: af.zh_a_hist_tx_frame())
    result = make_source(fake).fetch_bars("300133", date(2024, 6, 1), date(2024, 6, 30))
    assert result.ok and result.source == "akshare:stock_zh_a_hist_tx"
    assert result.frame["volume"].tolist() == [602137.0, 398005.0, 312958.0]  # shares -> lots
    assert any("missing 收盘" in n for n in result.notes)


@pytest.mark.parametrize("moved", ["股票代码", "日期"])
def test_shifted_columns_are_a_schema_failure_not_stored(moved):
    shifted = af.zh_a_hist_frame()
    shifted["开盘"] = shifted[moved].astype("str")  # text where a number belongs
    fake = af.fake_akshare(stock_zh_a_hist=lambda **kw: shifted,
                           stock_zh_a_hist_tx=lambda **kw: pd.DataFrame())
    result = make_source(fake).fetch_bars("000001", date(2017, 3, 1), date(2017, 3, 3))
    assert result.frame.empty
    assert result.failures[0].kind is FailureKind.SCHEMA
    assert result.failures[0].message.startswith("source changed its columns: 开盘 is not number")


def test_empty_frame_short_range_no_fallback():
    fake = af.fake_akshare(stock_zh_a_hist=lambda **kw: pd.DataFrame(),
                           stock_zh_a_hist_tx=lambda **kw: af.zh_a_hist_tx_frame())
    result = make_source(fake).fetch_bars("300133", date(2025, 11, 24), date(2025, 11, 24))
    assert result.failures[0].kind is FailureKind.EMPTY and result.failures[0].message == "empty result"
    assert [c for c, _ in fake.calls] == ["stock_zh_a_hist"]


def test_hk_bars_and_quote():
    fake = af.fake_akshare(stock_hk_hist=lambda **kw: af.hk_hist_frame())
    src = AkshareSource(loader=lambda: fake, sleep=lambda s: None,
                        clock=lambda: datetime(2023, 11, 20, 10, 0, tzinfo=SHANGHAI))
    bars = src.fetch_bars("00593", date(1998, 1, 1), date(2023, 11, 30), "raw").frame
    assert bars["volume"].tolist() == [1250000.0, 4100000.0, 4900000.0]  # HK: shares
    quotes = src.fetch_quotes(["00593"])
    assert quotes.ok and quotes.frame.iloc[0]["price"] == 1.47


def test_index_bars_em_then_fallback():
    fake = af.fake_akshare(stock_zh_index_daily_em=lambda **kw: af.index_daily_em_frame(),
                           index_zh_a_hist=lambda **kw: af.index_zh_a_hist_frame())
    src = make_source(fake)
    result = src.fetch_index_bars("sz399812", date(2005, 1, 1), date(2023, 12, 31))
    assert result.ok and result.frame["code"].tolist() == ["sz399812"] * 2
    assert result.frame.iloc[1]["close"] == 5952.02
    assert fake.calls[0][1] == {"symbol": "sz399812", "start_date": "20050101", "end_date": "20231231"}

    fake2 = af.fake_akshare(stock_zh_index_daily_em=lambda **kw: {"data": None}["data"]["klines"],
                            index_zh_a_hist=lambda **kw: af.index_zh_a_hist_frame())
    result2 = make_source(fake2).fetch_index_bars("sh000016", date(2004, 1, 1), date(2022, 3, 1))
    assert result2.ok and result2.source == "akshare:index_zh_a_hist"
    assert fake2.calls[-1][1]["symbol"] == "000016"
    assert make_source(fake).fetch_index_bars("000300", date(2024, 1, 1), date(2024, 2, 1)).failures[0].kind is FailureKind.UNKNOWN_CODE


def test_trade_dates_and_offline_calendar_fallback():
    fake = af.fake_akshare(tool_trade_date_hist_sina=lambda: af.trade_date_frame())
    result = make_source(fake).fetch_trade_dates()
    assert result.ok and result.frame["date"].iloc[-1] == pd.Timestamp("2025-12-31")
    assert result.frame["date"].dtype == "datetime64[ns]"

    def offline():
        raise ConnectionError("Failed to resolve 'finance.sina.com.cn' ([Errno -2] Name or service not known)")

    fake2 = af.fake_akshare(tool_trade_date_hist_sina=offline)
    fake2.futures = type("F", (), {"cons": type("C", (), {"get_calendar": staticmethod(lambda: ["20260105", "20260106"])})})
    result2 = make_source(fake2).fetch_trade_dates()
    assert result2.ok and len(result2.frame) == 2 and "bundled calendar" in result2.notes[0]


def test_clear_stale_caches_only_touches_imported_modules(monkeypatch):
    import functools
    import types

    calls = []

    @functools.lru_cache
    def cached():
        calls.append(1)
        return 1

    module = types.ModuleType("akshare.stock.stock_board_concept_em")
    setattr(module, "__stock_board_concept_name_em", cached)
    monkeypatch.setitem(sys.modules, "akshare.stock.stock_board_concept_em", module)
    cached()
    cached()
    src = make_source(af.fake_akshare())
    assert src.clear_stale_caches() == ["__stock_board_concept_name_em"]
    cached()
    assert len(calls) == 2


def test_retry_policy_delays_grow_with_jitter():
    policy = RetryPolicy(base_delay=0.5, max_delay=4)
    delays = [policy.delay(n) for n in (1, 2, 3, 4, 5)]
    assert 0.5 <= delays[0] <= 0.75 and 1.0 <= delays[1] <= 1.5 and 4.0 <= delays[4] <= 6.0
    assert policy.max_attempts(FailureKind.SCHEMA) == 1 and policy.max_attempts(FailureKind.UNKNOWN_CODE) == 1


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_real_akshare_bid_ask_parser_with_canned_reply(monkeypatch):
    """The installed akshare's own stock_bid_ask_em on a canned Eastmoney reply with an empty
    order book ("-" ⇒ the 100-dash quirk); requests is patched, nothing leaves the process."""
    ak = pytest.importorskip("akshare")
    import requests

    fields = [31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 19, 20, 17, 18, 15, 16, 13, 14, 11, 12,
              43, 71, 170, 169, 47, 48, 168, 50, 44, 45, 46, 60, 51, 52, 49, 161]
    data = {f"f{n}": "-" for n in fields}
    data.update({"f60": 7.63, "f51": 9.16, "f52": 6.10})  # 昨收, 涨停, 跌停 still sent when suspended

    class Reply:
        def json(self):
            return {"rc": 0, "data": data}

    def fake_get(url, params=None, **kw):
        assert "push2.eastmoney.com" in url and params["secid"] == "0.300133"
        return Reply()

    monkeypatch.setattr(requests, "get", fake_get)
    monkeypatch.setattr(requests.sessions.Session, "request", lambda *a, **k: pytest.fail("unexpected request"))
    src = AkshareSource(loader=lambda: ak, sleep=lambda s: None, clock=lambda: NOW)
    result = src.fetch_quotes(["300133"])
    assert result.ok, result.failures
    row = result.frame.iloc[0]
    assert bool(row["suspended"]) and math.isnan(row["price"]) and row["prev_close"] == 7.63
