"""Store: opening, the shipped sample, bar and quote upserts, reads, meta and the fetch log."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tui.store import DB_FILENAME, LATEST_VERSION, Store, StoreError, WriteResult

SH = "Asia/Shanghai"


def bars_frame(code="300133", dates=("2026-03-02", "2026-03-03"), close=(10.0, 10.5), *,
               source="akshare:stock_zh_a_hist", is_sample=False, adjust="qfq", **extra):
    n = len(dates)
    df = pd.DataFrame(
        {
            "code": pd.array([code] * n, dtype="str"),
            "date": pd.to_datetime(list(dates)),
            "open": [c - 0.1 if c == c else np.nan for c in close],
            "high": [c + 0.2 if c == c else np.nan for c in close],
            "low": [c - 0.2 if c == c else np.nan for c in close],
            "close": list(close),
            "volume": [1000.0] * n,
            "amount": [1e6] * n,
            "adjust": pd.array([adjust] * n, dtype="str"),
            "source": pd.array([source] * n, dtype="str"),
            "is_sample": [is_sample] * n,
        }
    )
    for k, v in extra.items():
        df[k] = v
    return df


def quotes_frame(rows, *, source="akshare:stock_zh_a_spot_em", is_sample=False,
                 as_of="2026-03-02 10:15:00", fetched_at="2026-03-02 10:15:03"):
    """rows: list of (code, name, price)."""
    n = len(rows)
    price = [r[2] for r in rows]
    return pd.DataFrame(
        {
            "code": pd.array([r[0] for r in rows], dtype="str"),
            "name": pd.array([r[1] for r in rows], dtype="str"),
            "price": price,
            "change": [0.1] * n,
            "change_pct": [1.0] * n,
            "volume": [100.0] * n,
            "amount": [1e5] * n,
            "prev_close": [p - 0.1 if p == p else np.nan for p in price],
            "suspended": [p != p for p in price],
            "as_of": pd.Series([pd.Timestamp(as_of, tz=SH)] * n),
            "fetched_at": pd.Series([pd.Timestamp(fetched_at, tz=SH)] * n),
            "source": pd.array([source] * n, dtype="str"),
            "is_sample": [is_sample] * n,
        }
    )


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data", load_sample=False)
    yield s
    s.close()


# --- opening and the sample ---------------------------------------------------------------------


def test_open_creates_directory_wal_and_latest_schema(tmp_path):
    with Store.open(tmp_path / "nested" / "dir", load_sample=False) as s:
        assert (tmp_path / "nested" / "dir" / DB_FILENAME).exists()
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        assert s.schema_version == LATEST_VERSION
        assert not s.has_bars()


def test_open_rejects_a_file_that_is_not_a_database(tmp_path):
    (tmp_path / DB_FILENAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store.open(tmp_path)


def test_open_loads_the_sample_once_fast_and_marked(tmp_path):
    t0 = time.perf_counter()
    s = Store.open(tmp_path)
    elapsed = time.perf_counter() - t0
    # Measured ~80 ms on the 2-core dev machine; generous bound for loaded CI runners.
    assert elapsed < 1.0, elapsed
    codes = s.bar_codes()
    assert len(codes) == 20 and {"sh000300", "sz399006", "300133", "688041"} <= set(codes)
    n = s.conn.execute("SELECT count(*), min(is_sample), max(is_sample) FROM bars").fetchone()
    assert n == (8213 + 914, 1, 1)
    b = s.bars("300133")
    assert b["date"].min() == pd.Timestamp("2024-01-02") and b["date"].max() == pd.Timestamp("2025-11-21")
    assert set(b["source"]) == {"sample:a_share_daily_qfq_20240102_20251121.csv"}
    assert b["is_sample"].all() and b["amount"].isna().all()
    idx = s.bars("sh000300")
    assert set(idx["source"]) == {"sample:index_daily_000300_399006_20240102_20251121.csv"}
    # Known value from PROVENANCE.md: CSI 300 closed at 3911.58 on 2025-03-13.
    assert idx.loc[idx["date"] == pd.Timestamp("2025-03-13"), "close"].item() == pytest.approx(3911.58)
    assert s.get_meta("sample_as_of") == "2025-11-21"
    assert s.get_meta("sample_provenance") == "see tui/data/sample/PROVENANCE.md"
    s.close()
    with Store.open(tmp_path) as again:  # not reloaded
        assert again.load_sample() == WriteResult()
        assert again.conn.execute("SELECT count(*) FROM bars").fetchone()[0] == 8213 + 914


def test_live_bars_replace_sample_bars_but_sample_never_replaces_live(tmp_path):
    with Store.open(tmp_path) as s:
        live = bars_frame("300133", ("2025-11-20", "2025-11-21"), (7.5, 7.6))
        r = s.upsert_bars(live)
        assert (r.inserted, r.updated, r.unchanged) == (0, 2, 0)
        b = s.bars("300133", start="2025-11-20")
        assert list(b["close"]) == [7.5, 7.6] and not b["is_sample"].any()
        assert set(b["source"]) == {"akshare:stock_zh_a_hist"}
        back = bars_frame("300133", ("2025-11-20", "2025-11-21"), (1.0, 1.0),
                          source="sample:x.csv", is_sample=True)
        r = s.upsert_bars(back)
        assert (r.inserted, r.updated, r.unchanged) == (0, 0, 2)
        assert list(s.bars("300133", start="2025-11-20")["close"]) == [7.5, 7.6]


# --- bars ---------------------------------------------------------------------------------------


def test_upsert_bars_is_idempotent_and_counts(store):
    df = bars_frame()
    assert store.upsert_bars(df) == WriteResult(inserted=2)
    assert store.upsert_bars(df) == WriteResult(unchanged=2)
    changed = bars_frame(dates=("2026-03-03", "2026-03-04"), close=(11.0, 12.0))
    assert store.upsert_bars(changed) == WriteResult(inserted=1, updated=1)
    assert list(store.bars("300133")["close"]) == [10.0, 11.0, 12.0]


def test_duplicate_keys_in_one_frame_last_wins(store):
    df = bars_frame(dates=("2026-03-02", "2026-03-02"), close=(10.0, 10.4))
    r = store.upsert_bars(df)
    assert r.inserted == 1 and r.changed + r.unchanged == 2
    assert list(store.bars("300133")["close"]) == [10.4]


def test_empty_frame_and_nan_prices_never_blank_good_bars(store):
    store.upsert_bars(bars_frame())
    assert store.upsert_bars(bars_frame().iloc[0:0]) == WriteResult()
    suspended = bars_frame(close=(np.nan, np.nan))
    assert store.upsert_bars(suspended) == WriteResult(skipped=2)
    # A bar from the same source missing amount/volume keeps the stored figures.
    partial = bars_frame(dates=("2026-03-02",), close=(10.0,))
    partial["amount"] = np.nan
    partial["volume"] = np.nan
    assert store.upsert_bars(partial) == WriteResult(unchanged=1)
    b = store.bars("300133")
    assert list(b["close"]) == [10.0, 10.5] and list(b["amount"]) == [1e6, 1e6]


def test_bars_contract_dtypes_order_limit_and_range(store):
    dates = pd.bdate_range("2026-01-05", periods=30)
    df = bars_frame(dates=[d.strftime("%Y-%m-%d") for d in dates], close=[float(i) + 1 for i in range(30)])
    store.upsert_bars(df.iloc[::-1])  # unsorted input
    b = store.bars("300133", limit=10)
    assert list(b.columns) == ["code", "date", "open", "high", "low", "close", "volume", "amount",
                               "adjust", "source", "is_sample"]
    assert pd.api.types.is_string_dtype(b["code"]) and pd.api.types.is_string_dtype(b["source"])
    assert pd.api.types.is_datetime64_dtype(b["date"]) and b["date"].dt.tz is None
    assert b["close"].dtype == "float64" and b["is_sample"].dtype == bool
    assert list(b["close"]) == [float(i) for i in range(21, 31)]  # the 10 newest, oldest first
    r = store.bars("300133", start=date(2026, 1, 6), end="2026-01-08")
    assert list(r["date"].dt.strftime("%Y-%m-%d")) == ["2026-01-06", "2026-01-07", "2026-01-08"]
    assert store.bars("300133", adjust="raw").empty
    assert store.bars("999999").empty and list(store.bars("999999").columns) == list(b.columns)
    assert store.last_bar_date("300133") == dates[-1].date()
    assert store.last_bar_date("999999") is None


def test_bars_for_long_format_and_index_adjust(store):
    store.upsert_bars(bars_frame("300133"))
    store.upsert_bars(bars_frame("002602", close=(3.0, 3.1)))
    # An index written as "raw" is keyed qfq: indices are not adjusted.
    store.upsert_bars(bars_frame("sh000300", close=(3900.0, 3911.58), adjust="raw"))
    both = store.bars_for(["300133", "002602", "sh000300"])
    assert list(both["code"]) == ["002602", "002602", "300133", "300133", "sh000300", "sh000300"]
    assert set(both["adjust"]) == {"qfq"}
    assert store.bars("sh000300", adjust="raw")["close"].iloc[-1] == 3911.58
    assert store.bars_for([]).empty
    assert len(store.bars_for(["300133"], start="2026-03-03")) == 1


def test_bad_frames_are_rejected(store):
    with pytest.raises(ValueError, match="adjust"):
        store.upsert_bars(bars_frame(adjust="weird"))
    with pytest.raises(ValueError, match="lacks"):
        store.upsert_bars(bars_frame().drop(columns=["source"]))


def test_sql_is_parameterised(store):
    evil = "300133'; DROP TABLE bars; --"
    store.upsert_bars(bars_frame(evil))
    assert store.bars(evil)["code"].iloc[0] == evil
    assert "bars" in [r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")]


def test_read_cache_sees_writes_from_another_connection(tmp_path):
    a = Store.open(tmp_path, load_sample=False)
    b = Store.open(tmp_path, load_sample=False)
    a.upsert_bars(bars_frame())
    first = a.bars("300133", limit=250)
    first.loc[0, "close"] = -1.0  # callers may change what they get without touching the cache
    assert a.bars("300133", limit=250)["close"].iloc[0] == 10.0
    b.upsert_bars(bars_frame(dates=("2026-03-04",), close=(12.0,)))
    assert list(a.bars("300133", limit=250)["close"]) == [10.0, 10.5, 12.0]
    a.close()
    b.close()


def test_warm_read_of_250_bars_is_fast(store):
    dates = pd.bdate_range("2025-01-02", periods=300)
    store.upsert_bars(bars_frame(dates=[d.strftime("%Y-%m-%d") for d in dates], close=[10.0] * 300))
    store.bars("300133", limit=250)
    timings = []
    for _ in range(200):
        t0 = time.perf_counter()
        store.bars("300133", limit=250)
        timings.append(time.perf_counter() - t0)
    assert sorted(timings)[100] < 0.001


def test_store_is_bound_to_its_thread(store):
    errors = []

    def use():
        try:
            store.bars("300133")
        except sqlite3.ProgrammingError as exc:
            errors.append(exc)

    t = threading.Thread(target=use)
    t.start()
    t.join()
    assert errors


# --- quotes -------------------------------------------------------------------------------------


def test_quotes_roundtrip_contract(store):
    r = store.upsert_quotes(quotes_frame([("300133", "华策影视", 8.5), ("002602", "世纪华通", 5.1)]))
    assert r == WriteResult(inserted=2)
    q = store.latest_quotes()
    assert list(q["code"]) == ["002602", "300133"]
    assert str(q["as_of"].dt.tz) == SH and str(q["fetched_at"].dt.tz) == SH
    assert q.loc[q["code"] == "300133", "as_of"].item() == pd.Timestamp("2026-03-02 10:15:00", tz=SH)
    assert pd.api.types.is_string_dtype(q["name"]) and q["suspended"].dtype == bool
    assert q["turnover_rate"].isna().all()  # not supplied -> NaN
    assert list(store.latest_quotes(["300133"])["name"]) == ["华策影视"]
    assert store.latest_quotes([]).empty
    assert store.upsert_quotes(quotes_frame([("300133", "华策影视", 8.5)])) == WriteResult(unchanged=1)


def test_quote_times_in_other_zones_are_converted(store):
    df = quotes_frame([("300133", "华策影视", 8.5)])
    df["as_of"] = pd.Series([pd.Timestamp("2026-03-02 02:15:00", tz="UTC")])
    store.upsert_quotes(df)
    assert store.latest_quotes()["as_of"].item() == pd.Timestamp("2026-03-02 10:15:00", tz=SH)


def test_suspended_quote_keeps_last_good_price(store):
    store.upsert_quotes(quotes_frame([("688041", "海光信息", 150.0)]))
    r = store.upsert_quotes(quotes_frame([("688041", "海光信息", np.nan)], as_of="2026-03-03 10:00"))
    assert r == WriteResult(updated=1)
    q = store.latest_quotes().iloc[0]
    assert q["price"] == 150.0 and q["suspended"]
    assert q["as_of"] == pd.Timestamp("2026-03-02 10:15:00", tz=SH)  # the price's own time
    assert store.upsert_quotes(quotes_frame([("688041", "海光信息", np.nan)])) == WriteResult(unchanged=1)
    # Trading resumes.
    store.upsert_quotes(quotes_frame([("688041", "海光信息", 151.0)], as_of="2026-03-04 10:00"))
    q = store.latest_quotes().iloc[0]
    assert q["price"] == 151.0 and not q["suspended"]


def test_new_suspended_code_is_stored_without_price(store):
    store.upsert_quotes(quotes_frame([("600589", "大位科技", np.nan)]))
    q = store.latest_quotes().iloc[0]
    assert np.isnan(q["price"]) and q["suspended"] and q["name"] == "大位科技"


def test_empty_quote_frame_is_a_noop(store):
    store.upsert_quotes(quotes_frame([("300133", "华策影视", 8.5)]))
    assert store.upsert_quotes(quotes_frame([]).iloc[0:0]) == WriteResult()
    assert store.latest_quotes()["price"].item() == 8.5


def test_sample_quote_never_replaces_live_and_older_live_never_replaces_newer(store):
    store.upsert_quotes(quotes_frame([("300133", "华策影视", 8.0)], source="sample:q", is_sample=True))
    assert store.upsert_quotes(quotes_frame([("300133", "华策影视", 8.5)])).updated == 1
    assert store.upsert_quotes(
        quotes_frame([("300133", "华策影视", 1.0)], source="sample:q", is_sample=True)
    ) == WriteResult(unchanged=1)
    older = quotes_frame([("300133", "华策影视", 7.0)], as_of="2026-03-02 10:00:00")
    assert store.upsert_quotes(older) == WriteResult(unchanged=1)
    q = store.latest_quotes().iloc[0]
    assert q["price"] == 8.5 and not q["is_sample"] and q["source"] == "akshare:stock_zh_a_spot_em"


# --- meta and fetch log -------------------------------------------------------------------------


def test_meta_roundtrip(store):
    assert store.get_meta("missing", "dflt") == "dflt"
    store.set_meta("trade_dates", [date(2027, 1, 5), "2027-01-04", pd.Timestamp("2027-01-06")])
    assert store.get_meta("trade_dates")[0] == "2027-01-05"
    assert store.trade_dates() == [date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 6)]
    store.set_meta("k", {"a": 1, "名": "值"})
    assert store.get_meta("k") == {"a": 1, "名": "值"}


def test_fetch_log_reports_unresolved_failures(store):
    t = pd.Timestamp("2026-03-02 10:00", tz=SH).to_pydatetime()
    store.log_fetch("bars", "300133", False, TimeoutError("read timed out"), at=t)
    store.log_fetch("bars", "300133", True, at=t + pd.Timedelta(minutes=1))
    store.log_fetch("bars", "002602", False, ConnectionError("reset"), at=t)
    store.log_fetch("quotes", None, False, "HTTP 502", at=t + pd.Timedelta(minutes=2))
    errors = store.last_fetch_errors()
    assert [(e["kind"], e["code"], e["error_class"]) for e in errors] == [
        ("quotes", None, None),
        ("bars", "002602", "ConnectionError"),
    ]
    assert errors[0]["error_message"] == "HTTP 502" and errors[0]["at"].startswith("2026-03-02T10:02")


def test_missing_sample_files_do_not_stop_the_store_opening(tmp_path, monkeypatch):
    from tui.store import sample

    def missing(*a, **k):
        raise FileNotFoundError("a_share_daily_qfq_20240102_20251121.csv")

    monkeypatch.setattr(sample, "sample_bar_rows", missing)
    with Store.open(tmp_path) as s:
        assert not s.has_bars()
        assert s.get_meta("sample_error").startswith("FileNotFoundError")


def test_quote_without_as_of_reads_back_as_nat_with_the_contract_dtype(store):
    df = quotes_frame([("300133", "华策影视", 8.5)]).drop(columns=["as_of", "fetched_at"])
    store.upsert_quotes(df)
    q = store.latest_quotes()
    assert q["as_of"].isna().all() and q["fetched_at"].notna().all()
    assert str(q["as_of"].dtype) == str(q["fetched_at"].dtype) == "datetime64[us, Asia/Shanghai]"


def test_a_batch_spanning_many_statements_round_trips_exactly(store):
    """More rows than one multi-row INSERT holds, two sources interleaved, NULL figures: every
    bar reads back as written, and a second write of the same frame changes nothing."""
    from tui.store.store import BARS_PER_STATEMENT

    n = BARS_PER_STATEMENT * 2 + 7
    dates = pd.bdate_range("2025-01-02", periods=n)
    close = np.round(np.linspace(5, 15, n), 2)
    frame = bars_frame(dates=[d.strftime("%Y-%m-%d") for d in dates], close=close.tolist())
    frame["source"] = pd.array(["akshare:stock_zh_a_hist" if i % 3 else "akshare:stock_zh_a_hist_tx" for i in range(n)], dtype="str")
    frame.loc[5, "amount"] = np.nan
    assert store.upsert_bars(frame) == WriteResult(inserted=n)
    back = store.bars("300133")
    assert back["close"].tolist() == close.tolist()
    assert back["source"].tolist() == frame["source"].tolist()
    assert np.isnan(back["amount"].iloc[5]) and back["amount"].iloc[6] == 1e6
    assert store.upsert_bars(frame) == WriteResult(unchanged=n)
    moved = frame.copy()
    moved.loc[n - 1, "close"] = 99.0
    assert store.upsert_bars(moved) == WriteResult(updated=1, unchanged=n - 1)
    assert store.bars("300133")["close"].iloc[-1] == 99.0


def test_a_prepared_batch_gives_the_same_parameters_every_time():
    from tui.store import frames

    frame = bars_frame(dates=("2026-03-02", "2026-03-03", "2026-03-04"), close=(1.0, 2.0, 3.0))
    frame["source"] = pd.array(["a", "b", "a"], dtype="str")
    batch = frames.bar_batch(frame)
    assert batch.sources == ["a", "b"]
    first = batch.statement_params([7, 9], 2)
    assert batch.statement_params([7, 9], 2) == first
    many, rest = first
    source = frames.SOURCE_COLUMN
    assert [many[0][source], many[0][len(frames.BAR_STORE_COLUMNS) + source], rest[0][source]] == [7, 9, 7]
