"""The offline sample source, the default akshare loader, and the frame contracts."""

from __future__ import annotations

import os
import sys
from datetime import date

import pandas as pd

from tests.fixtures import akshare_frames as af
from tui.jobs.refresh import run_refresh
from tui.sources.akshare_source import AkshareSource
from tui.sources.base import BAR_COLUMNS, QUOTE_COLUMNS, FailureKind, MarketSource
from tui.sources.sample_source import SampleSource
from tui.store import Store


def test_sample_source_is_a_market_source():
    assert isinstance(SampleSource(), MarketSource)
    assert isinstance(AkshareSource(), MarketSource)


def test_sample_bars_quotes_and_calendar():
    src = SampleSource()
    assert "300133" in src.codes and "688041" in src.codes
    result = src.fetch_bars("300133", date(2025, 4, 1), date(2025, 4, 30))
    bars = result.frame
    assert list(bars.columns) == list(BAR_COLUMNS) and bars["is_sample"].all()
    assert set(bars["adjust"]) == {"qfq"} and bars["date"].dtype == "datetime64[ns]"
    april7 = bars.loc[bars["date"] == pd.Timestamp("2025-04-07")].iloc[0]
    prev = bars.loc[bars["date"] == pd.Timestamp("2025-04-03")].iloc[0]
    assert april7["close"] / prev["close"] - 1 < -0.17  # the tariff crash (PROVENANCE.md)

    raw = src.fetch_bars("300133", date(2025, 4, 1), date(2025, 4, 30), "raw")
    assert raw.frame.empty and raw.failures[0].kind is FailureKind.EMPTY

    idx = src.fetch_index_bars("sh000300", date(2025, 3, 13), date(2025, 3, 13)).frame
    assert idx.iloc[0]["close"] == 3911.58

    quotes = src.fetch_quotes(["300133", "600000"])
    assert list(quotes.frame.columns) == list(QUOTE_COLUMNS) and quotes.frame["is_sample"].all()
    assert quotes.failures[0].code == "600000" and quotes.failures[0].kind is FailureKind.UNKNOWN_CODE

    dates = src.fetch_trade_dates().frame["date"]
    assert dates.iloc[0] == pd.Timestamp("2024-01-02") and dates.iloc[-1] == pd.Timestamp("2025-11-21")


def test_refresh_from_sample_source_into_empty_store(tmp_path):
    with Store.open(tmp_path, load_sample=False) as store:
        summary = run_refresh(store, SampleSource(), ["300133"], today=date(2025, 11, 21), history_days=60)
        assert store.last_bar_date("300133") == date(2025, 11, 21)
        assert store.last_bar_date("sz399006") == date(2025, 11, 21)
        kinds = {o.label: o.status for o in summary.outcomes}
        assert kinds["bars 300133 qfq"] == "fetched" and kinds["bars 300133 raw"] == "failed"


def test_default_loader_uses_sys_modules_fake_and_sets_tqdm(monkeypatch):
    fake = af.fake_akshare(stock_bid_ask_em=lambda symbol: af.bid_ask_frame())
    monkeypatch.setitem(sys.modules, "akshare", fake)
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    result = AkshareSource().fetch_quotes(["000001"])
    assert result.ok and os.environ["TQDM_DISABLE"] == "1"
    assert fake.calls == [("stock_bid_ask_em", {"symbol": "000001"})]
