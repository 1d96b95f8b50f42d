"""The shipped 算力 theme holds every company, catalyst and indicator from the domain notes."""

from datetime import date

from tests.conftest import CATALYSTS, WATCHLISTS
from tui.config.loader import load_project
from tui.domain.indicators import IndicatorStatus, assess

LISTED = {
    "688041": "上游", "688256": "上游", "603019": "上游", "000977": "上游",
    "300738": "中游", "300383": "中游", "603881": "中游", "300442": "中游", "300846": "中游",
    "000815": "中游", "600589": "中游", "600602": "中游",
    "300133": "下游", "002602": "下游", "300067": "下游", "300872": "下游", "300449": "下游",
    "002335": "配套", "300042": "配套", "300657": "配套", "301085": "配套", "603322": "配套",
    "300911": "配套", "300376": "配套", "600996": "配套", "000665": "配套", "002929": "配套",
    "600126": "配套", "000156": "配套",
}
UNLISTED = {"浙江算力科技": "unlisted", "基流科技": "ipo_filed", "启明星汉": "unlisted", "燧原科技": "unlisted", "凌穹瞬联": "unlisted"}


def load():
    return load_project(WATCHLISTS, CATALYSTS)


def test_shipped_files_load_without_problems():
    project = load()
    assert project.diagnostics == []
    assert [t.id for t in project.themes] == ["compute-power"]


def test_every_listed_company_with_its_segment_and_a_reason():
    theme = load().themes[0]
    by_code = {s.code: s for s in theme.stocks if s.code}
    assert {code: s.segment for code, s in by_code.items()} == LISTED
    assert all(s.reason for s in theme.stocks)
    assert by_code["300738"].risks == ["上架率不足50%（2024年报），需提升至80%验证需求"]
    assert "ST华通" in by_code["002602"].former_names


def test_unlisted_companies_are_tracked_without_codes():
    theme = load().themes[0]
    unlisted = {s.name: s.status for s in theme.stocks if s.code is None}
    assert unlisted == UNLISTED
    assert "港交所" in next(s for s in theme.stocks if s.name == "基流科技").status_note


def test_dated_and_undated_catalysts():
    cats = {c.id: c for c in load().catalysts}
    dated = {str(c.date) for c in cats.values() if c.date}
    assert {"2024-08", "2024-09", "2025-03-11", "2025-03-13", "2025-03-17", "2025Q2", "2025-05-27", "2026-01", "2026-04", "2026-05-10", "2026-06-23", "2026-06-29", "2026-12-31"} <= dated
    assert sum(c.date is None for c in cats.values()) == 4
    launch = cats["hangzhou-scheduling-platform-2025-03-13"]
    assert launch.claimed_reaction == "算力租赁指数3日涨12%（美利云5天3板）"
    assert all(c.source and c.source.article for c in cats.values())


def test_indicators_with_targets_and_honest_no_data():
    theme = load().themes[0]
    inds = {i.id: i for i in theme.indicators}
    assert len(inds) == 15
    voucher = inds["voucher-uptake"]
    assert voucher.readings == [] and voucher.target.value == 70
    assert assess(voucher, date(2026, 11, 22)).status is IndicatorStatus.NO_DATA
    qingyang = inds["qingyang-compute-scale"]
    assert qingyang.target.value == 200000 and qingyang.target.by == date(2026, 12, 31)
    assert [r.value.point for r in inds["huace-compute-scale"].readings] == [8000, 37000]
    assert all(i.source is not None for i in theme.indicators)


def test_listed_codes_are_unique_and_in_order():
    codes = load().listed_codes()
    assert codes[0] == "688041" and len(codes) == len(set(codes)) == 29
