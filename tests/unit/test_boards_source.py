"""The boards adapter on recorded akshare frames, its faults, the cache, and akshare's own
paging of a 320-member board (its parser fed canned Eastmoney pages; no network)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from tests.fixtures import board_frames as rec
from tests.fixtures.akshare_frames import fake_akshare
from tui.jobs import boards as jobs
from tui.sources.akshare_source import AkshareSource
from tui.sources.base import FailureKind
from tui.sources.boards import AkshareBoards, boards_of
from tui.store import Store

SH = ZoneInfo("Asia/Shanghai")


def source_with(**functions):
    module = fake_akshare(**functions)
    return AkshareSource(loader=lambda: module, sleep=lambda s: None, timeout=2), module


def test_board_list_normalised_from_the_recorded_frame():
    src, module = source_with(stock_board_concept_name_em=rec.concept_names_frame)
    result = AkshareBoards(src).fetch_board_list("concept")
    assert result.ok and result.source == "akshare:stock_board_concept_name_em"
    cpo = result.frame.set_index("code").loc["BK1128"]
    assert cpo["name"] == "CPO概念" and cpo["kind"] == "concept"
    assert (cpo["up_count"], cpo["down_count"]) == (2, 41)
    assert cpo["leader_name"] == "奥飞数据" and cpo["leader_change_pct"] == pytest.approx(11.02)


def test_industry_list_uses_the_industry_function():
    src, module = source_with(stock_board_industry_name_em=rec.industry_names_frame)
    result = AkshareBoards(src).fetch_board_list("industry")
    assert list(result.frame["code"]) == ["BK0437", "BK0447", "BK0737"]
    assert set(result.frame["kind"]) == {"industry"}


def test_members_in_code_order_with_suspended_prices_as_nan():
    src, module = source_with(stock_board_concept_cons_em=lambda symbol: rec.cons_frame(rec.COMPUTE_MEMBERS))
    result = AkshareBoards(src).fetch_board_members("concept", "BK1134")
    assert result.ok
    assert list(result.frame["code"]) == sorted(c for c, *_ in rec.COMPUTE_MEMBERS)
    anqi = result.frame.set_index("code").loc["300067"]
    assert anqi["name"] == "安诺其" and pd.isna(anqi["price"])
    assert module.calls == [("stock_board_concept_cons_em", {"symbol": "BK1134"})]


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (IndexError("index 0 is out of bounds for axis 0 with size 0"), FailureKind.UNKNOWN_CODE),
        (TypeError("'NoneType' object is not subscriptable"), FailureKind.UNKNOWN_CODE),  # a deleted board
        (ConnectionError("Failed to resolve '29.push2.eastmoney.com'"), FailureKind.NETWORK),
    ],
)
def test_member_faults_are_classified_not_raised(error, kind):
    def boom(symbol):
        raise error

    src, _ = source_with(stock_board_concept_cons_em=boom)
    result = AkshareBoards(src).fetch_board_members("concept", "BK0571")
    assert result.frame.empty and result.failures[0].kind is kind and result.failures[0].code == "BK0571"


def test_missing_column_is_a_schema_failure():
    src, _ = source_with(stock_board_concept_cons_em=lambda symbol: rec.cons_frame().drop(columns=["名称"]))
    result = AkshareBoards(src).fetch_board_members("concept", "BK1128")
    assert result.failures[0].kind is FailureKind.SCHEMA and "名称" in result.failures[0].message


def test_history_falls_back_to_ths_by_name():
    def em(**kw):
        raise ConnectionError("RemoteDisconnected('Remote end closed connection without response')")

    src, module = source_with(stock_board_concept_hist_em=em, stock_board_concept_index_ths=lambda **kw: rec.index_ths_frame())
    result = AkshareBoards(src).fetch_board_history("concept", "BK0000", date(2020, 1, 1), date(2025, 3, 31), name="阿里巴巴概念")
    assert result.ok and result.source == "akshare:stock_board_concept_index_ths"
    assert list(result.frame["close"]) == [1130.280, 1790.115]
    assert "used stock_board_concept_index_ths" in result.notes[0]
    assert module.calls[-1] == ("stock_board_concept_index_ths", {"symbol": "阿里巴巴概念", "start_date": "20200101", "end_date": "20250331"})


def test_history_em_text_dates_parsed_and_windowed():
    src, _ = source_with(stock_board_concept_hist_em=lambda **kw: rec.doc_hist_em_frame())
    result = AkshareBoards(src).fetch_board_history("concept", "BK0715", date(2025, 1, 1), date(2025, 3, 1))
    assert list(result.frame["date"]) == [pd.Timestamp("2025-02-27")] and result.frame["close"].iloc[0] == 995.28


def test_the_sample_source_has_no_boards():
    from tui.sources.sample_source import SampleSource

    assert boards_of(SampleSource()) is None


# ------------------------------------------------------------------ the cache


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def test_list_cached_then_stale_when_a_fetch_fails(tmp_path):
    clock = Clock(datetime(2026, 12, 4, 10, 0, tzinfo=SH))
    fake = rec.FakeBoards()
    with Store.open(tmp_path, load_sample=False) as store:
        first = jobs.board_list(store, fake, now=clock)
        assert first.fetched and not first.stale and len(first.frame) == 8
        clock.at += timedelta(minutes=5)
        again = jobs.board_list(store, fake, now=clock)  # young: not fetched again
        assert not again.fetched and fake.calls.count(("list", "concept")) == 1
        clock.at += timedelta(hours=2)
        fake.fail = FailureKind.TIMEOUT
        stale = jobs.board_list(store, fake, now=clock)
        assert stale.stale and "timed out" in stale.error_line()
        assert len(stale.frame) == 8 and stale.as_of == datetime(2026, 12, 4, 10, 0, tzinfo=SH)


def test_members_replaced_wholesale_and_kept_on_failure(tmp_path):
    clock = Clock(datetime(2026, 12, 4, 10, 0, tzinfo=SH))
    fake = rec.FakeBoards()
    board = jobs.Board("BK1134", "算力租赁")
    with Store.open(tmp_path, load_sample=False) as store:
        assert len(jobs.board_members(store, fake, board, now=clock).frame) == 7
        fake.members["BK1134"] = rec.COMPUTE_MEMBERS[:3]
        got = jobs.board_members(store, fake, board, refresh=True, now=clock)
        assert list(got.frame["code"]) == ["002602", "300067", "300133"]
        fake.fail = FailureKind.NETWORK
        kept = jobs.board_members(store, fake, board, refresh=True, now=clock)
        assert kept.stale and list(kept.frame["code"]) == ["002602", "300067", "300133"]


def test_history_topped_up_incrementally(tmp_path):
    fake = rec.FakeBoards()
    board = jobs.Board("BK1134", "算力租赁")
    with Store.open(tmp_path, load_sample=False) as store:
        got = jobs.board_history(store, fake, board, date(2025, 3, 3), date(2025, 3, 7))
        assert len(got.frame) == 5
        got = jobs.board_history(store, fake, board, date(2025, 3, 3), date(2025, 3, 14))
        assert len(got.frame) == 10 and fake.calls.count(("history", "BK1134")) == 2
        offline = jobs.board_history(store, None, board, date(2025, 3, 3), date(2025, 3, 14))
        assert len(offline.frame) == 10


@pytest.mark.parametrize(
    ("query", "code"),
    [("BK1128", "BK1128"), ("bk1128", "BK1128"), ("cpo概念", "BK1128"), ("算力", "BK1134"), ("BK9999", "BK9999")],
)
def test_resolve_board(query, code):
    boards = rec.board_list_from_frame(rec.concept_names_frame(), "concept")
    assert jobs.resolve_board(boards, query).code == code


def test_resolve_board_ambiguous_and_unknown():
    boards = rec.board_list_from_frame(rec.concept_names_frame(), "concept")
    with pytest.raises(jobs.UnknownBoardError, match="matches 3 boards"):
        jobs.resolve_board(boards, "概念")
    with pytest.raises(jobs.UnknownBoardError, match="did you mean CPO概念"):
        jobs.resolve_board(boards, "CP0概念")
    with pytest.raises(jobs.UnknownBoardError, match="unknown board '液冷服务器'"):
        jobs.resolve_board(boards, "液冷服务器")


# ------------------------------------------------------------------ akshare's own paging


class _Response:
    def __init__(self, payload):
        self.payload = payload

    def json(self):
        return self.payload

    def raise_for_status(self):
        return None


def test_a_320_member_board_is_paged_by_akshare_and_kept_whole(monkeypatch):
    """akshare's real `stock_board_concept_cons_em` fetches 100 rows a page; feed it four
    canned clist pages (the shape of reference §6) and check all 320 members arrive."""
    import requests

    import akshare.utils.func as func
    from tui.sources.akshare_source import import_akshare

    total = 320
    codes = [f"{300000 + i:06d}" for i in range(total)]
    pages: list[dict] = []

    def fake_get(self, url, params=None, timeout=None, **kw):
        assert "push2.eastmoney.com" in url and params["fs"] == "b:BK1134 f:!50"
        page = int(params["pn"])
        pages.append(page)
        chunk = codes[(page - 1) * 100: page * 100]
        # Eastmoney sends the fields in numeric order, f140/f141 after f128 (reference §6);
        # akshare names them by position.
        diff = [
            {"f1": 2, "f2": 10.0 + i % 7, "f3": float(i % 11) - 5, "f4": 0.1, "f5": 1000, "f6": 1.0e7, "f7": 1.1,
             "f8": 2.2, "f9": 30.0, "f10": 1.0, "f11": 0.0, "f12": code, "f13": 0, "f14": f"样例{code}", "f15": 11.0,
             "f16": 9.0, "f17": 10.0, "f18": 10.0, "f20": 1e9, "f21": 1e9, "f22": 0.0, "f23": 2.0, "f24": 1.0,
             "f25": 1.0, "f62": 0.0, "f115": 1.0, "f128": "-", "f140": "-", "f141": "-", "f136": "-", "f152": 2,
             "f45": "-"}
            for i, code in enumerate(chunk)
        ]
        return _Response({"data": {"total": total, "diff": diff}})

    monkeypatch.setattr(requests.Session, "get", fake_get)
    monkeypatch.setattr(func.time, "sleep", lambda s: None)
    src = AkshareSource(loader=import_akshare, sleep=lambda s: None, timeout=5)
    result = AkshareBoards(src).fetch_board_members("concept", "BK1134")
    assert result.ok, result.failures
    assert pages == [1, 2, 3, 4]
    assert len(result.frame) == total and list(result.frame["code"]) == codes
    assert result.frame["name"].iloc[0] == "样例300000"


def test_an_unanswered_list_fetch_is_not_followed_by_the_next(tmp_path):
    """Offline, the concept list already costs akshare's own nine attempts: the industry list
    on the same host is not tried after it, and neither fetch is retried on top."""
    fake = rec.FakeBoards(fail=FailureKind.NETWORK)
    with Store.open(tmp_path, load_sample=False) as store:
        got = jobs.board_list(store, fake)
    assert fake.calls == [("list", "concept")] and got.frame.empty and "network unreachable" in got.error_line()


def test_board_lists_are_not_retried_over_akshares_own_retries():
    calls = []

    def offline():
        calls.append(1)
        raise ConnectionError("Failed to resolve '79.push2.eastmoney.com'")

    src, _ = source_with(stock_board_concept_name_em=offline)
    result = AkshareBoards(src).fetch_board_list("concept")
    assert result.failures[0].kind is FailureKind.NETWORK and calls == [1]
