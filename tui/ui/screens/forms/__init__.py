"""Edit forms: add/edit/remove/move a stock, add/edit a catalyst or set its status, record an
indicator reading. Each is a ModalScreen that dismisses with the EditResult (or None when
cancelled); see tui.ui.screens.forms.base for how saving, errors and conflicts work.

The app calls the `open_*` functions: each finds what the form is about (the selected theme,
the highlighted stock / catalyst / indicator) and its file, pushes the form, and after a save
calls `on_saved(result)` (by default `reload_after_edit`: reload the files, notify). When
there is nothing to edit (no theme, no highlighted row) it notifies and returns None.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from tui.config.editing import EditError, EditResult, find_theme_file
from tui.domain.models import Catalyst, Indicator, Stock, Theme
from tui.ui.formatting import display_path
from tui.ui.screens.forms.base import EditForm
from tui.ui.translate import message_text
from tui.ui.screens.forms.catalyst import CatalystForm, CatalystStatusForm
from tui.ui.screens.forms.reading import ReadingForm
from tui.ui.screens.forms.stock import (
    AddStockForm,
    EditStockForm,
    MoveStockForm,
    RemoveStockForm,
)

__all__ = [
    "AddStockForm",
    "CatalystForm",
    "CatalystStatusForm",
    "EditForm",
    "EditStockForm",
    "MoveStockForm",
    "ReadingForm",
    "RemoveStockForm",
    "highlighted_catalyst",
    "highlighted_indicator",
    "highlighted_stock",
    "open_add_catalyst",
    "open_add_reading",
    "open_add_stock",
    "open_catalyst_status",
    "open_edit_catalyst",
    "open_edit_stock",
    "open_move_stock",
    "open_remove_stock",
    "reload_after_edit",
]

OnSaved = Callable[[EditResult], None]


# ---------------------------------------------------------------------- after a save


def reload_after_edit(app: Any, result: EditResult) -> None:
    """Reload the app's files (and the board's quotes when the codes changed); notify."""
    t = app.labels
    if result.changed:
        codes_before = app.project.listed_codes()
        app.load_files()
        if getattr(app, "_load_data", False) and app.project.listed_codes() != codes_before:
            app.load_board_data()
    message = message_text(result.message.replace(str(result.path), display_path(result.path)), t)
    if result.warnings:
        message += "\n" + "\n".join(f"⚠ {message_text(w, t)}" for w in result.warnings)
    app.notify(
        message,
        title=t("form.saved") if result.changed else t("form.no_change"),
        severity="warning" if result.warnings else "information",
        timeout=6 if result.warnings else 3,
        markup=False,  # the message quotes the user's values
    )


def _push(app: Any, form: EditForm, on_saved: OnSaved | None) -> EditForm:
    done = on_saved or partial(reload_after_edit, app)

    def callback(result: EditResult | None) -> None:
        if result is not None:
            done(result)

    app.push_screen(form, callback)
    return form


def _nothing(app: Any, key: str) -> None:
    app.notify(app.labels(key), severity="warning", timeout=3)


def _theme_path(app: Any, theme: Theme) -> Path | None:
    path = app.project.theme_files.get(theme.id)
    if path is not None:
        return Path(path)
    try:
        return find_theme_file(app.ctx.watchlists, theme.id)
    except EditError as exc:
        app.notify(message_text(str(exc), app.labels), severity="error", timeout=6, markup=False)
        return None


# ---------------------------------------------------------------------- what is highlighted


def highlighted_stock(app: Any) -> Stock | None:
    """The stock under the board's cursor (None on a segment header or an empty board)."""
    from tui.ui.widgets.board_pane import BoardPane

    try:
        return app.query_one(BoardPane).highlighted_stock()
    except Exception:  # noqa: BLE001 - no board (e.g. another screen): nothing highlighted
        return None


def _cursor_key(app: Any, table_id: str) -> str | None:
    try:
        table = app.query_one(f"#{table_id}", DataTable)
    except Exception:  # noqa: BLE001
        return None
    if table.row_count == 0:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def highlighted_catalyst(app: Any) -> Catalyst | None:
    """The catalyst under the catalysts table's cursor (rows are keyed by catalyst id; group
    header rows match no catalyst)."""
    key = _cursor_key(app, "catalysts-table")
    return next((c for c in app.project.catalysts if c.id == key), None) if key else None


def highlighted_indicator(app: Any) -> Indicator | None:
    """The indicator under the indicators table's cursor (rows are keyed by indicator id)."""
    key, theme = _cursor_key(app, "indicators-table"), app.selected_theme
    if not key or theme is None:
        return None
    return next((i for i in theme.indicators if i.id == key), None)


# ---------------------------------------------------------------------- stocks


def open_add_stock(app: Any, *, on_saved: OnSaved | None = None) -> EditForm | None:
    """Add a stock to the selected theme (its segment defaults to the highlighted stock's)."""
    theme = app.selected_theme
    if theme is None:
        _nothing(app, "form.no_theme")
        return None
    path = _theme_path(app, theme)
    if path is None:
        return None
    from tui.views.names import name_lookup

    ctx = app.ctx
    current = highlighted_stock(app)
    form = AddStockForm(
        app.labels, theme, path,
        name_lookup_factory=partial(name_lookup, ctx.watchlists, ctx.catalysts, ctx.data_dir),
        segment=current.segment if current else None,
    )
    return _push(app, form, on_saved)


