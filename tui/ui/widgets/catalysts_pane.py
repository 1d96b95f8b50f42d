"""The catalyst calendar: upcoming with countdowns, then past, then undated, grouped by month.

* Countdowns: T−N trading days and calendar days ("T-27 · 39天") once a trading calendar is
  set (:meth:`CatalystsPane.set_calendar`); calendar days only until then. Past the
  calendar's real data (XSHG ends 2026-12-31) the sessions are counted as weekdays and the
  countdown is marked "≈"; the calendar itself is never asked to guess, so the status
  line's "calendar stale" flag is not raised by merely looking at a far-off catalyst.
* Groups: one header row per (bucket, month), keyed ``group:upcoming:2026-12`` and drawn
  "▌即将发生  2026-12" (bucket in the date column, month in the countdown column); undated
  expected events last, keyed ``group:undated``.
* Filter (``/``; ``escape`` clears): whitespace-separated tokens that must all match — a
  stock code or name of the catalyst's stocks, a kind or status (English id or Chinese
  label), a theme id or name, words of the title, or the start of its date.
* Detail: the catalyst's fields, the stocks it concerns with their moves since the event, and
  the claimed reaction beside the measured one (tui.analytics.catalyst_reaction), computed in
  a thread worker with its own Store, one computation at a time, cached per catalyst.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState

from tui.config.loader import Project
from tui.domain.models import (
    IMPACT_LABELS_ZH,
    KIND_LABELS_ZH,
    STATUS_LABELS_ZH,
    Catalyst,
    Theme,
)
from tui.domain.timeline import Bucket, TimelineEntry, build_timeline, countdown_label, trading_days_until
from tui.formats import fmt_frac, pad
from tui.ui.cell import plain_cells
from tui.ui.formatting import truncate
from tui.ui.i18n import Labels
from tui.ui.widgets.detail import DetailPanel

if TYPE_CHECKING:  # pandas and the store stay off the first paint: imported in the worker
    from tui.analytics.catalyst_reaction import CatalystReaction, StockMove

GROUP_KEY_PREFIX = "group:"
WORKER_GROUP = "catalyst-reaction"

ReactionKey = tuple[str, str | None]


# --------------------------------------------------------------------------- pure helpers


def group_key(entry: TimelineEntry) -> str:
    """The key of the group header an entry falls under: ``group:<bucket>[:YYYY-MM]``."""
    if entry.bucket is Bucket.UNDATED or entry.catalyst.date is None:
        return f"{GROUP_KEY_PREFIX}{Bucket.UNDATED.value}"
    start = entry.catalyst.date.start
    return f"{GROUP_KEY_PREFIX}{entry.bucket.value}:{start.year}-{start.month:02d}"


def countdown_text(entry: TimelineEntry, today: date, calendar: Any = None, *, lang: str = "zh") -> tuple[str, bool]:
    """The countdown cell ("T-27 · 39天", "约T-3 · 5天", "≈T-40 · 58天") and whether it was
    estimated past the calendar's data. Without a calendar: calendar days only ("39天后")."""
    plain = countdown_label(entry, lang=lang)
    c = entry.catalyst
    if calendar is None or entry.bucket is not Bucket.UPCOMING or c.date is None or entry.days is None or entry.in_period or entry.days <= 0:
        return plain, False
    try:
        n, guessed = trading_days_until(calendar, today, c.date.start)
    except Exception:  # a broken calendar must not take the pane down: calendar days only
        return plain, False
    zh = lang == "zh"
    approx = "" if c.date.is_exact else ("约" if zh else "~")
    days = f"{entry.days}天" if zh else f"{entry.days}d"
    return f"{approx}{'≈' if guessed else ''}T-{n} · {days}", guessed


def _label(table: dict[str, str], value: str, zh: bool) -> str:
    return table.get(value, value) if zh else value


def catalyst_matches(catalyst: Catalyst, token: str, stock_names: dict[str, str], theme_names: dict[str, str]) -> bool:
    """One filter token against one catalyst (case-insensitive)."""
    t = token.casefold()
    c = catalyst
    if any(code.startswith(t) or t in stock_names.get(code, "").casefold() for code in c.stocks):
        return True
    if t == c.kind or t in KIND_LABELS_ZH.get(c.kind, "").casefold():
        return True
    if t == c.status or t == STATUS_LABELS_ZH.get(c.status, "").casefold():
        return True
    if any(t == theme_id or t in theme_names.get(theme_id, "").casefold() for theme_id in c.themes):
        return True
    if c.date is not None and str(c.date).startswith(token):
        return True
    return t in c.title.casefold() or t == c.id


