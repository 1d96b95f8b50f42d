"""The headless layers' English messages, as the UI shows them in its language.

The config, domain and jobs layers speak English (the CLI's language, and the log's). The UI
shows their messages in Chinese when it runs in Chinese: form errors and warnings (a bad code,
a stock in no watchlist) and the refresh failure notice. A message is matched against known
shapes and re-worded through `tui.ui.i18n` (`msg.*` keys); a message of an unknown shape is
shown as written (never dropped). Internal details (akshare function names) stay out of the
notice: they go to the log.
"""

from __future__ import annotations

import re
from typing import Any

from tui.ui.i18n import Labels

_Q = r"'?(?P<{}>[^';]+?)'?"  # a value, quoted with repr() or bare


def _shape(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{(\w+)\}", lambda m: _Q.format(m.group(1)), pattern) + "$")


#: (shape of the English message, i18n key of its rendering); the key's text uses the names.
SHAPES: list[tuple[re.Pattern[str], str]] = [
    (_shape(r"code {code} has an unknown prefix; A-share codes start with .*"), "msg.unknown_prefix"),
    (_shape(r"code {code} must be six digits \(A-share\),? or five digits (with market: HK )?\(Hong Kong\)"), "msg.code_digits"),
    (_shape(r"code {code} has five digits: A-share codes have six digits; .*"), "msg.code_five_digits"),
    (re.compile(r"^code '(?P<code>[^']+)' is written with full-width digits; type it with ASCII digits: \"(?P<ascii>\d+)\"$"), "msg.full_width"),
    (_shape(r"stock {code} is in no watchlist"), "msg.stock_in_no_watchlist"),
    (_shape(r"theme {theme} is defined by no watchlist"), "msg.theme_in_no_watchlist"),
    (_shape(r"catalyst {id} names stock {code}, which is in no watchlist"), "msg.catalyst_stock_unknown"),
    (_shape(r"catalyst {id} names stock {code}, which has five digits: .*"), "msg.catalyst_stock_five_digits"),
    (_shape(r"{stock} is already in theme {theme}"), "msg.already_in_theme"),
    (_shape(r"the name of {stock} must not be blank"), "msg.name_blank"),
    (_shape(r"catalyst {id} already exists in {path}"), "msg.catalyst_exists"),
    (_shape(r"a catalyst needs a title"), "msg.catalyst_title"),
    (_shape(r"indicator {id} already has this reading \({reading}\)"), "msg.reading_exists"),
    (re.compile(r"^impossible date (?P<date>[^:]+): .*$"), "msg.impossible_date"),
    (_shape(r"cannot read {raw} as a value; expected .*"), "msg.bad_value"),
    (_shape(r"cannot read {raw} as a date; expected .*"), "msg.bad_date"),
    (_shape(r"id {id} must be lowercase letters, digits, .*"), "msg.bad_id"),
    (_shape(r"added reading {reading} to {id} \({path}\)"), "msg.added_reading"),
    (_shape(r"added catalyst {id} \({path}\)"), "msg.added_catalyst"),
    (_shape(r"updated {fields} of catalyst {id} \({path}\)"), "msg.updated_catalyst"),
    (_shape(r"removed catalyst {id} \({path}\)"), "msg.removed_catalyst"),
    (_shape(r"added {stock} to {theme} \({path}\)"), "msg.added_stock"),
    (_shape(r"removed {stock} from {theme} \({path}\)"), "msg.removed_stock"),
    (_shape(r"updated {fields} of {stock} in {theme} \({path}\)"), "msg.updated_stock"),
    (_shape(r"moved {stock} to {theme}, {where} \({path}\)"), "msg.moved_stock"),
]
#: "field: message" prefixes of the editor's errors, by i18n key of the field's name.
FIELDS = {"id": "form.id", "code": "form.code", "name": "form.name", "date": "form.date", "value": "form.value", "title": "form.title_field", "stocks": "form.stocks", "themes": "form.themes"}
#: "stock 300418: …", "reading of id: …": what the editor was checking, before its reasons.
_SUBJECT = re.compile(r"^(?P<kind>stock|catalyst|reading of) (?P<name>(?:(?! names )[^:])+): (?P<rest>.+)$", re.S)
_REFUSED = re.compile(r"^(?P<path>.+?): refused, the edit would make the file invalid: (?P<rest>.*)$", re.S)


def message_text(message: str, labels: Labels) -> str:
    """`message` (from the headless layers, in English) in the UI's language."""
    if labels.language == "en":
        return message
    return "\n".join(_line(line, labels) for line in message.split("\n"))


def _line(text: str, labels: Labels) -> str:
    refused = _REFUSED.match(text)
    if refused:
        return labels("msg.refused").format(path=refused["path"]) + _line(refused["rest"], labels)
    subject = _SUBJECT.match(text)
    if subject:
        kind = subject["kind"].replace(" of", "")
        return labels("msg.subject." + kind).format(name=subject["name"]) + labels("msg.colon") + _line(subject["rest"], labels)
    if text.startswith("no change: "):
        return labels("form.no_change") + labels("msg.colon") + _line(text.removeprefix("no change: "), labels)
    whole = _one(text, labels)
    if whole != text or "; " not in text:
        return whole
    parts = text.split("; ")
    done = [_one(part, labels) for part in parts]
    return labels("msg.separator").join(done) if done != parts else text


def _field(part: str) -> tuple[str, str] | None:
    name, sep, rest = part.partition(": ")
    return (name, rest) if sep and name in FIELDS else None


def _match(part: str) -> tuple[str, dict[str, str]] | None:
    for shape, key in SHAPES:
        found = shape.match(part.strip())
        if found:
            return key, found.groupdict()
    return None


def _one(part: str, labels: Labels) -> str:
    field = _field(part)
    if field is not None:
        return labels(FIELDS[field[0]]) + labels("msg.colon") + _one(field[1], labels)
    found = _match(part)
    if found is None:
        return part
    key, values = found
    return labels(key).format(**values)


#: The label of each failure class (FailureKind names), spelled out so the label test sees them.
FAILURE_KIND_KEYS = {
    "NETWORK": "refresh.kind.network", "TIMEOUT": "refresh.kind.timeout", "SCHEMA": "refresh.kind.schema",
    "RATE_LIMIT": "refresh.kind.rate_limit", "EMPTY": "refresh.kind.empty",
    "UNKNOWN_CODE": "refresh.kind.unknown_code", "OTHER": "refresh.kind.other",
}


def refresh_failure_lines(summary: Any, labels: Labels) -> list[str]:
    """One line per failure class of a refresh: what failed (kinds and counts) and why, in the
    UI's language; no function names (those are in the log and `refresh -v`)."""
    lines = []
    for kind, outcomes in summary.failures_by_kind().items():
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[outcome.kind] = counts.get(outcome.kind, 0) + 1
        what = labels("msg.list_separator").join(f"{labels('refresh.task.' + k)} {n}" for k, n in counts.items())
        key = FAILURE_KIND_KEYS.get(kind.name)
        reason = labels(key) if key else kind.value  # a failure class this UI does not know yet
        lines.append(labels("refresh.failed_line").format(reason=reason, what=what))
    skipped = getattr(summary, "not_attempted", 0)
    if getattr(summary, "stopped", ""):  # the time budget ran out, or a signal
        lines.append(labels("refresh.stopped").format(n=skipped))
    elif getattr(summary, "aborted_offline", False):
        lines.append(labels("refresh.stopped_offline"))
    elif skipped and any(kind.name == "TIMEOUT" for kind in summary.failures_by_kind()):  # no import: pandas
        lines.append(labels("refresh.stalled").format(n=skipped))
    return lines


def security_label(security: Any, labels: Labels) -> str:
    """"上交所 · 科创板" / "SSE · STAR Market": a code's exchange and board."""
    return f"{labels('exchange.' + security.exchange.value)} · {labels('board.' + security.board.value)}"


def listing_label(status: str, labels: Labels) -> str:
    """A stock's listing status ("unlisted", "delisted", …) in the UI's language."""
    text = labels("listing." + status)
    return text if text != "listing." + status else status.replace("_", " ")
