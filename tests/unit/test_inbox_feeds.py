"""Each catalyst feed on recorded frames in akshare's exact shape, and on its broken replies."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.fixtures import feed_frames as ff
from tui.sources.base import FailureKind
from tui.sources.feeds import (
    EARNINGS_COLUMNS, ITEM_COLUMNS, LOCKUP_COLUMNS, PREVIEW_COLUMNS, FeedBudget, FeedCaller,
    fetch_announcements, fetch_earnings_dates, fetch_earnings_previews, fetch_lockups, fetch_news,
    fetch_qa, normalize_title, report_periods,
)

SINCE = date(2026, 11, 8)
TODAY = date(2026, 11, 22)


def caller(fake, **kw) -> FeedCaller:
    return FeedCaller(loader=lambda: fake, sleep=lambda s: None, min_interval=0.0, **kw)


def test_report_periods():
    assert report_periods(date(2026, 11, 22)) == (date(2026, 9, 30), date(2026, 12, 31))
    assert report_periods(date(2027, 2, 10)) == (date(2026, 12, 31), date(2027, 3, 31))
    assert report_periods(date(2026, 3, 31)) == (date(2026, 3, 31), date(2026, 6, 30))


def test_earnings_dates_rows_of_theme_codes_with_changes_and_actual():
    fake = ff.feed_akshare()
    result = fetch_earnings_dates(caller(fake), date(2026, 9, 30), ["300133", "300738", "688041"])
    assert result.failures == []
    assert list(result.frame.columns) == list(EARNINGS_COLUMNS)
    rows = {r["code"]: r for r in result.frame.to_dict("records")}
    assert set(rows) == {"300133", "300738", "688041"}  # market rows of other codes are dropped
    assert rows["300133"]["actual_date"] == "2026-10-28"
    assert rows["300738"]["change1"] == "2026-10-29" and rows["300738"]["actual_date"] is None
    assert rows["688041"]["change1"] is None
    assert fake.calls == [("stock_yysj_em", {"symbol": "沪深A股", "date": "20260930"})]


def test_earnings_dates_length_mismatch_is_schema_failure():
    fake = ff.feed_akshare(stock_yysj_em=ff.length_mismatch)
    result = fetch_earnings_dates(caller(fake), date(2026, 9, 30), ["300738"])
    assert result.frame.empty
    assert [f.kind for f in result.failures] == [FailureKind.SCHEMA]


def test_previews_attach_fields_and_future_quarter_typeerror_is_no_data():
    fake = ff.feed_akshare()
    result = fetch_earnings_previews(caller(fake), date(2026, 9, 30), ["300738"])
    assert list(result.frame.columns) == list(PREVIEW_COLUMNS)
    assert result.frame["type"].tolist() == ["预增", "预增"]
    assert result.frame["change_pct"].tolist() == [65.0, 60.0]
    future = fetch_earnings_previews(caller(fake), date(2026, 12, 31), ["300738"])
    assert future.failures == [] and future.frame.empty
    assert "no previews yet" in future.notes[0]


def test_announcements_eastmoney_rows_since_date_with_stable_ids():
    fake = ff.feed_akshare()
    result = fetch_announcements(caller(fake), "300738", SINCE, TODAY)
    assert result.failures == [] and result.source == "stock_individual_notice_report"
    frame = result.frame
    assert list(frame.columns) == list(ITEM_COLUMNS)
    assert len(frame) == 3  # the annual report of April is before --since
    first = frame.iloc[0]
    assert first["source_id"] == "AN202611201234567890"
    assert first["category"] == "重大事项" and first["date"] == "2026-11-20" and first["kind"] == "announcement"
    assert fake.calls[0] == ("stock_individual_notice_report",
                             {"security": "300738", "symbol": "全部", "begin_date": "2026-11-08", "end_date": "2026-11-22"})


def test_no_announcements_keyerror_is_empty_and_does_not_spend_the_fallback():
    fake = ff.feed_akshare()
    result = fetch_announcements(caller(fake), "300133", SINCE, TODAY)
    assert result.failures == [] and result.frame.empty
    assert [c[0] for c in fake.calls] == ["stock_individual_notice_report"]


def test_announcements_fall_back_to_cninfo_when_eastmoney_is_down():
    fake = ff.feed_akshare(stock_individual_notice_report=ff.network_down)
    result = fetch_announcements(caller(fake), "300738", SINCE, TODAY)
    assert result.failures == []
    assert result.source == "stock_zh_a_disclosure_report_cninfo"
    assert result.frame["source_id"].tolist() == ["1224567890", "1224567891"]
    assert "used stock_zh_a_disclosure_report_cninfo" in result.notes[0]
    assert fake.calls[-1][1]["start_date"] == "20261108"


def test_announcements_both_sources_fail_reports_primary_failure():
    fake = ff.feed_akshare(stock_individual_notice_report=ff.network_down, stock_zh_a_disclosure_report_cninfo=ff.length_mismatch)
    result = fetch_announcements(caller(fake), "300738", SINCE, TODAY)
    assert result.frame.empty
    (failure,) = result.failures
    assert failure.kind is FailureKind.NETWORK and "cninfo" in failure.call


def test_cninfo_no_hits_is_empty():
    fake = ff.feed_akshare(stock_individual_notice_report=ff.network_down, stock_zh_a_disclosure_report_cninfo=ff.cninfo_empty)
    result = fetch_announcements(caller(fake), "300738", SINCE, TODAY)
    assert result.failures == [] and result.frame.empty


def test_irm_only_answered_questions_of_shenzhen_stock():
    fake = ff.feed_akshare()
    result = fetch_qa(caller(fake), "300738", SINCE, TODAY)
    assert [c[0] for c in fake.calls] == ["stock_irm_cninfo"]
    frame = result.frame
    assert len(frame) == 2
    row = frame.iloc[0]
    assert row["kind"] == "qa" and row["source"] == "irm" and row["source_id"] == str(1500000000000000001 + 3007380)
    assert row["date"] == "2026-11-19"  # the answer's time (更新时间)
    assert "上架率" in row["detail"]


def test_sse_qa_for_shanghai_stock_skips_unanswered_and_undated():
    fake = ff.feed_akshare()
    result = fetch_qa(caller(fake), "688041", SINCE, TODAY)
    assert [c[0] for c in fake.calls] == ["stock_sns_sseinfo"]
    assert result.frame["title"].tolist() == ["请问公司DCU产品在智算中心的出货情况？"]
    assert result.frame.iloc[0]["date"] == "2026-11-21"
    assert "without a readable date" in result.notes[0]


def test_news_rows_and_curl_cffi_dns_error_is_network_failure():
    fake = ff.feed_akshare()
    ok = fetch_news(caller(fake), "300738", SINCE)
    assert ok.frame["title"].tolist() == ["奥飞数据：智算中心二期投产", "奥飞数据融资净买入1.2亿元"]
    assert ok.frame.iloc[0]["link"].startswith("http://finance.eastmoney.com/a/")
    broken = fetch_news(caller(fake), "300133", SINCE)
    assert broken.frame.empty
    (failure,) = broken.failures
    assert failure.kind is FailureKind.NETWORK and failure.call == "stock_news_em"


def test_news_cms_keyerror_is_schema_failure():
    fake = ff.feed_akshare(stock_news_em=ff.news_key_error)
    result = fetch_news(caller(fake), "300738", SINCE)
    assert [f.kind for f in result.failures] == [FailureKind.SCHEMA]


def test_missing_column_is_schema_failure():
    fake = ff.feed_akshare(stock_news_em=lambda **kw: ff.news_frame().drop(columns=["新闻链接"]))
    result = fetch_news(caller(fake), "300738", SINCE)
    assert "新闻链接" in result.failures[0].message


def test_lockups_future_and_recent_rows_empty_frame_is_none():
    fake = ff.feed_akshare()
    result = fetch_lockups(caller(fake), "300738", date(2026, 10, 23))
    assert list(result.frame.columns) == list(LOCKUP_COLUMNS)
    assert result.frame["date"].tolist() == ["2026-12-15", "2026-11-10"]
    assert result.frame.iloc[0]["shares_actual"] == 1.2e8
    none = fetch_lockups(caller(fake), "300133", date(2026, 10, 23))
    assert none.failures == [] and none.frame.empty


def test_budget_spent_calls_are_not_attempted():
    ticks = iter([0.0, 1000.0, 1000.0, 1000.0])
    fake = ff.feed_akshare()
    c = caller(fake, budget=FeedBudget(60, clock=lambda: next(ticks)))
    result = fetch_news(c, "300738", SINCE)
    assert fake.calls == []
    assert "feed budget" in result.failures[0].message


def test_custom_call_seam_is_used():
    seen = []

    def call(fn, *args, deadline, **kw):
        seen.append((fn.__name__, deadline))
        return fn(**{k: v for k, v in kw.items() if k not in ("policy", "gate", "breaker", "provider", "per_code", "sleep")})

    fake = ff.feed_akshare()
    fetch_news(FeedCaller(loader=lambda: fake, call=call, timeout=7), "300738", SINCE)
    assert seen == [("stock_news_em", 7.0)]


def test_normalize_title_drops_eastmoney_name_prefix_and_punctuation():
    assert normalize_title("奥飞数据:关于签订算力租赁服务合同的公告") == normalize_title("关于签订算力租赁服务合同的公告")
    assert normalize_title("ＡＢＣ　公告。") == "abc公告"


@pytest.mark.parametrize("frame", [pd.DataFrame()])
def test_yysj_empty_frame_is_no_rows(frame):
    fake = ff.feed_akshare(stock_yysj_em=lambda **kw: frame)
    result = fetch_earnings_dates(caller(fake), date(2026, 9, 30), ["300738"])
    assert result.failures == [] and result.frame.empty


def test_rate_limit_names_the_feeds_provider():
    def blocked(**kw):
        raise ConnectionError("('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))")

    fake = ff.feed_akshare(stock_irm_cninfo=blocked)
    result = fetch_qa(caller(fake), "300738", SINCE, TODAY)
    (failure,) = result.failures
    assert failure.kind is FailureKind.RATE_LIMIT and "cninfo" in failure.message
