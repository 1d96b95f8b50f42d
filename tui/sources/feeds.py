"""Catalyst feeds through akshare 1.19.5: earnings dates and previews, announcements, investor
Q&A, news and lock-up expiries (reference §3.7–3.9), normalized into small frames.

Every feed is a function `fetch_*(caller, ...) -> FeedResult`: the frame of what arrived and
classified Failures for what did not; it never raises for an upstream problem. Calls go
through a `FeedCaller`, which applies the refresh's machinery (tui.sources.calls: deadline per
call, retries, concurrency gate, network breaker) plus a feed budget of its own, so feeds can
never eat into the quote polls. The "irregular empty" replies of these functions are "no
items", not failures: `KeyError: '代码'` (no announcements), `TypeError` on `result: null`
(`stock_yjyg_em` for a quarter with no previews yet), an empty frame without columns.

Normalized frames (all text columns str, dates as ISO text "YYYY-MM-DD" or None):
* items (announcements, Q&A, news): source, source_id, code, title, date, published_at, kind,
  category, link, detail — see ITEM_COLUMNS;
* earnings dates: code, name, period, first_date, change1, change2, change3, actual_date;
* previews: code, name, period, metric, change_text, value, change_pct, reason, type,
  last_year, notice_date;
* lock-ups: code, date, holders, shares, shares_actual, shares_remaining, market_value,
  ratio_total, ratio_float, type.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import ModuleType
from typing import Any

import pandas as pd

from tui.domain.codes import CodeError, parse_code
from tui.sources.base import Failure, FailureKind, SourceError
from tui.sources.breakers import Breakers
from tui.sources.budget import Budget
from tui.sources.calls import Gate, RetryPolicy, call_with_retries
from tui.sources.classify import one_line, provider_of

ITEM_COLUMNS: tuple[str, ...] = (
    "source", "source_id", "code", "title", "date", "published_at", "kind", "category", "link",
    "detail",
)
EARNINGS_COLUMNS: tuple[str, ...] = (
    "code", "name", "period", "first_date", "change1", "change2", "change3", "actual_date",
)
PREVIEW_COLUMNS: tuple[str, ...] = (
    "code", "name", "period", "metric", "change_text", "value", "change_pct", "reason", "type",
    "last_year", "notice_date",
)
LOCKUP_COLUMNS: tuple[str, ...] = (
    "code", "date", "holders", "shares", "shares_actual", "shares_remaining", "market_value",
    "ratio_total", "ratio_float", "type",
)

#: The columns each feed function must return (akshare 1.19.5, checked in the installed source).
FEED_EXPECTED: dict[str, tuple[str, ...]] = {
    "stock_yysj_em": ("股票代码", "股票简称", "首次预约时间", "一次变更日期", "二次变更日期", "三次变更日期", "实际披露时间"),
    "stock_yjyg_em": ("股票代码", "股票简称", "预测指标", "业绩变动", "预测数值", "业绩变动幅度", "业绩变动原因", "预告类型", "上年同期值", "公告日期"),
    "stock_individual_notice_report": ("代码", "名称", "公告标题", "公告类型", "公告日期", "网址"),
    "stock_zh_a_disclosure_report_cninfo": ("代码", "简称", "公告标题", "公告时间", "公告链接"),
    "stock_irm_cninfo": ("股票代码", "公司简称", "问题", "提问时间", "更新时间", "问题编号", "回答内容", "回答者"),
    "stock_sns_sseinfo": ("股票代码", "公司简称", "问题", "回答", "问题时间", "回答时间"),
    "stock_news_em": ("关键词", "新闻标题", "新闻内容", "发布时间", "文章来源", "新闻链接"),
    "stock_restricted_release_queue_em": ("解禁时间", "解禁股东数", "解禁数量", "实际解禁数量", "未解禁数量", "实际解禁数量市值", "占总市值比例", "占流通市值比例", "限售股类型"),
}

#: The upstream of each feed function, for messages ("rate-limited by cninfo"); the
#: refresh's name-based guess (tui.sources.classify.provider_of) only knows quote hosts.
FEED_PROVIDERS: dict[str, str] = {
    "stock_yysj_em": "em", "stock_yjyg_em": "em", "stock_individual_notice_report": "em",
    "stock_news_em": "em", "stock_restricted_release_queue_em": "em",
    "stock_zh_a_disclosure_report_cninfo": "cninfo", "stock_irm_cninfo": "cninfo (互动易)",
    "stock_sns_sseinfo": "SSE (上证e互动)",
}

#: Item sources (the `source` column): which upstream an item came from.
SOURCE_EM_NOTICE = "em-notice"
SOURCE_CNINFO = "cninfo"
SOURCE_IRM = "irm"
SOURCE_SSE_E = "sse-e"
SOURCE_EM_NEWS = "em-news"

SOURCE_OUTLETS = {
    SOURCE_EM_NOTICE: "东方财富公告",
    SOURCE_CNINFO: "巨潮资讯",
    SOURCE_IRM: "互动易",
    SOURCE_SSE_E: "上证e互动",
    SOURCE_EM_NEWS: "东方财富",
}


# --------------------------------------------------------------------------- plumbing


@dataclass
class FeedResult:
    """A normalized frame plus the failures of what is missing from it."""

    frame: pd.DataFrame
    failures: list[Failure] = field(default_factory=list)
    source: str = ""
    notes: list[str] = field(default_factory=list)


class FeedBudget(Budget):
    """The time budget of one feed run (tui.sources.budget.Budget, labelled "feed budget").

    Feeds have their own budget, separate from the quote refresh's, so that a slow
    announcement host can never delay a quote poll (the app never runs feeds on its polls).
    """

    def __init__(self, seconds: float | None = 180.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(seconds, clock=clock, label="feed budget")


def import_akshare() -> ModuleType:
    from tui.sources.akshare_source import import_akshare as load

    return load()


#: The function a FeedCaller calls upstream through: `call_with_retries` of tui.sources.calls
#: (deadline, retries, gate, the provider's breaker, the budget); replaceable for tests.
CallFn = Callable[..., Any]


class FeedCaller:
    """Calls akshare feed functions through the refresh's call path (tui.sources.calls:
    deadline, retries, concurrency gate, a breaker per provider, a time budget) with a feed
    budget and breakers of its own; raises SourceError. Thread-safe; akshare is imported on the
    first call. `loader` returns the akshare module (tests pass a fake); `call` is the retrying
    caller (default `call_with_retries`).
    """

    def __init__(
        self,
        *,
        timeout: float = 15.0,
        budget: Budget | None = None,
        retry: RetryPolicy | None = None,
        max_concurrent: int = 2,
        min_interval: float = 0.5,
        breakers: Breakers | None = None,
        loader: Callable[[], ModuleType] | None = None,
        call: CallFn = call_with_retries,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.timeout = float(timeout)
        self.budget = budget or FeedBudget()
        # One retry at most: feeds are not urgent, and Eastmoney bans on bursts (§5.2 item 1).
        self.retry = retry or RetryPolicy(attempts={FailureKind.NETWORK: 1, FailureKind.TIMEOUT: 1, FailureKind.RATE_LIMIT: 2})
        self.max_concurrent = max(1, int(max_concurrent))
        self.gate = Gate(self.max_concurrent, min_interval)
        self.breakers = breakers or Breakers()
        self._loader = loader or import_akshare
        self._call = call
        self._sleep = sleep
        self._module: ModuleType | None = None
        self._lock = threading.Lock()
        self.calls = 0

    def _ak(self) -> ModuleType:
        with self._lock:
            if self._module is None:
                from tui.sources.calls import install_default_timeout

                install_default_timeout(connect=min(5.0, self.timeout), read=self.timeout)
                self._module = self._loader()
            return self._module

    def __call__(self, function: str, *, per_code: bool = True, **kwargs: Any) -> Any:
        self.budget.check()
        try:
            ak = self._ak()
        except ImportError as exc:
            raise SourceError(FailureKind.OTHER, "akshare is not installed", str(exc)) from exc
        fn = getattr(ak, function, None)
        if fn is None:
            raise SourceError(FailureKind.SCHEMA, f"source changed: akshare has no {function} (upgrade akshare?)")
        with self._lock:
            self.calls += 1
        provider = FEED_PROVIDERS.get(function) or provider_of(function)
        return self._call(
            fn, deadline=self.timeout, policy=self.retry, gate=self.gate, breaker=self.breakers.get(provider),
            budget=self.budget, provider=provider, per_code=per_code, sleep=self._sleep, **kwargs,
        )


def _failure(code: str, error: SourceError, call: str) -> Failure:
    return Failure(code, error.kind, error.message, call, one_line(error.detail, 300),
                   getattr(error, "attempted", True))


def _checked(frame: Any, function: str) -> pd.DataFrame:
    """The frame if it has the columns the feed reads; SourceError(SCHEMA/EMPTY) otherwise."""
    if not isinstance(frame, pd.DataFrame):
        raise SourceError(FailureKind.SCHEMA, f"source changed: {function} returned {type(frame).__name__}")
    if frame.empty:
        return frame
    missing = [c for c in FEED_EXPECTED[function] if c not in frame.columns]
    if missing:
        raise SourceError(FailureKind.SCHEMA, f"source changed its columns: missing {', '.join(missing)} (upgrade akshare)",
                          f"{function} columns: {', '.join(map(str, frame.columns))}")
    return frame


def _is_no_data(error: SourceError) -> bool:
    return error.kind is FailureKind.EMPTY


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return " ".join(str(value).split())


def iso_day(value: Any) -> str | None:
    """A date-like value (datetime.date, Timestamp, "YYYY-MM-DD[ HH:MM:SS]", NaT) as YYYY-MM-DD."""
    if value is None:
        return None
    try:
        if pd.isna(value):  # NaT is a datetime instance: test it first
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    match = re.match(r"^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})", text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            return None
    return None


def _stamp(value: Any) -> str | None:
    """'YYYY-MM-DD HH:MM[:SS]' text as given; a bare date as the date."""
    text = _text(value)
    if re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text):
        return text[:19]
    return iso_day(value)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def short_hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


_NAME_PREFIX = re.compile(r"^[^:：]{1,12}[:：]\s*")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize_title(title: str) -> str:
    """A title reduced for matching across sources: width-folded, the "名称:" prefix Eastmoney
    puts before announcement titles dropped, punctuation and spaces removed."""
    text = unicodedata.normalize("NFKC", title or "").strip()
    text = _NAME_PREFIX.sub("", text)
    return _PUNCT.sub("", text).lower()


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    """Rows as an object frame: missing values stay None (pandas 3 would turn a text column's
    None into NaN, which is truthy)."""
    return pd.DataFrame(rows, columns=list(columns), dtype=object)


def _items(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return _empty(ITEM_COLUMNS)
    return _frame(rows, ITEM_COLUMNS)


# --------------------------------------------------------------------------- periods


def report_periods(today: date) -> tuple[date, date]:
    """The current report period (the latest quarter end on or before today, whose reports are
    being disclosed now) and the next one."""
    ends = [date(today.year - 1, 12, 31)] + [date(today.year, m, d) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))]
    current = max(e for e in ends if e <= today)
    following = {3: date(current.year, 6, 30), 6: date(current.year, 9, 30), 9: date(current.year, 12, 31),
                 12: date(current.year + 1, 3, 31)}[current.month]
    return current, following


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


# --------------------------------------------------------------------------- earnings


def fetch_earnings_dates(caller: FeedCaller, period: date, codes: list[str]) -> FeedResult:
    """预约披露时间 of `period` (one call for the whole market), rows of `codes` only."""
    function = "stock_yysj_em"
    try:
        raw = _checked(caller(function, per_code=False, symbol="沪深A股", date=_ymd(period)), function)
    except SourceError as error:
        if _is_no_data(error):
            return FeedResult(_empty(EARNINGS_COLUMNS), [], function, [f"{function} {period}: no dates published"])
        return FeedResult(_empty(EARNINGS_COLUMNS), [_failure("*", error, function)], function)
    if raw.empty:
        return FeedResult(_empty(EARNINGS_COLUMNS), [], function)
    wanted = set(codes)
    rows = []
    for rec in raw.to_dict("records"):
        code = _text(rec["股票代码"])
        if code not in wanted:
            continue
        rows.append({
            "code": code, "name": _text(rec["股票简称"]), "period": period.isoformat(),
            "first_date": iso_day(rec["首次预约时间"]), "change1": iso_day(rec["一次变更日期"]),
            "change2": iso_day(rec["二次变更日期"]), "change3": iso_day(rec["三次变更日期"]),
            "actual_date": iso_day(rec["实际披露时间"]),
        })
    frame = _frame(rows, EARNINGS_COLUMNS) if rows else _empty(EARNINGS_COLUMNS)
    return FeedResult(frame, [], function)


def fetch_earnings_previews(caller: FeedCaller, period: date, codes: list[str]) -> FeedResult:
    """业绩预告 of `period` (one call for the market), rows of `codes`. A quarter with no
    previews yet raises TypeError upstream (`result: null`): that is "none yet", not a failure."""
    function = "stock_yjyg_em"
    try:
        raw = _checked(caller(function, per_code=False, date=_ymd(period)), function)
    except SourceError as error:
        if _is_no_data(error):
            return FeedResult(_empty(PREVIEW_COLUMNS), [], function, [f"{function} {period}: no previews yet"])
        return FeedResult(_empty(PREVIEW_COLUMNS), [_failure("*", error, function)], function)
    if raw.empty:
        return FeedResult(_empty(PREVIEW_COLUMNS), [], function)
    wanted = set(codes)
    rows = []
    for rec in raw.to_dict("records"):
        code = _text(rec["股票代码"])
        if code not in wanted:
            continue
        rows.append({
            "code": code, "name": _text(rec["股票简称"]), "period": period.isoformat(),
            "metric": _text(rec["预测指标"]), "change_text": _text(rec["业绩变动"]),
            "value": _number(rec["预测数值"]), "change_pct": _number(rec["业绩变动幅度"]),
            "reason": _text(rec["业绩变动原因"]), "type": _text(rec["预告类型"]),
            "last_year": _number(rec["上年同期值"]), "notice_date": iso_day(rec["公告日期"]),
        })
    frame = _frame(rows, PREVIEW_COLUMNS) if rows else _empty(PREVIEW_COLUMNS)
    return FeedResult(frame, [], function)


# --------------------------------------------------------------------------- lock-ups


def fetch_lockups(caller: FeedCaller, code: str, since: date) -> FeedResult:
    """限售解禁 batches of one stock dated on or after `since` (past ones included, so a
    lock-up that has just expired shows as happened)."""
    function = "stock_restricted_release_queue_em"
    try:
        raw = _checked(caller(function, symbol=code), function)
    except SourceError as error:
        if _is_no_data(error):
            return FeedResult(_empty(LOCKUP_COLUMNS), [], function)
        return FeedResult(_empty(LOCKUP_COLUMNS), [_failure(code, error, function)], function)
    if raw.empty:  # `result: null` gives pd.DataFrame() without columns: no lock-ups
        return FeedResult(_empty(LOCKUP_COLUMNS), [], function)
    rows = []
    for rec in raw.to_dict("records"):
        day = iso_day(rec["解禁时间"])
        if day is None or day < since.isoformat():
            continue
        rows.append({
            "code": code, "date": day, "holders": _number(rec["解禁股东数"]), "shares": _number(rec["解禁数量"]),
            "shares_actual": _number(rec["实际解禁数量"]), "shares_remaining": _number(rec["未解禁数量"]),
            "market_value": _number(rec["实际解禁数量市值"]), "ratio_total": _number(rec["占总市值比例"]),
            "ratio_float": _number(rec["占流通市值比例"]), "type": _text(rec["限售股类型"]),
        })
    frame = _frame(rows, LOCKUP_COLUMNS) if rows else _empty(LOCKUP_COLUMNS)
    return FeedResult(frame, [], function)


# --------------------------------------------------------------------------- announcements


_EM_ART = re.compile(r"/([A-Za-z0-9]+)\.html?$")
_CNINFO_ID = re.compile(r"announcementId=(\d+)")


def _em_notice_items(raw: pd.DataFrame, code: str, since: date) -> list[dict[str, Any]]:
    rows = []
    for rec in raw.to_dict("records"):
        if _text(rec["代码"]) != code:
            continue
        day = iso_day(rec["公告日期"])
        if day is None or day < since.isoformat():
            continue
        link = _text(rec["网址"])
        art = _EM_ART.search(link)
        title = _text(rec["公告标题"])
        rows.append({
            "source": SOURCE_EM_NOTICE, "source_id": art[1] if art else (link or short_hash(code, day, title)),
            "code": code, "title": title, "date": day, "published_at": day, "kind": "announcement",
            "category": _text(rec["公告类型"]), "link": link, "detail": "",
        })
    return rows


def _cninfo_items(raw: pd.DataFrame, code: str, since: date) -> list[dict[str, Any]]:
    rows = []
    for rec in raw.to_dict("records"):
        if _text(rec["代码"]) != code:
            continue
        day = iso_day(rec["公告时间"])
        if day is None or day < since.isoformat():
            continue
        link = _text(rec["公告链接"])
        ann = _CNINFO_ID.search(link)
        title = _text(rec["公告标题"])
        rows.append({
            "source": SOURCE_CNINFO, "source_id": ann[1] if ann else (link or short_hash(code, day, title)),
            "code": code, "title": title, "date": day, "published_at": _stamp(rec["公告时间"]), "kind": "announcement",
            "category": "", "link": link, "detail": "",
        })
    return rows


def fetch_announcements(caller: FeedCaller, code: str, since: date, until: date) -> FeedResult:
    """Announcements of one stock in [since, until]: Eastmoney's notice list, or cninfo when
    Eastmoney fails. No announcements (`KeyError: '代码'`) is an empty result, not a failure,
    and does not spend the fallback."""
    primary = "stock_individual_notice_report"
    try:
        raw = _checked(caller(primary, security=code, symbol="全部", begin_date=since.isoformat(), end_date=until.isoformat()), primary)
        return FeedResult(_items(_em_notice_items(raw, code, since) if not raw.empty else []), [], primary)
    except SourceError as error:
        if _is_no_data(error):
            return FeedResult(_items([]), [], primary)
        first = error
    fallback = "stock_zh_a_disclosure_report_cninfo"
    try:
        raw = _checked(caller(fallback, symbol=code, market="沪深京", keyword="", category="",
                              start_date=_ymd(since), end_date=_ymd(until)), fallback)
    except SourceError as error:
        if _is_no_data(error):
            return FeedResult(_items([]), [], fallback, [f"{code}: {primary} failed ({first.message}); cninfo had none"])
        failure = _failure(code, first, f"{primary} → {fallback}")
        detail = one_line(f"{failure.detail}; fallback: {error.message}", 400)
        return FeedResult(_items([]), [Failure(code, first.kind, first.message, failure.call, detail)], primary)
    note = f"{code}: {primary} failed ({first.message}); used {fallback}"
    return FeedResult(_items(_cninfo_items(raw, code, since) if not raw.empty else []), [], fallback, [note])


# --------------------------------------------------------------------------- investor Q&A


def is_shanghai(code: str) -> bool:
    try:
        return parse_code(code).exchange == "SH"
    except (CodeError, AttributeError):
        return code.startswith(("6", "9"))


def fetch_qa(caller: FeedCaller, code: str, since: date, today: date | None = None) -> FeedResult:
    """Answered investor questions of one stock since `since`: 互动易 for Shenzhen, 上证e互动 for
    Shanghai. Unanswered questions are left out (they are not news yet)."""
    if is_shanghai(code):
        return _fetch_sse_qa(caller, code, since, today or date.today())
    function = "stock_irm_cninfo"
    try:
        raw = _checked(caller(function, symbol=code), function)
    except SourceError as error:
        if _is_no_data(error):
            return FeedResult(_items([]), [], function)
        return FeedResult(_items([]), [_failure(code, error, function)], function)
    rows = []
    for rec in ([] if raw.empty else raw.to_dict("records")):
        answer = _text(rec["回答内容"])
        if not answer:
            continue
        when = _stamp(rec["更新时间"]) or _stamp(rec["提问时间"])
        day = iso_day(when)
        if day is None or day < since.isoformat():
            continue
        question = _text(rec["问题"])
        qid = _text(rec["问题编号"])
        rows.append({
            "source": SOURCE_IRM, "source_id": qid or short_hash(code, question),
            "code": code, "title": question, "date": day, "published_at": when, "kind": "qa",
            "category": "互动易", "detail": answer,
            "link": f"https://irm.cninfo.com.cn/ircs/question/topSearch?keyWord={code}" if not qid
            else f"https://irm.cninfo.com.cn/question/detail?questionId={qid}",
        })
    return FeedResult(_items(rows), [], function)


_SSE_MD = re.compile(r"^(\d{1,2})月(\d{1,2})日")


def _sse_day(text: str, today: date) -> str | None:
    """上证e互动 shows dates as the page displays them: "2025-11-21 10:30", "2025年11月21日",
    or "11月21日 10:30" within the current year (the year is then assumed; a day after today
    means last year). Anything else ("昨天", "3小时前") is not dated: None."""
    day = iso_day(text)
    if day is not None:
        return day
    match = _SSE_MD.match(text)
    if match:
        try:
            guess = date(today.year, int(match[1]), int(match[2]))
        except ValueError:
            return None
        if guess > today:
            guess = guess.replace(year=today.year - 1)
        return guess.isoformat()
    return None


def _fetch_sse_qa(caller: FeedCaller, code: str, since: date, today: date) -> FeedResult:
    function = "stock_sns_sseinfo"
    try:
        raw = _checked(caller(function, symbol=code), function)
    except SourceError as error:
        if _is_no_data(error):
            return FeedResult(_items([]), [], function)
        # An SSE code unknown to e-互动 raises KeyError(code) from its uid map.
        return FeedResult(_items([]), [_failure(code, error, function)], function)
    rows = []
    undated = 0
    for rec in ([] if raw.empty else raw.to_dict("records")):
        answer = _text(rec["回答"])
        if not answer:
            continue
        question = _text(rec["问题"])
        asked = _text(rec["问题时间"])
        answered = _text(rec["回答时间"])
        day = _sse_day(answered, today) or _sse_day(asked, today)
        if day is None:
            undated += 1
            continue
        if day < since.isoformat():
            continue
        rows.append({
            "source": SOURCE_SSE_E, "source_id": short_hash(code, question, asked),
            "code": code, "title": question, "date": day, "published_at": answered or asked, "kind": "qa",
            "category": "上证e互动", "detail": answer,
            "link": f"https://sns.sseinfo.com/qa.do?keyword={code}",
        })
    notes = [f"{code}: {undated} answered question(s) without a readable date were skipped"] if undated else []
    return FeedResult(_items(rows), [], function, notes)


# --------------------------------------------------------------------------- news


def fetch_news(caller: FeedCaller, code: str, since: date) -> FeedResult:
    """The latest news of one stock (≤ 10 rows in akshare 1.19.5). curl_cffi errors are
    classified like requests' (DNSError = network unreachable)."""
    function = "stock_news_em"
    try:
        raw = _checked(caller(function, symbol=code), function)
    except SourceError as error:
        if _is_no_data(error):
            return FeedResult(_items([]), [], function)
        return FeedResult(_items([]), [_failure(code, error, function)], function)
    rows = []
    for rec in ([] if raw.empty else raw.to_dict("records")):
        when = _stamp(rec["发布时间"])
        day = iso_day(when)
        if day is None or day < since.isoformat():
            continue
        link = _text(rec["新闻链接"])
        title = _text(rec["新闻标题"])
        rows.append({
            "source": SOURCE_EM_NEWS, "source_id": link or short_hash(code, day, title),
            "code": code, "title": title, "date": day, "published_at": when, "kind": "news",
            "category": _text(rec["文章来源"]), "link": link, "detail": _text(rec["新闻内容"])[:300],
        })
    return FeedResult(_items(rows), [], function)


def default_since(today: date, days: int = 14) -> date:
    """Where an inbox fetch starts when no --since is given."""
    return today - timedelta(days=days)
