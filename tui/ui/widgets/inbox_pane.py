"""The catalyst inbox tab: new announcements, investor Q&A and news of the theme's stocks,
relevant ones first, with the fetched calendar (earnings dates, lock-ups) below.

Keyboard first, on the highlighted item: `a` accept (written to catalysts.yaml), `d` dismiss,
`s` snooze, `o` open the link, `u` restore the last dismissed or snoozed item, `f` fetch the
feeds, `M` show or hide muted routine filings. The pane only renders and routes keys: each
action is posted as a message and the app does the work in a worker (tui.inbox.triage).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from tui.domain.models import KIND_LABELS_ZH, STATUS_LABELS_ZH
from tui.ui.cell import Cell
from tui.ui.formatting import truncate
from tui.ui.i18n import Labels
from tui.ui.widgets.detail import DetailPanel

#: Fetched catalysts listed under the table (the rest: `theme-tracker inbox calendar`).
FETCHED_LINES = 6


class InboxPane(Vertical):
    """Inbox rows of the selected theme (a tui.views.inbox.ThemeInbox)."""

    DEFAULT_CSS = """
    InboxPane #inbox-header { height: 1; padding: 0 1; }
    InboxPane #inbox-keys { height: 1; padding: 0 1; color: $text-muted; }
    InboxPane #inbox-table { height: 1fr; }
    InboxPane #inbox-detail { height: 7; }
    InboxPane #inbox-fetched { height: auto; max-height: 8; padding: 0 1; border-top: solid $primary-darken-2; }
    """

    BINDINGS = [
        Binding("a", "triage('accept')", "accept", show=True),
        Binding("d", "triage('dismiss')", "dismiss", show=True),
        Binding("s", "triage('snooze')", "snooze", show=True),
        Binding("o", "open_link", "open", show=True),
        Binding("u", "restore", "restore", show=False),
        Binding("f", "fetch", "fetch", show=True),
        Binding("M", "toggle_muted", "muted", show=False),
    ]

    @dataclass
    class TriageRequested(Message):
        """The user asked to accept, dismiss, snooze or restore an item."""

        action: str
        item_id: int

    @dataclass
    class FetchRequested(Message):
        """The user asked to fetch the feeds now."""

    @dataclass
    class MutedToggled(Message):
        show_muted: bool

    def __init__(self, labels: Labels, **kw) -> None:
        super().__init__(**kw)
        self.t = labels
        self.show_muted = False
        self.view = None  # tui.views.inbox.ThemeInbox
        self.last_triaged: int | None = None
        self._ids: list[int] = []
        for binding_key, label in (("a", "bind.accept"), ("d", "bind.dismiss"), ("s", "bind.snooze"), ("o", "bind.open_link"),
                                   ("u", "bind.restore"), ("f", "bind.fetch_feeds"), ("M", "bind.show_muted")):
            for b in self._bindings.key_to_bindings.get(binding_key, []):
                self._bindings.key_to_bindings[binding_key] = [Binding(b.key, b.action, labels(label), show=b.show)]

    def compose(self) -> ComposeResult:
        yield Static(id="inbox-header")
        yield Static(self.t("inbox.keys"), id="inbox-keys")
        table: DataTable = DataTable(id="inbox-table", cursor_type="row")
        for key, label, width in (("star", "col.star", 2), ("date", "col.date", 10), ("code", "col.code", 6),
                                  ("name", "col.name", 8), ("kind", "col.item_kind", 6), ("source", "col.item_source", 10),
                                  ("title", "col.item_title", 60)):
            table.add_column(self.t(label), key=key, width=width)
        yield table
        yield DetailPanel(id="inbox-detail")
        yield Static(id="inbox-fetched")

    # ------------------------------------------------------------------ data in

    def show(self, view) -> None:
        """Show a ThemeInbox (None: not loaded yet)."""
        self.view = view
        t = self.t
        table = self.query_one("#inbox-table", DataTable)
        cursor = self.highlighted_id()
        cursor_row = table.cursor_row
        table.clear()
        rows = view.rows if view is not None else ()
        self._ids = [r.item.id for r in rows]
        warn = self.app.theme_variables.get("warning", "") if self.is_attached else ""
        for r in rows:
            i = r.item
            style = f"bold {warn}" if r.relevant else ("dim" if r.muted else "")
            table.add_row(
                Cell("★" if r.relevant else "", style),
                Cell(i.date),
                Cell(i.code),
                Cell(truncate(r.name, 8)),
                Cell(t(f"inbox.kind.{i.kind}")),
                Cell(truncate(i.category or i.source, 10), "dim"),
                Cell(truncate(i.title, 60), style),
                key=str(i.id),
            )
        if cursor in self._ids:
            table.move_cursor(row=self._ids.index(cursor), animate=False)
        elif self._ids:  # the item left the list (triaged): stay on the row that took its place
            table.move_cursor(row=min(max(cursor_row, 0), len(self._ids) - 1), animate=False)
        header = t("inbox.header").format(n=len(rows), r=view.relevant if view else 0)
        if view is not None and view.muted:
            header += t("inbox.showing_muted") if self.show_muted else t("inbox.muted").format(m=view.muted)
        self.query_one("#inbox-header", Static).update(Text(header))
        self._show_detail()
        self._show_fetched()

    def _show_fetched(self) -> None:
        t = self.t
        zh = t.language == "zh"
        text = Text()
        text.append(t("inbox.fetched"), style="bold dim")
        fetched = self.view.fetched if self.view is not None else ()
        if not fetched:
            text.append("\n" + t("inbox.fetched_none"), style="dim")
        for f in fetched[:FETCHED_LINES]:
            c = f.catalyst
            kind = KIND_LABELS_ZH.get(c.kind, c.kind) if zh else c.kind
            status = STATUS_LABELS_ZH.get(c.status, c.status) if zh else c.status
            text.append(f"\n{c.date or '—':10} ")
            text.append(f"[{t('inbox.fetched_tag')}·{kind}·{status}] ", style="dim")
            text.append(c.title)
            if c.changes:
                text.append(" " + t("inbox.changed").format(n=c.changes), style="dim")
            if f.previews:
                text.append(f" {t('inbox.preview')}: {truncate(f.preview_text(), 40)}", style="dim")
        if len(fetched) > FETCHED_LINES:
            text.append(f"\n… +{len(fetched) - FETCHED_LINES}", style="dim")
        self.query_one("#inbox-fetched", Static).update(text)

    def highlighted_id(self) -> int | None:
        table = self.query_one("#inbox-table", DataTable)
        if not table.row_count or not self._ids:
            return None
        row = table.cursor_row
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def _row(self, item_id: int | None):
        if item_id is None or self.view is None:
            return None
        return next((r for r in self.view.rows if r.item.id == item_id), None)

    def _show_detail(self) -> None:
        panel = self.query_one("#inbox-detail", DetailPanel)
        row = self._row(self.highlighted_id())
        if row is None:
            panel.clear(self.t("inbox.empty") if not self._ids else "")
            return
        i = row.item
        t = self.t
        panel.show(i.title, [
            (t("inbox.matched"), "、".join(row.relevance.matched) or None),
            (t("col.item_source"), " · ".join(p for p in (i.category, i.source, i.published_at) if p)),
            (t("detail.notes"), i.detail),
            (t("inbox.link"), i.link),
            (t("inbox.also_in"), ", ".join(i.also_in) or None),
        ])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    # ------------------------------------------------------------------ keys

    def action_triage(self, action: str) -> None:
        item_id = self.highlighted_id()
        if item_id is None:
            return
        if action in ("dismiss", "snooze"):
            self.last_triaged = item_id
        self.post_message(self.TriageRequested(action, item_id))

    def action_restore(self) -> None:
        if self.last_triaged is not None:
            self.post_message(self.TriageRequested("restore", self.last_triaged))
            self.last_triaged = None

    def action_open_link(self) -> None:
        row = self._row(self.highlighted_id())
        if row is None:
            return
        if not row.item.link:
            self.notify(self.t("inbox.no_link"), severity="warning", timeout=3)
            return
        self.app.open_url(row.item.link)

    def action_fetch(self) -> None:
        self.post_message(self.FetchRequested())

    def action_toggle_muted(self) -> None:
        self.show_muted = not self.show_muted
        self.post_message(self.MutedToggled(self.show_muted))
