"""The inbox as the app, the CLI and the snapshot report show it: items with their relevance
to the stock's themes, sorted relevant first, then newest; counts of new relevant items per
stock; the fetched catalysts (earnings dates with their previews, lock-ups) of a theme.

Reads the store through tui.store.inbox and the YAML through the loaded Project; never
imports Textual.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tui.config.loader import Project
from tui.domain.models import Theme
from tui.inbox.relevance import Relevance, classify, rules_by_code
from tui.store import inbox as inbox_store
from tui.store.inbox import FetchedCatalyst, InboxItem

KIND_LABELS_ZH = {"announcement": "公告", "qa": "问答", "news": "新闻"}
KIND_LABELS_EN = {"announcement": "filing", "qa": "Q&A", "news": "news"}


@dataclass(frozen=True)
class InboxRow:
    """One item with what the project says about it."""

    item: InboxItem
    name: str
    relevance: Relevance

    @property
    def relevant(self) -> bool:
        return self.relevance.relevant

    @property
    def muted(self) -> bool:
        return self.relevance.muted

    def as_json(self) -> dict[str, Any]:
        """The `inbox list --format json` object (id, code, title, date, kind, source, link,
        state and relevant are a contract)."""
        i = self.item
        return {
            "id": i.id, "code": i.code, "name": self.name, "title": i.title, "date": i.date, "kind": i.kind,
            "source": i.source, "link": i.link, "state": i.state, "relevant": self.relevant,
            "muted": self.muted, "matched": list(self.relevance.matched), "themes": list(self.relevance.themes),
            "category": i.category, "detail": i.detail, "published_at": i.published_at,
            "also_in": list(i.also_in), "fetched_at": i.fetched_at, "snoozed_until": i.snoozed_until,
            "catalyst_id": i.catalyst_id,
        }


def theme_codes(project: Project, theme_id: str | None) -> list[str] | None:
    """Codes of one theme (None = every theme's)."""
    if theme_id is None:
        return project.listed_codes()
    theme = project.theme(theme_id)
    return [s.code for s in theme.stocks if s.code] if theme is not None else []


def build_rows(items: Iterable[InboxItem], project: Project, *, include_muted: bool = False) -> list[InboxRow]:
    """Rows of `items`, relevant first, then newest first; muted items left out unless asked."""
    rules = rules_by_code(project.themes)
    names = project.stock_names()
    rows = []
    for item in items:
        text = " ".join(p for p in (item.category, item.detail) if p)
        relevance = classify(item.title, text, rules.get(item.code, []))
        if relevance.muted and not include_muted:
            continue
        rows.append(InboxRow(item, names.get(item.code, item.code), relevance))
    rows.sort(key=lambda r: (not r.relevant, _neg(r.item.date), -r.item.id))
    return rows


def _neg(day: str) -> tuple[int, ...]:
    return tuple(-int(p) for p in day.split("-")) if day else (0,)


def load_rows(
    conn: Any,
    project: Project,
    *,
    today: date,
    states: Iterable[str] | None = ("new",),
    theme_id: str | None = None,
    include_muted: bool = False,
) -> list[InboxRow]:
    """Wake snoozed items whose day has come, then the rows of a theme (or all themes)."""
    inbox_store.wake_snoozed(conn, today)
    codes = theme_codes(project, theme_id)
    items = inbox_store.list_items(conn, states=states, codes=codes)
    return build_rows(items, project, include_muted=include_muted)


def new_relevant_counts(rows: Iterable[InboxRow]) -> dict[str, int]:
    """Per code, the number of new relevant items (the board's inbox column)."""
    counts: Counter[str] = Counter(r.item.code for r in rows if r.relevant and r.item.state == "new")
    return dict(counts)


def new_relevant_items(conn: Any, project: Project, *, fetched_after: str | None = None) -> list[InboxRow]:
    """New items relevant to a theme, optionally only those fetched after an ISO time: the
    query behind an alert on "a new relevant inbox item"."""
    items = inbox_store.new_items(conn, codes=project.listed_codes(), fetched_after=fetched_after)
    return [r for r in build_rows(items, project) if r.relevant]


# --------------------------------------------------------------------------- fetched catalysts


@dataclass(frozen=True)
class FetchedRow:
    """A fetched catalyst with the previews of its report period (earnings only)."""

    catalyst: FetchedCatalyst
    name: str
    previews: tuple[dict[str, Any], ...] = ()

    def preview_text(self) -> str:
        """'预增 +50%~+80% (归属净利润)' style summary of the previews."""
        parts = []
        for p in self.previews:
            kind = p.get("type") or ""
            change = p.get("change_text") or ""
            parts.append(" ".join(x for x in (kind, change) if x))
        return "; ".join(dict.fromkeys(x for x in parts if x))


def fetched_rows(conn: Any, project: Project, theme: Theme | None = None, *, codes: Iterable[str] | None = None) -> list[FetchedRow]:
    """Fetched catalysts of a theme's stocks (or of `codes`), with previews attached."""
    if codes is None:
        codes = [s.code for s in theme.stocks if s.code] if theme is not None else project.listed_codes()
    codes = list(codes)
    names = project.stock_names()
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for p in inbox_store.previews(conn, codes):
        by_key.setdefault((p["code"], p["period"]), []).append(p)
    rows = []
    for c in inbox_store.fetched_catalysts(conn, codes):
        period = c.detail.get("period") if c.kind == "earnings" else None
        rows.append(FetchedRow(c, names.get(c.code, c.code), tuple(by_key.get((c.code, period), ())) if period else ()))
    return rows


def report_section(rows: list[InboxRow], limit: int = 10) -> list[str]:
    """Markdown lines of a theme's "new in the inbox" section (relevant first)."""
    if not rows:
        return ["No new items."]
    lines = ["| 日期 | 代码 | 名称 | 类型 | 标题 | 相关 |", "|---|---|---|---|---|---|"]
    for r in rows[:limit]:
        title = r.item.title.replace("|", "\\|")
        if r.item.link:
            title = f"[{title}]({r.item.link})"
        mark = "★ " + "、".join(r.relevance.matched) if r.relevant else ""
        lines.append(f"| {r.item.date} | {r.item.code} | {r.name} | {KIND_LABELS_ZH.get(r.item.kind, r.item.kind)} | {title} | {mark} |")
    if len(rows) > limit:
        lines.append(f"\n… and {len(rows) - limit} more (theme-tracker inbox list)")
    return lines


#: The report's inbox section lists new items dated within this many days before the session.
REPORT_DAYS = 14


def snapshot_inbox(conn: Any, project: Project, session: date) -> list[dict[str, Any]]:
    """Per theme with new items dated in the REPORT_DAYS up to `session`: its id, name and the
    Markdown lines of its "new in the inbox" section. Themes with none are left out."""
    from datetime import timedelta

    start = session - timedelta(days=REPORT_DAYS)
    sections = []
    for theme in project.themes:
        codes = [s.code for s in theme.stocks if s.code]
        if not codes:
            continue
        items = [i for i in inbox_store.list_items(conn, states=("new",), codes=codes, since=start) if i.date <= session.isoformat()]
        rows = build_rows(items, project)
        if rows:
            sections.append({"theme": theme.id, "theme_name": theme.name, "lines": report_section(rows)})
    return sections


# --------------------------------------------------------------------------- the app's tab


@dataclass(frozen=True)
class InboxData:
    """What the app reads from the store in a worker: every item in state new (snoozed ones
    woken first) and the fetched catalysts of the listed codes with their previews."""

    items: tuple[InboxItem, ...] = ()
    fetched: tuple[FetchedRow, ...] = ()


def read_inbox(conn: Any, project: Project, today: date) -> InboxData:
    inbox_store.wake_snoozed(conn, today)
    codes = project.listed_codes()
    items = inbox_store.list_items(conn, states=("new",), codes=codes)
    return InboxData(tuple(items), tuple(fetched_rows(conn, project, codes=codes)))


@dataclass(frozen=True)
class ThemeInbox:
    """One theme's inbox as the tab shows it."""

    rows: tuple[InboxRow, ...]
    fetched: tuple[FetchedRow, ...]
    muted: int
    relevant: int


def classify_all(data: InboxData, project: Project) -> list[InboxRow]:
    """Every loaded item with its relevance (muted ones included), relevant first: computed
    once per load or YAML change and shared by the tab and the board's counts."""
    return build_rows(data.items, project, include_muted=True)


def theme_inbox(data: InboxData, project: Project, theme: Theme | None, *, show_muted: bool = False,
                classified: list[InboxRow] | None = None) -> ThemeInbox:
    """Rows of one theme's stocks (relevant first), its fetched catalysts, and the counts."""
    codes = {s.code for s in theme.stocks if s.code} if theme is not None else set(project.listed_codes())
    if classified is None:
        classified = classify_all(data, project)
    every = [r for r in classified if r.item.code in codes]
    shown = tuple(r for r in every if show_muted or not r.muted)
    fetched = tuple(f for f in data.fetched if f.catalyst.code in codes)
    return ThemeInbox(shown, fetched, sum(1 for r in every if r.muted), sum(1 for r in every if r.relevant))


def board_counts(data: InboxData | None, project: Project, classified: list[InboxRow] | None = None) -> dict[str, int]:
    """New relevant items per code, for the board's flags column."""
    if data is None:
        return {}
    return new_relevant_counts(classified if classified is not None else classify_all(data, project))


def stock_inbox(conn: Any, project: Project, code: str, today: date) -> tuple[list[InboxRow], list[FetchedRow]]:
    """A stock's new inbox items (relevant first, muted left out) and its fetched catalysts."""
    inbox_store.wake_snoozed(conn, today)
    rows = build_rows(inbox_store.list_items(conn, states=("new",), codes=[code]), project)
    return rows, fetched_rows(conn, project, codes=[code])
