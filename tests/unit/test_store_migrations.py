"""Schema migrations: v1 to the latest, idempotence, and a file newer than the code."""

from __future__ import annotations

import sqlite3

import pytest

from tui.store import DB_FILENAME, LATEST_VERSION, SchemaTooNewError, Store
from tui.store.connection import connect
from tui.store.schema import MIGRATIONS, migrate, schema_version


def test_migrations_are_numbered_in_order():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert LATEST_VERSION >= 2


def test_migrate_from_v1_to_latest_keeps_data(tmp_path):
    path = tmp_path / DB_FILENAME
    conn = connect(path)
    assert migrate(conn, target=1) == [1]
    assert schema_version(conn) == 1
    conn.execute(
        "INSERT INTO quotes (code, name, price, suspended, as_of, fetched_at, source, is_sample) "
        "VALUES ('300133', '华策影视', 8.5, 0, '2026-03-02T10:15:00.000+08:00', "
        "'2026-03-02T10:15:03.000+08:00', 'akshare:x', 0)"
    )
    conn.execute(
        "INSERT INTO bars VALUES ('300133', 'qfq', '2026-03-02', 1, 2, 0.5, 1.5, 10, NULL, 'a', 0, 'x')"
    )
    cols = [r[1] for r in conn.execute("PRAGMA table_info(quotes)")]
    assert "checked_at" not in cols
    conn.close()

    with Store.open(tmp_path) as store:  # bars exist, so no sample load
        assert store.schema_version == LATEST_VERSION
        q = store.latest_quotes()
        assert q["price"].item() == 8.5
        assert q["checked_at"].item() == q["fetched_at"].item()  # back-filled by v2
        assert len(store.bars("300133")) == 1
        indexes = [r[1] for r in store.conn.execute("PRAGMA index_list(fetch_log)")]
        assert "ix_fetch_log_kind_code_at" in indexes


def test_migrate_twice_is_a_noop(tmp_path):
    conn = connect(tmp_path / DB_FILENAME)
    assert migrate(conn) == list(range(1, LATEST_VERSION + 1))
    assert migrate(conn) == []
    conn.close()


def test_failed_migration_rolls_back(tmp_path, monkeypatch):
    from tui.store import schema

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    conn = connect(tmp_path / DB_FILENAME)
    migrate(conn, target=1)
    monkeypatch.setattr(schema, "MIGRATIONS", (MIGRATIONS[0], schema.Migration(2, "broken", broken)))
    with pytest.raises(RuntimeError):
        schema.migrate(conn, target=2)
    assert schema_version(conn) == 1
    assert "half_done" not in [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
    conn.close()


def test_database_newer_than_the_code_is_refused(tmp_path):
    conn = sqlite3.connect(tmp_path / DB_FILENAME)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNewError, match="newer"):
        Store.open(tmp_path)


def test_v4_keeps_every_bar_with_its_source_and_the_series_fetch_time(tmp_path):
    path = tmp_path / DB_FILENAME
    conn = connect(path)
    migrate(conn, target=3)
    rows = [
        ("300133", "qfq", "2026-03-02", 1.0, 2.0, 0.5, 1.5, 10.0, None, "akshare:stock_zh_a_hist", 0, "2026-03-02T16:00:00.000+08:00"),
        ("300133", "qfq", "2026-03-03", 1.5, 2.5, 1.0, 2.0, 11.0, 5e6, "akshare:stock_zh_a_hist", 0, "2026-03-03T16:00:00.000+08:00"),
        ("300133", "raw", "2026-03-03", 9.5, 9.9, 9.1, 9.8, 11.0, 5e6, "akshare:stock_zh_a_hist", 0, "2026-03-03T16:00:00.000+08:00"),
        ("sh000300", "qfq", "2026-03-03", 3900.0, 3950.0, 3880.0, 3911.58, None, None, "sample:index.csv", 1, "2026-03-01T09:00:00.000+08:00"),
    ]
    with conn:
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO bars VALUES ({', '.join('?' * 12)})", rows)
    conn.close()

    with Store.open(tmp_path) as store:
        assert store.schema_version == LATEST_VERSION
        assert "fetched_at" not in [r[1] for r in store.conn.execute("PRAGMA table_info(bars)")]
        assert sorted(store.source_names().values()) == ["akshare:stock_zh_a_hist", "sample:index.csv"]
        qfq = store.bars("300133")
        assert qfq["close"].tolist() == [1.5, 2.0] and qfq["amount"].isna().tolist() == [True, False]
        assert set(qfq["source"]) == {"akshare:stock_zh_a_hist"} and not qfq["is_sample"].any()
        assert store.bars("300133", adjust="raw")["close"].tolist() == [9.8]
        index = store.bars("sh000300")
        assert index["source"].tolist() == ["sample:index.csv"] and index["is_sample"].all()
        assert store.series_fetched_at("300133") == "2026-03-03T16:00:00.000+08:00"  # the latest row's
        assert store.series_fetched_at("sh000300") == "2026-03-01T09:00:00.000+08:00"
        # A new write stamps its series and reuses the known source id.
        import pandas as pd

        frame = pd.DataFrame({
            "code": ["300133"], "date": [pd.Timestamp("2026-03-04")], "open": [2.0], "high": [2.2],
            "low": [1.9], "close": [2.1], "volume": [12.0], "amount": [6e6], "adjust": ["qfq"],
            "source": ["akshare:stock_zh_a_hist"], "is_sample": [False],
        })
        assert store.upsert_bars(frame).inserted == 1
        assert len(store.source_names()) == 2
        assert store.series_fetched_at("300133") > "2026-03-03T16:00:00.000+08:00"
