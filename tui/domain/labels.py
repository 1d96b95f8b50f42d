"""The domain's vocabulary as traders read it, in Chinese and English: the one home of the
labels that the headless layers (domain, export) show, and that the UI shows too.

UI wording (tabs, columns, messages) lives in :mod:`tui.ui.i18n`, which takes the benchmark
names from here (its ``bench.<code>`` keys). Keys are the domain's values (a str enum's value
finds its label: ``MarketState.OPEN == "open"``).
"""

from __future__ import annotations

#: Index names by code, per language.
BENCHMARK_NAMES: dict[str, dict[str, str]] = {
    "zh": {"sh000300": "沪深300", "sz399006": "创业板指", "sh000001": "上证指数", "sz399001": "深证成指"},
    "en": {"sh000300": "CSI 300", "sz399006": "ChiNext", "sh000001": "SSE Composite", "sz399001": "SZSE Component"},
}

#: Weekdays, Monday first (date.weekday()).
WEEKDAYS_ZH: tuple[str, ...] = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

#: Boards (tui.domain.codes.Board) as shown beside a code.
BOARD_LABELS: dict[str, str] = {"main": "主板", "star": "科创板", "chinext": "创业板", "bse": "北交所", "hk": "港股"}

#: A stock's listing status (English: the value with spaces).
LISTING_LABELS_ZH: dict[str, str] = {
    "listed": "上市",
    "unlisted": "未上市",
    "ipo_filed": "已递表",
    "suspended": "停牌",
    "delisted": "已退市",
}

#: Catalysts: kind, status and the claimed impact (English: the value itself).
KIND_LABELS_ZH: dict[str, str] = {
    "policy": "政策",
    "industry": "行业事件",
    "company": "公司公告",
    "earnings": "业绩",
    "order": "订单",
    "financing": "融资/IPO",
    "risk": "风险事件",
    "market": "市场异动",
    "other": "其他",
}
STATUS_LABELS_ZH: dict[str, str] = {
    "expected": "预期",
    "confirmed": "已确认",
    "happened": "已发生",
    "missed": "落空",
    "cancelled": "取消",
}
IMPACT_LABELS_ZH: dict[str, str] = {"positive": "利好", "negative": "利空", "mixed": "多空交织", "unknown": "待定"}

#: An indicator's progress against its target (tui.domain.indicators.IndicatorStatus).
INDICATOR_STATUS_ZH: dict[str, str] = {
    "met": "已达标",
    "on_track": "进度正常",
    "off_track": "落后",
    "no_data": "无数据",
    "stale": "过期",
    "untargeted": "无目标",
}
INDICATOR_STATUS_EN: dict[str, str] = {
    "met": "met",
    "on_track": "on track",
    "off_track": "off track",
    "no_data": "no data",
    "stale": "stale",
    "untargeted": "no target",
}

#: The market's state within the day (tui.domain.calendar.MarketState): (Chinese, English).
MARKET_STATE_LABELS: dict[str, tuple[str, str]] = {
    "pre_open_auction": ("集合竞价", "Opening auction"),
    "pre_open": ("待开盘", "Pre-open"),
    "open": ("交易中", "Trading"),
    "lunch_break": ("午间休市", "Lunch break"),
    "closing_auction": ("收盘竞价", "Closing auction"),
    "closed": ("已收盘", "Closed"),
    "holiday": ("休市", "Holiday"),  # after "Market " in the status line
}


def benchmark_name(code: str, language: str = "zh") -> str:
    """An index's name (the code itself when unknown)."""
    return BENCHMARK_NAMES.get(language, BENCHMARK_NAMES["zh"]).get(code, code)
