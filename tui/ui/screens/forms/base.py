"""The edit form base: a modal with fields, a red reason line, and 保存 / 取消.

Life of a form:
1. On mount, a thread worker opens the editor(s) (tui.config.editing): that read is the
   baseline a later save is checked against. Until it is done, 保存 does nothing.
2. 保存 (or ctrl+s) reads the widgets on the UI thread into plain values and runs the edit in a
   thread worker; the worker only calls the editing API and returns its EditResult.
3. One Worker.StateChanged handler turns the outcome into state: success dismisses the form
   with the EditResult (the caller reloads the app's files); an EditError is shown in red under
   the fields and the form stays open (the API wrote nothing); a ConflictError (the file changed
   on disk since it was read) says so and shows 重新加载, which reloads the app's files and the
   editor, after which the user can save again. Nothing is ever overwritten.

Writes are small local files (0.05-0.4 s with the validation) but still run off the UI thread,
so a slow disk never freezes the app.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from tui.config.editing import ConflictError, EditError, EditResult, MissingNameError
from tui.ui.formatting import display_path
from tui.ui.i18n import Labels
from tui.ui.translate import message_text

LOAD_GROUP = "edit-form-load"
SAVE_GROUP = "edit-form-save"

_LIST_SEPARATORS = re.compile(r"[,，、;；]")


# ---------------------------------------------------------------------- value helpers


def split_list(text: str) -> list[str]:
    """Comma-separated text as a list (also the Chinese ，、； separators); blanks dropped."""
    return [part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip()]


def split_lines(text: str) -> list[str]:
    """One item per line; blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def text_or_none(text: str) -> str | None:
    text = text.strip()
    return text or None


def join_list(values: Iterable[str]) -> str:
    return ", ".join(values)


def paren(labels: Labels, text: str) -> str:
    """'（text）' in Chinese, ' (text)' in English."""
    return f"（{text}）" if labels.language == "zh" else f" ({text})"


def colon(labels: Labels) -> str:
    return "：" if labels.language == "zh" else ": "


def file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def changed_since_app_loaded(app: Any, path: Path) -> bool:
    """True when `path` changed on disk after the app last loaded its files.

    The app records `(mtime_ns, size)` of each file it loaded (``_stamps``, see
    tui.config.reload.file_stamps). A form opened in the second before the app's file watcher
    notices an outside change would otherwise edit content the user has not seen.
    """
    stamps = getattr(app, "_stamps", None)
    if not isinstance(stamps, dict):
        return False
    for key in (path, path.resolve()):
        if key in stamps:
            return stamps[key] != file_stamp(path)
    return False


# ---------------------------------------------------------------------- the form


