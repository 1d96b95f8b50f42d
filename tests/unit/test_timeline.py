from datetime import date

from tui.domain.models import Catalyst
from tui.domain.timeline import Bucket, build_timeline, countdown_label, next_catalyst_days

TODAY = date(2026, 11, 22)


def cat(id_, date_=None, status="happened", stocks=()):
    return Catalyst.model_validate({"id": id_, "title": id_, "date": date_, "status": status, "stocks": list(stocks)})


def test_upcoming_first_soonest_first_then_past_newest_first_then_undated():
    entries = build_timeline(
        [cat("old", "2025-03-13"), cat("soon", "2026-12-31", "expected"), cat("undated", None, "expected"), cat("newer", "2026-06-29"), cat("sooner", "2026-11-30", "expected")],
        TODAY,
    )
    assert [e.catalyst.id for e in entries] == ["sooner", "soon", "newer", "old", "undated"]
    assert [e.bucket for e in entries] == [Bucket.UPCOMING, Bucket.UPCOMING, Bucket.PAST, Bucket.PAST, Bucket.UNDATED]
    assert entries[1].days == 39
    assert countdown_label(entries[1]) == "39天后"
    assert countdown_label(entries[2]) == "146天前"
    assert countdown_label(entries[4]) == "未定"


def test_month_precision_is_approximate_and_current_period_is_in_progress():
    entries = build_timeline([cat("this-month", "2026-11", "expected"), cat("next-quarter", "2027Q1", "expected")], TODAY)
    by_id = {e.catalyst.id: e for e in entries}
    assert by_id["this-month"].in_period and countdown_label(by_id["this-month"]) == "进行中"
    assert countdown_label(by_id["next-quarter"]) == "约40天后"
    assert countdown_label(by_id["next-quarter"], lang="en") == "in ~40d"


def test_past_expected_catalyst_needs_a_status_update():
    (entry,) = build_timeline([cat("vouchers", "2025Q2", "expected")], TODAY)
    assert entry.bucket is Bucket.PAST and entry.needs_update


def test_next_catalyst_days_for_a_stock_ignores_past_and_cancelled():
    catalysts = [cat("a", "2026-12-31", "expected", ["300657"]), cat("b", "2026-12-01", "cancelled", ["300657"]), cat("c", "2026-01-01", "happened", ["300657"])]
    assert next_catalyst_days(catalysts, "300657", TODAY) == 39
    assert next_catalyst_days(catalysts, "300133", TODAY) is None


def test_the_board_countdown_counts_trading_days_like_the_catalysts_tab():
    from tui.domain.calendar import TradingCalendar
    from tui.domain.timeline import stock_countdown, trading_days_until

    catalysts = [cat("a", "2026-12-31", "expected", ["300657"]), cat("q", "2027Q1", "expected", ["300133"]), cat("now", "2026-11", "expected", ["600000"])]
    cal = TradingCalendar([], today=TODAY)
    n, guessed = trading_days_until(cal, TODAY, date(2026, 12, 31))
    assert n == cal.trading_days_between(TODAY, date(2026, 12, 31)) < 39 and not guessed
    assert stock_countdown(catalysts, "300657", TODAY, cal) == (f"T-{n}", 39)
    # Until the calendar has loaded: calendar days, never a T-N of calendar days.
    assert stock_countdown(catalysts, "300657", TODAY) == ("39天", 39)
    assert stock_countdown(catalysts, "300657", TODAY, lang="en") == ("39d", 39)
    # A quarter past the calendar's data: approximate and estimated.
    text, days = stock_countdown(catalysts, "300133", TODAY, cal)
    assert text.startswith("约≈T-") and days == 40
    assert stock_countdown(catalysts, "600000", TODAY, cal) == ("进行中", 0)  # in its month now, as the tab says
    assert stock_countdown(catalysts, "000001", TODAY, cal) == ("", None)
