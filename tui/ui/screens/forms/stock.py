"""Stock forms: add a stock to a theme, edit it, remove it, move it to another theme/segment."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Button, Input, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from tui.config.editing import (
    EditError,
    EditResult,
    NameLookup,
    WatchlistEditor,
    move_stock,
)
from tui.domain.models import Stock, Theme
from tui.ui.i18n import Labels
from tui.ui.screens.forms.base import (
    EditForm,
    colon,
    join_list,
    paren,
    split_lines,
    split_list,
    text_or_none,
)

LOOKUP_GROUP = "edit-form-name-lookup"
FULL_CODE = re.compile(r"^\d{6}$")


def stock_label(stock: Stock) -> str:
    return f"{stock.code} {stock.name}" if stock.code else stock.name


def stock_key(stock: Stock) -> str:
    """The key the editing API finds a stock by: its code, or its name when it has none."""
    return stock.code or stock.name


class _StockFields(EditForm):
    """Fields shared by the add and edit forms."""

    def __init__(self, labels: Labels, theme: Theme, path: Path, *, subtitle: str = "") -> None:
        super().__init__(labels, [path], subtitle=subtitle)
        self.theme = theme

    @property
    def path(self) -> Path:
        return self.paths[0]

    def segment_widget(self, current: str | None) -> Any:
        names = self.theme.segment_names()
        if names:
            # Segment and theme names are the user's text: prompts as Content, never markup.
            options = [(Content(n), n) for n in names]
            if current and current not in names:  # a segment the loader only warned about
                options.append((Content(current), current))
            return Select(options, prompt=self.t("form.no_segment"), value=current or Select.NULL, id="segment", compact=True)
        return Input(current or "", placeholder=self.t("form.segment_free"), id="segment", compact=True)

    def segment_value(self) -> str | None:
        widget = self.query_one("#segment")
        if isinstance(widget, Select):
            return None if widget.is_blank() else str(widget.value)
        assert isinstance(widget, Input)
        return text_or_none(widget.value)

    def common_fields(self, stock: Stock | None, segment: str | None = None) -> ComposeResult:
        t = self.t
        yield self.row("form.segment", self.segment_widget(stock.segment if stock else segment))
        yield self.row("form.reason", Input(stock.reason or "" if stock else "", placeholder=t("form.reason_hint"), id="reason", compact=True))
        yield self.row("form.risks", TextArea(text="\n".join(stock.risks) if stock else "", placeholder=t("form.per_line"), id="risks", compact=True))
        yield self.row("form.tags", Input(join_list(stock.tags) if stock else "", placeholder=t("form.comma_list"), id="tags", compact=True))
        yield self.row("form.notes", Input(stock.notes or "" if stock else "", id="notes", compact=True))


class AddStockForm(_StockFields):
    """Add a stock to `theme` (defined in `path`), by code; its name is filled from
    `name_lookup` (other watchlists, then stored quotes) as soon as a full code is typed."""

    title_key = "form.add_stock"
    worker_groups = (LOOKUP_GROUP,)

    def __init__(
        self,
        labels: Labels,
        theme: Theme,
        path: Path,
        *,
        name_lookup_factory: Callable[[], NameLookup] | None = None,
        segment: str | None = None,
        code: str | None = None,
        name: str | None = None,
        notes: str | None = None,
    ) -> None:
        super().__init__(labels, theme, path, subtitle=f"{labels('form.theme')}{colon(labels)}{theme.name}{paren(labels, theme.id)}")
        #: Prefilled values (the 涨停池 tab adds a pool stock with its code, name and a note).
        self.prefill = {"code": code or "", "name": name or "", "notes": notes or ""}
        self.name_lookup_factory = name_lookup_factory
        self.default_segment = segment if segment in theme.segment_names() or not theme.segment_names() else None
        self.lookup: NameLookup | None = None
        self.auto_name: str | None = None  # the name last filled in automatically

    def compose_fields(self) -> ComposeResult:
        t = self.t
        yield self.row("form.code", Input(self.prefill["code"], placeholder=t("form.code_hint"), id="code", max_length=6, restrict=r"[0-9A-Za-z]*", compact=True))
        yield self.row("form.name", Input(self.prefill["name"], placeholder=t("form.name_hint"), id="name", compact=True))
        yield from self.common_fields(None, self.default_segment)

    def on_mount(self) -> None:
        if self.prefill["notes"]:
            self.query_one("#notes", Input).value = self.prefill["notes"]

    def open_editors(self) -> Any:
        lookup = self.name_lookup_factory() if self.name_lookup_factory else None
        return WatchlistEditor(self.path, name_lookup=lookup), lookup

    def editors_loaded(self) -> None:
        self.lookup = self.editors[1]
        self._maybe_lookup(self.query_one("#code", Input).value)

    @on(Input.Changed, "#code")
    def _code_changed(self, event: Input.Changed) -> None:
        self._maybe_lookup(event.value)

    def _maybe_lookup(self, code: str) -> None:
        code = code.strip()
        lookup = self.lookup
        if lookup is None or not FULL_CODE.match(code):
            return
        self.run_worker(lambda: (code, lookup(code)), thread=True, group=LOOKUP_GROUP, exclusive=True, exit_on_error=False, name="lookup")

    def worker_done(self, worker: Worker) -> None:
        if worker.state is not WorkerState.SUCCESS or worker.result is None:
            return  # a failed lookup only means no name is suggested
        code, name = worker.result
        if not name or self.query_one("#code", Input).value.strip() != code:
            return
        box = self.query_one("#name", Input)
        if not box.value.strip() or box.value == self.auto_name:
            box.value = name
            self.auto_name = name

    def make_edit(self) -> Callable[[], EditResult]:
        editor: WatchlistEditor = self.editors[0]
        code = self.value("#code").strip()
        if not code:
            raise EditError(self.t("form.code_required"))
        fields: dict[str, Any] = {
            "name": text_or_none(self.value("#name")),
            "segment": self.segment_value(),
            "reason": text_or_none(self.value("#reason")),
            "risks": split_lines(self.value("#risks")),
            "tags": split_list(self.value("#tags")),
            "notes": text_or_none(self.value("#notes")),
        }
        return lambda: editor.add_stock(code, **fields)


class EditStockForm(_StockFields):
    """Edit `stock` of `theme`: its name, segment, reason, risks, tags and notes. Only the
    fields the user changed are written."""

    title_key = "form.edit_stock"

    def __init__(self, labels: Labels, theme: Theme, path: Path, stock: Stock) -> None:
        super().__init__(labels, theme, path, subtitle=f"{stock_label(stock)} · {theme.name}")
        self.stock = stock
        self.initial: dict[str, str] = {}

    def compose_fields(self) -> ComposeResult:
        yield self.row("form.name", Input(self.stock.name, id="name", compact=True))
        yield from self.common_fields(self.stock)

    def on_mount(self) -> None:
        super().on_mount()
        self.initial = self._texts()

    def _texts(self) -> dict[str, str]:
        return {
            "name": self.value("#name"),
            "segment": self.segment_value() or "",
            "reason": self.value("#reason"),
            "risks": self.value("#risks"),
            "tags": self.value("#tags"),
            "notes": self.value("#notes"),
        }

    def make_edit(self) -> Callable[[], EditResult]:
        editor: WatchlistEditor = self.editors
        now = self._texts()
        parse: Mapping[str, Callable[[str], Any]] = {
            "name": text_or_none, "segment": text_or_none, "reason": text_or_none,
            "risks": split_lines, "tags": split_list, "notes": text_or_none,
        }
        changes = {k: parse[k](v) for k, v in now.items() if v != self.initial.get(k)}
        if "name" in changes and not changes["name"]:
            raise EditError(self.t("form.name_required"))
        key = stock_key(self.stock)
        return lambda: editor.update_stock(key, **changes)

    def open_editors(self) -> Any:
        return WatchlistEditor(self.path)


class RemoveStockForm(EditForm):
    """Confirm, then remove `stock` from `theme`."""

    title_key = "form.remove_stock"
    save_key = "form.remove"
    FIRST_FIELD = "#form-save"  # enter removes, esc cancels

    def __init__(self, labels: Labels, theme: Theme, path: Path, stock: Stock) -> None:
        super().__init__(labels, [path])
        self.theme = theme
        self.stock = stock

    def compose_fields(self) -> ComposeResult:
        text = self.t("form.remove_confirm").format(stock=stock_label(self.stock), theme=self.theme.name)
        yield Static(text, id="confirm-text", classes="form-row", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#form-save", Button).variant = "error"

    def open_editors(self) -> Any:
        return WatchlistEditor(self.paths[0])

    def make_edit(self) -> Callable[[], EditResult]:
        editor: WatchlistEditor = self.editors
        key = stock_key(self.stock)
        return lambda: editor.remove_stock(key)


class MoveStockForm(EditForm):
    """Move `stock` from `theme` to another theme and/or segment.

    `themes` are the themes to offer (in order) and `theme_paths` their files
    (``Project.theme_files``)."""

    title_key = "form.move_stock"
    save_key = "form.move"

    def __init__(self, labels: Labels, theme: Theme, stock: Stock, themes: list[Theme], theme_paths: Mapping[str, Path]) -> None:
        super().__init__(labels, [Path(theme_paths[theme.id])], subtitle=f"{stock_label(stock)} · {theme.name}")
        self.theme = theme
        self.stock = stock
        self.themes = {t.id: t for t in themes}
        self.theme_paths = {k: Path(v) for k, v in theme_paths.items()}

    def compose_fields(self) -> ComposeResult:
        options = [(Content(f"{t.name}{paren(self.t, t.id)}"), t.id) for t in self.themes.values()]
        yield self.row("form.to_theme", Select(options, value=self.theme.id, allow_blank=False, id="to-theme", compact=True))
        yield self.row("form.segment", Select(self._segment_options(self.theme.id), prompt=self.t("form.no_segment"), value=self._default_segment(self.theme.id), id="segment", compact=True))

    def _segment_options(self, theme_id: str) -> list[tuple[str, str]]:
        names = self.themes[theme_id].segment_names()
        if not names and self.stock.segment:
            names = [self.stock.segment]  # a theme without declared segments accepts any
        return [(Content(n), n) for n in names]

    def _default_segment(self, theme_id: str) -> Any:
        names = [v for _, v in self._segment_options(theme_id)]
        return self.stock.segment if self.stock.segment in names else Select.NULL

    @on(Select.Changed, "#to-theme")
    def _theme_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        segment = self.query_one("#segment", Select)
        segment.set_options(self._segment_options(str(event.value)))
        segment.value = self._default_segment(str(event.value))

    def open_editors(self) -> Any:
        return WatchlistEditor(self.paths[0])

    def make_edit(self) -> Callable[[], EditResult]:
        src: WatchlistEditor = self.editors
        to_theme = str(self.choice("#to-theme") or self.theme.id)
        dst_path = self.theme_paths[to_theme]
        segment = self.choice("#segment")
        # The destination is read when saving; the save checks it against what the app loaded.
        self.paths = [self.paths[0]] if dst_path == self.paths[0] else [self.paths[0], dst_path]
        key = stock_key(self.stock)

        def job() -> EditResult:
            dst = src if dst_path == src.path else WatchlistEditor(dst_path)
            results = move_stock(src, dst, key, segment=segment)
            return combine(results)

        return job


def combine(results: list[EditResult]) -> EditResult:
    """One EditResult for a move that wrote two files (the destination first)."""
    if len(results) == 1:
        return results[0]
    first = results[0]
    return EditResult(
        first.path,
        "; ".join(r.message for r in results),
        first.backup,
        tuple(w for r in results for w in r.warnings),
        any(r.changed for r in results),
    )


__all__ = ["AddStockForm", "EditStockForm", "MoveStockForm", "RemoveStockForm", "combine", "stock_key"]