def open_add_stock_from_pool(app: Any, *, on_saved: OnSaved | None = None) -> EditForm | None:
    """Add the stock highlighted in the 涨停池 tab to the selected theme: the add-stock form,
    prefilled with its code, name and a note of the pool day (saved by the comment-keeping
    editor like any other addition)."""
    theme = app.selected_theme
    if theme is None:
        _nothing(app, "form.no_theme")
        return None
    from tui.ui.widgets.limit_pool_pane import LimitPoolPane

    row, session = app.query_one(LimitPoolPane).highlighted_row()
    if row is None:
        _nothing(app, "form.no_stock")
        return None
    if any(s.code == row.code for s in theme.stocks):
        app.notify(f"{app.labels('pool.already')}：{row.name} {row.code}", severity="warning", timeout=3, markup=False)
        return None
    path = _theme_path(app, theme)
    if path is None:
        return None
    from tui.views.names import name_lookup

    ctx = app.ctx
    t = app.labels
    height = t("ladder.first") if row.streak == 1 else f"{row.streak}{t('ladder.board')}"
    note = f"{t('tab.pool')} {session}: {height}" + (f" · {t('pool.industry')} {row.industry}" if row.industry else "")
    form = AddStockForm(
        app.labels, theme, path,
        name_lookup_factory=partial(name_lookup, ctx.watchlists, ctx.catalysts, ctx.data_dir),
        code=row.code, name=row.name, notes=note,
    )
    return _push(app, form, on_saved)


def _stock_target(app: Any, stock: Stock | None) -> tuple[Theme, Path, Stock] | None:
    theme = app.selected_theme
    stock = stock or highlighted_stock(app)
    if theme is None or stock is None:
        _nothing(app, "form.no_stock")
        return None
    path = _theme_path(app, theme)
    return (theme, path, stock) if path is not None else None


def open_edit_stock(app: Any, stock: Stock | None = None, *, on_saved: OnSaved | None = None) -> EditForm | None:
    """Edit `stock` (default: the highlighted one) of the selected theme."""
    target = _stock_target(app, stock)
    return _push(app, EditStockForm(app.labels, *target), on_saved) if target else None


def open_remove_stock(app: Any, stock: Stock | None = None, *, on_saved: OnSaved | None = None) -> EditForm | None:
    """Confirm and remove `stock` (default: the highlighted one) from the selected theme."""
    target = _stock_target(app, stock)
    return _push(app, RemoveStockForm(app.labels, *target), on_saved) if target else None


def open_move_stock(app: Any, stock: Stock | None = None, *, on_saved: OnSaved | None = None) -> EditForm | None:
    """Move `stock` (default: the highlighted one) to another theme and/or segment."""
    target = _stock_target(app, stock)
    if target is None:
        return None
    theme, path, stock = target
    project = app.project
    paths = {t.id: Path(project.theme_files[t.id]) for t in project.themes if t.id in project.theme_files}
    paths[theme.id] = path
    themes = [t for t in project.themes if t.id in paths]
    return _push(app, MoveStockForm(app.labels, theme, stock, themes, paths), on_saved)


# ---------------------------------------------------------------------- catalysts


def open_add_catalyst(app: Any, *, on_saved: OnSaved | None = None) -> EditForm | None:
    """Add a catalyst (its themes pre-filled with the selected theme)."""
    theme = app.selected_theme
    form = CatalystForm(app.labels, Path(app.ctx.catalysts), project=app.project, themes=[theme.id] if theme else [])
    return _push(app, form, on_saved)


def open_edit_catalyst(app: Any, catalyst: Catalyst | None = None, *, on_saved: OnSaved | None = None) -> EditForm | None:
    """Edit `catalyst` (default: the highlighted one)."""
    catalyst = catalyst or highlighted_catalyst(app)
    if catalyst is None:
        _nothing(app, "form.no_catalyst")
        return None
    return _push(app, CatalystForm(app.labels, Path(app.ctx.catalysts), catalyst=catalyst, project=app.project), on_saved)


def open_catalyst_status(app: Any, catalyst: Catalyst | None = None, *, on_saved: OnSaved | None = None) -> EditForm | None:
    """Set the status and outcome of `catalyst` (default: the highlighted one)."""
    catalyst = catalyst or highlighted_catalyst(app)
    if catalyst is None:
        _nothing(app, "form.no_catalyst")
        return None
    return _push(app, CatalystStatusForm(app.labels, Path(app.ctx.catalysts), catalyst), on_saved)


# ---------------------------------------------------------------------- readings


def open_add_reading(app: Any, indicator: Indicator | None = None, *, on_saved: OnSaved | None = None) -> EditForm | None:
    """Record a reading of `indicator` (default: the highlighted one) of the selected theme."""
    theme = app.selected_theme
    indicator = indicator or highlighted_indicator(app)
    if theme is None or indicator is None:
        _nothing(app, "form.no_indicator")
        return None
    path = _theme_path(app, theme)
    if path is None:
        return None
    return _push(app, ReadingForm(app.labels, theme, path, indicator, today=app.today), on_saved)
