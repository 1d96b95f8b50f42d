"""The app's side of the catalyst inbox, as a mixin of ThemeTrackerApp: read the inbox from
the store, triage items and fetch the feeds, each in a daemon thread with its own Store; the
results come back as messages and the handlers redraw the tab and the board's counts.

Feeds are fetched only when the user asks (`f` in the tab) or by the schedule's after-close
job, never on the app's quote polls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from textual import work
from textual.message import Message
from textual.widgets import TabbedContent

from tui.ui.background import run_in_daemon_thread
from tui.ui.widgets.inbox_pane import InboxPane


@dataclass
class InboxLoaded(Message):
    """The inbox was read from the store (tui.views.inbox.InboxData)."""

    data: Any


@dataclass
class InboxTriaged(Message):
    """An item was accepted, dismissed, snoozed or restored; `text` says what happened."""

    text: str
    data: Any
    error: bool = False


@dataclass
class FeedsFetched(Message):
    summary: Any
    data: Any


def read_inbox_job(data_dir: Any, project: Any, today: date) -> Any:
    from tui.store import Store
    from tui.views.inbox import read_inbox

    with Store.open(data_dir) as store:
        return read_inbox(store.conn, project, today)


def triage_job(data_dir: Any, catalysts: Any, project: Any, today: date, action: str, item_id: int, labels: Any) -> tuple[str, Any, bool]:
    from tui.inbox import triage
    from tui.store import Store
    from tui.views.inbox import read_inbox

    with Store.open(data_dir) as store:
        try:
            if action == "accept":
                done = triage.accept(store.conn, item_id, catalysts, project, today=today)
                text = labels("inbox.accepted").format(id=done.catalyst_id)
            elif action == "dismiss":
                triage.dismiss(store.conn, item_id)
                text = labels("inbox.dismissed")
            elif action == "snooze":
                item = triage.snooze(store.conn, item_id, today=today)
                text = labels("inbox.snoozed").format(day=item.snoozed_until)
            else:
                triage.restore(store.conn, item_id)
                text = labels("inbox.restored")
            error = False
        except triage.TriageError as exc:
            text, error = str(exc), True
        except triage.EditError as exc:
            text, error = str(exc), True
        return text, read_inbox(store.conn, project, today), error


def fetch_feeds_job(data_dir: Any, caller: Any, project: Any, today: date) -> tuple[Any, Any]:
    from tui.inbox.fetch import run_inbox_fetch
    from tui.store import Store
    from tui.views.inbox import read_inbox

    with Store.open(data_dir) as store:
        summary = run_inbox_fetch(store.conn, caller, project.listed_codes(), today=today, names=project.stock_names())
        return summary, read_inbox(store.conn, project, today)


class InboxMixin:
    """Inbox state and handlers for the app (expects ctx, project, labels, today, make_source)."""

    inbox_data: Any = None
    feeds_running: bool = False

    _classified: tuple[Any, Any, Any] | None = None

    def _classified_rows(self) -> Any:
        """Relevance of every loaded item, recomputed only when the data or the YAML changed
        (a quote refresh redraws the board every minute: it must not reclassify)."""
        from tui.views.inbox import classify_all

        key = (self.inbox_data, self.project)  # type: ignore[attr-defined]
        if self._classified is None or self._classified[0] is not key[0] or self._classified[1] is not key[1]:
            self._classified = (key[0], key[1], classify_all(key[0], key[1]))
        return self._classified[2]

    def inbox_view(self) -> Any:
        if self.inbox_data is None:  # before any import: the first paint must not load the store
            return None
        from tui.views.inbox import theme_inbox

        pane = self.query_one(InboxPane)  # type: ignore[attr-defined]
        return theme_inbox(self.inbox_data, self.project, self.selected_theme, show_muted=pane.show_muted,  # type: ignore[attr-defined]
                           classified=self._classified_rows())

    def inbox_counts(self) -> dict[str, int]:
        if self.inbox_data is None:
            return {}
        from tui.views.inbox import board_counts

        return board_counts(self.inbox_data, self.project, self._classified_rows())  # type: ignore[attr-defined]

    def redraw_inbox(self) -> None:
        self.query_one(InboxPane).show(self.inbox_view())  # type: ignore[attr-defined]

    def _inbox_data_changed(self, data: Any) -> None:
        """Only the inbox tab and the board's counts change (a full redraw would restart the
        other tabs' work)."""
        from tui.ui.widgets.board_pane import BoardPane

        self.inbox_data = data
        self.query_one(BoardPane).set_inbox_counts(self.inbox_counts())  # type: ignore[attr-defined]
        self.redraw_inbox()

    @work(exclusive=True, group="inbox", exit_on_error=False)
    async def load_inbox(self) -> None:
        job = partial(read_inbox_job, self.ctx.data_dir, self.project, self.today)  # type: ignore[attr-defined]
        self.post_message(InboxLoaded(await run_in_daemon_thread(job)))  # type: ignore[attr-defined]

    def on_inbox_loaded(self, message: InboxLoaded) -> None:
        self._inbox_data_changed(message.data)

    def on_inbox_pane_triage_requested(self, message: InboxPane.TriageRequested) -> None:
        self.triage_worker(message.action, message.item_id)

    @work(group="inbox-triage", exit_on_error=False)
    async def triage_worker(self, action: str, item_id: int) -> None:
        job = partial(triage_job, self.ctx.data_dir, self.ctx.catalysts, self.project, self.today, action, item_id, self.labels)  # type: ignore[attr-defined]
        text, data, error = await run_in_daemon_thread(job)
        self.post_message(InboxTriaged(text, data, error))  # type: ignore[attr-defined]

    def on_inbox_triaged(self, message: InboxTriaged) -> None:
        self.notify(message.text, severity="error" if message.error else "information", timeout=4 if not message.error else 8, markup=False)  # type: ignore[attr-defined]
        self._inbox_data_changed(message.data)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Keyboard first: the inbox's keys work as soon as its tab is shown. (A name-based
        handler: `@on` decorators are not collected from a mixin that is not a Widget.)"""
        if event.pane.id == "tab-inbox":
            self.query_one("#inbox-table").focus()  # type: ignore[attr-defined]

    def on_inbox_pane_muted_toggled(self, _message: InboxPane.MutedToggled) -> None:
        self.redraw_inbox()

    def on_inbox_pane_fetch_requested(self, _message: InboxPane.FetchRequested) -> None:
        if self.feeds_running:
            self.notify(self.labels("inbox.busy"), timeout=2)  # type: ignore[attr-defined]
            return
        make = getattr(self.make_source(), "feed_caller", None)  # type: ignore[attr-defined]
        if make is None:
            self.notify(self.labels("inbox.no_feeds"), severity="warning", timeout=4)  # type: ignore[attr-defined]
            return
        self.feeds_running = True
        self.notify(self.labels("inbox.fetching"), timeout=2)  # type: ignore[attr-defined]
        self.feeds_worker(make)

    @work(group="inbox-feeds", exit_on_error=False)
    async def feeds_worker(self, make: Any) -> None:
        try:
            job = partial(fetch_feeds_job, self.ctx.data_dir, make(), self.project, self.today)  # type: ignore[attr-defined]
            summary, data = await run_in_daemon_thread(job, name="theme-tracker-feeds")
            self.post_message(FeedsFetched(summary, data))  # type: ignore[attr-defined]
        finally:
            self.feeds_running = False

    def on_feeds_fetched(self, message: FeedsFetched) -> None:
        s = message.summary
        self.notify(self.labels("inbox.fetch_done").format(n=s.items_new, f=len(s.failures)),  # type: ignore[attr-defined]
                    severity="warning" if s.failures else "information", timeout=5, markup=False)
        self._inbox_data_changed(message.data)
