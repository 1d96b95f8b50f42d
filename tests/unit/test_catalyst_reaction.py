"""The catalyst detail's measured reaction and moves since (tui.analytics.catalyst_reaction),
and the pane's pure helpers (countdowns past the calendar's end, filter tokens, month groups).

Checked against the CLI (`theme-tracker event-study`) and by hand from the shipped sample CSV.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import CATALYSTS, ROOT, WATCHLISTS
from tui.analytics.catalyst_reaction import (
    REACTION_WINDOWS,
    compute_reaction,
    stock_move,
)
from tui.views.catalyst_reaction import load_reaction
from tui.cli import main
from tui.config.loader import load_project
from tui.domain.calendar import TradingCalendar
from tui.domain.models import Catalyst
from tui.domain.timeline import build_timeline

SAMPLE = ROOT / "tui" / "data" / "sample"
STOCKS_CSV = SAMPLE / "a_share_daily_qfq_20240102_20251121.csv"
HANGZHOU = "hangzhou-scheduling-platform-2025-03-13"


def csv_closes(code: str) -> list[tuple[str, float]]:
    with STOCKS_CSV.open(encoding="utf-8") as fh:
        return sorted((row["date"], float(row["close"])) for row in csv.DictReader(fh) if row["code"] == code)


@pytest.fixture(scope="module")
def project():
    return load_project(WATCHLISTS, CATALYSTS)


def catalyst(project, cid: str) -> Catalyst:
    return next(c for c in project.catalysts if c.id == cid)


def theme_codes(project, theme_id: str = "compute-power") -> list[str]:
    theme = project.theme(theme_id)
    return [s.code for s in theme.stocks if s.code and s.security and s.security.is_a_share]


def test_measured_reaction_equals_the_cli(project, tmp_path, capsys):
    data = tmp_path / "data"
    code = main([
        "--watchlists", str(WATCHLISTS), "--catalysts", str(CATALYSTS), "--data-dir", str(data),
        "event-study", "--catalyst", HANGZHOU, "--window", "-1:1", "--window", "0:2", "--window", "0:4", "--format", "json",
    ])
    cli = json.loads(capsys.readouterr().out)
    assert code == 0 and len(cli) == 3
    c = catalyst(project, HANGZHOU)
    r = load_reaction(data, c, theme_codes(project), c.stocks, theme_id="compute-power")
    assert r.status == "ok" and r.day0 == date(2025, 3, 13) and r.sample and r.sample_as_of == "2025-11-21"
    assert [res.window for res in r.results] == list(REACTION_WINDOWS)
    for mine, theirs in zip(r.results, cli):
        got = {**mine.to_dict(), "t_stat": mine.t_stat}
        for key in ("day0", "window", "benchmark", "benchmark_return", "theme_return", "theme_abnormal", "n", "t_stat", "stocks"):
            assert got[key] == theirs[key], key


def test_move_since_from_the_csv(project, tmp_path):
    c = catalyst(project, HANGZHOU)
    r = load_reaction(tmp_path / "data", c, theme_codes(project), c.stocks, theme_id="compute-power")
    rows = csv_closes("688041")
    base_date, base_close = [x for x in rows if x[0] < "2025-03-13"][-1]
    last_date, last_close = rows[-1]
    move = next(m for m in r.moves if m.code == "688041")
    assert (move.base_date.isoformat(), move.last_date.isoformat()) == (base_date, last_date) == ("2025-03-12", "2025-11-21")
    assert move.move == pytest.approx(last_close / base_close - 1, abs=1e-12)
    # Codes without stored bars say so instead of inventing a move.
    assert {m.code: m.reason for m in r.moves if m.move is None} == {"000156": "no bars", "600126": "no bars"}
    assert r.benchmark_move is not None and r.benchmark_move.base_date == date(2025, 3, 12)


def test_inexact_undated_and_future_catalysts_are_not_measured(project, tmp_path):
    codes = theme_codes(project)
    quarter = catalyst(project, "compute-vouchers-first-batch-2025q2")
    r = load_reaction(tmp_path / "data", quarter, codes, codes, theme_id="compute-power")
    assert r.status == "inexact" and r.results == []
    # Moves are measured from the period's first session (2025-04-01), i.e. the close of 03-31.
    assert r.day0 == date(2025, 4, 1) and any(m.base_date == date(2025, 3, 31) for m in r.moves)
    month_after = catalyst(project, "huace-compute-cloud-billing-2026-01")
    assert load_reaction(tmp_path / "data", month_after, codes, month_after.stocks).status == "inexact"
    undated = catalyst(project, "domestic-chip-orders")
    assert load_reaction(tmp_path / "data", undated, codes, undated.stocks).status == "undated"
    future = catalyst(project, "qingyang-200k-p-2026-12-31")
    r = load_reaction(tmp_path / "data", future, codes, future.stocks)
    assert r.status == "after_bars" and r.last_bar == date(2025, 11, 21) and r.moves == []


def _bars(code: str, closes: dict[str, float], sample: bool = False) -> pd.DataFrame:
    return pd.DataFrame({
        "code": [code] * len(closes),
        "date": pd.to_datetime(list(closes)),
        "close": list(closes.values()),
        "is_sample": [sample] * len(closes),
    })


def test_compute_reaction_by_hand_on_a_small_frame():
    days = ["2025-01-02", "2025-01-03", "2025-01-06", "2025-01-07", "2025-01-08", "2025-01-09", "2025-01-10"]
    bench = _bars("sh000300", dict(zip(days, [100, 101, 102, 103, 104, 105, 106])))
    a = _bars("000001", dict(zip(days, [10, 10, 11, 12, 12, 12, 15])))
    b = _bars("000002", dict(zip(days[2:], [20, 21, 22, 23, 24])))  # listed on day 0
    c = Catalyst(id="x", title="t", date="2025-01-04")  # a Saturday: day 0 is Monday 01-06
    r = compute_reaction(c, ["000001", "000002"], ["000001", "000002"], pd.concat([a, b]), bench)
    assert r.status == "ok" and r.day0 == date(2025, 1, 6) and not r.sample
    w = {res.window: res for res in r.results}
    # [0,+2]: close(01-08) / close(01-03) - 1; 000002 has no bar on day -1 and is excluded.
    assert w[(0, 2)].n == 1 and w[(0, 2)].theme_return == pytest.approx(12 / 10 - 1)
    assert w[(0, 2)].benchmark_return == pytest.approx(104 / 101 - 1)
    assert [e["code"] for e in w[(0, 2)].excluded] == ["000002"]
    moves = {m.code: m for m in r.moves}
    assert moves["000001"].move == pytest.approx(15 / 10 - 1)
    assert moves["000002"].move is None and "first bar 2025-01-06" in moves["000002"].reason


def test_a_catalyst_before_the_first_stored_bar_is_not_measured():
    """Day 0 would be the first stored session, years later; the study raised on an empty
    window instead (the catalyst detail showed "计算失败")."""
    days = ["2025-01-02", "2025-01-03", "2025-01-06", "2025-01-07"]
    bench = _bars("sh000300", dict(zip(days, [100, 101, 102, 103])))
    a = _bars("000001", dict(zip(days, [10, 10, 11, 12])))
    for day in ("2020-03-02", "2025-01-01", "2025-01-02"):
        r = compute_reaction(Catalyst(id="x", title="t", date=day), ["000001"], ["000001"], a, bench)
        assert (r.status, r.first_bar, r.day0, r.results) == ("before_bars", date(2025, 1, 2), None, [])
    assert compute_reaction(Catalyst(id="x", title="t", date="2025-01-03"), ["000001"], ["000001"], a, bench).status == "ok"


def test_stock_move_without_bars():
    assert stock_move("000001", pd.Series(dtype="float64"), date(2025, 1, 1)).reason == "no bars"


def weekday_sessions(start: date, end: date) -> list[date]:
    out, d = [], start
    while d <= end:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def test_trading_days_until_falls_back_to_weekdays_past_the_end_without_guessing_in_the_calendar():
    from tui.ui.widgets.catalysts_pane import trading_days_until

    sessions = [d for d in weekday_sessions(date(2026, 11, 2), date(2026, 12, 31)) if d != date(2026, 12, 25)]
    cal = TradingCalendar(xshg_sessions=sessions, today=date(2026, 11, 22))
    inside = len([d for d in sessions if date(2026, 11, 22) < d <= date(2026, 12, 31)])
    assert trading_days_until(cal, date(2026, 11, 22), date(2026, 12, 31)) == (inside, False)
    # 2027-01-01 is a fixed holiday; 01-04..01-08 and 01-11..01-12 are weekdays: 7 more.
    assert trading_days_until(cal, date(2026, 11, 22), date(2027, 1, 12)) == (inside + 7, True)
    assert not cal.calendar_stale  # looking far ahead does not mark the app's calendar stale
    # Today itself past the end: all weekdays.
    assert trading_days_until(cal, date(2027, 1, 2), date(2027, 1, 8)) == (5, True)


def test_countdown_text(project):
    from tui.ui.widgets.catalysts_pane import countdown_text

    sessions = weekday_sessions(date(2026, 11, 2), date(2026, 12, 31))
    cal = TradingCalendar(xshg_sessions=sessions, today=date(2026, 11, 22))
    today = date(2026, 11, 22)
    cats = [
        Catalyst(id="a", title="a", date="2026-12-31"),
        Catalyst(id="b", title="b", date="2027-01-15"),
        Catalyst(id="c", title="c", date="2026-12"),
        Catalyst(id="d", title="d", date="2026-11-01"),
    ]
    e = {x.catalyst.id: x for x in build_timeline(cats, today)}
    n = len([d for d in sessions if d > today])
    assert countdown_text(e["a"], today, cal) == (f"T-{n} · 39天", False)
    assert countdown_text(e["a"], today, cal, lang="en") == (f"T-{n} · 39d", False)
    assert countdown_text(e["a"], today, None) == ("39天后", False)
    extra = len([d for d in weekday_sessions(date(2027, 1, 1), date(2027, 1, 15)) if d != date(2027, 1, 1)])
    assert countdown_text(e["b"], today, cal) == (f"≈T-{n + extra} · 54天", True)
    n_dec = len([d for d in sessions if today < d <= date(2026, 12, 1)])
    assert countdown_text(e["c"], today, cal) == (f"约T-{n_dec} · 9天", False)
    assert countdown_text(e["d"], today, cal) == ("21天前", False)


def test_filter_tokens_and_group_keys(project):
    from tui.ui.widgets.catalysts_pane import filter_catalysts, group_key

    names = project.stock_names()
    themes = {t.id: t.name for t in project.themes}
    cats = project.catalysts

    def ids(text: str) -> set[str]:
        return {c.id for c in filter_catalysts(cats, text, names, themes)}

    policy = {c.id for c in cats if c.kind == "policy"}
    expected = {c.id for c in cats if c.status == "expected"}
    assert ids("policy") == ids("政策") == policy
    assert ids("expected") == ids("预期") == expected
    assert ids("policy 预期") == policy & expected
    assert ids("688041") == ids("海光信息") == {c.id for c in cats if "688041" in c.stocks}
    assert ids("compute-power") == {c.id for c in cats}
    assert ids("") == {c.id for c in cats}
    assert ids("2025-03") == {c.id for c in cats if c.date and str(c.date).startswith("2025-03")}
    assert ids("nothing-matches-this") == set()

    today = date(2026, 11, 22)
    keys = {x.catalyst.id: group_key(x) for x in build_timeline(cats, today)}
    assert keys["qingyang-200k-p-2026-12-31"] == "group:upcoming:2026-12"
    assert keys[HANGZHOU] == "group:past:2025-03"
    assert keys["compute-vouchers-first-batch-2025q2"] == "group:past:2025-04"
    assert keys["annuoqi-restructuring"] == "group:undated"


def test_cli_window_rule_is_reused(tmp_path: Path):
    from tui.analytics.catalyst_reaction import study_range

    lo, hi = study_range(date(2025, 3, 13), [(0, 2)])
    assert (date(2025, 3, 13) - lo).days == (hi - date(2025, 3, 13)).days == 2 * 2 + 30