def filter_catalysts(catalysts: list[Catalyst], text: str, stock_names: dict[str, str], theme_names: dict[str, str]) -> list[Catalyst]:
    """The catalysts matching every whitespace-separated token of ``text``."""
    tokens = text.split()
    if not tokens:
        return list(catalysts)
    return [c for c in catalysts if all(catalyst_matches(c, tok, stock_names, theme_names) for tok in tokens)]


# --------------------------------------------------------------------------- messages


@dataclass
class CatalystReactionLoaded(Message):
    """The worker measured a catalyst's reaction (or failed: ``error``)."""

    key: ReactionKey
    reaction: CatalystReaction | None
    error: str | None = None


# --------------------------------------------------------------------------- the pane


class CatalystsPane(Vertical):
    """Catalysts of the current theme (or of all themes), with a filter and a detail panel."""

    DEFAULT_CSS = """
    CatalystsPane #catalysts-scope { height: 1; padding: 0 1; color: $text-muted; }
    CatalystsPane #catalysts-filter { height: 1; border: none; padding: 0 1; display: none; }
    CatalystsPane #catalysts-filter.visible { display: block; }
    CatalystsPane DataTable { height: 2fr; }
    """

    BINDINGS = [Binding("slash", "focus_filter", "筛选", show=True)]

    def __init__(self, labels: Labels, **kw) -> None:
        super().__init__(**kw)
        self.t = labels
        self.all_themes = False
        self.filter_text = ""
        self._project: Project | None = None
        self._theme: Theme | None = None
        self._entries: dict[str, TimelineEntry] = {}
        self._today = date.today()
        self._calendar: Any = None
        self._data_dir: Path | None = None
        self._current: TimelineEntry | None = None
        self._reactions: dict[ReactionKey, CatalystReaction] = {}
        self._reaction_errors: dict[ReactionKey, str] = {}
        self._loading: ReactionKey | None = None
        self._wanted: tuple[ReactionKey, tuple] | None = None
        self._shown = False
        self.shown_count = 0
        self.total_count = 0
        if labels.language != "zh":
            for b in self.BINDINGS:
                assert isinstance(b, Binding)
                self._bindings.key_to_bindings[b.key] = [replace(b, description=labels("filter.label"))]

    def compose(self) -> ComposeResult:
        yield Static(id="catalysts-scope")
        yield Input(placeholder=self.t("cat.filter_placeholder"), id="catalysts-filter")
        table: DataTable = DataTable(id="catalysts-table", cursor_type="row")
        t = self.t
        table.add_column(t("col.date"), key="date", width=10)
        table.add_column(t("col.countdown"), key="countdown", width=14)
        table.add_column(t("col.kind"), key="kind", width=8)
        table.add_column(t("col.status"), key="status", width=10)
        table.add_column(t("col.impact"), key="impact", width=8)
        table.add_column(t("col.title"), key="title")
        yield table
        yield DetailPanel(id="catalysts-detail")

    # ------------------------------------------------------------------ inputs from the app

    @property
    def calendar(self) -> Any:
        """The trading calendar set by the app (or, until then, the app's ``calendar``)."""
        return self._calendar if self._calendar is not None else getattr(self.app, "calendar", None)

    @property
    def data_dir(self) -> Path | None:
        """Where the store lives: set by the app (or, until then, the app's ``ctx.data_dir``)."""
        if self._data_dir is not None:
            return self._data_dir
        ctx = getattr(self.app, "ctx", None)
        return getattr(ctx, "data_dir", None)

    def set_calendar(self, calendar: Any) -> None:
        """Use ``calendar`` (a TradingCalendar, already loaded) for T−N countdowns; redraw."""
        self._calendar = calendar
        self._redraw()

    def set_data_dir(self, data_dir: str | Path | None) -> None:
        """Read bars for the measured reactions from the store in ``data_dir``."""
        new = Path(data_dir) if data_dir is not None else None
        if new != self._data_dir:
            self._data_dir = new
            self.invalidate_reactions()

    def invalidate_reactions(self) -> None:
        """Forget the measured reactions (call after new bars were stored); redraw the detail."""
        self._reactions.clear()
        self._reaction_errors.clear()
        if self._current is not None and self.is_mounted:
            self.show_catalyst(self._current)

    def show(self, project: Project, theme: Theme | None, today: date, data_dir: str | Path | None = None) -> None:
        if data_dir is not None:
            self.set_data_dir(data_dir)
        self._project, self._theme, self._today = project, theme, today
        self._redraw()

    def toggle_scope(self) -> None:
        self.all_themes = not self.all_themes
        self._redraw()

    def set_filter(self, text: str) -> None:
        """Filter by tokens (see the module docstring); an empty text shows everything."""
        self.filter_text = text
        box = self.query_one("#catalysts-filter", Input)
        if box.value != text:
            box.value = text
        box.set_class(bool(text) or box.has_focus, "visible")
        self._redraw()

    # ------------------------------------------------------------------ drawing

    def _scope_catalysts(self) -> list[Catalyst]:
        project, theme = self._project, self._theme
        assert project is not None
        return project.catalysts if (self.all_themes or theme is None) else project.catalysts_for_theme(theme)

    def _redraw(self) -> None:
        if self._project is None or not self.is_mounted:
            return
        project, theme, t = self._project, self._theme, self.t
        zh = t.language == "zh"
        in_scope = self._scope_catalysts()
        names = project.stock_names()
        themes = {th.id: th.name for th in project.themes}
        catalysts = filter_catalysts(in_scope, self.filter_text, names, themes)
        self.total_count, self.shown_count = len(in_scope), len(catalysts)

        table = self.query_one("#catalysts-table", DataTable)
        previous = self._current.catalyst.id if self._current is not None else None
        table.clear()
        self._entries = {}
        calendar = self.calendar
        guessed_any = False
        current_group: str | None = None
        width = max(20, (self.size.width or 120) - 62)
        for entry in build_timeline(catalysts, self._today):
            key = group_key(entry)
            if key != current_group:
                current_group = key
                month = key.split(":", 2)[2] if key.count(":") == 2 else ""
                # "▌即将发生 │ 2026-12": the bucket in the date column, the month beside it
                # (the date column is too narrow for both).
                bucket = Text(f"▌{t('group.' + entry.bucket.value)}", style="bold")
                table.add_row(*plain_cells(bucket, Text(month, style="bold"), "", "", "", ""), key=key)
            countdown, guessed = countdown_text(entry, self._today, calendar, lang=t.language)
            guessed_any |= guessed
            self._entries[entry.catalyst.id] = entry
            table.add_row(*plain_cells(*self._cells(entry, countdown, width, zh)), key=entry.catalyst.id)

        scope = t("filter.all_themes") if (self.all_themes or theme is None) else f"{t('filter.this_theme')}{t('msg.colon')}{theme.name}"
        parts = [scope]
        if self.filter_text.strip():
            parts.append(f"{t('filter.label')}{t('msg.colon')}{self.filter_text.strip()}")
        parts.append(f"{self.shown_count}/{self.total_count}" if self.filter_text.strip() else str(self.total_count))
        if calendar is None:
            parts.append(t("cat.calendar_loading"))
        elif guessed_any:
            parts.append(t("cat.calendar_guess").format(end=calendar.known_end.isoformat()))
        hint = f"a: {t('bind.scope')} · /: {t('filter.label')}"
        scope_line = Text(" · ".join(parts))
        scope_line.append(f"  ({hint})", style="dim")
        self.query_one("#catalysts-scope", Static).update(scope_line)

        if previous in self._entries:
            table.move_cursor(row=table.get_row_index(previous))
        elif table.row_count:
            # The first catalyst, with its group header kept in view.
            table.move_cursor(row=1 if table.row_count > 1 else 0, scroll=False)
            table.call_after_refresh(self._header_into_view)
        if table.row_count:
            self._show_detail(table)
        else:
            self._current = None
            self.query_one(DetailPanel).clear(t("cat.none_match") if self.filter_text.strip() else "")

    def _header_into_view(self) -> None:
        """Scroll to the top when the cursor is on the first catalyst, so that its group
        header shows (a hidden table scrolls the cursor row to its zero-height top)."""
        table = self.query_one("#catalysts-table", DataTable)
        if table.cursor_row <= 1:
            table.scroll_home(animate=False, immediate=True)

    def on_show(self) -> None:
        self._header_into_view()
        if not self._shown:
            self._shown = True
            if self._loading is None:
                self._start_next()

    def _cells(self, entry: TimelineEntry, countdown: str, width: int, zh: bool) -> list[object]:
        c = entry.catalyst
        countdown_cell = Text(countdown, style="bold" if entry.bucket is Bucket.UPCOMING else "dim")
        status = _label(STATUS_LABELS_ZH, c.status, zh)
        status_cell = Text(f"{status}⚠" if entry.needs_update else status, style="italic" if entry.needs_update else "")
        return [
            str(c.date) if c.date else "—",
            countdown_cell,
            _label(KIND_LABELS_ZH, c.kind, zh),
            status_cell,
            _label(IMPACT_LABELS_ZH, c.impact, zh),
            truncate(c.title, width),
        ]

    # ------------------------------------------------------------------ filter

    def action_focus_filter(self) -> None:
        box = self.query_one("#catalysts-filter", Input)
        box.add_class("visible")
        box.focus()

    @on(Input.Changed, "#catalysts-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self.filter_text:
            self.filter_text = event.value
            self._redraw()

    @on(Input.Submitted, "#catalysts-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.filter_text.strip():
            event.input.remove_class("visible")
        self.query_one("#catalysts-table", DataTable).focus()

    def clear_filter(self) -> None:
        box = self.query_one("#catalysts-filter", Input)
        box.value = ""
        box.remove_class("visible")
        self.filter_text = ""
        self._redraw()
        self.query_one("#catalysts-table", DataTable).focus()

    def on_key(self, event) -> None:
        if event.key == "escape" and (self.filter_text or self.query_one("#catalysts-filter", Input).has_focus):
            event.stop()
            self.clear_filter()

    # ------------------------------------------------------------------ detail

    @on(DataTable.RowHighlighted, "#catalysts-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.data_table)

    def _show_detail(self, table: DataTable) -> None:
        panel = self.query_one(DetailPanel)
        if table.row_count == 0:
            panel.clear()
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        entry = self._entries.get(key)
        if entry is None:
            return  # a group header: keep the last catalyst's detail
        self.show_catalyst(entry)

    def _reaction_theme(self, c: Catalyst) -> Theme | None:
        """The theme whose stocks are measured: the current one if the catalyst belongs to
        it, else the catalyst's first theme (as the CLI), else the current one."""
        if self._theme is not None and self._theme.id in c.themes:
            return self._theme
        if self._project is not None:
            for theme_id in c.themes:
                theme = self._project.theme(theme_id)
                if theme is not None:
                    return theme
        return self._theme

    @staticmethod
    def _a_share_codes(theme: Theme | None) -> list[str]:
        if theme is None:
            return []
        return [s.code for s in theme.stocks if s.code and s.security and s.security.is_a_share]

    def show_catalyst(self, entry: TimelineEntry) -> None:
        self._current = entry
        c: Catalyst = entry.catalyst
        t = self.t
        zh = t.language == "zh"
        names = self._project.stock_names() if self._project else {}
        theme = self._reaction_theme(c)
        theme_codes = self._a_share_codes(theme)
        concern = list(c.stocks) if c.stocks else theme_codes
        key: ReactionKey = (c.id, theme.id if theme else None)
        reaction = self._reactions.get(key)
        error = self._reaction_errors.get(key)
        if reaction is None and error is None and c.date is not None:
            if self.data_dir is None:
                error = t("cat.no_data_dir")
            else:
                self._request_reaction(key, (self.data_dir, c, theme_codes, concern, key[1]))

        countdown, _ = countdown_text(entry, self._today, self.calendar, lang=t.language)
        when = f"{c.date or ('未定' if zh else 'undated')} · {countdown}"
        status = _label(STATUS_LABELS_ZH, c.status, zh)
        if entry.needs_update:
            status += f"（{t('needs_update')}）"
        kind = _label(KIND_LABELS_ZH, c.kind, zh)
        impact = _label(IMPACT_LABELS_ZH, c.impact, zh)
        self.query_one(DetailPanel).show(
            c.title,
            [
                (t("col.date"), when),
                (t("col.status"), f"{status} · {kind} · {impact}"),
                (t("detail.expected"), c.expected),
                (t("detail.outcome"), c.outcome),
                (t("detail.stocks"), self._moves_text(c, concern, names, reaction, error, bool(c.stocks))),
                (t("detail.claimed"), c.claimed_reaction or t("cat.no_claim")),
                (t("cat.measured"), self._measured_text(c, theme, reaction, error)),
                (t("detail.notes"), c.notes),
                (t("detail.source"), c.source.label() if c.source else None),
            ],
        )

    # ------------------------------------------------------------------ detail text


    def _moves_text(self, c: Catalyst, codes: list[str], names: dict[str, str], reaction: CatalystReaction | None, error: str | None, own: bool) -> Text:
        t = self.t
        out = Text()
        if not own and codes:
            out.append(t("cat.theme_stocks"), style="dim")
        moves: dict[str, StockMove] = {}
        if reaction is not None and reaction.day0 is not None and reaction.moves:
            moves = {m.code: m for m in reaction.moves}
            base = next((m.base_date for m in reaction.moves if m.base_date), None)
            last = next((m.last_date for m in reaction.moves if m.last_date), None) or reaction.last_bar
            head = t("cat.move_since").format(base=base.isoformat() if base else "—", last=last.isoformat() if last else "—")
            if reaction.status == "inexact" and c.date is not None:
                head += t("cat.move_period").format(date=str(c.date), day0=reaction.day0.isoformat())
            if reaction.sample:
                head += " · " + t("cat.sample").format(as_of=reaction.sample_as_of or "—")
            out.append((" " if out else "") + head, style="dim")
        elif reaction is not None and reaction.day0 is None and reaction.status in ("after_bars", "inexact"):
            out.append((" " if out else "") + t("cat.move_not_yet"), style="dim")
        elif reaction is None and error is None and c.date is not None:
            out.append((" " if out else "") + t("cat.loading"), style="dim")
        width = max((cell_len(f"{names.get(code, '?')} {code}") for code in codes), default=0) + 2
        for code in codes:
            label = f"{names.get(code, '?')} {code}"
            m = moves.get(code)
            if m is None:
                out.append("\n  " + label)
            elif m.move is None:
                out.append("\n  " + pad(label, width) + pad("—", 8, right=True))
                out.append("  " + self._move_reason(m), style="dim")
            else:
                out.append("\n  " + pad(label, width))
                out.append(pad(fmt_frac(m.move), 8, right=True), style="bold")
        if moves and reaction is not None and reaction.benchmark_move is not None:
            bm = reaction.benchmark_move
            out.append("\n  " + pad(f"{self.t.benchmark(bm.code)} {bm.code}", width), style="dim")
            out.append(pad(fmt_frac(bm.move), 8, right=True), style="dim")
        return out

    def _move_reason(self, m: StockMove) -> str:
        if m.reason == "no bars":
            return self.t("cat.no_bars")
        if m.reason and m.reason.startswith("no bar before"):
            return self.t("cat.no_bar_before").format(first=m.reason.rsplit(" ", 1)[-1].rstrip(")"))
        return m.reason or ""

    def _measured_text(self, c: Catalyst, theme: Theme | None, reaction: CatalystReaction | None, error: str | None) -> Text:
        t = self.t
        if c.date is None:
            return Text(t("cat.reaction_undated"))
        if error is not None:
            return Text(t("cat.reaction_failed").format(error=error), style="italic")
        if reaction is None:
            return Text(t("cat.loading"), style="dim")
        status = reaction.status
        if status == "undated":
            return Text(t("cat.reaction_undated"))
        if status == "inexact":
            return Text(t("cat.reaction_inexact").format(date=str(c.date)))
        if status == "after_bars":
            last = reaction.last_bar.isoformat() if reaction.last_bar else "—"
            return Text(t("cat.reaction_after_bars").format(date=c.date.start.isoformat() if c.date else "—", last=last))
        if status == "before_bars":
            first = reaction.first_bar.isoformat() if reaction.first_bar else "—"
            return Text(t("cat.reaction_before_bars").format(date=c.date.start.isoformat() if c.date else "—", first=first))
        if status == "no_benchmark":
            return Text(t("cat.reaction_no_bench").format(code=reaction.benchmark))
        if status == "no_stocks":
            return Text(t("cat.reaction_no_stocks"))
        out = Text()
        head = t("cat.reaction_head").format(
            theme=theme.name if theme else "—",
            n=len(reaction.theme_codes),
            bench=f"{self.t.benchmark(reaction.benchmark)} {reaction.benchmark}",
            day0=reaction.day0.isoformat() if reaction.day0 else "—",
        )
        if reaction.sample:
            head += " · " + t("cat.sample").format(as_of=reaction.sample_as_of or "—")
        out.append(head, style="dim")
        cols = [t("cat.col_window"), t("cat.col_theme"), t("cat.col_bench"), t("cat.col_abnormal"), "n", "t"]
        widths = [9, 9, 9, 9, 4, 7]
        out.append("\n  " + "".join(pad(h, w, right=i > 0) for i, (h, w) in enumerate(zip(cols, widths))), style="bold dim")
        for r in reaction.results:
            a, b = r.window
            tstat = "—" if r.t_stat is None else f"{r.t_stat:.2f}"
            cells = [f"[{a:+d},{b:+d}]", fmt_frac(r.theme_return), fmt_frac(r.benchmark_return), fmt_frac(r.theme_abnormal), str(r.n), tstat]
            out.append("\n  " + "".join(pad(x, w, right=i > 0) for i, (x, w) in enumerate(zip(cells, widths))))
            if r.n == 0 and r.excluded:
                reasons = {e["reason"] for e in r.excluded}
                if len(reasons) == 1:
                    out.append(f"  {reasons.pop()}", style="dim")
        return out

    # ------------------------------------------------------------------ the worker

    def _request_reaction(self, key: ReactionKey, args: tuple) -> None:
        """Measure ``key`` unless it is being measured; one computation at a time, the most
        recently requested next (the ones scrolled past in between are skipped)."""
        if self._loading == key:
            return
        self._wanted = (key, args)
        # Measuring starts once the pane has been shown: a hidden tab reads nothing at
        # start-up, where its imports would slow the first paint.
        if self._loading is None and self._shown:
            self._start_next()

    def _start_next(self) -> None:
        wanted, self._wanted = self._wanted, None
        if wanted is None:
            return
        key, args = wanted
        if key in self._reactions or key in self._reaction_errors:
            return
        self._loading = key
        self._measure(key, *args)

    @work(thread=True, exit_on_error=False, group=WORKER_GROUP)
    def _measure(self, key: ReactionKey, data_dir: Path, catalyst: Catalyst, theme_codes: list[str], concern: list[str], theme_id: str | None) -> None:
        try:
            from tui.views import catalyst_reaction

            reaction = catalyst_reaction.load_reaction(data_dir, catalyst, theme_codes, concern, theme_id=theme_id)
        except Exception as exc:  # shown in the panel, never raised into the UI
            self.post_message(CatalystReactionLoaded(key, None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(CatalystReactionLoaded(key, reaction))

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """A failure the worker did not catch itself still ends in the panel, not a crash."""
        if event.worker.group != WORKER_GROUP or event.state is not WorkerState.ERROR or self._loading is None:
            return
        error = event.worker.error
        self.post_message(CatalystReactionLoaded(self._loading, None, f"{type(error).__name__}: {error}" if error else "?"))

    @on(CatalystReactionLoaded)
    def _reaction_loaded(self, message: CatalystReactionLoaded) -> None:
        message.stop()
        if message.reaction is not None:
            self._reactions[message.key] = message.reaction
        else:
            self._reaction_errors[message.key] = message.error or "?"
        if self._loading == message.key:
            self._loading = None
        current = self._current
        if current is not None:
            theme = self._reaction_theme(current.catalyst)
            if (current.catalyst.id, theme.id if theme else None) == message.key:
                self.show_catalyst(current)
        self._start_next()

    @property
    def reaction_busy(self) -> bool:
        """True while a reaction is being measured or waiting to be."""
        return self._loading is not None or self._wanted is not None

    def reaction_for(self, catalyst_id: str) -> CatalystReaction | None:
        """The cached measured reaction of a catalyst (any theme), if computed."""
        return next((r for (cid, _), r in self._reactions.items() if cid == catalyst_id), None)
