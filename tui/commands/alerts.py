"""`theme-tracker alerts check|log|validate|reset|brief`: evaluate and deliver alert rules.

`alerts check [--date YYYY-MM-DD] [--send] [--format table|json] [--webhook KIND=URL ...]`
evaluates every rule of alerts.yaml on the stored data (default: the latest figures, live;
a past --date replays the stored bars of that session, sample included) and prints what fires
(once per episode). With --send it delivers the fired alerts to the settings' webhooks and to
every --webhook. Exit codes: 0 done, 1 the rules file has errors or a platform refused a
delivery (its code and message are printed), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta
from typing import Any

from tui.errors import ExitCode, UsageError


def register(subparsers: Any) -> None:
    """Add the `alerts` subcommand and its actions."""
    parser = subparsers.add_parser(
        "alerts",
        help="evaluate alert rules (alerts.yaml) and deliver them",
        description="Alert rules on prices, limit moves, themes, catalysts and indicators. "
        "See `theme-tracker alerts check -h`.",
    )
    actions = parser.add_subparsers(dest="alerts_action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="evaluate every rule now (or replay a past session) and print what fires",
        description="Evaluate every rule on the stored data for a session (default: the latest "
        "figures; --date replays the stored bars of a past session, sample data included, and "
        "every message says it is a replay). An alert fires once per episode. Exit status: 0 "
        "done, 1 rule-file errors or a refused delivery, 2 usage error.",
    )
    check.add_argument("--date", metavar="YYYY-MM-DD", help="replay this past session from the stored bars")
    check.add_argument("--send", action="store_true", help="deliver the fired alerts to the webhooks")
    check.add_argument("--format", choices=("table", "json"), default="table", help="output format (default table)")
    check.add_argument("--webhook", metavar="KIND=URL", action="append", default=[],
                       help="also deliver to this webhook (repeatable; KIND: wecom, dingtalk, feishu, json); implies --send")
    check.add_argument("--dry-run", action="store_true", help="show what would fire without recording or sending it")
    check.set_defaults(handler=run_check)

    log = actions.add_parser("log", help="list the latest fired alerts and deliveries")
    log.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    log.add_argument("--format", choices=("table", "json"), default="table")
    log.set_defaults(handler=run_log)

    validate = actions.add_parser("validate", help="check the alert rules file (file:line:col: problems)")
    validate.set_defaults(handler=run_validate)

    reset = actions.add_parser("reset", help="forget the episodes of replays (or of live alerts) so they can fire again")
    reset.add_argument("--live", action="store_true", help="reset the live episodes instead of the replay ones")
    reset.set_defaults(handler=run_reset)

    add = actions.add_parser("add", help="add a rule to the alerts file (comments and layout are kept)")
    add.add_argument("id", help="the rule's id")
    scope = add.add_mutually_exclusive_group(required=True)
    scope.add_argument("--stock", metavar="CODE", help="a six-digit stock code")
    scope.add_argument("--theme", metavar="ID", help="a theme id, or 'all'")
    add.add_argument("--when", required=True, metavar="CONDITION", help="the condition, e.g. limit_up, price_above, streak")
    for name, kind in (("value", float), ("ratio", float), ("min", int), ("days", int)):
        add.add_argument(f"--{name}", type=kind, help=f"the condition's {name}")
    add.add_argument("--note", help="a note shown with the rule")
    add.set_defaults(handler=run_edit, edit="add")
    for action, text in (("enable", "switch a rule on"), ("disable", "switch a rule off (enabled: false)"), ("remove", "remove a rule")):
        p = actions.add_parser(action, help=text)
        p.add_argument("id", help="the rule's id")
        p.set_defaults(handler=run_edit, edit=action)

    brief = actions.add_parser("brief", help="post a session's daily brief (report.md, shortened) to the webhooks")
    brief.add_argument("--date", metavar="YYYY-MM-DD", help="the session (default: the latest snapshot)")
    brief.add_argument("--webhook", metavar="KIND=URL", action="append", default=[], help="deliver here too (repeatable)")
    brief.add_argument("--out", metavar="DIR", help="snapshot directory (default: <data dir>/snapshots)")
    brief.set_defaults(handler=run_brief)


# --------------------------------------------------------------------------- helpers


def _language(ctx: Any) -> str:
    return getattr(ctx.settings, "language", "zh")


def _load(ctx: Any, *, need_file: bool = True) -> tuple[Any, Any]:
    from tui.alerts.rules import load_rules
    from tui.config.loader import load_project

    project = load_project(ctx.watchlists, ctx.catalysts)
    ruleset = load_rules(ctx.alerts, project)
    if need_file and not ruleset.found:
        raise UsageError(f"{ctx.alerts}: alert rules file not found; pass --alerts FILE or set 'alerts' in settings")
    for d in sorted(ruleset.diagnostics, key=lambda d: (d.line, d.col)):
        print(d, file=sys.stderr)
    return project, ruleset


def _now(ctx: Any) -> datetime:
    from tui.alerts.hooks import now_for

    return now_for(ctx)


def _channels(ctx: Any, webhooks: list[str]) -> list[Any]:
    from tui.alerts.delivery import channels_from_settings, parse_webhook_option

    alerting = ctx.settings.alerting
    channels, problems = channels_from_settings(alerting)
    for p in problems:
        print(f"theme-tracker: {p}", file=sys.stderr)
    return channels + [parse_webhook_option(w, rate_limit=alerting.rate_limit_per_minute) for w in webhooks]


def _parse_date(text: str, option: str = "--date") -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date; write it as YYYY-MM-DD") from None


def _delivery_dict(d: Any) -> dict[str, Any]:
    r = d.result
    return {"channel": d.channel.label, "kind": d.channel.kind, "status": d.status,
            "attempts": r.attempts if r else 0, "http_status": r.http_status if r else None,
            "code": r.code if r else None, "message": r.message if r else None}  # fmt: skip


# --------------------------------------------------------------------------- check


def run_check(args: argparse.Namespace, ctx: Any) -> int:
    from tui.alerts.engine import run_check as evaluate
    from tui.alerts.inbox import find_provider
    from tui.domain.calendar import TradingCalendar
    from tui.store import Store

    send = args.send or bool(args.webhook)
    replay_date = _parse_date(args.date) if args.date else None
    channels = _channels(ctx, args.webhook) if send else []
    if send and not channels:
        raise UsageError("--send: no webhook to deliver to; add [[alerting.webhooks]] to the settings or pass --webhook KIND=URL")
    project, ruleset = _load(ctx)
    now = _now(ctx)
    language = _language(ctx)
    with Store.open(ctx.data_dir) as store:
        calendar = TradingCalendar(store.trade_dates(), today=now.date())
        if replay_date is not None:
            if replay_date > now.date():
                raise UsageError(f"--date {replay_date}: a replay needs a past session, not a future date")
            if not calendar.is_session(replay_date):
                raise UsageError(f"--date {replay_date}: not a trading session")
        result = evaluate(
            store, project, ruleset.rules, now=now, calendar=calendar, today=ctx.today(), replay_date=replay_date,
            stale_after=timedelta(seconds=ctx.settings.refresh_interval * 1.5), channels=channels,
            send_alerts=send, quiet_hours=ctx.settings.alerting.quiet_hours, dry_run=args.dry_run,
            language=language, inbox=find_provider(store),
        )  # fmt: skip
    if args.format == "json":
        _print_json(result, ruleset)
    else:
        _print_table(result, language, args.dry_run)
    for d in result.deliveries:
        print(f"theme-tracker: {d.describe()}", file=sys.stderr)
    failed = bool(ruleset.errors) or bool(result.refused)
    return int(ExitCode.FAILED if failed else ExitCode.OK)


def _print_table(result: Any, language: str, dry_run: bool) -> None:
    head = "replay of" if result.replay else "live, session"
    marks = (" (sample data)" if result.sample else "") + (" (dry run: nothing recorded)" if dry_run else "")
    print(f"alerts {head} {result.session.isoformat()}{marks}: {len(result.fired)} fired, "
          f"{len(result.holding)} still active (already fired), {len(result.skipped)} skipped")  # fmt: skip
    for a in result.fired:
        print(f"  {a.rule_id:<20} {a.text_en if language == 'en' else a.text_zh}")
    if result.skipped:
        counts: dict[str, int] = {}
        for s in result.skipped:
            counts[s.reason_en] = counts.get(s.reason_en, 0) + 1
        print("skipped (no alert from these figures): " + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)


def _print_json(result: Any, ruleset: Any) -> None:
    json.dump(
        {
            "mode": result.mode,
            "session": result.session.isoformat(),
            "evaluated_at": result.now.isoformat(timespec="seconds"),
            "replay": result.replay,
            "sample": result.sample,
            "fired": [a.to_dict() for a in result.fired],
            "holding": [{"rule": v.rule.id, "subject": v.subject} for v in result.holding],
            "skipped": [{"rule": s.rule.id, "subject": s.subject, "reason": s.reason,
                         "as_of": s.as_of.isoformat(timespec="seconds") if s.as_of else None} for s in result.skipped],
            "deliveries": [_delivery_dict(d) for d in result.deliveries],
            "diagnostics": [d.to_dict() for d in ruleset.diagnostics],
        },
        sys.stdout, ensure_ascii=False, indent=2,
    )  # fmt: skip
    print()


# --------------------------------------------------------------------------- the others


def run_log(args: argparse.Namespace, ctx: Any) -> int:
    from tui.alerts.delivery import recent_deliveries
    from tui.alerts.episodes import recent_alerts
    from tui.store import Store

    with Store.open(ctx.data_dir) as store:
        alerts = recent_alerts(store.conn, args.limit)
        deliveries = recent_deliveries(store.conn, args.limit)
    if args.format == "json":
        json.dump({"alerts": [a.to_dict() for a in alerts], "deliveries": deliveries}, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return int(ExitCode.OK)
    language = _language(ctx)
    for a in alerts:
        print(f"{a.fired_at[:19]}  {a.rule_id:<20} {a.text_en if language == 'en' else a.text_zh}")
    for d in deliveries:
        code = f" code {d['code']}" if d["code"] is not None else ""
        print(f"{d['at'][:19]}  {d['channel']} ({d['kind']}) {d['what']}: {d['status']}{code} {d['message'] or ''}".rstrip())
    return int(ExitCode.OK)


def run_validate(args: argparse.Namespace, ctx: Any) -> int:
    _, ruleset = _load(ctx)
    errors = len(ruleset.errors)
    print(f"{ctx.alerts}: {len(ruleset.rules)} rule(s); {errors} error(s), {len(ruleset.diagnostics) - errors} warning(s)", file=sys.stderr)
    return int(ExitCode.FAILED if errors else ExitCode.OK)


def run_reset(args: argparse.Namespace, ctx: Any) -> int:
    from tui.alerts.episodes import LIVE, REPLAY, reset
    from tui.store import Store

    namespace = LIVE if args.live else REPLAY
    with Store.open(ctx.data_dir) as store:
        n = reset(store.conn, namespace)
    print(f"{namespace}: {n} episode(s) forgotten")
    return int(ExitCode.OK)


def run_edit(args: argparse.Namespace, ctx: Any) -> int:
    from tui.alerts.editing import AlertsEditor
    from tui.alerts.rules import CONDITIONS

    if args.edit == "add":
        if args.when not in CONDITIONS:
            raise UsageError(f"--when {args.when!r}: choose one of {', '.join(CONDITIONS)}")
        editor = AlertsEditor(ctx.alerts, create=True)
        result = editor.add_rule(args.id, when=args.when, stock=args.stock, theme=args.theme, value=args.value,
                                 ratio=args.ratio, min=args.min, days=args.days, note=args.note)  # fmt: skip
    else:
        if not ctx.alerts.is_file():
            raise UsageError(f"{ctx.alerts}: alert rules file not found; pass --alerts FILE or set 'alerts' in settings")
        editor = AlertsEditor(ctx.alerts)
        if args.edit == "remove":
            result = editor.remove_rule(args.id)
        else:
            result = editor.set_enabled(args.id, args.edit == "enable")
    print(result.message)
    return int(ExitCode.OK)


def run_brief(args: argparse.Namespace, ctx: Any) -> int:
    from pathlib import Path

    from tui.alerts.hooks import post_brief
    from tui.export.snapshot import default_out_dir
    from tui.store import Store

    channels = _channels(ctx, args.webhook)
    if not channels:
        raise UsageError("no webhook to deliver to; add [[alerting.webhooks]] to the settings or pass --webhook KIND=URL")
    out = Path(args.out).expanduser() if args.out else default_out_dir(ctx.data_dir)
    if args.date:
        session = _parse_date(args.date)
    else:
        days = sorted(p.name for p in out.glob("????-??-??") if (p / "report.md").is_file()) if out.is_dir() else []
        if not days:
            raise UsageError(f"{out}: no snapshot with a report.md; run `theme-tracker snapshot` first")
        session = date.fromisoformat(days[-1])
    report = out / session.isoformat() / "report.md"
    if not report.is_file():
        raise UsageError(f"{report}: no report for {session}; run `theme-tracker snapshot --date {session}` first")
    with Store.open(ctx.data_dir) as store:
        outcomes = post_brief(store, report, session, channels, now=_now(ctx), quiet_hours=None, language=_language(ctx))
    for d in outcomes:
        print(f"theme-tracker: {d.describe()}", file=sys.stderr if d.refused else sys.stdout)
    return int(ExitCode.FAILED if any(d.refused for d in outcomes) else ExitCode.OK)
