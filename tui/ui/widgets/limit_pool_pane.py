"""The 涨停池 tab: the whole market's limit-ups, the user's themes' first, then the rest by
所属行业; `n` adds the highlighted stock to the selected theme (the add-stock form, prefilled).

Only draws and routes keys: the rows and figures come from :mod:`tui.views.limit_pool`, read
in a thread worker that opens its own store (on the tab's first Show, then after refreshes).
"""

from __future__ import annotations

from rich.cells import cell_len

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from tui.formats import fmt_amount, fmt_pct
from tui.ui.cell import Cell
from tui.ui.i18n import Labels
from tui.ui.widgets.detail import DetailPanel

GROUP_PREFIX = "group:"
WORKER_GROUP = "limit-pool"
COLUMNS: list[tuple[str, str, int]] = [
    ("code", "col.code", 10),
    ("name", "col.name", 8),
    ("ladder", "col.ladder", 9),
    ("first_seal", "pool.first_seal", 8),
    ("opens", "pool.opens", 6),
    ("change_pct", "col.change_pct", 7),
    ("amount", "col.amount", 8),
    ("industry", "pool.industry", 10),
    ("themes", "pool.in_theme", 20),
]


@dataclass
class LimitPoolLoaded(Message):
    request: int
    view: Any  # tui.views.limit_pool.PoolView
    error: str | None = None


