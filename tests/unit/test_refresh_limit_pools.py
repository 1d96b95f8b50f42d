"""The refresh's limit-pool step (tui.jobs.limit_pools): which session, stored, failures kept apart."""

from __future__ import annotations

from datetime import date, datetime

from tests.fixtures.akshare_frames import fake_akshare
from tests.fixtures.limit_pool_frames import pool_functions
from tests.unit.test_refresh import AFTER_CLOSE, TODAY, FakeSource, full_series
from tui.jobs.limit_pools import pool_session
from tui.jobs.refresh import run_refresh
from tui.sources.akshare_source import AkshareSource
from tui.sources.normalize import SHANGHAI
from tui.store import Store
from tui.store.limit_pools import read_limit_pools


class PoolSource(FakeSource):
    """The bar/quote fake plus the akshare pool fetch over recorded-shape frames."""

    def __init__(self, *args, pools=None, **kw):
        super().__init__(*args, **kw)
        fake = fake_akshare(**pool_functions(**(pools or {})))
        self._pools = AkshareSource(loader=lambda: fake, sleep=lambda s: None, clock=lambda: AFTER_CLOSE, timeout=0.5)
        self.pool_days: list[date] = []

    def fetch_limit_pools(self, session):
        self.pool_days.append(session)
        return self._pools.fetch_limit_pools(session)


def test_pool_session():
    friday = date(2025, 11, 21)
    assert pool_session(friday, datetime(2025, 11, 21, 10, 0, tzinfo=SHANGHAI), []) == friday  # live
    assert pool_session(friday, datetime(2025, 11, 21, 9, 0, tzinfo=SHANGHAI), []) == date(2025, 11, 20)
    assert pool_session(date(2025, 11, 23), datetime(2025, 11, 23, 12, 0, tzinfo=SHANGHAI), []) == friday


def test_refresh_stores_the_days_pools(tmp_path):
    with Store.open(tmp_path, load_sample=False) as store:
        source = PoolSource(full_series())
        progress = []
        summary = run_refresh(store, source, ["300133"], today=TODAY, now=AFTER_CLOSE,
                              progress=lambda d, t, label: progress.append((d, t)))
        assert source.pool_days == [TODAY]
        pools = [o for o in summary.outcomes if o.kind == "pool"]
        assert [(o.code, o.status, o.rows) for o in pools] == [("zt", "fetched", 5), ("prev", "fetched", 4), ("zb", "fetched", 2), ("dt", "fetched", 1)]
        assert progress[-1][0] == progress[-1][1]
        stored = read_limit_pools(store)
        assert set(stored["session"]) == {TODAY.isoformat()} and len(stored) == 12


def test_a_failed_pool_keeps_the_stored_one(tmp_path):
    with Store.open(tmp_path, load_sample=False) as store:
        run_refresh(store, PoolSource(full_series()), ["300133"], today=TODAY, now=AFTER_CLOSE, history=False)

        def boom(date):
            raise ConnectionError("reset")

        summary = run_refresh(store, PoolSource(full_series(), pools={"stock_zt_pool_em": boom}), ["300133"],
                              today=TODAY, now=AFTER_CLOSE, history=False)
        assert [o.code for o in summary.outcomes if o.kind == "pool" and o.status == "failed"] == ["zt"]
        stored = read_limit_pools(store)
        assert (stored["pool"] == "zt").sum() == 5  # the earlier fetch stays


def test_a_source_without_pools_is_not_asked(tmp_path):
    with Store.open(tmp_path, load_sample=False) as store:
        summary = run_refresh(store, FakeSource(full_series()), ["300133"], today=TODAY, now=AFTER_CLOSE, history=False)
        assert not [o for o in summary.outcomes if o.kind == "pool"]
