"""One evaluation run: figures -> verdicts -> episodes -> (optionally) delivery.

What the `alerts check` command, the app (after each refresh) and the schedule call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from tui.alerts import episodes
from tui.alerts.channels import Channel, Message, SendResult, send
from tui.alerts.conditions import LABELS_EN, LABELS_ZH, EvalContext, Skip, Verdict, evaluate, needed_codes
from tui.alerts.delivery import DeliveryOutcome, deliver
from tui.alerts.figures import SHANGHAI, SessionFigures, live_figures, replay_figures
from tui.alerts.rules import MARKET_CONDITIONS, Rule

TITLE_ZH = "题材追踪 提醒"
#: How many alerts one webhook message lists (the rest are counted).
MAX_LINES = 30


@dataclass
class CheckResult:
    mode: str  # "live" or "replay"
    session: date
    now: datetime
    fired: list[episodes.Alert] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    #: Verdicts that hold but whose episode already fired (not repeated).
    holding: list[Verdict] = field(default_factory=list)
    deliveries: list[DeliveryOutcome] = field(default_factory=list)
    sample: bool = False

    @property
    def replay(self) -> bool:
        return self.mode == "replay"

    @property
    def refused(self) -> list[DeliveryOutcome]:
        return [d for d in self.deliveries if d.refused]


def _marks(replay: bool, sample: bool, language: str) -> str:
    if language == "en":
        return ("[replay] " if replay else "") + ("[sample data] " if sample else "")
    return ("【回放】" if replay else "") + ("【样本数据】" if sample else "")


def _as_of_text(as_of: datetime | None, language: str) -> str:
    if as_of is None:
        return ""
    local = as_of.astimezone(SHANGHAI)
    stamp = local.strftime("%Y-%m-%d %H:%M")
    if language == "en":
        return f" · as of {stamp}" + (" close" if local.strftime("%H:%M") == "15:00" else "")
    return f" · 截至 {stamp}" + ("收盘" if local.strftime("%H:%M") == "15:00" else "")


def label_verdict(v: Verdict, replay: bool) -> Verdict:
    """The verdict's texts with the condition label, the replay / sample marks and the as-of."""
    zh = f"{_marks(replay, v.is_sample, 'zh')}【{LABELS_ZH[v.rule.when]}】{v.text_zh}{_as_of_text(v.as_of, 'zh')}"
    en = f"{_marks(replay, v.is_sample, 'en')}[{LABELS_EN[v.rule.when]}] {v.text_en}{_as_of_text(v.as_of, 'en')}"
    return replace(v, text_zh=zh, text_en=en)


def compute_figures(
    store: Any, project: Any, rules: Sequence[Rule], *, replay_date: date | None, now: datetime, calendar: Any,
    stale_after: timedelta,
) -> SessionFigures:  # fmt: skip
    codes, benches = needed_codes(rules, project)
    names = project.stock_names()
    if replay_date is not None:
        return replay_figures(store, codes, names, replay_date, benches, now=now)
    return live_figures(store, codes, names, now=now, calendar=calendar, stale_after=stale_after, benchmarks=benches)


def run_check(
    store: Any,
    project: Any,
    rules: Sequence[Rule],
    *,
    now: datetime,
    calendar: Any,
    today: date | None = None,
    replay_date: date | None = None,
    stale_after: timedelta = timedelta(seconds=90),
    channels: Sequence[Channel] = (),
    send_alerts: bool = False,
    quiet_hours: str | None = None,
    dry_run: bool = False,
    language: str = "zh",
    inbox: Any = None,
    send_fn: Callable[[Channel, Message], SendResult] = send,
) -> CheckResult:
    """Evaluate ``rules``; record the alerts that fire (once per episode); with
    ``send_alerts``, deliver them to ``channels`` as one message per channel."""
    now = now.astimezone(SHANGHAI)
    rules = [r for r in rules if r.enabled]
    figures = compute_figures(store, project, rules, replay_date=replay_date, now=now, calendar=calendar, stale_after=stale_after)
    day = replay_date if replay_date is not None else (today or now.date())
    ctx = EvalContext(project, figures, day, calendar, inbox)
    verdicts, skips = evaluate(rules, ctx)
    replay = replay_date is not None
    verdicts = [label_verdict(v, replay) if v.true else v for v in verdicts]
    namespace = episodes.REPLAY if replay else episodes.LIVE
    fired = episodes.claim(store.conn, verdicts, namespace=namespace, session=figures.session, now=now, dry_run=dry_run)
    fired_keys = {(a.rule_id, a.subject) for a in fired}
    holding = [v for v in verdicts if v.true and (v.rule.id, v.subject) not in fired_keys]
    sample = any(a.is_sample for a in fired) or any(
        f.is_sample for f in figures.figures.values() if replay and any(r.when in MARKET_CONDITIONS for r in rules)
    )
    result = CheckResult("replay" if replay else "live", figures.session, now, fired, skips, holding, [], sample)
    if send_alerts and fired and channels and not dry_run:
        message = alert_message(fired, session=figures.session, replay=replay, language=language)
        result.deliveries = deliver(store.conn, channels, message, now=now, quiet_hours=quiet_hours,
                                    alert_ids=[a.id for a in fired if a.id is not None], send_fn=send_fn)  # fmt: skip
    return result


def alert_message(alerts: Sequence[episodes.Alert], *, session: date, replay: bool, language: str = "zh") -> Message:
    """One message listing the alerts (the first MAX_LINES; the rest counted)."""
    sample = any(a.is_sample for a in alerts)
    if language == "en":
        title = f"{TITLE_ZH} · theme-tracker alerts · {session.isoformat()}" + (" (replay)" if replay else "") + (" (sample data)" if sample else "")
        more = "… and {n} more"
    else:
        title = f"{TITLE_ZH} · {session.isoformat()}" + ("（回放）" if replay else "") + ("（样本数据）" if sample else "")
        more = "… 另有 {n} 条"
    lines = [a.text_en if language == "en" else a.text_zh for a in alerts[:MAX_LINES]]
    if len(alerts) > MAX_LINES:
        lines.append(more.format(n=len(alerts) - MAX_LINES))
    event = {
        "as_of": max((a.as_of for a in alerts if a.as_of), default=None), "session": session.isoformat(),
        "replay": replay, "sample": sample, "alerts": [a.to_dict() for a in alerts],
    }  # fmt: skip
    return Message(title, lines, event)


def brief_message(report_md: str, *, session: date, language: str = "zh") -> Message:
    """The daily brief (report.md) as a message; each channel cuts it to its own limit."""
    # Every title carries the keyword 题材追踪 (channels.KEYWORD), whatever the language: robots
    # with keyword security refuse a message without it.
    title = f"题材追踪 日报 · {session.isoformat()}" if language != "en" else f"题材追踪 · daily brief · {session.isoformat()}"
    lines = [ln for ln in report_md.splitlines()]
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return Message(title, lines, {"session": session.isoformat(), "kind": "brief"})
