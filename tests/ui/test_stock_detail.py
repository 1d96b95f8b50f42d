"""Pilot tests of the stock detail screen (tui.ui.screens.stock_detail), on the shipped
watchlist and the shipped sample bars (loaded into a tmp store by Store.open)."""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from textual.app import App
from textual.widgets import Static

from tests.conftest import CATALYSTS, ROOT, TODAY, WATCHLISTS, wait_for_startup
from tui.config.loader import Project, load_project
from tui.domain.models import Catalyst, Stock, Theme
from tui.ui.i18n import Labels
from tui.ui.screens import stock_detail
from tui.ui.screens.stock_detail import StockDetailScreen
from tui.ui.widgets.price_chart import PriceChart
from tui.views.price import build_price_view, catalyst_session

SAMPLE_CSV = ROOT / "tui" / "data" / "sample" / "a_share_daily_qfq_20240102_20251121.csv"
INDEX_CSV = ROOT / "tui" / "data" / "sample" / "index_daily_000300_399006_20240102_20251121.csv"
SIZE = (120, 40)

# Catalysts for 300133 around the last 120 sample sessions (2025-05-29 .. 2025-11-21).
TMP_CATALYSTS = """\
catalysts:
  - id: in-window-month
    date: 2025-09
    title: 月度催化剂（窗口内）
    stocks: ["300133"]
    status: happened
  - id: in-window-holiday
    date: 2025-10-01
    title: 国庆节当天公告
    stocks: ["300133"]
    status: happened
  - id: period-starts-before-window
    date: 2025Q2
    title: 二季度事件
    stocks: ["300133"]
    status: happened
  - id: after-last-session
    date: 2025-12-01
    title: 样本之后的事件
    stocks: ["300133"]
    status: expected
  - id: undated
    title: 未定日期的事件
    stocks: ["300133"]
"""


