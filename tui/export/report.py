"""report.md: the one-page daily brief in Chinese, rendered from a :class:`Snapshot`.

Layout (sections are always present, "无" when empty, so that a phone reader finds things in
the same place every day):

1. title with the session and weekday, then a quoted banner for sample / stale / intraday data;
2. 题材概览: one table row per theme (breadth, mean/median move, limit counts, leader, the
   theme's move against its benchmark);
3. 个股异动: per theme the top and bottom three movers;
4. 涨停 / 跌停: every stock at its limit;
   连板梯队: per theme the ladder by height ("5连板（一字）：大位科技 600589"), 最高标, 炸板 and
   晋级率;
5. 催化剂: the next 14 days and the last 7, then the measured reactions to last week's
   catalysts (event study, market-adjusted);
6. 指标提示: indicators off track or stale (and the count without data);
7. 数据提示: every data warning (sample, stale rows, missing benchmark, calendar).

Deterministic: no generation time, so reruns produce identical bytes.
"""

from __future__ import annotations

import math
from typing import Any

from tui.domain.labels import KIND_LABELS_ZH, STATUS_LABELS_ZH, WEEKDAYS_ZH, benchmark_name

TOP_N = 3


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def pct(value: Any, digits: int = 2) -> str:
    """A percentage figure with its sign, "—" when missing."""
    v = _num(value)
    if v is None:
        return "—"
    v = round(v, digits)
    if v == 0:
        return f"{0:.{digits}f}%"
    return f"{v:+.{digits}f}%"


def frac_pct(value: Any) -> str:
    """A fraction (0.05) shown as a percentage (+5.00%)."""
    v = _num(value)
    return "—" if v is None else pct(v * 100.0)


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ") if text not in (None, "") else "—"


def _stock_label(row: dict[str, Any]) -> str:
    mark = ""
    if row["suspended"]:
        mark = "（停牌）"
    elif row["stale"] and not row["sample"] and row["basis"] != "none":
        mark = "（过期）"
    return f"{row['name']} {row['code']}{mark}"


def _mover(row: dict[str, Any]) -> str:
    return f"{_stock_label(row)} {pct(row['change_pct'])}"