class LimitPoolPane(Vertical):
    """Market ladder header, the grouped pool table and the highlighted stock's detail."""

    DEFAULT_CSS = """
    LimitPoolPane #pool-header { height: auto; max-height: 4; padding: 0 1; }
    LimitPoolPane DataTable { height: 1fr; }
    LimitPoolPane DetailPanel { height: auto; max-height: 6; }
    """

    def __init__(self, labels: Labels, *, up_color: str = "red", **kw) -> None:
        super().__init__(**kw)
        self.t = labels
        self.up_color = up_color
        self.view: Any = None
        self.error: str | None = None
        self._data_dir: Path | None = None
        self._themes: list[tuple[str, str, list[str]]] = []
        self._names: dict[str, str] = {}
        self._request = 0
        self._shown = False
        self._pending = False

    def compose(self) -> ComposeResult:
        yield Static(self.t("pool.none"), id="pool-header")
        table: DataTable = DataTable(id="pool-table", cursor_type="row", fixed_columns=2)
        for key, label, width in COLUMNS:
            text = self.t(label)
            table.add_column(text, key=key, width=max(width, cell_len(text)))  # a label is never cut
        yield table
        yield DetailPanel(id="pool-detail")

    # ------------------------------------------------------------------ data in

    def set_project(self, project: Any, data_dir: Path) -> None:
        """The user's themes (for membership) and where the store is; loads when shown."""
        themes = [(t.id, t.name, [s.code for s in t.stocks if s.code]) for t in project.themes]
        names = {s.code: s.name for t in project.themes for s in t.stocks if s.code}
        changed = themes != self._themes or Path(data_dir) != self._data_dir
        self._themes, self._names, self._data_dir = themes, names, Path(data_dir)
        if changed:
            self.refresh_data()

    def refresh_data(self) -> None:
        if self._data_dir is None:
            return
        if not self._shown:
            self._pending = True
            return
        self._request += 1
        self._load(self._request, self._data_dir, list(self._themes), dict(self._names))

    def on_show(self) -> None:
        self.query_one("#pool-table", DataTable).focus()  # keys (n, arrows) act on the pool
        if not self._shown:
            self._shown = True
            if self._pending or self.view is None:
                self._pending = False
                self.refresh_data()

    @work(thread=True, exclusive=True, exit_on_error=False, group=WORKER_GROUP)
    def _load(self, request: int, data_dir: Path, themes: list, names: dict) -> None:
        try:
            from tui.views.limit_pool import load_pool_view

            view = load_pool_view(data_dir, themes, names)
        except Exception as exc:  # shown in the pane, never a crash
            if not get_current_worker().is_cancelled:
                self.post_message(LimitPoolLoaded(request, None, f"{type(exc).__name__}: {exc}"))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(LimitPoolLoaded(request, view))

    @on(LimitPoolLoaded)
    def _loaded(self, message: LimitPoolLoaded) -> None:
        message.stop()
        if message.request != self._request:
            return
        self.error = message.error
        if message.view is not None:
            self.view = message.view
        self._draw()

    # ------------------------------------------------------------------ drawing

    def _color(self, name: str) -> str:
        return self.app.theme_variables.get(name, "") if self.is_attached else ""

    def _up(self) -> str:
        return self._color("error") if self.up_color == "red" else self._color("success")

    def _height(self, streak: int, one_word: bool | None) -> str:
        t = self.t
        text = t("ladder.first") if streak == 1 else f"{streak}{t('ladder.board')}"
        return f"{text} {t('ladder.one_word')}" if one_word else text

    def _header(self) -> Text:
        t, view = self.t, self.view
        text = Text()
        if self.error:
            text.append(self.error + "\n", style=f"bold {self._color('warning')}")
        if view is None or not view.has_data:
            text.append(t("pool.none"), style="dim")
            return text
        from tui.views.ladder_text import ladder_counts, rate_text

        text.append(t("pool.title") if not view.fallback else t("pool.ladder"), style="bold")
        text.append(f"  {t('pool.as_of')} {view.session}", style="dim")
        if view.top is not None:
            text.append(f"  {t('header.top_streak')} ")
            text.append(f"{view.top.name} {view.top.code} {self._height(view.top.streak, view.top.one_word)}", style=f"bold {self._up()}")
        text.append(f"\n{t('pool.ladder')} {ladder_counts(view.ladder, t) or '—'}")
        text.append(f"  {t('flag.limit_up')} {view.limit_up}  {t('pool.broken_count')} {view.broken}  {t('pool.limit_down')} {view.limit_down}")
        text.append(f"  {t('header.broken_rate')} {rate_text(view.broken, view.broken + view.limit_up, view.broken_rate)}")
        text.append(f"  {t('header.promotion')} {rate_text(view.promoted, view.prev_limit_up, view.promotion_rate)}")
        steps = [f"{t('pool.step').format(h=h, n=h + 1)} {d}/{n}" for h, (d, n) in view.promotion_by_height.items()]
        if steps:
            text.append(" (" + " ".join(steps) + ")", style="dim")
        if view.fallback:
            note = t("pool.fallback") + (f" · {t('flag.sample_long')}" if view.sample else "")
            text.append("\n" + note, style=f"bold {self._color('warning')}")
        else:
            text.append(f"\n{t('pool.add_hint')}", style="dim")
        return text

    def _draw(self) -> None:
        self.query_one("#pool-header", Static).update(self._header())
        table = self.query_one("#pool-table", DataTable)
        cursor = self.highlighted_key()
        table.clear()
        view = self.view
        if view is None:
            return
        t = self.t
        for group in view.groups:
            cells = {k: Cell("") for k, _l, _w in COLUMNS}
            cells["code"] = Cell(f"▌{group.title}", "bold" if group.in_theme else f"bold {self._color('warning')}")
            cells["name"] = Cell(f"({len(group.rows)})", "bold dim")
            cells["industry"] = Cell(t("pool.industry") if not group.in_theme else "", "dim")
            cells["themes"] = Cell("" if group.in_theme else t("pool.no_theme"), f"bold {self._color('warning')}")
            table.add_row(*(cells[k] for k, _l, _w in COLUMNS), key=GROUP_PREFIX + group.key)
            for r in group.rows:
                row = {
                    "code": Cell(r.code),
                    "name": Cell(r.name),
                    "ladder": Cell(self._height(r.streak, r.one_word), f"bold {self._up()}"),
                    "first_seal": Cell(r.first_seal or ""),
                    "opens": Cell("" if r.opens is None else str(r.opens), justify="right"),
                    "change_pct": Cell(fmt_pct(r.change_pct), self._up() if (r.change_pct or 0) > 0 else "", "right"),
                    "amount": Cell(fmt_amount(r.amount), justify="right"),
                    "industry": Cell(r.industry or ""),
                    "themes": Cell("、".join(r.themes) if r.themes else t("pool.no_theme"), "" if r.themes else "dim"),
                }
                table.add_row(*(row[k] for k, _l, _w in COLUMNS), key=f"{group.key}|{r.code}")
        keys = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]
        if keys:
            target = keys.index(cursor) if cursor in keys else next((i for i, k in enumerate(keys) if not k.startswith(GROUP_PREFIX)), 0)
            table.move_cursor(row=target, animate=False)
        self._show_detail()

    # ------------------------------------------------------------------ selection

    def highlighted_key(self) -> str | None:
        table = self.query_one("#pool-table", DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def highlighted_row(self) -> tuple[Any, str | None]:
        """(the highlighted PoolRow or None, the pool's session)."""
        key = self.highlighted_key() or ""
        if self.view is None or "|" not in key:
            return None, None
        return self.view.row(key.split("|", 1)[1]), self.view.session

    @on(DataTable.RowHighlighted, "#pool-table")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        panel = self.query_one(DetailPanel)
        row, session = self.highlighted_row()
        if row is None:
            panel.clear()
            return
        t = self.t
        panel.show(
            f"{row.name} {row.code}",
            [
                (t("col.ladder"), self._height(row.streak, row.one_word)),
                (t("pool.industry"), row.industry),
                (t("pool.in_theme"), "、".join(row.themes) if row.themes else t("pool.no_theme")),
                (t("pool.as_of"), session),
            ],
        )
