"""Pilot tests of the theme index pane (tui.ui.widgets.theme_index_pane), mounted in a tiny
host app, on the shipped 算力 watchlist and the shipped sample bars (loaded into a tmp store by
Store.open). Expected figures are computed here from the sample CSVs with the csv module, by
the rules documented in tui.analytics.theme_index: the calendar is the union of the members'
dates, a member without a bar on a session carries its last close (a 0 return), the equal
index's daily return is the plain mean over the members that have a previous close."""

from __future__ import annotations

import csv
import math
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from tests.conftest import CATALYSTS, ROOT, TODAY, WATCHLISTS, wait_until
from tui.config.loader import load_project
from tui.domain.models import Stock, Theme
from tui.store.store import Store
from tui.ui.i18n import LABELS, Labels
from tui.ui.widgets.price_chart import PriceChart
from tui.ui.widgets.theme_index_pane import ThemeIndexPane
from tui.views.theme_index import theme_codes

SAMPLE_CSV = ROOT / "tui" / "data" / "sample" / "a_share_daily_qfq_20240102_20251121.csv"
INDEX_CSV = ROOT / "tui" / "data" / "sample" / "index_daily_000300_399006_20240102_20251121.csv"
SIZE = (120, 40)
#: The year shown for the sample: one calendar year back from its last bar, inclusive.
WINDOW = ("2024-11-21", "2025-11-21")


# --------------------------------------------------------------------------- independent figures


def read_closes(path: Path) -> dict[str, dict[str, float]]:
    """code -> {ISO date: close} from a sample CSV, read with the csv module."""
    out: dict[str, dict[str, float]] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["code"].strip(), {})[row["date"]] = float(row["close"])
    return out


def equal_daily_returns(closes: dict[str, dict[str, float]], start: str, end: str) -> tuple[list[str], list[float]]:
    """(sessions, equal-weighted daily returns) of ``closes`` between start and end."""
    window = {c: {d: v for d, v in by_date.items() if start <= d <= end} for c, by_date in closes.items()}
    window = {c: v for c, v in window.items() if v}
    sessions = sorted({d for by_date in window.values() for d in by_date})
    last: dict[str, float | None] = {c: None for c in window}
    returns: list[float] = []
    for day in sessions:
        moves = []
        for code, by_date in window.items():
            today_close = by_date.get(day, last[code])  # suspended: carry the last close
            if last[code] is not None and today_close is not None:
                moves.append(today_close / last[code] - 1.0)
            last[code] = today_close
        returns.append(sum(moves) / len(moves) if moves else 0.0)
    return sessions, returns


def compounded(returns: list[float]) -> float:
    growth = 1.0
    for r in returns:
        growth *= 1.0 + r
    return growth - 1.0


# --------------------------------------------------------------------------- harness


class Host(App[None]):
    """A bare app holding one theme index pane."""

    ENABLE_COMMAND_PALETTE = False

    def __init__(self, language: str = "zh", up_color: str = "red") -> None:
        super().__init__()
        self.labels = Labels(language)
        self.up_color = up_color

    def compose(self) -> ComposeResult:
        yield ThemeIndexPane(self.labels, up_color=self.up_color, id="theme-index")


def compute_power() -> Theme:
    project = load_project(WATCHLISTS, CATALYSTS)
    return next(t for t in project.themes if t.id == "compute-power")


async def settled(pilot) -> None:
    pane = pilot.app.query_one(ThemeIndexPane)
    # The chart is mounted, and a load started, on the pane's first Show.
    await wait_until(pilot, lambda: pane.chart is not None, "the index chart mounted")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def text(pane: ThemeIndexPane, selector: str) -> str:
    return str(pane.query_one(selector, Static).render())


def chart_message(pane: ThemeIndexPane) -> str:
    return str(pane.query_one(PriceChart).query_one("#chart-message", Static).render())


def members_in_sample(theme: Theme) -> dict[str, dict[str, float]]:
    codes, _ = theme_codes(theme)
    closes = read_closes(SAMPLE_CSV)
    return {c: closes[c] for c in codes if c in closes}