def sample_closes(code: str, path: Path = SAMPLE_CSV) -> list[tuple[str, float]]:
    """(date, close) of one code from the shipped CSV, oldest first, read independently."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [(r["date"], float(r["close"])) for r in csv.DictReader(fh) if r["code"].strip() == code]
    return sorted(rows)


class Host(App[None]):
    """A bare app that opens one detail screen."""

    ENABLE_COMMAND_PALETTE = False

    def __init__(self, screen: StockDetailScreen) -> None:
        super().__init__()
        self.detail = screen

    def on_mount(self) -> None:
        self.push_screen(self.detail)


def project(catalysts: Path = CATALYSTS) -> Project:
    p = load_project(WATCHLISTS, catalysts)
    assert p.themes, p.diagnostics
    return p


def find(p: Project, key: str) -> tuple[Stock, Theme]:
    theme = p.themes[0]
    return next(s for s in theme.stocks if s.key == key), theme


def detail(
    tmp_path: Path, key: str = "300133", *, p: Project | None = None, language: str = "zh", **kw
) -> StockDetailScreen:
    p = p or project()
    stock, theme = find(p, key)
    return StockDetailScreen(stock, theme, p, tmp_path / "data", Labels(language), TODAY, **kw)


async def loaded(pilot) -> None:
    await wait_for_startup(pilot)
    await pilot.pause()


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


# --------------------------------------------------------------------------- the shipped stock


async def test_300133_shows_reason_returns_notice_and_a_120_session_chart(tmp_path):
    screen = detail(tmp_path)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        # The text is there before the bars arrive.
        assert "政务算力供应商" in text(screen, "#sd-reason")
        assert "300133" in text(screen, "#sd-title") and "创业板" in text(screen, "#sd-title")
        await loaded(pilot)
        assert app.screen is screen

        closes = sample_closes("300133")
        expected_5d = closes[-1][1] / closes[-6][1] - 1.0
        assert screen.view is not None and screen.view.has_bars
        assert screen.view.returns[5][0] == pytest.approx(expected_5d, abs=1e-12)
        expected_1d = closes[-1][1] / closes[-2][1] - 1.0
        assert screen.view.returns[1][0] == pytest.approx(expected_1d, abs=1e-12)
        returns = text(screen, "#sd-returns")
        assert f"{expected_5d * 100:+.2f}%" in returns
        # The benchmark (创业板指, sz399006) and the difference.
        bench = sample_closes("399006", INDEX_CSV)
        bench_5d = bench[-1][1] / bench[-6][1] - 1.0
        assert screen.view.returns[5][1] == pytest.approx(bench_5d, abs=1e-12)
        assert f"{(expected_5d - bench_5d) * 100:+.2f}%" in returns
        assert "创业板指" in returns and "相对基准" in returns

        assert "样本数据（截至 2025-11-21，非实时）" in text(screen, "#sd-data")

        chart = screen.query_one(PriceChart)
        assert chart.point_count == 120
        assert chart.dates[-1] == date(2025, 11, 21)
        assert chart.dates[0].isoformat() == closes[-120][0]
        stock_line, bench_line = chart.series
        assert len(stock_line.values) == len(bench_line.values) == 120
        assert stock_line.values[0] == pytest.approx(100.0) and bench_line.values[0] == pytest.approx(100.0)
        assert stock_line.values[-1] == pytest.approx(closes[-1][1] / closes[-120][1] * 100.0)

        # The shipped catalyst (2026-01) is after the sample: listed, not marked.
        assert chart.markers == []
        assert "华策影视算力云服务项目" in text(screen, "#sd-catalysts")
        assert "图示区间内没有已定日期的催化剂" in text(screen, "#sd-marks")
        # The indicator whose codes include 300133, with its assessed status.
        indicators = text(screen, "#sd-indicators")
        assert "华策影视算力规模" in indicators and "37,000" in indicators and "无目标" in indicators


async def test_catalysts_inside_the_window_are_marked_on_their_sessions(tmp_path):
    path = tmp_path / "catalysts.yaml"
    path.write_text(TMP_CATALYSTS, encoding="utf-8")
    p = project(path)
    screen = detail(tmp_path, p=p)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        chart = screen.query_one(PriceChart)
        marked = [(m.label, chart.dates[m.index]) for m in chart.markers]
        # A month marks its first session; a holiday (National Day) marks the next session.
        assert marked == [("1", date(2025, 9, 1)), ("2", date(2025, 10, 9))]
        marks = text(screen, "#sd-marks")
        assert "1 2025-09-01  月度催化剂（窗口内）" in marks
        assert "2 2025-10-09  国庆节当天公告" in marks
        assert "二季度事件" not in marks and "样本之后的事件" not in marks
        # Every catalyst is listed with its date or as undated, with the chart numbers.
        listed = text(screen, "#sd-catalysts")
        for title in ("月度催化剂", "国庆节当天公告", "二季度事件", "样本之后的事件", "未定日期的事件"):
            assert title in listed
        assert "2025-12-01" in listed and "2025Q2" in listed


@pytest.mark.parametrize("key", ["escape", "q", "backspace"])
async def test_escape_q_and_backspace_go_back(tmp_path, key):
    screen = detail(tmp_path)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.screen is screen
        await pilot.press(key)
        await pilot.pause()
        assert app.screen is not screen
        assert not app.screen.query(PriceChart)


# --------------------------------------------------------------------------- no prices


async def test_unlisted_company_says_no_price_data_and_draws_nothing(tmp_path):
    screen = detail(tmp_path, "name:基流科技")
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert "无行情数据" in text(screen, "#sd-data") and "未上市" in text(screen, "#sd-data")
        chart = screen.query_one(PriceChart)
        assert chart.point_count == 0 and chart.series == []
        assert "-no-bars" in screen.query_one("#sd-left").classes  # chart, returns hidden
        assert screen.view is None  # no worker ran
        assert "已递表" in text(screen, "#sd-title")
        assert "中国最大的独立AI算力集群提供商" in text(screen, "#sd-reason")
        assert not (tmp_path / "data").exists()


async def test_a_code_without_stored_bars_says_so(tmp_path):
    p = project()
    theme = p.themes[0]
    stock = Stock(code="600000", name="无历史股票", reason="测试")
    screen = StockDetailScreen(stock, theme, p, tmp_path / "data", Labels("zh"), TODAY)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert screen.view is not None and not screen.view.has_bars
        assert "无行情数据：本地没有 600000 的日线历史" in text(screen, "#sd-data")
        assert screen.query_one(PriceChart).point_count == 0
        assert "-no-bars" in screen.query_one("#sd-left").classes


async def test_a_failing_read_is_reported_not_raised(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(stock_detail, "load_price_view", broken)
    screen = detail(tmp_path)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.screen is screen
        assert "读取日线失败：OSError: disk on fire" in text(screen, "#sd-data")
        assert screen.query_one(PriceChart).point_count == 0


# --------------------------------------------------------------------------- colours, language


async def test_up_is_red_by_default_and_green_when_asked(tmp_path):
    for up_color, up_style, down_style in (("red", "$error", "$success"), ("green", "$success", "$error")):
        screen = detail(tmp_path, up_color=up_color)
        app = Host(screen)
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            content = screen._returns_text()
            styles = {content.plain[s.start : s.end].strip(): s.style for s in content.spans}
            r = screen.view.returns
            up = next(v for v, _ in r.values() if v > 0)
            down = next(v for v, _ in r.values() if v < 0)
            assert styles[f"{up * 100:+.2f}%"] == up_style
            assert styles[f"{down * 100:+.2f}%"] == down_style


async def test_english_labels(tmp_path):
    screen = detail(tmp_path, language="en")
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert "Sample data as of 2025-11-21 (not live)" in text(screen, "#sd-data")
        assert "vs benchmark" in text(screen, "#sd-returns")
        back = [b for b in screen._bindings.key_to_bindings["escape"]]
        assert [b.description for b in back] == ["Back"]


# --------------------------------------------------------------------------- pure parts


def _cat(when: str | None) -> Catalyst:
    return Catalyst(id="x", title="t", date=when, stocks=["300133"])


def test_catalyst_session_rules():
    sessions = [date(2025, 9, 29), date(2025, 9, 30), date(2025, 10, 9), date(2025, 10, 10)]
    assert catalyst_session(_cat("2025-09-30"), sessions) == 1
    assert catalyst_session(_cat("2025-10-01"), sessions) == 2  # holiday -> next session
    assert catalyst_session(_cat("2025-10"), sessions) == 2  # month -> its first session
    assert catalyst_session(_cat("2025-09"), sessions) is None  # period starts before the window
    assert catalyst_session(_cat("2025-10-11"), sessions) is None  # after the last session
    assert catalyst_session(_cat("2025-11"), sessions) is None
    assert catalyst_session(_cat(None), sessions) is None


def _bars(code: str, days: list[str], closes: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": code,
            "date": pd.to_datetime(days),
            "close": closes,
            "source": "test",
            "is_sample": False,
        }
    )


def test_a_suspended_day_carries_the_close_and_short_history_gives_nan():
    days = ["2025-01-02", "2025-01-03", "2025-01-06", "2025-01-07"]
    stock = _bars("300133", [days[0], days[1], days[3]], [10.0, 11.0, 12.1])  # no bar on the 6th
    bench = _bars("sz399006", days, [100.0, 101.0, 102.0, 103.0])
    view = build_price_view("300133", "sz399006", stock, bench, sessions=120)
    assert view.dates == [date.fromisoformat(d) for d in days]
    assert view.stock == pytest.approx([100.0, 110.0, 110.0, 121.0])
    assert view.bench == pytest.approx([100.0, 101.0, 102.0, 103.0])
    assert view.returns[1][0] == pytest.approx(12.1 / 11.0 - 1)
    assert math.isnan(view.returns[5][0]) and math.isnan(view.returns[5][1])
    assert not view.is_sample and view.sources == ["test"] and view.as_of == date(2025, 1, 7)


def test_no_benchmark_bars_leaves_the_benchmark_out():
    stock = _bars("300133", ["2025-01-02", "2025-01-03"], [10.0, 11.0])
    view = build_price_view("300133", "sz399006", stock, stock.iloc[0:0])
    assert view.bench is None and view.stock == pytest.approx([100.0, 110.0])
    assert math.isnan(view.returns[1][1])
