"""The Textual app: themes on the left; board, catalysts, indicators and problems as tabs.

Threading model: the first paint reads only the YAML files. Everything that touches SQLite,
exchange-calendars or the network runs in daemon threads awaited by async workers
(tui.ui.background), which post messages back; handlers change the widgets. Exiting never
waits for a fetch: the awaiting workers are cancelled and the threads abandoned.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from tui.config.loader import Project, load_project
from tui.config.project_cache import load_project_cached
from tui.config.reload import file_stamps, keep_last_valid
from tui.context import Context
from tui.domain.market import SHANGHAI
from tui.domain.models import Theme
from tui.jobs.app_jobs import make_calendar, read_inputs, refresh_job
from tui.ui.alerts_hook import AlertsMixin
from tui.ui.background import run_in_daemon_thread
from tui.ui.formatting import display_path
from tui.ui.gc_tuning import restore_garbage_collector, tune_garbage_collector
from tui.ui.i18n import Labels
from tui.ui.translate import refresh_failure_lines
from tui.ui.inbox_actions import InboxMixin
from tui.ui.messages import BoardDataLoaded, CalendarLoaded, RefreshFinished, RefreshProgressed
from tui.ui.widgets.board_pane import BoardPane
from tui.ui.widgets.catalysts_pane import CatalystsPane
from tui.ui.widgets.inbox_pane import InboxPane
from tui.ui.widgets.indicators_pane import IndicatorsPane
from tui.ui.widgets.limit_pool_pane import LimitPoolPane
from tui.ui.widgets.problems_pane import ProblemsPane
from tui.ui.widgets.sidebar import ThemeSidebar
from tui.ui.widgets.status_line import StatusLine
from tui.ui.widgets.theme_index_pane import ThemeIndexPane

TABS = ("tab-board", "tab-catalysts", "tab-indicators", "tab-index", "tab-problems", "tab-pool", "tab-inbox")
REFRESH_LOG = logging.getLogger("theme_tracker.refresh")
#: What gets the focus when a tab is shown (by key, click or the command palette).
TAB_FOCUS = {"tab-board": "#board-table", "tab-catalysts": "#catalysts-table", "tab-indicators": "#indicators-table", "tab-index": "#theme-index", "tab-problems": "#problems-table", "tab-pool": "#pool-table", "tab-inbox": "#inbox-table"}
BENCHMARKS = ("sh000300", "sz399006")
#: A quote is stale in trading hours when older than this many refresh intervals.
STALE_INTERVALS = 1.5
#: What `n`/`e`/`d`/`m`/`t` open, by the active tab: functions of tui.ui.screens.forms
#: (imported when first used, to keep the forms off the first paint).
EDIT_ACTIONS: dict[tuple[str, str], str] = {
    ("tab-board", "new"): "open_add_stock",
    ("tab-board", "edit"): "open_edit_stock",
    ("tab-board", "delete"): "open_remove_stock",
    ("tab-board", "move"): "open_move_stock",
    ("tab-catalysts", "new"): "open_add_catalyst",
    ("tab-catalysts", "edit"): "open_edit_catalyst",
    ("tab-catalysts", "status"): "open_catalyst_status",
    ("tab-indicators", "new"): "open_add_reading",
    ("tab-pool", "new"): "open_add_stock_from_pool",  # issue 15: a limit-up stock into the theme
}
#: Command-palette labels of the edit actions (i18n keys).
EDIT_LABELS: dict[tuple[str, str], str] = {
    ("tab-board", "new"): "form.add_stock",
    ("tab-board", "edit"): "form.edit_stock",
    ("tab-board", "delete"): "form.remove_stock",
    ("tab-board", "move"): "form.move_stock",
    ("tab-catalysts", "new"): "form.add_catalyst",
    ("tab-catalysts", "edit"): "form.edit_catalyst",
    ("tab-catalysts", "status"): "form.catalyst_status",
    ("tab-indicators", "new"): "form.add_reading",
    ("tab-pool", "new"): "form.add_stock",
}
#: How often the app re-checks the market state and whether a poll is due (seconds).
TICK_SECONDS = 5.0
#: How often the YAML files are checked for changes made in an editor (seconds).
WATCH_SECONDS = 1.0
#: Refresh progress is shown at most this often (seconds).
PROGRESS_EVERY_S = 0.25


class ThemeTrackerApp(InboxMixin, AlertsMixin, App[int]):
    """The theme board, catalyst calendar and indicators of the user's themes."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    #: Below 110 columns the theme sidebar is hidden (switch themes with [ and ]).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    selected_theme_id: reactive[str | None] = reactive(None, init=False)

    def __init__(
        self,
        ctx: Context,
        *,
        language: str | None = None,
        today: date | None = None,
        now: Callable[[], datetime] | None = None,
        source_factory: Callable[[], Any] | None = None,
        load_data: bool = True,
        poll: bool = True,
    ) -> None:
        self.labels = Labels(language or ctx.settings.language)
        super().__init__()
        self.ctx = ctx
        self._today = today
        self._now = now
        self._source_factory = source_factory
        self._load_data = load_data
        self._poll = poll
        self.project = Project()
        self.inputs: Any = None
        self.calendar: Any = None
        self.refreshing = False
        self.refresh_count = 0
        self.last_summary: Any = None
        self._next_poll_at: float | None = None
        self._progress_shown_at = 0.0
        self._gc_thresholds: tuple[int, int, int] | None = None
        self.schedule: Any = None  # tui.jobs.schedule.InAppSchedule when enabled in settings
        self._stamps: dict[Any, tuple[int, int]] = {}
        self._files_loaded = False
        self._calendar_requested = False
        #: True once the start-up loads (stored quotes, then the calendar) have finished,
        #: whether they succeeded or not; always True when the app loads no data.
        self.data_started = not load_data
        #: What is wrong with the local store, once a read or write failed on it (else None).
        self.store_problem: str | None = None
        self.up_color = ctx.settings.up_color
        self.refresh_interval = ctx.settings.refresh_interval
        t = self.labels
        self.title = t("title")
        for key, action, desc, show in [
            ("q", "quit", t("bind.quit"), True),
            ("r", "refresh", t("bind.refresh"), True),
            ("right_square_bracket", "next_theme", t("bind.next_theme"), True),
            ("left_square_bracket", "prev_theme", t("bind.prev_theme"), True),
            ("1", "show_tab('tab-board')", t("tab.board"), False),
            ("2", "show_tab('tab-catalysts')", t("tab.catalysts"), False),
            ("3", "show_tab('tab-indicators')", t("tab.indicators"), False),
            ("4", "show_tab('tab-index')", t("tab.index"), False),
            ("5", "show_tab('tab-problems')", t("tab.problems"), False),
            ("6", "show_tab('tab-pool')", t("tab.pool"), False),
            ("7", "show_tab('tab-inbox')", t("tab.inbox"), False),
            ("a", "toggle_scope", t("bind.scope"), False),
            ("n", "edit('new')", t("bind.add"), True),
            ("e", "edit('edit')", t("bind.edit"), True),
            ("d", "edit('delete')", t("bind.delete"), False),
            ("m", "edit('move')", t("bind.move"), False),
            ("t", "edit('status')", t("bind.set_status"), False),
            ("R", "reload", t("bind.reload"), False),
            ("l", "show_alerts", t("bind.alerts"), False),  # issue 17
            ("b", "boards", t("bind.boards"), False),
            ("B", "board_diff", t("bind.board_diff"), False),
            ("question_mark", "help", t("bind.help"), True),
        ]:
            self._bindings.bind(key, action, desc, show=show)
        # Textual's footer entry for the palette ("palette"), in the UI's language.
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [replace(b, description=t("bind.palette"), tooltip=t("palette.placeholder")) if b.action == "command_palette" else b for b in bindings]

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        t = self.labels
        yield Header()
        with Horizontal(id="main"):
            yield ThemeSidebar(id="sidebar")
            with TabbedContent(id="tabs"):
                with TabPane(t("tab.board"), id="tab-board"):
                    yield BoardPane(t, up_color=self.up_color, id="board")
                with TabPane(t("tab.catalysts"), id="tab-catalysts"):
                    yield CatalystsPane(t, id="catalysts")
                with TabPane(t("tab.indicators"), id="tab-indicators"):
                    yield IndicatorsPane(t, id="indicators")
                with TabPane(t("tab.index"), id="tab-index"):
                    yield ThemeIndexPane(t, up_color=self.up_color, id="theme-index")
                with TabPane(t("tab.problems"), id="tab-problems"):
                    yield ProblemsPane(t, id="problems")
                with TabPane(t("tab.pool"), id="tab-pool"):
                    yield LimitPoolPane(t, up_color=self.up_color, id="limit-pool")
                with TabPane(t("tab.inbox"), id="tab-inbox"):
                    yield InboxPane(t, id="inbox")
        yield StatusLine(t, id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(CatalystsPane).set_data_dir(self.ctx.data_dir)
        self.load_files()
        self.query_one("#board-table").focus()
        self.watch(self.query_one(TabbedContent), "active", self._tab_shown, init=False)
        if self._load_data:
            # After the first frame: the store imports (pandas, sqlite-utils) would otherwise
            # compete with it for the GIL. The calendar (exchange-calendars) follows the
            # stored quotes, for the same reason.
            self.call_after_refresh(self.load_board_data)
        if self._poll:
            self.set_interval(TICK_SECONDS, self.tick)
        self.set_interval(WATCH_SECONDS, self.watch_files)

    # ------------------------------------------------------------------ time

    @property
    def today(self) -> date:
        return self._today or self.ctx.today()

    def now(self) -> datetime:
        """Now in Asia/Shanghai; with a frozen `today` and no clock, the evening of that day."""
        if self._now is not None:
            return self._now().astimezone(SHANGHAI)
        if self._today is not None or self.ctx.today_override is not None:
            d = self.today
            return datetime(d.year, d.month, d.day, 20, 0, tzinfo=SHANGHAI)
        return datetime.now(SHANGHAI)

    def make_source(self) -> Any:
        if self._source_factory is None:
            from tui.sources.factory import source_factory

            self._source_factory = source_factory()
        return self._source_factory()

    # ------------------------------------------------------------------ YAML

    def _recover_interrupted_edits(self) -> None:
        """Finish a move a killed run left half done (tui.config.journal); say what was done."""
        from tui.config.journal import recover

        try:
            messages = recover(self.ctx.watchlists)
        except OSError as exc:
            messages = [f"{self.ctx.watchlists}: {exc.strerror or exc}"]
        if messages:
            self.notify("\n".join(messages), title=self.labels("reload.recovered_edit"), severity="warning", timeout=10, markup=False)

    def load_files(self) -> None:
        """(Re)load the YAML files and redraw; problems go to the Problems tab.

        A file that has become invalid keeps showing its last valid version (its errors are
        listed with their lines); valid and new files take their new content.
        """
        self._recover_interrupted_edits()
        self._stamps = file_stamps(self.ctx.watchlists, self.ctx.catalysts)
        if self._files_loaded:
            new = load_project(self.ctx.watchlists, self.ctx.catalysts)
        else:  # the first paint: unchanged files come from the cache, without validating
            new = load_project_cached(self.ctx.watchlists, self.ctx.catalysts, self.ctx.data_dir)
        outcome = keep_last_valid(self.project if self._files_loaded else None, new, self.ctx.catalysts)
        self._files_loaded = True
        self.project = outcome.project
        if outcome.kept_last_valid:
            self.notify(
                "\n".join(display_path(p) for p in outcome.kept_last_valid),
                title=self.labels("reload.kept_last_valid"),
                severity="warning",
                timeout=8,
                markup=False,
            )
        ids = [theme.id for theme in self.project.themes]
        current = self.selected_theme_id if self.selected_theme_id in ids else (ids[0] if ids else None)
        self.query_one(ThemeSidebar).set_themes(self.project.themes, current)
        self.query_one(ProblemsPane).show(self.project.diagnostics)
        if self._load_data:
            self.query_one(LimitPoolPane).set_project(self.project, self.ctx.data_dir)
        if self.selected_theme_id == current:
            self.redraw()
        else:
            self.selected_theme_id = current
        errors = self.project.errors
        if errors:
            self.notify(
                "\n".join(str(d) for d in errors[:5]) + (f"\n… +{len(errors) - 5}" if len(errors) > 5 else ""),
                title=self.labels("problems.loaded_with_errors"),
                severity="error",
                timeout=8,
                markup=False,
            )

    @property
    def selected_theme(self) -> Theme | None:
        return self.project.theme(self.selected_theme_id) if self.selected_theme_id else None

    def watch_selected_theme_id(self, _old: str | None, _new: str | None) -> None:
        self.redraw()

    # ------------------------------------------------------------------ drawing

    def board_for(self, theme: Theme) -> tuple[Any, Any]:
        """The board frame and header summary of a theme from the last store read."""
        if self.inputs is None:
            return None, None
        from tui.analytics.board import build_board, summarize_board

        codes = [s.code for s in theme.stocks if s.code]
        names = {s.code: s.name for s in theme.stocks if s.code}
        now = self.now()
        stale_after = expected = None
        if self.calendar is not None:
            state = self.calendar.market_state(now)
            if state.is_trading:
                stale_after = timedelta(seconds=self.refresh_interval * STALE_INTERVALS)
            else:
                expected = self.calendar.last_close(now)
        board = build_board(codes, names, self.inputs.quotes, self.inputs.bars, now=now, stale_after=stale_after, expected_as_of=expected, raw_bars=getattr(self.inputs, "raw_bars", None))
        bench = self.inputs.benchmarks.get(theme.benchmark)
        summary = summarize_board(board, benchmark=theme.benchmark, benchmark_pct=bench.change_pct if bench else None)
        return board, summary

    def redraw(self) -> None:
        theme = self.selected_theme
        board, summary = self.board_for(theme) if theme is not None else (None, None)
        notice = None
        if summary is not None and summary.sample:
            notice = self.labels("notice.sample").format(as_of=(self.inputs.sample_as_of if self.inputs else None) or "—")
        elif summary is not None and summary.stale:
            notice = self.labels("notice.stale")
        self.query_one(BoardPane).inbox_counts = self.inbox_counts()
        self.query_one(BoardPane).show(self.project, theme, self.today, board, summary, notice=notice)
        self.query_one(CatalystsPane).show(self.project, theme, self.today)
        self.query_one(IndicatorsPane).show(theme, self.today)
        self.redraw_inbox()
        if self._load_data:
            self.query_one(ThemeIndexPane).show(theme, self.ctx.data_dir, self.today)
        self.update_status(summary)

    def update_status(self, summary: Any = None) -> None:
        t = self.labels
        p = self.project
        line = self.query_one(StatusLine)
        errors, warnings = len(p.errors), len(p.warnings)
        files = f"{display_path(self.ctx.watchlists)} · {display_path(self.ctx.catalysts)}"
        if errors or warnings:
            files = f"{t('status.problems')} {errors}/{warnings} · " + files
        changes: dict[str, Any] = {"files": files}
        if summary is not None and summary.as_of:
            changes["data_as_of"] = summary.as_of[:16].replace("T", " ")
            changes["sample"] = bool(summary.sample)
        if self.calendar is not None:
            now = self.now()
            state = self.calendar.market_state(now)
            changes["market"] = state.label_zh if t.language == "zh" else state.label_en
            changes["calendar_stale"] = self.calendar.stale_reason if self.calendar.calendar_stale else None
        line.set(**changes)

    # ------------------------------------------------------------------ workers

    @work(exclusive=True, group="board-data", exit_on_error=False)
    async def load_board_data(self) -> None:
        codes = self.project.listed_codes()
        benchmarks = list(dict.fromkeys([*BENCHMARKS, *(t.benchmark for t in self.project.themes)]))
        try:
            inputs = await run_in_daemon_thread(partial(read_inputs, self.ctx.data_dir, codes, benchmarks))
            self.post_message(BoardDataLoaded(inputs))
        finally:
            if not self._calendar_requested:
                self._calendar_requested = True
                self.load_calendar()

    @work(exclusive=True, group="calendar", exit_on_error=False)
    async def load_calendar(self) -> None:
        try:
            calendar = await run_in_daemon_thread(partial(make_calendar, self.ctx.data_dir, self.today))
            self.post_message(CalendarLoaded(calendar))
        finally:
            # Queued behind CalendarLoaded, so it runs once that has been handled.
            self.call_later(self._startup_finished)

    def _startup_finished(self) -> None:
        self.data_started = True
        if self._gc_thresholds is None:
            self._gc_thresholds = tune_garbage_collector()

    def start_refresh(self, *, manual: bool) -> bool:
        """Start a refresh unless one is running; never overlapping."""
        if self.refreshing:
            if manual:
                self.notify(self.labels("refresh.busy"), timeout=2)
            return False
        self.refreshing = True
        self.query_one(StatusLine).set(connection="refreshing", progress=None)
        self.refresh_worker(manual)
        return True

    @work(group="refresh", exit_on_error=False)
    async def refresh_worker(self, manual: bool) -> None:
        codes = self.project.listed_codes()
        benchmarks = list(dict.fromkeys([*BENCHMARKS, *(t.benchmark for t in self.project.themes)]))
        post = self.post_message  # thread-safe

        def progress(done: int, total: int, label: str) -> None:
            post(RefreshProgressed(done, total, label))

        job = partial(
            refresh_job, self.ctx.data_dir, self.make_source, codes, benchmarks,
            today=self.today, now=self.now(), history=manual, progress=progress,
        )
        summary, inputs = await run_in_daemon_thread(job, name="theme-tracker-refresh")
        self.post_message(RefreshFinished(summary, inputs, manual))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker failures are handled here: a notification and the status line, no traceback."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        message = f"{type(error).__name__}: {error}" if error is not None else "unknown error"
        if error is not None and self._store_failed(error, refresh=event.worker.group == "refresh"):
            return
        if event.worker.group == "refresh":
            self.refreshing = False
            self._schedule_next_poll()
            self.query_one(StatusLine).set(connection="offline", progress=None, last_error=message)
            self.notify(message, title=self.labels("refresh.failed"), severity="error", timeout=8, markup=False)
        else:
            self.notify(message, severity="error", timeout=8, markup=False)

    def _store_failed(self, error: BaseException, *, refresh: bool) -> bool:
        """A damaged, read-only or full store: say so, where, and how to recover, instead of
        "waiting for local data" forever or blaming the network. False for other errors."""
        from tui.store.health import db_path, is_store_error, store_kind

        if not is_store_error(error):
            return False
        kind = store_kind(error)
        text = self.labels(f"store.{kind}").format(path=db_path(self.ctx.data_dir), detail=str(error))
        first = self.store_problem != text
        self.store_problem = text
        if refresh:
            self.refreshing = False
            self._schedule_next_poll()
        self.query_one(StatusLine).set(progress=None, last_error=self.labels("store.problem_title"))
        self.query_one(BoardPane).store_problem = text
        self.redraw()
        if first or refresh:
            self.notify(text, title=self.labels("store.problem_title"), severity="error", timeout=15, markup=False)
        return True

    # ------------------------------------------------------------------ message handlers

    def on_board_data_loaded(self, message: BoardDataLoaded) -> None:
        self.inputs = message.inputs
        self.redraw()
        self.load_inbox()

    def on_calendar_loaded(self, message: CalendarLoaded) -> None:
        self.calendar = message.calendar
        self.query_one(CatalystsPane).set_calendar(message.calendar)
        self.query_one(BoardPane).set_calendar(message.calendar)
        self.redraw()
        if self.ctx.settings.run_schedule_in_app and self.schedule is None:
            self.start_in_app_schedule()

    def start_in_app_schedule(self) -> None:
        """Run the `schedule` command's jobs inside the app (setting run_schedule_in_app):
        quote slots start the app's own refresh; the after-close job refreshes history and
        writes the snapshot in a daemon thread."""
        from tui.jobs.schedule import InAppSchedule, ScheduleRunner

        runner = ScheduleRunner(
            data_dir=self.ctx.data_dir, watchlists=self.ctx.watchlists, catalysts=self.ctx.catalysts,
            refresh_interval=self.refresh_interval, source_factory=self.make_source, clock=self.now,
            alert_hook=self.brief_hook(),  # issue 17: the daily brief; alerts are checked below
        )

        async def on_quotes() -> None:
            self.start_refresh(manual=False)

        async def on_close(_session: date) -> None:
            result = await run_in_daemon_thread(runner.close_job, name="theme-tracker-close-job")
            self.notify(result, title=self.labels("schedule.close_done"), timeout=6, markup=False)
            self.load_board_data()
            self.check_alerts()

        self.schedule = InAppSchedule(on_quotes, on_close, interval=max(1, round(self.refresh_interval / 60)), calendar=self.calendar, clock=self.now)
        self.schedule.start()

    def on_unmount(self) -> None:
        if self.schedule is not None:
            self.schedule.shutdown()
        if self._gc_thresholds is not None:
            restore_garbage_collector(self._gc_thresholds)
            self._gc_thresholds = None

    def on_refresh_progressed(self, message: RefreshProgressed) -> None:
        # At most a few updates a second: a refresh of a long watchlist reports thousands of
        # steps, and each repaint takes the GIL from the refresh thread.
        now = time.monotonic()
        if self.refreshing and (now - self._progress_shown_at >= PROGRESS_EVERY_S or message.done == message.total):
            self._progress_shown_at = now
            self.query_one(StatusLine).set(progress=f"{message.done}/{message.total}")

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        from tui.jobs.refresh import format_summary

        self.refreshing = False
        self.refresh_count += 1
        self.last_summary = message.summary
        self.inputs = message.inputs
        summary = message.summary
        # The details (codes, akshare function names) go to the log; the notice says in the
        # UI's language what failed and why.
        for line in format_summary(summary, verbose=True):
            REFRESH_LOG.info("%s", line)
        failed = refresh_failure_lines(summary, self.labels)
        offline = getattr(summary, "aborted_offline", False) or (summary.fetched == 0 and summary.unchanged == 0 and summary.failed > 0)
        self.query_one(StatusLine).set(
            connection="offline" if offline else "online",
            progress=None,
            last_error=failed[0] if failed else None,
        )
        if failed:
            self.notify("\n".join(failed), title=self.labels("refresh.failed"), severity="warning" if not offline else "error", timeout=8, markup=False)
        elif message.manual:
            self.notify(self.labels("refresh.done"), timeout=2)
        self._schedule_next_poll()
        self.query_one(ThemeIndexPane).refresh_data()
        self.query_one(LimitPoolPane).refresh_data()
        self.query_one(CatalystsPane).invalidate_reactions()
        self.redraw()
        if summary.fetched or summary.unchanged:
            self.check_alerts()  # issue 17: evaluate the alert rules on what was stored

    # ------------------------------------------------------------------ watching files

    def watch_files(self) -> None:
        """Reload when a watched YAML file changed on disk (saved in an editor, or by the CLI)."""
        stamps = file_stamps(self.ctx.watchlists, self.ctx.catalysts)
        if stamps == self._stamps:
            return
        codes_before = self.project.listed_codes()
        try:
            self.load_files()
        except NoMatches:  # the app is closing and its widgets are gone: nothing to show
            return
        if self._load_data and self.project.listed_codes() != codes_before:
            self.load_board_data()

    # ------------------------------------------------------------------ polling

    def _schedule_next_poll(self) -> None:
        self._next_poll_at = time.monotonic() + self.refresh_interval

    def tick(self) -> None:
        """Re-check the market state; start a quote poll when trading and one is due."""
        if self.calendar is None:
            return
        try:
            self.update_status()
        except NoMatches:  # the app is closing (see watch_files)
            return
        if self.schedule is not None:  # the in-app schedule owns polling
            return
        state = self.calendar.market_state(self.now())
        if not state.is_trading or self.refreshing:
            return
        if self._next_poll_at is None or time.monotonic() >= self._next_poll_at:
            self.start_refresh(manual=False)

    # ------------------------------------------------------------------ events and actions

    @on(OptionList.OptionHighlighted, "#sidebar")
    def _theme_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.selected_theme_id = event.option.id

    @on(BoardPane.StockSelected)
    def _stock_selected(self, event: BoardPane.StockSelected) -> None:
        theme = self.selected_theme
        if theme is None:
            return
        try:
            from tui.ui.screens.stock_detail import StockDetailScreen
        except ImportError:  # pragma: no cover - the detail screen ships with the board
            return
        self.push_screen(StockDetailScreen(event.stock, theme, self.project, self.ctx.data_dir, self.labels, self.today, up_color=self.up_color))

    def _step_theme(self, step: int) -> None:
        ids = [theme.id for theme in self.project.themes]
        if not ids:
            return
        i = ids.index(self.selected_theme_id) if self.selected_theme_id in ids else 0
        new = ids[(i + step) % len(ids)]
        sidebar = self.query_one(ThemeSidebar)
        sidebar.highlighted = sidebar.get_option_index(new)
        self.selected_theme_id = new

    def action_next_theme(self) -> None:
        self._step_theme(1)

    def action_prev_theme(self) -> None:
        self._step_theme(-1)

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def _tab_shown(self, tab: str) -> None:
        """Focus the shown tab's main widget (a watcher of the tabs' `active`: by key, click or
        palette). At once: the hidden tab's focused table would otherwise, on its Hide event,
        hand the focus to a sibling, its filter box, whose focus switches back to the hidden
        tab. And again after pending callbacks: a click focuses the tab bar afterwards."""
        self._focus_tab(tab)
        self.call_later(self._focus_tab, tab)

    def _focus_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.active != tab:
            return
        pane = tabs.get_pane(tab)
        focused = pane.screen.focused
        if focused is not None and pane in focused.ancestors:  # e.g. a filter opened from the palette
            return
        pane.screen.set_focus(pane.query_one(TAB_FOCUS[tab]))

    def action_toggle_scope(self) -> None:
        self.query_one(CatalystsPane).toggle_scope()
        self.query_one(TabbedContent).active = "tab-catalysts"

    def action_reload(self) -> None:
        self.load_files()
        if self._load_data:
            self.load_board_data()
        self.notify(self.labels("bind.reload") + " ✓", timeout=2)

    def action_refresh(self) -> None:
        if self.start_refresh(manual=True):
            self.notify(self.labels("refresh.started"), timeout=2)

    def action_edit(self, what: str) -> None:
        """`n` new, `e` edit, `d` delete, `m` move, `t` status: what they edit depends on the tab."""
        opener = EDIT_ACTIONS.get((self.query_one(TabbedContent).active, what))
        if opener is None:
            self.notify(self.labels("form.not_here"), severity="warning", timeout=3)
            return
        self._open_form(opener)

    def _open_form(self, opener: str) -> None:
        from tui.ui.screens import forms

        getattr(forms, opener)(self)

    #: Actions about the main screen's tabs and themes: off while another screen (a stock's
    #: detail, the boards view) is on top, where their keys would act on what is hidden.
    MAIN_SCREEN_ACTIONS = frozenset({"next_theme", "prev_theme", "show_tab", "toggle_scope", "edit", "boards", "board_diff"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.MAIN_SCREEN_ACTIONS and len(self.screen_stack) > 1:
            return False
        return True

    def action_boards(self) -> None:
        """`b`: the concept/industry boards (cached, fetched when old), searchable."""
        from tui.ui.screens.boards import BoardsScreen

        self.push_screen(BoardsScreen(self.labels, self.ctx.data_dir, self.make_source_factory(), self.selected_theme, self.project))

    def action_board_diff(self) -> None:
        """`B`: the selected theme against the boards it records (`boards:` in its file)."""
        theme = self.selected_theme
        if theme is None:
            self.notify(self.labels("boards.no_theme"), severity="warning", timeout=3)
            return
        from tui.ui.screens.boards import ThemeDiffScreen

        self.push_screen(ThemeDiffScreen(self.labels, self.ctx.data_dir, self.make_source_factory(), theme))

    def make_source_factory(self) -> Callable[[], Any] | None:
        """The source factory the board views fetch through (None: no network, cache only)."""
        return self.make_source if self._load_data else None

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.labels.language))

    def _open_from_palette(self, tab: str, opener: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._open_form(opener)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=self.labels("palette.placeholder")))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own entries (theme, keys, maximize, screenshot) in the UI's language, then
        the app's; each description says what the entry does, never its title again."""
        t = self.labels
        yield SystemCommand(t("palette.theme"), t("palette.theme_help"), self.action_change_theme)
        yield SystemCommand(t("bind.quit"), t("palette.quit_help"), self.action_quit)
        if screen.query("HelpPanel"):
            yield SystemCommand(t("palette.keys"), t("palette.keys_hide"), self.action_hide_help_panel)
        else:
            yield SystemCommand(t("palette.keys"), t("palette.keys_help"), self.action_show_help_panel)
        if screen.maximized is not None:
            yield SystemCommand(t("palette.minimize"), t("palette.minimize_help"), screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(t("palette.maximize"), t("palette.maximize_help"), screen.action_maximize)
        yield SystemCommand(t("palette.screenshot"), t("palette.screenshot_help"), lambda: self.set_timer(0.1, self.deliver_screenshot))
        board = self.query_one(BoardPane)
        yield SystemCommand(t("bind.refresh"), t("palette.refresh_help"), self.action_refresh)
        yield SystemCommand(t("bind.next_theme"), t("palette.theme_step_help") + " · ]", self.action_next_theme)
        yield SystemCommand(t("bind.prev_theme"), t("palette.theme_step_help") + " · [", self.action_prev_theme)
        for i, tab in enumerate(TABS, start=1):
            key = "tab." + tab.removeprefix("tab-")
            yield SystemCommand(t(key), f"{t('bind.tab')} · {i}", partial(self.action_show_tab, tab))
        sort_help = t("palette.sort_help")
        yield SystemCommand(t("sort.label") + " → " + t("sort.segment"), sort_help + " · g", board.action_group_by_segment)
        yield SystemCommand(t("sort.label") + " → " + t("sort.user"), sort_help, partial(board.set_sort, "user"))
        yield SystemCommand(t("sort.label") + " → " + t("col.change_pct"), sort_help, partial(board.set_sort, "change_pct"))
        yield SystemCommand(t("sort.label") + " → " + t("col.amount"), sort_help, partial(board.set_sort, "amount"))
        yield SystemCommand(t("sort.label") + " → " + t("sort.reverse"), t("palette.reverse_help") + " · o", board.action_reverse_sort)
        yield SystemCommand(t("filter.label"), t("filter.placeholder"), board.action_focus_filter)
        yield SystemCommand(t("bind.scope"), t("palette.scope_help") + " · a", self.action_toggle_scope)
        keys = {"new": "n", "edit": "e", "delete": "d", "move": "m", "status": "t"}
        for (tab, what), opener in EDIT_ACTIONS.items():
            tab_name = t("tab." + tab.removeprefix("tab-"))
            label = f"{tab_name} → {t(EDIT_LABELS[tab, what])}"
            yield SystemCommand(label, f"{t('palette.form_help')} · {keys[what]}", partial(self._open_from_palette, tab, opener))
        yield SystemCommand(t("bind.boards"), t("boards.title"), self.action_boards)
        yield SystemCommand(t("bind.board_diff"), t("diff.describe"), self.action_board_diff)
        yield SystemCommand(t("bind.reload"), t("palette.reload_help") + " · R", self.action_reload)
        yield SystemCommand(t("bind.alerts"), t("palette.alerts_help") + " · l", self.action_show_alerts)
        yield SystemCommand(t("bind.help"), t("palette.help_help") + " · ?", self.action_help)


def make_app(
    ctx: Context,
    *,
    language: str | None = None,
    today: date | None = None,
    now: Callable[[], datetime] | None = None,
    source_factory: Callable[[], Any] | None = None,
    load_data: bool = True,
    poll: bool = True,
) -> ThemeTrackerApp:
    """The one factory the CLI and the tests use to build the app."""
    return ThemeTrackerApp(ctx, language=language, today=today, now=now, source_factory=source_factory, load_data=load_data, poll=poll)
