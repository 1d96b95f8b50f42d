"""Each condition as a pure function: (rule, what it reads) -> verdicts and skips.

A :class:`Verdict` says whether the condition holds for one subject (a stock, a theme, a
catalyst, an indicator) and why, in Chinese and English, with the as-of time of the figure.
A :class:`Skip` says why a subject could not be judged (bad data, too little history): a skip
never ends an episode, since "unknown" is not "false".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tui.alerts.figures import Figure, SessionFigures
from tui.alerts.rules import ALL_THEMES, Rule
from tui.formats import fmt_pct

LABELS_ZH = {
    "price_above": "价格突破", "price_below": "价格跌破", "change_pct_above": "涨幅", "change_pct_below": "跌幅",
    "amount_surge": "放量(成交额)", "volume_surge": "放量(成交量)", "limit_up": "涨停", "limit_down": "跌停",
    "broken": "炸板", "streak": "连板", "theme_limit_ups": "题材涨停潮", "theme_vs_benchmark": "题材强于基准",
    "catalyst_due": "催化剂临近", "catalyst_overdue": "催化剂逾期", "indicator_stale": "指标过期",
    "indicator_off_track": "指标落后", "indicator_new_reading": "指标新读数", "inbox_item": "新资讯",
}  # fmt: skip
LABELS_EN = {
    "price_above": "price above", "price_below": "price below", "change_pct_above": "up move",
    "change_pct_below": "down move", "amount_surge": "turnover surge", "volume_surge": "volume surge",
    "limit_up": "limit-up", "limit_down": "limit-down", "broken": "broken limit-up", "streak": "limit-up streak",
    "theme_limit_ups": "theme limit-ups", "theme_vs_benchmark": "theme beats benchmark",
    "catalyst_due": "catalyst due", "catalyst_overdue": "catalyst overdue", "indicator_stale": "indicator stale",
    "indicator_off_track": "indicator off track", "indicator_new_reading": "new indicator reading",
    "inbox_item": "new inbox item",
}  # fmt: skip
SKIP_REASONS_EN = {
    "sample": "sample data", "stale": "stale figure", "suspended": "suspended", "pre_open": "pre-open (before 09:25)",
    "failed": "quote fetch failed", "no_data": "no data for the session", "history": "fewer than 20 sessions of history",
    "no_benchmark": "no benchmark figure", "inbox": "the inbox is not available",
}  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    """The condition of ``rule`` for ``subject``: true or false, and the text if true."""

    rule: Rule
    subject: str
    subject_name: str
    true: bool
    as_of: datetime | None = None
    is_sample: bool = False
    #: "" for a level condition (one episode while true); the date for a dated one.
    episode: str = ""
    text_zh: str = ""
    text_en: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Skip:
    rule: Rule
    subject: str
    reason: str
    as_of: datetime | None = None

    @property
    def reason_en(self) -> str:
        return SKIP_REASONS_EN.get(self.reason, self.reason)


@dataclass
class EvalContext:
    """What conditions read besides the figures."""

    project: Any  # tui.config.loader.Project
    figures: SessionFigures
    today: date  # the evaluation day (the session for a replay)
    calendar: Any
    inbox: Any = None  # tui.alerts.inbox.InboxProvider or None


def _price(x: float) -> str:
    return f"{x:.2f}"


def _big(x: float) -> str:
    return f"{x / 1e8:.2f}亿" if abs(x) >= 1e8 else f"{x / 1e4:.0f}万"


# --------------------------------------------------------------------------- stock conditions


def _stock_check(rule: Rule, f: Figure) -> tuple[bool, str, str, dict[str, Any]] | str:
    """(holds, zh detail, en detail, data) or a skip reason."""
    w, v = rule.when, rule.param
    data: dict[str, Any] = {"close": f.close, "change_pct": f.change_pct}
    if math.isnan(f.close):
        return "no_data"
    if w in ("price_above", "price_below"):
        holds = f.close >= v if w == "price_above" else f.close <= v
        op = "≥" if w == "price_above" else "≤"
        return holds, f"价格 {_price(f.close)} {op} {_price(v)}", f"price {_price(f.close)} {op} {_price(v)}", data
    if w in ("change_pct_above", "change_pct_below"):
        if math.isnan(f.change_pct):
            return "no_data"
        holds = f.change_pct >= v if w == "change_pct_above" else f.change_pct <= v
        op = "≥" if w == "change_pct_above" else "≤"
        return holds, f"涨跌幅 {fmt_pct(f.change_pct)} {op} {v:g}%", f"change {fmt_pct(f.change_pct)} {op} {v:g}%", data
    if w in ("amount_surge", "volume_surge"):
        col = "amount" if w == "amount_surge" else "volume"
        now, avg = getattr(f, col), getattr(f, f"avg_{col}")
        if math.isnan(now) or math.isnan(avg) or avg <= 0:
            return "history"
        ratio = now / avg
        data.update({col: now, f"avg_{col}_20": avg, "ratio": ratio})
        holds = now > v * avg
        if col == "amount":
            return holds, f"成交额 {_big(now)}，为20日均值 {ratio:.1f} 倍（阈值 {v:g} 倍）", f"turnover {_big(now)}, {ratio:.1f}x its 20-session average (threshold {v:g}x)", data
        return holds, f"成交量 {now / 1e4:.1f}万手，为20日均值 {ratio:.1f} 倍（阈值 {v:g} 倍）", f"volume {now / 1e4:.1f}万 lots, {ratio:.1f}x its 20-session average (threshold {v:g}x)", data
    data.update({"limit_up": f.limit_up, "limit_down": f.limit_down, "broken": f.broken, "streak": f.streak,
                 "one_word": f.one_word, "uncertain": f.uncertain})  # fmt: skip
    if math.isnan(f.prev_close):
        return "history"
    extra_zh = ("，一字板" if f.one_word else "") + (f"，{f.streak}连板" if f.streak >= 2 else "")
    extra_en = (", one-price bar (一字板)" if f.one_word else "") + (f", {f.streak} limit-ups in a row" if f.streak >= 2 else "")
    if w == "limit_up":
        return f.limit_up, f"涨停 {_price(f.close)}（{fmt_pct(f.change_pct)}）{extra_zh}", f"limit-up at {_price(f.close)} ({fmt_pct(f.change_pct)}){extra_en}", data
    if w == "limit_down":
        one = "，一字跌停" if f.one_word else ""
        return f.limit_down, f"跌停 {_price(f.close)}（{fmt_pct(f.change_pct)}）{one}", f"limit-down at {_price(f.close)} ({fmt_pct(f.change_pct)})", data
    if w == "broken":
        return f.broken, f"炸板：最高 {_price(f.high)} 触及涨停后回落，现 {_price(f.close)}（{fmt_pct(f.change_pct)}）", f"broke its limit-up: high {_price(f.high)}, now {_price(f.close)} ({fmt_pct(f.change_pct)})", data
    if w == "streak":
        return f.streak >= v, f"{f.streak}连板（≥{v}）", f"{f.streak} limit-ups in a row (>= {v})", data
    raise ValueError(f"not a stock condition: {w}")


def _scope_codes(rule: Rule, project: Any) -> list[tuple[str, str]]:
    """(code, name) of the stocks a rule covers."""
    if rule.stock:
        return [(rule.stock, project.stock_names().get(rule.stock, rule.stock))]
    themes = project.themes if rule.theme == ALL_THEMES else [t for t in project.themes if t.id == rule.theme]
    seen: dict[str, str] = {}
    for theme in themes:
        for s in theme.stocks:
            if s.code and s.status != "delisted":
                seen.setdefault(s.code, s.name)
    return list(seen.items())


def _scope_themes(rule: Rule, project: Any) -> list[Any]:
    if rule.theme == ALL_THEMES:
        return list(project.themes)
    if rule.theme:
        return [t for t in project.themes if t.id == rule.theme]
    return [t for t in project.themes if any(s.code == rule.stock for s in t.stocks)]


def stock_condition(rule: Rule, ctx: EvalContext) -> tuple[list[Verdict], list[Skip]]:
    verdicts, skips = [], []
    for code, name in _scope_codes(rule, ctx.project):
        f = ctx.figures.get(code)
        if f.bad is not None and not (ctx.figures.replay and f.bad == "sample"):
            skips.append(Skip(rule, code, f.bad, f.as_of))
            continue
        got = _stock_check(rule, f)
        if isinstance(got, str):
            skips.append(Skip(rule, code, got, f.as_of))
            continue
        holds, zh, en, data = got
        label = f.name if f.name and f.name != code else name
        who = code if label == code else f"{label} {code}"
        verdicts.append(Verdict(rule, code, label, holds, f.as_of, f.is_sample, "",
                                f"{who} {zh}", f"{who} {en}", data))  # fmt: skip
    return verdicts, skips


# --------------------------------------------------------------------------- theme conditions


def theme_condition(rule: Rule, ctx: EvalContext) -> tuple[list[Verdict], list[Skip]]:
    verdicts, skips = [], []
    for theme in _scope_themes(rule, ctx.project):
        good = [ctx.figures.get(s.code) for s in theme.stocks if s.code and s.status != "delisted"]
        good = [f for f in good if f.bad is None or (ctx.figures.replay and f.bad == "sample")]
        if not good:
            skips.append(Skip(rule, theme.id, "no_data"))
            continue
        as_of = max((f.as_of for f in good if f.as_of), default=None)
        sample = any(f.is_sample for f in good)
        if rule.when == "theme_limit_ups":
            ups = [f for f in good if f.limit_up]
            names = "、".join(f"{f.name}" for f in ups[:8]) + ("…" if len(ups) > 8 else "")
            data = {"limit_ups": len(ups), "stocks": len(good), "codes": [f.code for f in ups]}
            verdicts.append(Verdict(rule, theme.id, theme.name, len(ups) >= rule.param, as_of, sample, "",
                                    f"{theme.name}：{len(ups)} 只涨停（≥{rule.param}）：{names}",
                                    f"{theme.name}: {len(ups)} limit-ups (>= {rule.param}): {names}", data))  # fmt: skip
            continue
        bench = ctx.figures.benchmarks.get(theme.benchmark)
        if bench is None or bench.change_pct is None or (bench.bad and not (ctx.figures.replay and bench.bad == "sample")):
            skips.append(Skip(rule, theme.id, "no_benchmark", bench.as_of if bench else None))
            continue
        moves = [f.change_pct for f in good if not math.isnan(f.change_pct)]
        if not moves:
            skips.append(Skip(rule, theme.id, "no_data"))
            continue
        mean = sum(moves) / len(moves)
        excess = mean - bench.change_pct
        v = rule.param
        holds = excess >= v if v >= 0 else excess <= v
        data = {"theme_change_pct": mean, "benchmark": theme.benchmark, "benchmark_change_pct": bench.change_pct, "excess": excess}
        verdicts.append(Verdict(rule, theme.id, theme.name, holds, as_of, sample or bench.is_sample, "",
                                f"{theme.name}：等权平均 {fmt_pct(mean)}，{theme.benchmark} {fmt_pct(bench.change_pct)}，超额 {fmt_pct(excess)}（阈值 {v:+g}%）",
                                f"{theme.name}: equal-weight {fmt_pct(mean)} vs {theme.benchmark} {fmt_pct(bench.change_pct)}, excess {fmt_pct(excess)} (threshold {v:+g}%)", data))  # fmt: skip
    return verdicts, skips


# --------------------------------------------------------------------------- catalysts


def _scope_catalysts(rule: Rule, project: Any) -> list[Any]:
    if rule.stock:
        return project.catalysts_for_stock(rule.stock)
    if rule.theme == ALL_THEMES:
        return list(project.catalysts)
    theme = project.theme(rule.theme)
    return project.catalysts_for_theme(theme) if theme is not None else []


def catalyst_condition(rule: Rule, ctx: EvalContext) -> tuple[list[Verdict], list[Skip]]:
    """catalyst_due: a catalyst with an exact date, expected or confirmed, 0..N trading days
    ahead (month or quarter dates are not 'due' on a day); catalyst_overdue: a date that has
    ended, status still expected. Once per catalyst date."""
    verdicts = []
    as_of = ctx.figures.now if not ctx.figures.replay else None
    for c in _scope_catalysts(rule, ctx.project):
        if c.date is None:
            continue
        key = str(c.date)
        if rule.when == "catalyst_due":
            if not c.date.is_exact or c.status not in ("expected", "confirmed"):
                continue
            ahead = ctx.calendar.trading_days_between(ctx.today, c.date.start)
            holds = c.date.start >= ctx.today and 0 <= ahead <= rule.param
            when_zh = "今日" if ahead == 0 else f"T-{ahead}"
            verdicts.append(Verdict(rule, c.id, c.title, holds, as_of, False, key,
                                    f"{c.title}：{c.date}（{when_zh}，{ahead} 个交易日内）",
                                    f"{c.title}: {c.date} ({ahead} trading day(s) away)", {"date": key, "trading_days": ahead}))  # fmt: skip
        else:
            holds = c.date.end < ctx.today and c.status == "expected"
            verdicts.append(Verdict(rule, c.id, c.title, holds, as_of, False, key,
                                    f"{c.title}：日期 {c.date} 已过，仍标为“预期”，请更新状态",
                                    f"{c.title}: its date {c.date} has passed and it is still marked expected", {"date": key}))  # fmt: skip
    return verdicts, []


# --------------------------------------------------------------------------- indicators


def _scope_indicators(rule: Rule, project: Any) -> list[tuple[Any, Any]]:
    out = []
    for theme in _scope_themes(rule, project) if not rule.stock else project.themes:
        for ind in theme.indicators:
            if rule.stock and rule.stock not in ind.codes:
                continue
            out.append((theme, ind))
    return out


def indicator_condition(rule: Rule, ctx: EvalContext) -> tuple[list[Verdict], list[Skip]]:
    from tui.domain.indicators import IndicatorStatus, assess

    verdicts = []
    as_of = ctx.figures.now if not ctx.figures.replay else None
    for theme, ind in _scope_indicators(rule, ctx.project):
        subject = f"{theme.id}/{ind.id}"
        if ctx.figures.replay:  # as things stood that day: later readings were not known yet
            ind = ind.model_copy(update={"readings": [r for r in ind.readings if r.date.end <= ctx.today]})
        if rule.when == "indicator_new_reading":
            latest = ind.readings[-1] if ind.readings else None
            if latest is None:
                continue
            age = (ctx.today - latest.date.end).days
            holds = 0 <= age <= rule.param
            verdicts.append(Verdict(rule, subject, ind.name, holds, as_of, False, str(latest.date),
                                    f"{theme.name} · {ind.name}：新读数 {latest.value} {ind.unit}（{latest.date}）",
                                    f"{theme.name} · {ind.name}: new reading {latest.value} {ind.unit} ({latest.date})", {"date": str(latest.date)}))  # fmt: skip
            continue
        a = assess(ind, ctx.today)
        want = IndicatorStatus.STALE if rule.when == "indicator_stale" else IndicatorStatus.OFF_TRACK
        verdicts.append(Verdict(rule, subject, ind.name, a.status is want, as_of, False, "",
                                f"{theme.name} · {ind.name}：{a.detail_zh or a.detail}",
                                f"{theme.name} · {ind.name}: {a.detail}", {"status": a.status.value}))  # fmt: skip
    return verdicts, []


# --------------------------------------------------------------------------- inbox


def inbox_condition(rule: Rule, ctx: EvalContext) -> tuple[list[Verdict], list[Skip]]:
    if ctx.inbox is None:
        return [], [Skip(rule, rule.stock or rule.theme or "*", "inbox")]
    themes = [t.id for t in _scope_themes(rule, ctx.project)] if rule.theme else []
    codes = [rule.stock] if rule.stock else [c for c, _ in _scope_codes(rule, ctx.project)]
    verdicts = []
    for item in ctx.inbox.relevant_items(themes=themes, codes=codes, day=ctx.today):
        verdicts.append(Verdict(rule, f"inbox:{item.id}", item.title, True, item.received_at, False, item.id,
                                f"新资讯：{item.title}", f"new item: {item.title}", {"id": item.id}))  # fmt: skip
    return verdicts, []


# --------------------------------------------------------------------------- dispatch

Evaluator = Callable[[Rule, EvalContext], tuple[list[Verdict], list[Skip]]]


def evaluator(when: str) -> Evaluator:
    from tui.alerts import rules as r

    if when in r.STOCK_CONDITIONS:
        return stock_condition
    if when in r.THEME_CONDITIONS:
        return theme_condition
    if when in r.CATALYST_CONDITIONS:
        return catalyst_condition
    if when in r.INDICATOR_CONDITIONS:
        return indicator_condition
    return inbox_condition


def evaluate(rules: Iterable[Rule], ctx: EvalContext) -> tuple[list[Verdict], list[Skip]]:
    verdicts: list[Verdict] = []
    skips: list[Skip] = []
    for rule in rules:
        v, s = evaluator(rule.when)(rule, ctx)
        verdicts += v
        skips += s
    return verdicts, skips


def needed_codes(rules: Sequence[Rule], project: Any) -> tuple[list[str], list[str]]:
    """(stock codes, benchmark codes) the market rules read."""
    from tui.alerts.rules import MARKET_CONDITIONS

    codes: dict[str, None] = {}
    benches: dict[str, None] = {}
    for rule in rules:
        if rule.when not in MARKET_CONDITIONS:
            continue
        for code, _ in _scope_codes(rule, project):
            codes.setdefault(code, None)
        if rule.when == "theme_vs_benchmark":
            for theme in _scope_themes(rule, project):
                benches.setdefault(theme.benchmark, None)
    return list(codes), list(benches)
