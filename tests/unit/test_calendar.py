"""Trading calendar: XSHG sessions, fallbacks past its end, intraday states (frozen clocks)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tui.domain.calendar import MarketState, TradingCalendar

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def c():
    return TradingCalendar(today=date(2026, 9, 1))


def at(*args):
    return datetime(*args, tzinfo=SH)


def test_national_day_2026(c):
    for d in range(1, 8):
        assert not c.is_session(date(2026, 10, d))
    # XSHG: 10-08 (Thu) trades; the make-up working weekends (2026-09-20 Sun, 10-10 Sat) do not.
    assert c.is_session(date(2026, 10, 8))
    assert not c.is_session(date(2026, 9, 20)) and not c.is_session(date(2026, 10, 10))
    assert c.sessions_in_range("2026-09-29", "2026-10-12") == [
        date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 12)
    ]
    assert c.next_session(date(2026, 9, 30)) == date(2026, 10, 8)
    assert c.previous_session(date(2026, 10, 8)) == date(2026, 9, 30)
    assert c.trading_days_between(date(2026, 9, 30), date(2026, 10, 9)) == 2
    assert c.market_state(at(2026, 10, 5, 10, 0)) is MarketState.HOLIDAY
    assert c.market_state(at(2026, 10, 10, 10, 0)) is MarketState.HOLIDAY  # 调休 Saturday
    assert c.next_open(at(2026, 9, 30, 15, 30)) == at(2026, 10, 8, 9, 30)
    assert not c.calendar_stale and c.stale_reason == ""


def test_trading_days_between_is_a_countdown(c):
    assert c.trading_days_between("2026-03-02", "2026-03-02") == 0
    assert c.trading_days_between("2026-03-06", "2026-03-09") == 1  # Fri -> Mon
    assert c.trading_days_between("2026-03-09", "2026-03-06") == -1
    assert c.trading_days_between("2026-03-07", "2026-03-08") == 0  # weekend to weekend


@pytest.mark.parametrize(
    ("hm", "state"),
    [
        ((9, 14, 59), MarketState.CLOSED),
        ((9, 15), MarketState.PRE_OPEN_AUCTION),
        ((9, 24, 59), MarketState.PRE_OPEN_AUCTION),
        ((9, 25), MarketState.PRE_OPEN),
        ((9, 30), MarketState.OPEN),
        ((11, 29, 59), MarketState.OPEN),
        ((11, 30), MarketState.LUNCH_BREAK),
        ((12, 59, 59), MarketState.LUNCH_BREAK),
        ((13, 0), MarketState.OPEN),
        ((14, 57), MarketState.CLOSING_AUCTION),
        ((15, 0), MarketState.CLOSED),
        ((22, 0), MarketState.CLOSED),
    ],
)
def test_market_state_through_a_session_day(c, hm, state):
    assert c.market_state(at(2026, 3, 2, *hm)) is state


def test_labels(c):
    assert MarketState.PRE_OPEN_AUCTION.label_zh == "集合竞价"
    assert MarketState.OPEN.label_zh == "交易中" and MarketState.OPEN.label_en == "Trading"
    assert MarketState.LUNCH_BREAK.label_zh == "午间休市"
    assert MarketState.CLOSED.label_zh == "已收盘" and MarketState.HOLIDAY.label_zh == "休市"
    assert all(s.label_zh and s.label_en for s in MarketState)
    assert c.state_label(at(2026, 3, 2, 8, 0)) == "未开盘"
    assert c.state_label(at(2026, 3, 2, 16, 0), "en") == "Closed"
    assert MarketState.CLOSING_AUCTION.is_trading and not MarketState.LUNCH_BREAK.is_trading


def test_next_open(c):
    assert c.next_open(at(2026, 3, 2, 8, 0)) == at(2026, 3, 2, 9, 30)
    assert c.next_open(at(2026, 3, 2, 8, 0), auction=True) == at(2026, 3, 2, 9, 15)
    assert c.next_open(at(2026, 3, 2, 9, 20)) == at(2026, 3, 2, 9, 30)
    assert c.next_open(at(2026, 3, 2, 9, 20), auction=True) == at(2026, 3, 2, 9, 20)
    assert c.next_open(at(2026, 3, 2, 10, 0)) == at(2026, 3, 2, 10, 0)  # already open
    assert c.next_open(at(2026, 3, 2, 12, 0)) == at(2026, 3, 2, 13, 0)  # lunch
    assert c.next_open(at(2026, 3, 6, 15, 1)) == at(2026, 3, 9, 9, 30)  # Friday close -> Monday
    assert c.last_close(at(2026, 3, 9, 10, 0)) == date(2026, 3, 6)
    assert c.last_close(at(2026, 3, 9, 15, 0)) == date(2026, 3, 9)


def test_timezones_are_converted_not_assumed(c):
    # 01:45 UTC is 09:45 in Shanghai, in any season (no DST in China; New York's DST is irrelevant).
    assert c.market_state(datetime(2026, 3, 2, 1, 45, tzinfo=timezone.utc)) is MarketState.OPEN
    assert c.market_state(datetime(2026, 7, 1, 1, 45, tzinfo=timezone.utc)) is MarketState.OPEN
    # 21:30 New York (EST, UTC-5) on Sunday 1 March is 10:30 Monday in Shanghai.
    ny = datetime(2026, 3, 1, 21, 30, tzinfo=ZoneInfo("America/New_York"))
    assert c.market_state(ny) is MarketState.OPEN
    # After New York moves to EDT (8 March), the same wall time maps one hour earlier: 09:30.
    ny_dst = datetime(2026, 3, 8, 21, 30, tzinfo=ZoneInfo("America/New_York"))
    assert c.market_state(ny_dst) is MarketState.OPEN
    assert c.market_state(ny_dst - timedelta(minutes=1)) is MarketState.PRE_OPEN
    # The session date is the Shanghai date, not the caller's.
    assert c.is_session(datetime(2026, 3, 1, 23, 0, tzinfo=timezone.utc))  # = Mon 07:00 SH
    # Naive datetimes are Shanghai wall time.
    assert c.market_state(datetime(2026, 3, 2, 9, 16)) is MarketState.PRE_OPEN_AUCTION


def test_2027_falls_back_to_supplied_trade_dates_then_weekdays():
    supplied = ["2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08"]
    c = TradingCalendar(trade_dates=supplied, today=date(2027, 1, 4))
    assert c.xshg_end == date(2026, 12, 31) and c.known_end == date(2027, 1, 8)
    assert c.calendar_stale  # XSHG's data has run out for today
    assert "XSHG data ends 2026-12-31" in c.stale_reason
    assert "supplied trade dates to 2027-01-08" in c.stale_reason
    assert "weekdays" not in c.stale_reason
    assert c.next_session(date(2026, 12, 31)) == date(2027, 1, 4)  # 1 Jan from the supplied list
    assert c.is_session(date(2027, 1, 6))
    # Past the supplied list: weekdays, and the reason says so.
    assert c.is_session(date(2027, 1, 11)) and not c.is_session(date(2027, 1, 9))
    assert "weekdays assumed to be sessions for 2027-01-09..2027-01-11" in c.stale_reason
    assert c.sessions_in_range("2027-01-07", "2027-01-12") == [
        date(2027, 1, 7), date(2027, 1, 8), date(2027, 1, 11), date(2027, 1, 12)
    ]
    assert c.trading_days_between(date(2026, 12, 30), date(2027, 1, 12)) == 8
    assert c.previous_session(date(2027, 1, 11)) == date(2027, 1, 8)
    assert c.market_state(at(2027, 1, 12, 10, 0)) is MarketState.OPEN


def test_2027_without_supplied_dates_uses_weekdays_and_never_crashes():
    c = TradingCalendar(today=date(2026, 6, 1))
    assert not c.calendar_stale
    assert c.is_session(date(2027, 3, 3))
    assert not c.is_session(date(2027, 10, 1))  # fixed-date holiday
    assert not c.is_session(date(2027, 1, 1))
    assert c.next_session(date(2026, 12, 31)) == date(2027, 1, 4)
    assert c.market_state(at(2027, 3, 6, 10, 0)) is MarketState.HOLIDAY  # Saturday
    assert c.next_open(at(2027, 3, 5, 16, 0)) == at(2027, 3, 8, 9, 30)
    assert len(c.sessions_in_range("2027-01-01", "2027-12-31")) > 240
    assert c.calendar_stale and "weekdays assumed" in c.stale_reason
    assert "no trade dates supplied" in c.stale_reason


def test_supplied_dates_do_not_override_xshg():
    # A bogus supplied date inside XSHG's range (a Saturday) is ignored.
    c = TradingCalendar(trade_dates=["2026-10-10"], today=date(2026, 9, 1))
    assert not c.is_session(date(2026, 10, 10))


def test_a_default_calendar_answers_every_question_and_takes_supplied_dates():
    c = TradingCalendar()
    assert c.is_session("2026-10-08")
    assert c.market_state(at(2026, 10, 8, 9, 20)) is MarketState.PRE_OPEN_AUCTION
    assert c.next_session("2026-09-30") == date(2026, 10, 8)
    assert c.previous_session("2026-10-08") == date(2026, 9, 30)
    assert c.trading_days_between("2026-09-30", "2026-10-08") == 1
    assert c.sessions_in_range("2026-10-01", "2026-10-07") == []
    assert c.next_open(at(2026, 10, 1, 12, 0)) == at(2026, 10, 8, 9, 30)
    assert TradingCalendar(["2027-01-04"]).known_end == date(2027, 1, 4)
    assert isinstance(c.calendar_stale, bool) and isinstance(c.stale_reason, str)