class EditForm(ModalScreen[EditResult | None]):
    """Base of the edit forms. Subclasses define `compose_fields`, `open_editors` (runs in a
    thread, returns what `make_edit` needs) and `make_edit` (UI thread: read the widgets,
    return a function that runs in a thread and returns the EditResult)."""

    DEFAULT_CSS = """
    EditForm { align: center middle; }
    EditForm #form-box {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    EditForm #form-title { text-style: bold; color: $text; width: 1fr; }
    EditForm #form-subtitle { color: $text-muted; width: 1fr; }
    EditForm #form-fields { height: auto; }
    EditForm .form-row { height: auto; margin-top: 1; }
    EditForm.-short .form-row { margin-top: 0; }
    EditForm .form-label { width: 12; padding-right: 1; color: $text-muted; }
    EditForm .form-row Input, EditForm .form-row Select { width: 1fr; }
    EditForm .form-row TextArea { width: 1fr; height: 4; }
    EditForm .form-row TextArea.tall { height: 6; }
    EditForm.-short .form-row TextArea { height: 3; }
    EditForm #form-bottom { dock: bottom; height: auto; }
    EditForm #form-error { color: $error; height: auto; margin-top: 1; }
    EditForm.-short #form-error { margin-top: 0; }
    EditForm #form-error.empty { display: none; }
    EditForm #form-buttons { height: 1; margin-top: 1; align-horizontal: right; }
    EditForm #form-buttons Button { margin-left: 2; }
    EditForm #form-reload { display: none; }
    EditForm.-reloadable #form-reload { display: block; }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", "取消", show=True),
        Binding("ctrl+s", "save", "保存", show=True, priority=True),
    ]

    #: Below 34 rows the fields are packed without blank lines between them.
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-short"), (34, "-tall")]

    #: Textual's auto focus takes the first match in DOM order, where the buttons come first
    #: (docked before the fields): on_mount focuses FIRST_FIELD instead.
    AUTO_FOCUS = ""
    #: The first focusable match (in field order) gets the focus; the save button when none.
    FIRST_FIELD = "#form-fields Input, #form-fields Select, #form-fields TextArea"

    #: Label key of the title.
    title_key: ClassVar[str] = "form.title"
    #: Label key of the save button.
    save_key: ClassVar[str] = "form.save"

    def __init__(self, labels: Labels, paths: Iterable[Path], *, subtitle: str = "") -> None:
        super().__init__()
        self.t = labels
        self.paths = [Path(p) for p in paths]
        self.subtitle = subtitle
        self.editors: Any = None
        self.ready = False
        self.busy = False
        self.conflict = False
        self.error_text = ""
        if labels.language != "zh":
            self._bindings.bind("escape", "cancel", labels("form.cancel"), show=True)
            self._bindings.bind("ctrl+s", "save", labels(self.save_key), show=True, priority=True)

    # ------------------------------------------------------------------ subclass hooks

    def compose_fields(self) -> ComposeResult:  # pragma: no cover - abstract
        yield from ()

    def open_editors(self) -> Any:  # pragma: no cover - abstract
        """Runs in a thread: open the editor(s) for `self.paths`."""
        raise NotImplementedError

    def make_edit(self) -> Callable[[], EditResult]:  # pragma: no cover - abstract
        """UI thread: read the widgets; return the edit to run in a thread. May raise EditError
        for a problem found before touching the editor (e.g. a required field left empty)."""
        raise NotImplementedError

    def editors_loaded(self) -> None:
        """UI thread: called after `open_editors` returned (e.g. to fill a Select)."""

    #: Groups of a subclass's own workers; their outcome goes to `worker_done`.
    worker_groups: ClassVar[tuple[str, ...]] = ()

    def worker_done(self, worker: Worker) -> None:
        """UI thread: a worker of `worker_groups` finished (SUCCESS or ERROR)."""

    # ------------------------------------------------------------------ layout helpers

    def row(self, label_key: str, widget: Widget) -> Widget:
        """A labelled field row."""
        return Horizontal(Label(self.t(label_key), classes="form-label"), widget, classes="form-row")

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="form-box"):
            yield Static(t(self.title_key), id="form-title", markup=False)
            if self.subtitle:
                yield Static(self.subtitle, id="form-subtitle", markup=False)
            # Docked first, so that on a short terminal the fields scroll and the reason
            # line and the buttons stay in view.
            with Vertical(id="form-bottom"):
                yield Static("", id="form-error", classes="empty")
                with Horizontal(id="form-buttons"):
                    yield Button(t("form.reload"), id="form-reload", variant="warning", compact=True)
                    yield Button(t(self.save_key), id="form-save", variant="primary", compact=True)
                    yield Button(t("form.cancel"), id="form-cancel", compact=True)
            with VerticalScroll(id="form-fields"):
                yield from self.compose_fields()

    def on_mount(self) -> None:
        self.query_one("#form-box").border_subtitle = "ctrl+s " + self.t(self.save_key) + " · esc " + self.t("form.cancel")
        first = next((w for w in self.query(self.FIRST_FIELD) if w.focusable), None)
        self.set_focus(first or self.query_one("#form-save", Button))
        self._load()

    # ------------------------------------------------------------------ state

    def show_error(self, text: str) -> None:
        """Show a reason in red under the fields (an empty text hides the line)."""
        self.error_text = text
        box = self.query_one("#form-error", Static)
        box.update(Text("✗ " + text) if text else "")
        box.set_class(not text, "empty")
        if text:
            box.scroll_visible()

    def _readable(self, error: BaseException) -> str:
        """An error's text with the editor's absolute paths shortened for display."""
        text = str(error)
        for path in sorted(self.paths, key=lambda p: -len(str(p))):
            text = text.replace(str(path), display_path(path))
        return message_text(text, self.t)

    def _set_conflict(self, conflict: bool) -> None:
        self.conflict = conflict
        self.set_class(conflict, "-reloadable")
        if conflict:
            files = ", ".join(display_path(p) for p in self.paths)
            self.show_error(self.t("form.conflict").format(file=files))

    # ------------------------------------------------------------------ workers

    def _load(self) -> None:
        self.ready = False
        self.run_worker(self.open_editors, thread=True, group=LOAD_GROUP, exclusive=True, exit_on_error=False, name="load")

    def action_save(self) -> None:
        if self.busy:
            return
        if not self.ready:
            if not self.error_text:  # else: the file could not be read, and the reason is shown
                self.show_error(self.t("form.loading"))
            return
        if self.conflict:
            self._set_conflict(True)
            return
        try:
            job = self.make_edit()
        except EditError as exc:
            self.show_error(self._readable(exc))
            return
        if any(changed_since_app_loaded(self.app, p) for p in self.paths):
            self._set_conflict(True)
            return
        self.busy = True
        self.query_one("#form-save", Button).disabled = True
        self.run_worker(job, thread=True, group=SAVE_GROUP, exit_on_error=False, name="save")

    def action_cancel(self) -> None:
        if self.busy:  # a write is under way: its outcome decides (it takes a fraction of a second)
            return
        self.dismiss(None)

    def action_reload(self) -> None:
        """Reload the app's files (so it shows what is on disk now) and this form's editor."""
        reload = getattr(self.app, "load_files", None)
        if callable(reload):
            reload()
        self._set_conflict(False)
        self.show_error("")
        self._load()

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#form-reload")
    def _reload_pressed(self) -> None:
        self.action_reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker outcomes become state (the app's handler never sees them)."""
        worker = event.worker
        if worker.group not in (LOAD_GROUP, SAVE_GROUP, *self.worker_groups):
            return
        event.stop()
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if worker.group not in (LOAD_GROUP, SAVE_GROUP):
            self.worker_done(worker)
        elif worker.group == LOAD_GROUP:
            self._loaded(worker)
        else:
            self._saved(worker)

    def _loaded(self, worker: Worker) -> None:
        if worker.state is WorkerState.ERROR:
            # E.g. the file is gone or no longer UTF-8: say why; 重新加载 tries again.
            self.show_error(self._readable(worker.error) if worker.error else "?")
            self.add_class("-reloadable")
            return
        self.editors = worker.result
        self.ready = True
        self.editors_loaded()
        if any(changed_since_app_loaded(self.app, p) for p in self.paths):
            self._set_conflict(True)

    def _saved(self, worker: Worker) -> None:
        self.busy = False
        self.query_one("#form-save", Button).disabled = False
        if worker.state is WorkerState.SUCCESS:
            self.dismiss(worker.result)
            return
        error = worker.error
        if isinstance(error, ConflictError):
            self._set_conflict(True)
        elif isinstance(error, MissingNameError):
            self.show_error(self.t("form.missing_name"))
        elif isinstance(error, EditError):
            self.show_error(self._readable(error))
        else:
            self.show_error(f"{type(error).__name__}: {self._readable(error) if error else ''}")

    # ------------------------------------------------------------------ widget access

    def value(self, selector: str) -> str:
        """The text of an Input or TextArea."""
        widget = self.query_one(selector)
        if isinstance(widget, Input):
            return widget.value
        if isinstance(widget, TextArea):
            return widget.text
        raise TypeError(selector)

    def choice(self, selector: str) -> Any:
        """The value of a Select, None when blank."""
        select = self.query_one(selector, Select)
        return None if select.is_blank() else select.value


def choices(labels: dict[str, str], values: Iterable[str], language: str) -> list[tuple[str, str]]:
    """Select options for fixed values, labelled in the UI language ("政策 policy")."""
    if language == "zh":
        return [(f"{labels.get(v, v)}  {v}", v) for v in values]
    return [(v, v) for v in values]