# --------------------------------------------------------------------------- the shipped theme


async def test_equal_index_benchmark_chart_excluded_and_sample_notice(tmp_path):
    theme = compute_power()
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(ThemeIndexPane)
        pane.show(theme, tmp_path / "data", TODAY)
        await settled(pilot)
        view = pane.view
        assert pane.message is None and pane.error is None
        assert view is not None and view.has_data

        members = members_in_sample(theme)
        sessions, daily = equal_daily_returns(members, *WINDOW)
        assert view.used == [c for c in theme_codes(theme)[0] if c in members]
        expected_5d = compounded(daily[-5:])
        assert view.returns["equal"]["ret_5d"] == pytest.approx(expected_5d, abs=1e-12)
        assert view.returns["equal"]["ret_1d"] == pytest.approx(daily[-1], abs=1e-12)

        bench = read_closes(INDEX_CSV)["399006"]
        bench_dates = sorted(bench)
        bench_5d = bench[bench_dates[-1]] / bench[bench_dates[-6]] - 1.0
        assert view.returns["sz399006"]["ret_5d"] == pytest.approx(bench_5d, abs=1e-12)
        assert view.returns["excess_equal"]["ret_5d"] == pytest.approx(expected_5d - bench_5d, abs=1e-12)
        hs300 = read_closes(INDEX_CSV)["000300"]
        hs300_5d = hs300[bench_dates[-1]] / hs300[bench_dates[-6]] - 1.0
        assert view.returns["sh000300"]["ret_5d"] == pytest.approx(hs300_5d, abs=1e-12)

        # The returns table shows them, the excess too.
        returns = text(pane, "#ti-returns")
        assert "等权指数" in returns and "创业板指" in returns and "沪深300" in returns
        assert f"{expected_5d * 100:+.2f}%" in returns
        assert f"{bench_5d * 100:+.2f}%" in returns
        assert f"{(expected_5d - bench_5d) * 100:+.2f}%" in returns
        assert "2025年内" in returns  # today is 2026: the year-to-date column names its year

        # The chart: one point per session of the year, index and benchmarks rebased to 100.
        chart = pane.query_one(PriceChart)
        assert chart.point_count == len(sessions) == 244
        assert chart.dates[0] == date.fromisoformat(sessions[0]) == date(2024, 11, 21)
        assert chart.dates[-1] == date(2025, 11, 21)
        labels = [s.label for s in chart.series]
        assert labels == ["等权指数", "创业板指", "沪深300"]
        index_line, bench_line, _ = chart.series
        assert index_line.values[0] == pytest.approx(100.0)
        assert index_line.values[-1] == pytest.approx(100.0 * (1.0 + compounded(daily)), rel=1e-12)
        assert bench_line.values[0] == pytest.approx(100.0)
        assert bench_line.values[-1] == pytest.approx(bench[bench_dates[-1]] / bench[sessions[0]] * 100.0)

        # Members: the codes without bars are named and excluded; unlisted companies are not codes.
        assert "688256" in view.missing and "688256" not in view.used
        assert set(view.missing) == set(theme_codes(theme)[0]) - set(members)
        info = text(pane, "#ti-members")
        assert "无日线（未计入）" in info and "寒武纪 688256" in info
        assert "浙江算力科技" not in info
        assert view.stale == {}

        data = text(pane, "#ti-data")
        assert "样本数据（截至 2025-11-21，非实时）" in data
        assert f"成分 {len(members)}/{len(theme_codes(theme)[0])} 只计入" in data
        assert "无市值数据，仅等权" in data and view.cap is None
        assert pane.query_one("#ti-data").has_class("-sample")


