from datetime import date

import pytest

from tui.domain.dates import PartialDate, Precision
from tui.domain.values import Value, ValueKind


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "shown"),
    [
        ("2025-03-13", date(2025, 3, 13), date(2025, 3, 13), Precision.DAY, "2025-03-13"),
        ("2024-09", date(2024, 9, 1), date(2024, 9, 30), Precision.MONTH, "2024-09"),
        ("2025Q2", date(2025, 4, 1), date(2025, 6, 30), Precision.QUARTER, "2025Q2"),
        ("2026 Q1", date(2026, 1, 1), date(2026, 3, 31), Precision.QUARTER, "2026Q1"),
        ("2026H1", date(2026, 1, 1), date(2026, 6, 30), Precision.HALF, "2026H1"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), Precision.MONTH, "2024-02"),
        (2026, date(2026, 1, 1), date(2026, 12, 31), Precision.YEAR, "2026"),
    ],
)
def test_partial_dates(text, start, end, precision, shown):
    p = PartialDate.parse(text)
    assert (p.start, p.end, p.precision, str(p)) == (start, end, precision, shown)


@pytest.mark.parametrize(("text", "fragment"), [("2025-02-30", "impossible date"), ("2025-13", "month must be"), ("next week", "cannot read")])
def test_bad_dates_are_explained(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        PartialDate.parse(text)


@pytest.mark.parametrize(
    ("raw", "kind", "low", "high", "point"),
    [
        (788, ValueKind.EXACT, 788, 788, 788),
        ("54.3%", ValueKind.EXACT, 54.3, 54.3, 54.3),
        ("12-15", ValueKind.RANGE, 12, 15, 13.5),
        ("12–15", ValueKind.RANGE, 12, 15, 13.5),
        ([10, 15], ValueKind.RANGE, 10, 15, 12.5),
        ("< 50", ValueKind.AT_MOST, None, 50, 50),
        ("> 100,000", ValueKind.AT_LEAST, 100000, None, 100000),
    ],
)
def test_values(raw, kind, low, high, point):
    v = Value.parse(raw)
    assert (v.kind, v.low, v.high, v.point) == (kind, low, high, point)


def test_value_formatting_keeps_the_unit():
    assert Value.parse("12-15").format("万元/卡/年") == "12–15 万元/卡/年"
    assert Value.parse("< 50").format("%") == "< 50%"
    assert Value.parse(37000).format("P") == "37,000 P"


@pytest.mark.parametrize("raw", ["15-12", "lots", True, [1]])
def test_bad_values_are_refused(raw):
    with pytest.raises(ValueError):
        Value.parse(raw)
