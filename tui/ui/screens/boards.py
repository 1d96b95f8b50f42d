"""Concept and industry boards in the app: browse and search them (`b`), open a board's
constituents, add one to the current theme, and compare a theme with its boards.

The screens only render and route keys. The data comes from tui.views.boards in daemon
threads (cache first, a fetch when the cached copy is old, stale marks when a fetch fails);
edits go through the comment-preserving editor, as the forms' do.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from tui.domain.models import Theme
from tui.formats import fmt_amount, fmt_pct, fmt_price
from tui.ui.background import run_in_daemon_thread
from tui.ui.cell import plain_cells
from tui.ui.i18n import Labels


def _as_of(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else "—"


def _status_text(t: Labels, count: int, as_of: datetime | None, stale: bool, error: str | None) -> str:
    text = t("boards.count").format(n=count, as_of=_as_of(as_of))
    if stale:
        text += " · " + t("boards.stale").format(error=error or t("boards.offline"))
    return text


class _BoardScreenBase(Screen[None]):
    DEFAULT_CSS = """
    _BoardScreenBase > Vertical { height: 1fr; }
    _BoardScreenBase .screen-title { height: 1; padding: 0 1; text-style: bold; }
    _BoardScreenBase .screen-status { height: 1; padding: 0 1; color: $text-muted; }
    _BoardScreenBase DataTable { height: 1fr; }
    """

    def __init__(self, labels: Labels, data_dir: Any, source_factory: Any) -> None:
        super().__init__()
        self.t = labels
        self.data_dir = data_dir
        self.source_factory = source_factory
        #: What the loader returned (a view of tui.views.boards), and whether it has arrived.
        self.view: Any = None
        self.loaded = False
        self._bindings.bind("escape", "back", labels("bind.back"))

    def make_table(self, table_id: str, columns: tuple[tuple[str, str, int], ...]) -> DataTable:
        """A row-cursor table with fixed-width columns: (key, label key, width)."""
        table: DataTable = DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
        for key, label, width in columns:
            table.add_column(self.t(label), key=key, width=width)
        return table

    def action_back(self) -> None:
        self.dismiss(None)

    def set_status(self, text: str) -> None:
        self.query_one(".screen-status", Static).update(text)


class BoardsScreen(_BoardScreenBase):
    """Every concept and industry board, biggest move first, with a search box."""

    def __init__(self, labels: Labels, data_dir: Any, source_factory: Any, theme: Theme | None, project: Any) -> None:
        super().__init__(labels, data_dir, source_factory)
        self.theme = theme
        self.project = project
        t = labels
        self._bindings.bind("enter", "open", t("boards.bind.open"))
        self._bindings.bind("c", "compare", t("boards.bind.compare"))
        self._bindings.bind("r", "reload(True)", t("bind.refresh"))
        self._bindings.bind("slash", "search", t("boards.bind.search"))

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical():
            yield Static(t("boards.title"), classes="screen-title", markup=False)
            yield Input(placeholder=t("boards.search"), id="boards-search")
            yield self.make_table("boards-table", (("kind", "col.kind", 8), ("code", "col.code", 6), ("name", "boards.col.name", 16),
                                      ("change", "col.change_pct", 8), ("breadth", "boards.col.breadth", 9),
                                      ("leader", "boards.col.leader", 10), ("leader_change", "boards.col.leader_change", 11)))
            yield Static(t("boards.loading"), classes="screen-status", id="boards-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#boards-table", DataTable).focus()
        self.load(False)

    @work(exclusive=True, group="boards", exit_on_error=False)
    async def load(self, refresh: bool) -> None:
        from tui.views.boards import load_boards

        self.set_status(self.t("boards.loading"))
        view = await run_in_daemon_thread(partial(load_boards, self.data_dir, self.source_factory, refresh=refresh, now=self.app.now),
                                          name="theme-tracker-boards")
        self.view = view
        self.loaded = True
        self.show_rows()

    def show_rows(self) -> None:
        from tui.views.boards import filter_boards

        t = self.t
        view = self.view
        table = self.query_one("#boards-table", DataTable)
        table.clear()
        if view is None:
            return
        rows = filter_boards(view.rows, self.query_one("#boards-search", Input).value)
        for r in rows:
            breadth = f"{r.up if r.up is not None else '—'}/{r.down if r.down is not None else '—'}"
            table.add_row(*plain_cells(t(f"boards.kind.{r.kind}"), r.code, r.name, fmt_pct(r.change_pct), breadth,
                                       r.leader or "—", fmt_pct(r.leader_change_pct)), key=r.code)
        if not view.rows:
            self.set_status(t("boards.none").format(error=view.error or t("boards.offline")))
        else:
            self.set_status(_status_text(t, len(rows), view.as_of, view.stale, view.error))

    @on(Input.Changed, "#boards-search")
    def _search_changed(self) -> None:
        self.show_rows()

    @on(Input.Submitted, "#boards-search")
    def _search_done(self) -> None:
        self.query_one("#boards-table", DataTable).focus()

    @on(DataTable.RowSelected, "#boards-table")
    def _row_selected(self) -> None:
        self.action_open()

    def _highlighted(self) -> Any:
        table = self.query_one("#boards-table", DataTable)
        if self.view is None or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.view.rows if r.code == key), None)

    def action_search(self) -> None:
        self.query_one("#boards-search", Input).focus()

    def action_back(self) -> None:
        search = self.query_one("#boards-search", Input)
        if search.value:
            search.value = ""
            self.query_one("#boards-table", DataTable).focus()
            return
        self.dismiss(None)

    def action_reload(self, refresh: bool) -> None:
        self.load(bool(refresh))

    def action_open(self) -> None:
        row = self._highlighted()
        if row is not None:
            self.app.push_screen(BoardMembersScreen(self.t, self.data_dir, self.source_factory, row.code, row.name,
                                                    row.kind, self.theme, self.project))

    def action_compare(self) -> None:
        row = self._highlighted()
        if row is None or self.theme is None:
            return
        self.app.push_screen(ThemeDiffScreen(self.t, self.data_dir, self.source_factory, self.theme,
                                             [(row.code, row.name, row.kind)]))


class BoardMembersScreen(_BoardScreenBase):
    """A board's constituents with their quotes; `a` adds the highlighted one to the theme."""

    def __init__(self, labels: Labels, data_dir: Any, source_factory: Any, code: str, name: str, kind: str,
                 theme: Theme | None, project: Any) -> None:
        super().__init__(labels, data_dir, source_factory)
        self.board_code, self.board_name, self.board_kind = code, name, kind
        self.theme = theme
        self.project = project
        t = labels
        self._bindings.bind("a", "add", t("boards.bind.add"))
        self._bindings.bind("c", "compare", t("boards.bind.compare"))
        self._bindings.bind("r", "reload(True)", t("bind.refresh"))

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical():
            yield Static(t("boards.members_title").format(name=self.board_name, code=self.board_code), classes="screen-title", markup=False)
            yield self.make_table("members-table", (("code", "col.code", 6), ("name", "col.name", 10), ("price", "col.price", 8),
                                      ("change", "col.change_pct", 8), ("amount", "col.amount", 9),
                                      ("turnover", "col.turnover", 8), ("themes", "boards.col.themes", 24)))
            yield Static(t("boards.loading"), classes="screen-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#members-table", DataTable).focus()
        self.load(False)

    @work(exclusive=True, group="board-members", exit_on_error=False)
    async def load(self, refresh: bool) -> None:
        from tui.views.boards import load_members

        themes = list(self.project.themes) if self.project is not None else []
        job = partial(load_members, self.data_dir, self.source_factory, self.board_code, self.board_name, self.board_kind, themes,
                      refresh=refresh, now=self.app.now)
        self.view = await run_in_daemon_thread(job, name="theme-tracker-board-members")
        self.loaded = True
        self.show_rows()

    def show_rows(self) -> None:
        t = self.t
        table = self.query_one("#members-table", DataTable)
        table.clear()
        view = self.view
        for r in view.rows:
            table.add_row(*plain_cells(r.code, r.name, fmt_price(r.price), fmt_pct(r.change_pct), fmt_amount(r.amount),
                                       fmt_pct(r.turnover_rate, sign=False), "、".join(r.themes)), key=r.code)
        if not view.rows:
            self.set_status(t("boards.no_members").format(error=view.error or t("boards.offline")))
            return
        held = sum(1 for r in view.rows if r.themes)
        status = _status_text(t, len(view.rows), view.as_of, view.stale, view.error)
        self.set_status(status + " · " + t("boards.held").format(n=held))

    def action_reload(self, refresh: bool) -> None:
        self.load(bool(refresh))

    def action_compare(self) -> None:
        if self.theme is not None:
            self.app.push_screen(ThemeDiffScreen(self.t, self.data_dir, self.source_factory, self.theme,
                                                 [(self.board_code, self.board_name, self.board_kind)]))

    def action_add(self) -> None:
        t = self.t
        table = self.query_one("#members-table", DataTable)
        if self.view is None or table.row_count == 0:
            return
        if self.theme is None:
            self.notify(t("boards.no_theme"), severity="warning", timeout=4)
            return
        code = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        row = next(r for r in self.view.rows if r.code == code)
        if self.theme.id in row.themes:
            self.notify(t("boards.already").format(stock=f"{row.code} {row.name}", theme=self.theme.name),
                        timeout=3, markup=False)
            return
        self._add(row)

    @work(group="board-edit", exit_on_error=False)
    async def _add(self, row: Any) -> None:
        if await add_to_theme(self.app, self.theme, row.code, row.name, f"{self.board_name}（{self.board_code}）"):
            row.themes.append(self.theme.id)
            self.show_rows()