async def test_returns_are_red_up_green_down_and_flip_with_up_color(tmp_path):
    theme = compute_power()
    for up_color, down_style in (("red", "$success"), ("green", "$error")):
        app = Host(up_color=up_color)
        async with app.run_test(size=SIZE) as pilot:
            pane = app.query_one(ThemeIndexPane)
            pane.show(theme, tmp_path / "data", TODAY)
            await settled(pilot)
            content = pane._returns_text()
            value = pane.view.returns["equal"]["ret_5d"]
            assert value < 0  # the sample's last week fell
            cell = f"{value * 100:+.2f}%"
            at = content.plain.index(cell)
            styles = {str(s.style) for s in content.spans if s.start <= at < s.end}
            assert styles == {down_style}
            up_style = "$error" if down_style == "$success" else "$success"
            ytd = pane.view.returns["equal"]["ret_ytd"]
            assert ytd > 0
            at = content.plain.index(f"{ytd * 100:+.2f}%")
            assert {str(s.style) for s in content.spans if s.start <= at < s.end} == {up_style}


async def test_cap_weighted_index_from_quote_market_caps(tmp_path):
    theme = compute_power()
    data_dir = tmp_path / "data"
    caps = {"300133": 1.0e10, "000815": 3.0e10}
    with Store.open(data_dir) as store:
        now = datetime(2025, 11, 21, 15, 0, tzinfo=timezone(timedelta(hours=8)))
        store.upsert_quotes(pd.DataFrame({
            "code": list(caps), "name": ["华策影视", "美利云"], "price": [10.0, 10.0],
            "market_cap": list(caps.values()), "as_of": [now, now], "source": ["test", "test"],
            "is_sample": [False, False],
        }))  # fmt: skip
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(ThemeIndexPane)
        pane.show(theme, data_dir, TODAY)
        await settled(pilot)
        view = pane.view
        assert view.cap is not None and view.cap[0] == pytest.approx(100.0)
        labels = [s.label for s in pane.query_one(PriceChart).series]
        assert labels == ["等权指数", "市值加权", "创业板指", "沪深300"]
        assert set(view.cap_missing) == set(view.used) - set(caps)

        # The last session's cap-weighted return, by the documented rule: weight = cap (the
        # median of the given caps where missing) * close[t-1] / close[last].
        members = members_in_sample(theme)
        sessions, _ = equal_daily_returns(members, *WINDOW)
        fallback = 2.0e10  # the median of the two caps given
        t, t1 = sessions[-1], sessions[-2]
        num = den = 0.0
        for code, by_date in members.items():
            last = by_date[max(d for d in by_date if d <= t)]
            prev = by_date[max(d for d in by_date if d <= t1)]
            weight = caps.get(code, fallback) * prev / last
            num += weight * (last / prev - 1.0)
            den += weight
        assert view.returns["cap"]["ret_1d"] == pytest.approx(num / den, abs=1e-12)

        data = text(pane, "#ti-data")
        assert "等权 + 市值加权" in data and "无市值数据" not in data
        returns = text(pane, "#ti-returns")
        assert "市值加权" in returns and "超额（市值−创业板指）" in returns
        assert "缺市值（按其余成分中位数计）" in text(pane, "#ti-members")


async def test_newer_bar_moves_the_year_marks_stale_members_and_refresh_data_reloads(tmp_path):
    theme = compute_power()
    data_dir = tmp_path / "data"
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(ThemeIndexPane)
        pane.show(theme, data_dir, TODAY)
        await settled(pilot)
        assert pane.view.as_of == date(2025, 11, 21)

        # A live bar for one member, a session after the sample ends.
        last = read_closes(SAMPLE_CSV)["300133"]["2025-11-21"]
        with Store.open(data_dir) as store:
            store.upsert_bars(pd.DataFrame({
                "code": ["300133"], "date": [pd.Timestamp("2025-11-24")], "open": [last],
                "high": [last * 1.01], "low": [last], "close": [last * 1.01], "volume": [1.0],
                "amount": [1.0], "adjust": ["qfq"], "source": ["test:live"], "is_sample": [False],
            }))  # fmt: skip
        pane.show(theme, data_dir, TODAY)  # same theme and day: nothing reloads
        await settled(pilot)
        assert pane.view.as_of == date(2025, 11, 21)

        pane.refresh_data()
        await settled(pilot)
        view = pane.view
        assert view.as_of == date(2025, 11, 24)
        assert view.dates[0] == date(2024, 11, 25)  # the year follows the newest bar
        others = [c for c in view.used if c != "300133"]
        assert view.stale == {c: "2025-11-21" for c in others}
        # 17 members carried flat (0) and one up 1%: the equal index moves by 1%/18.
        assert view.returns["equal"]["ret_1d"] == pytest.approx(0.01 / len(view.used), abs=1e-12)
        data = text(pane, "#ti-data")
        assert "部分为样本数据（截至 2025-11-21，非实时）" in data
        assert "test:live" in data and "创业板指数据只到 2025-11-21" in data
        assert "停更（其后按最后收盘价持平）" in text(pane, "#ti-members")
        assert "华策影视 300133" not in text(pane, "#ti-members").split("停更")[1]


