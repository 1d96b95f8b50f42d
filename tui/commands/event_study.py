"""`theme-tracker event-study`: did a catalyst move the theme's stocks, against the market?

Measures market-adjusted window returns of a theme's stocks around a catalyst (or any date)
from the stored forward-adjusted daily bars (the shipped sample when nothing else is stored),
and prints them beside the reaction the source claimed. See tui/analytics/event_study.py for
the definitions.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, timedelta
from typing import Any

from tui.context import Context
from tui.errors import ExitCode, ThemeTrackerError, UsageError
from tui.formats import fmt_frac, pad

DEFAULT_BENCHMARK = "sh000300"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "event-study",
        help="measure a catalyst's price reaction against a benchmark",
        description="Window returns of a theme's stocks around a catalyst or date, minus the "
        "benchmark's (market-adjusted). Day 0 is the date if it is a session, else the next one.",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--catalyst", metavar="ID", help="a catalyst id from the calendar")
    which.add_argument("--date", metavar="YYYY-MM-DD", help="any date")
    p.add_argument("--theme", metavar="ID", help="theme whose stocks to measure (default: the catalyst's first theme)")
    p.add_argument("--window", metavar="A:B", action="append", help="sessions relative to day 0, e.g. 0:2 or -1:1 (repeatable; default -1:1, 0:2, 0:4, 0:9)")
    p.add_argument("--benchmark", metavar="CODE", default=DEFAULT_BENCHMARK, help="index with market prefix (default sh000300; also sz399006)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help="output format (default table)")
    p.set_defaults(handler=run)


def parse_window(text: str) -> tuple[int, int]:
    try:
        a_text, b_text = text.split(":")
        a, b = int(a_text), int(b_text)
    except ValueError:
        raise UsageError(f"--window {text!r}: expected A:B with integers, e.g. 0:2 or -1:1") from None
    if a > b:
        raise UsageError(f"--window {text!r}: the start ({a}) is after the end ({b})")
    return a, b


def _resolve(args: argparse.Namespace, ctx: Context) -> tuple[Any, date, Any, list[str]]:
    from tui.config.loader import load_project, why_no_themes

    project = load_project(ctx.watchlists, ctx.catalysts)
    catalyst = None
    if args.catalyst:
        catalyst = next((c for c in project.catalysts if c.id == args.catalyst), None)
        if catalyst is None:
            known = ", ".join(c.id for c in project.catalysts[:8])
            raise UsageError(f"no catalyst {args.catalyst!r} in {ctx.catalysts} (e.g. {known})")
        if catalyst.date is None:
            raise UsageError(f"catalyst {catalyst.id!r} has no date; pass --date YYYY-MM-DD to study a day")
        if not catalyst.date.is_exact:
            raise UsageError(
                f"catalyst {catalyst.id!r} is dated only to {catalyst.date}; an event study needs a day: pass --date YYYY-MM-DD"
            )
        day = catalyst.date.start
    else:
        try:
            day = date.fromisoformat(args.date)
        except ValueError:
            raise UsageError(f"--date {args.date!r}: expected YYYY-MM-DD") from None
    if not project.themes:
        raise ThemeTrackerError(why_no_themes(project, ctx.watchlists))
    theme_id = args.theme or (catalyst.themes[0] if catalyst and catalyst.themes else None)
    if theme_id is None:
        if len(project.themes) == 1:
            theme_id = project.themes[0].id
        else:
            ids = ", ".join(t.id for t in project.themes)
            what = f"catalyst {catalyst.id!r} names no theme" if catalyst else "no theme was given"
            raise UsageError(f"{what} and {len(project.themes)} themes are loaded ({ids}): pass --theme ID")
    theme = project.theme(theme_id)
    if theme is None:
        ids = ", ".join(t.id for t in project.themes)
        whose = f"catalyst {catalyst.id!r} names theme {theme_id!r}, which" if catalyst and not args.theme else f"theme {theme_id!r}"
        raise UsageError(f"{whose} is not defined in {ctx.watchlists}; themes: {ids}")
    codes = [s.code for s in theme.stocks if s.code and s.security and s.security.is_a_share]
    return catalyst, day, theme, codes


def run(args: argparse.Namespace, ctx: Context) -> int:
    windows = [parse_window(w) for w in args.window] if args.window else None
    catalyst, day, theme, codes = _resolve(args, ctx)
    if not args.benchmark.startswith(("sh", "sz", "bj")):
        raise UsageError(f"--benchmark {args.benchmark!r}: an index needs its market prefix, e.g. sh000300 or sz399006")

    from tui.analytics.event_study import DEFAULT_WINDOWS, event_study_windows
    from tui.store import Store

    windows = windows or list(DEFAULT_WINDOWS)
    span = max(abs(a) for a, _ in windows) + max(b for _, b in windows)
    start = day - timedelta(days=2 * span + 30)
    end = day + timedelta(days=2 * span + 30)
    with Store.open(ctx.data_dir) as store:
        bars = store.bars_for(codes, adjust="qfq", start=start, end=end)
        bench = store.bars(args.benchmark, adjust="qfq", start=start, end=end)
        sample_as_of = store.get_meta("sample_as_of")
        last = store.bars(args.benchmark, adjust="qfq") if len(bench) == 0 else bench
    last_session = last["date"].max() if len(last) else None
    last_day = last_session.date() if hasattr(last_session, "date") else last_session
    what = f"catalyst {catalyst.id!r} ({day})" if catalyst else str(day)
    if day > ctx.today():
        print(f"theme-tracker: {what} has not happened yet (today is {ctx.today()}): there is no reaction to measure", file=sys.stderr)
        return int(ExitCode.FAILED)
    if last_day is not None and day > last_day:
        print(f"theme-tracker: {what} is after the last stored session ({last_day}); "
              "run `theme-tracker refresh` to fetch the sessions since", file=sys.stderr)
        return int(ExitCode.FAILED)
    if len(bench) == 0:
        print(f"theme-tracker: no stored bars for benchmark {args.benchmark} around {day}; run `theme-tracker refresh`", file=sys.stderr)
        return int(ExitCode.FAILED)
    results = event_study_windows(bars, bench.set_index("date")["close"].rename(args.benchmark), day, windows, codes)
    names = {s.code: s.name for s in theme.stocks if s.code}
    sample = bool(len(bars) and bars["is_sample"].any()) or bool(bench["is_sample"].any())
    extras = {
        "theme": theme.id,
        "catalyst": catalyst.id if catalyst else None,
        "title": catalyst.title if catalyst else None,
        "claimed_reaction": catalyst.claimed_reaction if catalyst else None,
        "event_date": day.isoformat(),
        "sample_data": sample,
    }
    if args.format == "json":
        payload = [{**r.to_dict(), "t_stat": r.t_stat, **extras} for r in results]
        json.dump(payload[0] if len(payload) == 1 else payload, sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif args.format == "csv":
        _write_csv(results, names)
    else:
        _print_table(results, names, extras, args.benchmark)
    if sample:
        print(f"note: measured on the shipped sample bars (forward-adjusted, to {sample_as_of}), not live data", file=sys.stderr)
    if all(r.n == 0 for r in results):
        print("theme-tracker: no stock had bars over the whole window; nothing measured", file=sys.stderr)
        return int(ExitCode.FAILED)
    return int(ExitCode.OK)


def _label(window: tuple[int, int]) -> str:
    a, b = window
    return f"[{a:+d},{b:+d}]"


def _print_table(results: list, names: dict[str, str], extras: dict, benchmark: str) -> None:
    head = extras["title"] or f"date {extras['event_date']}"
    print(f"{head}" + (f"  ({extras['catalyst']})" if extras["catalyst"] else ""))
    day0 = results[0].day0.isoformat() if results and results[0].day0 else "—"
    print(f"theme {extras['theme']} · benchmark {benchmark} · event {extras['event_date']} · day 0 {day0}")
    if extras["claimed_reaction"]:
        print(f"claimed: {extras['claimed_reaction']}")
    print()
    print(f"{'window':<9} {'n':>3} {'theme':>9} {'bench':>9} {'abnormal':>9} {'t':>6}")
    for r in results:
        t = "—" if r.t_stat is None else f"{r.t_stat:.2f}"
        print(f"{_label(r.window):<9} {r.n:>3} {fmt_frac(r.theme_return):>9} {fmt_frac(r.benchmark_return):>9} {fmt_frac(r.theme_abnormal):>9} {t:>6}")
    codes = list(dict.fromkeys(s["code"] for r in results for s in r.stocks))
    if codes:
        print()
        print("abnormal return by stock:")
        print(f"{'code':<7} {pad('name', 8)}" + "".join(f" {_label(r.window):>9}" for r in results))
        by = [{s["code"]: s for s in r.stocks} for r in results]
        for code in codes:
            cells = "".join(f" {fmt_frac(b[code]['abnormal']) if code in b else '—':>9}" for b in by)
            print(f"{code:<7} {pad(names.get(code, ''), 8)}{cells}")
    excluded = {e["code"]: e["reason"] for r in results for e in r.excluded}
    if excluded:
        print()
        print("excluded:")
        for code, reason in excluded.items():
            print(f"  {code} {names.get(code, '')}: {reason}")


def _write_csv(results: list, names: dict[str, str]) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(["window_start", "window_end", "day0", "code", "name", "return", "abnormal", "benchmark_return", "excluded_reason"])
    for r in results:
        a, b = r.window
        day0 = r.day0.isoformat() if r.day0 else ""
        for s in r.stocks:
            writer.writerow([a, b, day0, s["code"], names.get(s["code"], ""), s["return"], s["abnormal"], r.benchmark_return, ""])
        for e in r.excluded:
            writer.writerow([a, b, day0, e["code"], names.get(e["code"], ""), "", "", r.benchmark_return, e["reason"]])
        writer.writerow([a, b, day0, "THEME", "", r.theme_return, r.theme_abnormal, r.benchmark_return, ""])