def _add_stock(path: Any, code: str, name: str, source: dict[str, str]) -> Any:
    """Blocking: add a stock through the comment-preserving editor (runs in a daemon thread)."""
    from tui.config.editing import WatchlistEditor

    return WatchlistEditor(path).add_stock(code, name=name, source=source)


async def add_to_theme(app: Any, theme: Theme, code: str, name: str, board_label: str) -> bool:
    """Add a stock to the theme's file (source: the board, dated), off the UI thread; notify."""
    from tui.config.editing import EditError, find_theme_file
    from tui.ui.screens.forms import reload_after_edit

    source = {"outlet": "东方财富", "title": f"板块成分 {board_label}", "date": app.today.isoformat()}
    try:
        path = find_theme_file(app.ctx.watchlists, theme.id)
        result = await run_in_daemon_thread(partial(_add_stock, path, code, name, source), name="theme-tracker-edit")
    except EditError as exc:
        app.notify(str(exc), title=app.labels("boards.refused"), severity="error", timeout=6, markup=False)
        return False
    reload_after_edit(app, result)
    return True


class ThemeDiffScreen(_BoardScreenBase):
    """A theme against boards: `a` adds a board member the theme lacks, `x` removes (after a
    confirmation) a theme stock no board has. Nothing is applied without its own key press."""

    def __init__(self, labels: Labels, data_dir: Any, source_factory: Any, theme: Theme,
                 boards: list[tuple[str, str, str]] | None = None) -> None:
        super().__init__(labels, data_dir, source_factory)
        self.theme = theme
        self.boards = boards
        t = labels
        self._bindings.bind("a", "add", t("boards.bind.add"))
        self._bindings.bind("x", "remove", t("boards.bind.remove"))

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical():
            yield Static(t("diff.title").format(theme=self.theme.name), classes="screen-title", id="diff-title", markup=False)
            yield self.make_table("diff-table", (("side", "diff.col.side", 14), ("code", "col.code", 6), ("name", "col.name", 10),
                                      ("change", "col.change_pct", 8), ("where", "diff.col.where", 30)))
            yield Static(t("boards.loading"), classes="screen-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#diff-table", DataTable).focus()
        self.load()

    @work(exclusive=True, group="theme-diff", exit_on_error=False)
    async def load(self) -> None:
        from tui.views.boards import load_theme_diff

        job = partial(load_theme_diff, self.data_dir, self.source_factory, self.theme, self.boards, now=self.app.now)
        self.view = await run_in_daemon_thread(job, name="theme-tracker-theme-diff")
        self.loaded = True
        self.show_rows()

    def show_rows(self) -> None:
        t = self.t
        table = self.query_one("#diff-table", DataTable)
        table.clear()
        view = self.view
        if view.diff is None:
            key = "diff.no_board" if view.error == "no_board" else "boards.no_members"
            self.set_status(t(key).format(error=view.error or ""))
            return
        diff = view.diff
        self.query_one("#diff-title", Static).update(
            t("diff.title").format(theme=self.theme.name) + " ↔ " + "、".join(diff.boards))
        for s in diff.missing:
            table.add_row(*plain_cells(t("diff.missing"), s.code, s.name, fmt_pct(s.change_pct), "、".join(s.boards)),
                          key=f"+{s.code}")
        for s in diff.extra:
            table.add_row(*plain_cells(t("diff.extra"), s.code, s.name, "—", s.segment or "—"), key=f"-{s.code}")
        summary = t("diff.summary").format(common=diff.common, missing=len(diff.missing), extra=len(diff.extra))
        if view.stale:
            summary += " · " + t("boards.stale").format(error=t("boards.offline"))
        self.set_status(summary)

    def _highlighted_key(self) -> str | None:
        table = self.query_one("#diff-table", DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_add(self) -> None:
        key = self._highlighted_key()
        if not key or not key.startswith("+") or self.view is None:
            return
        self._add(key)

    @work(group="board-edit", exit_on_error=False)
    async def _add(self, key: str) -> None:
        s = next(s for s in self.view.diff.missing if s.code == key[1:])
        if await add_to_theme(self.app, self.theme, s.code, s.name, "、".join(s.boards)):
            self._drop(key)

    def action_remove(self) -> None:
        key = self._highlighted_key()
        if not key or not key.startswith("-") or self.view is None:
            return
        from tui.ui.screens.forms import open_remove_stock, reload_after_edit

        stock = next(s for s in self.theme.stocks if s.code == key[1:])

        def saved(result: Any) -> None:
            reload_after_edit(self.app, result)
            self._drop(key)

        open_remove_stock(self.app, stock, on_saved=saved)

    def _drop(self, key: str) -> None:
        self.query_one("#diff-table", DataTable).remove_row(key)