def render_report(snapshot: Any) -> str:
    """The report's Markdown text (see the module docstring for the layout)."""
    s = snapshot
    day = s.session
    stocks = s.records("stocks")
    themes = s.records("themes")
    lines: list[str] = [f"# 题材日报 · {day.isoformat()}（{WEEKDAYS_ZH[day.weekday()]}）", ""]

    # ---- banner
    banner: list[str] = []
    if s.sample:
        upto = f"（截至 {s.sample_as_of}）" if s.sample_as_of else ""
        banner.append(f"> ⚠️ **样本数据**：行情取自随附的样本历史{upto}，不是实时行情，仅供演示与回放。")
    n_stale = sum(1 for r in stocks if r["stale"] and not r["sample"])
    if n_stale:
        banner.append(f"> ⚠️ **数据过期**：{n_stale} 行不是本交易日的数据，见文末“数据提示”。")
    if not s.complete:
        banner.append("> ⏳ **盘中快照**：本交易日尚未收盘，数据为盘中数据。")
    if s.calendar.get("stale"):
        banner.append("> ⚠️ **交易日历已过期**：交易日按推测判断，见文末“数据提示”。")
    if banner:
        lines += [*_join_quote(banner), ""]

    # ---- themes
    lines += ["## 题材概览", ""]
    if themes:
        lines += [
            "| 题材 | 涨/跌/平 | 平均涨幅 | 中位数 | 涨停/跌停 | 领涨 | 基准 | 超额 |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for t in themes:
            bench = benchmark_name(t["benchmark"])
            leader = f"{t['leader']} {pct(t['leader_pct'])}" if t["leader"] else "—"
            lines.append(
                f"| {_cell(t['theme_name'])} | {t['up']}/{t['down']}/{t['flat']} | {pct(t['mean_pct'])} | "
                f"{pct(t['median_pct'])} | {t['limit_up']}/{t['limit_down']} | {_cell(leader)} | "
                f"{_cell(bench)} {pct(t['benchmark_pct'])} | {pct(t['excess_pct'])} |"
            )
    else:
        lines.append("无")
    lines.append("")

    # ---- movers
    lines += ["## 个股异动", ""]
    by_theme: dict[str, list[dict[str, Any]]] = {}
    for r in stocks:
        if r["change_pct"] is not None and not r["suspended"]:
            by_theme.setdefault(r["theme"], []).append(r)
    for t in themes:
        rows = by_theme.get(t["theme"])
        if not rows:
            continue
        ordered = sorted(rows, key=lambda r: (-r["change_pct"], r["code"]))
        top = ordered[:TOP_N]
        bottom = [r for r in sorted(rows, key=lambda r: (r["change_pct"], r["code"]))[:TOP_N] if r not in top]
        lines.append(f"**{_cell(t['theme_name'])}**")
        lines.append("- 涨幅居前：" + "、".join(_mover(r) for r in top))
        if bottom:
            lines.append("- 跌幅居前：" + "、".join(_mover(r) for r in bottom))
        lines.append("")
    if not by_theme:
        lines += ["无行情数据", ""]

    # ---- limits
    lines += ["## 涨停 / 跌停", ""]
    for flag, label in (("up", "涨停"), ("down", "跌停")):
        hit = list({r["code"]: r for r in stocks if r["limit_flag"] == flag}.values())
        lines.append(f"- {label}（{len(hit)}）：{'、'.join(_mover(r) for r in hit) or '无'}")
    lines.append("")
    lines += _ladder_section(themes, stocks)

    # ---- catalysts
    lines += ["## 催化剂（未来14天 / 过去7天）", ""]
    catalysts = s.records("catalysts")
    if catalysts:
        lines += ["| 日期 | 倒计时 | 事件 | 类型 | 状态 |", "|---|---|---|---|---|"]
        for c in catalysts:
            lines.append(
                f"| {c['date']} | {_cell(c['countdown'])} | {_cell(c['title'])} | {KIND_LABELS_ZH.get(c['kind'], c['kind'])} | "
                f"{STATUS_LABELS_ZH.get(c['status'], c['status'])} |"
            )
    else:
        lines.append("无")
    lines.append("")
    lines += ["### 近一周催化剂的市场反应", ""]
    if s.reactions:
        for r in s.reactions:
            d = r["to_date"]
            a, b = d["window"]
            bench = benchmark_name(r["benchmark"])
            theme = _cell(r.get("theme_name") or r.get("theme") or "")
            if d.get("n"):
                lines.append(
                    f"- {r['date']} {_cell(r['title'])}：事件日至今（第{a}至第{b}个交易日）题材「{theme}」{frac_pct(d.get('theme_return'))}"
                    f"（{d['n']}/{len(r['codes'])} 只A股等权），{bench} {frac_pct(d.get('benchmark_return'))}，超额 {frac_pct(d.get('theme_abnormal'))}"
                )
            else:
                lines.append(f"- {r['date']} {_cell(r['title'])}：行情数据不足，无法测算")
        lines += ["", "_与 `theme-tracker event-study` 及程序内催化剂详情同一口径：题材全部A股成分股（窗口内每个交易日都有日线者）"
                  "等权收益，超额 = 题材收益 − 沪深300 收益（前复权收盘价，自事件日前一交易日收盘起算）。_"]
    else:
        lines.append("无（近7天没有可测算的已发生事件，或行情数据不足）")
    lines.append("")

    # ---- catalyst inbox (new items per theme, relevant first)
    if getattr(s, "inbox", None):
        lines += ["## 收件箱新条目", ""]
        for section in s.inbox:
            lines += [f"**{_cell(section['theme_name'])}**", "", *section["lines"], ""]

    # ---- indicators
    lines += ["## 指标提示（落后或过期）", ""]
    indicators = s.records("indicators")
    flagged = [i for i in indicators if i["status"] in ("off_track", "stale")]
    for i in flagged:
        latest = f"最新 {i['latest']}（{i['reading_date']}）" if i["latest"] else "无读数"
        target = f"，目标 {i['target']}" if i["target"] else ""
        progress = f"，进度 {i['progress'] * 100:.0f}%" if i["progress"] is not None else ""
        lines.append(f"- **{_cell(i['name'])}**【{i['status_zh']}】：{latest}{target}{progress}")
    if not flagged:
        lines.append("无")
    n_nodata = sum(1 for i in indicators if i["status"] == "no_data")
    if n_nodata:
        lines.append(f"- 另有 {n_nodata} 项指标尚无读数")
    lines.append("")

    # ---- data warnings
    lines += ["## 数据提示", ""]
    if s.warnings:
        lines += [f"- {w.message_zh}" for w in s.warnings]
    else:
        lines.append("无：所有数据均为本交易日的收盘（或盘中）数据")
    lines.append("")
    return "\n".join(lines)


def _height(streak: int) -> str:
    return "首板" if streak == 1 else f"{streak}连板"


def _down_label(run: int) -> str:
    return "跌停" if run == 1 else f"{run}连跌停"


def _ladder_section(themes: list[dict[str, Any]], stocks: list[dict[str, Any]]) -> list[str]:
    """连板梯队: per theme, one line per (height, 一字) from the top, then 炸板, 跌停 runs and
    the day's figures (最高标, 炸板率, 晋级率)."""
    lines = ["## 连板梯队", ""]
    any_rows = False
    for t in themes:
        rows = [r for r in stocks if r["theme"] == t["theme"]]
        sealed = sorted((r for r in rows if (r.get("streak") or 0) > 0), key=lambda r: (-r["streak"], not r["one_word"], r["code"]))
        broken = [r for r in rows if r.get("broken")]
        falling = sorted((r for r in rows if (r.get("down_streak") or 0) > 0), key=lambda r: (-r["down_streak"], r["code"]))
        if not (sealed or broken or falling or (t.get("prev_limit_up") or 0)):
            continue
        any_rows = True
        lines.append(f"**{_cell(t['theme_name'])}**")
        groups: dict[tuple[int, bool], list[str]] = {}
        for r in sealed:
            groups.setdefault((r["streak"], bool(r["one_word"])), []).append(_stock_label(r))
        for (height, word), names in groups.items():
            lines.append(f"- {_height(height)}{'（一字）' if word else ''}：{'、'.join(names)}")
        if broken:
            lines.append(f"- 炸板：{'、'.join(_stock_label(r) for r in broken)}")
        if falling:
            lines.append("- " + "；".join(f"{_down_label(r['down_streak'])}：{_stock_label(r)}" for r in falling))
        facts = []
        if t.get("top_streak"):
            word = "（一字）" if t.get("top_streak_one_word") else ""
            facts.append(f"最高标 {t.get('top_streak_name') or ''} {t['top_streak_code']} {t['top_streak']}板{word}".replace("  ", " "))
        touched = (t.get("limit_up") or 0) + (t.get("broken_count") or 0)
        if touched:
            facts.append(f"炸板率 {t['broken_count']}/{touched}（{t['broken_count'] / touched * 100:.0f}%）")
        if t.get("prev_limit_up"):
            facts.append(f"晋级率 {t['promoted']}/{t['prev_limit_up']}（{t['promotion_rate'] * 100:.0f}%）")
        if facts:
            lines.append("- " + " · ".join(facts))
        lines.append("")
    if not any_rows:
        lines += ["无（各题材今日没有涨停、炸板或跌停）", ""]
    return lines


def _join_quote(banner: list[str]) -> list[str]:
    """Banner lines as one blockquote (a blank quoted line between paragraphs)."""
    out: list[str] = []
    for i, line in enumerate(banner):
        if i:
            out.append(">")
        out.append(line)
    return out


__all__ = ["render_report", "pct", "frac_pct"]