# --------------------------------------------------------------------------- messages instead of a chart


async def test_no_theme_shows_a_message(tmp_path):
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(ThemeIndexPane)
        await pilot.pause()
        assert "没有选中的题材" in chart_message(pane)
        pane.show(compute_power(), tmp_path / "data", TODAY)
        pane.show(None, tmp_path / "data", TODAY)  # the load for the first theme is ignored
        await settled(pilot)
        assert pane.view is None and pane.message == "没有选中的题材。"
        assert pane.query_one(PriceChart).point_count == 0
        assert "没有选中的题材" in chart_message(pane)
        assert pane.has_class("-no-data")


async def test_theme_without_a_share_codes_or_without_bars(tmp_path):
    unlisted = Theme(id="empty", name="空题材", stocks=[Stock(name="某公司", status="unlisted")])
    no_bars = Theme(id="no-bars", name="无日线", stocks=[Stock(code="688256", name="寒武纪")])
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(ThemeIndexPane)
        pane.show(unlisted, tmp_path / "data", TODAY)
        await settled(pilot)
        assert "没有可计算指数的A股代码" in chart_message(pane)

        pane.show(no_bars, tmp_path / "data", TODAY)
        await settled(pilot)
        assert pane.view is not None and not pane.view.has_data
        assert "本地没有该题材成分股的日线" in chart_message(pane)
        assert "寒武纪 688256" in text(pane, "#ti-members")
        assert pane.query_one(PriceChart).point_count == 0


async def test_store_error_is_a_message_not_a_crash(tmp_path):
    not_a_dir = tmp_path / "data"
    not_a_dir.write_text("not a directory")
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(ThemeIndexPane)
        pane.show(compute_power(), not_a_dir, TODAY)
        await settled(pilot)
        assert app.is_running
        assert pane.error and "StoreError" in pane.error
        assert chart_message(pane).startswith("读取日线失败：")


async def test_english_labels(tmp_path):
    app = Host(language="en")
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(ThemeIndexPane)
        pane.show(compute_power(), tmp_path / "data", TODAY)
        await settled(pilot)
        assert "Theme index" in text(pane, "#ti-title")
        data = text(pane, "#ti-data")
        assert "Sample data as of 2025-11-21 (not live)" in data and "no market caps: equal weights only" in data
        returns = text(pane, "#ti-returns")
        assert "Equal-weighted" in returns and "ChiNext" in returns and "2025 YTD" in returns
        assert "No bars (excluded): 寒武纪 688256, " in text(pane, "#ti-members")


def test_every_index_label_exists_in_both_languages():
    zh = {k for k in LABELS["zh"] if k.startswith("index.")} | {"tab.index"} & set(LABELS["zh"])
    en = {k for k in LABELS["en"] if k.startswith("index.")} | {"tab.index"} & set(LABELS["en"])
    assert zh == en and "tab.index" in zh and len(zh) > 20


def test_math_helper_sanity():
    # The independent helpers agree with a hand-made case: a suspended day carries the close.
    sessions, daily = equal_daily_returns(
        {"a": {"d1": 10.0, "d2": 11.0, "d3": 11.0}, "b": {"d1": 20.0, "d3": 22.0}}, "d1", "d3"
    )
    assert sessions == ["d1", "d2", "d3"]
    assert daily == pytest.approx([0.0, (0.1 + 0.0) / 2, (0.0 + 0.1) / 2])
    assert math.isclose(compounded(daily[-2:]), 1.05 * 1.05 - 1.0)
