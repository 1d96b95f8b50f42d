"""Catalyst forms: add or edit a catalyst; set its status and outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

from textual.app import ComposeResult
from textual.widgets import Input, Select, TextArea

from tui.config.editing import (
    UNSET,
    CatalystEditor,
    EditError,
    EditResult,
    reference_warnings,
)
from tui.domain.models import (
    IMPACT_LABELS_ZH,
    KIND_LABELS_ZH,
    STATUS_LABELS_ZH,
    Catalyst,
    CatalystKind,
    CatalystStatus,
    Impact,
)
from tui.ui.i18n import Labels
from tui.ui.screens.forms.base import (
    EditForm,
    choices,
    join_list,
    paren,
    split_list,
    text_or_none,
)

KINDS: tuple[str, ...] = get_args(CatalystKind)
STATUSES: tuple[str, ...] = get_args(CatalystStatus)
IMPACTS: tuple[str, ...] = get_args(Impact)


class CatalystForm(EditForm):
    """Add a catalyst (``catalyst=None``) or edit one; only changed fields are written.

    `project` (optional) is used to warn about themes or stocks no watchlist defines (the
    edit is still written, as `validate` only warns about them); `themes` pre-fills the
    themes field of a new catalyst (usually the selected theme)."""

    def __init__(
        self,
        labels: Labels,
        path: Path,
        *,
        catalyst: Catalyst | None = None,
        project: Any = None,
        themes: Iterable[str] = (),
    ) -> None:
        super().__init__(labels, [path])
        self.catalyst = catalyst
        self.project = project
        self.default_themes = list(themes)
        self.initial: dict[str, str] = {}

    @property
    def title_key(self) -> str:  # type: ignore[override]
        return "form.edit_catalyst" if self.catalyst else "form.add_catalyst"

    def compose_fields(self) -> ComposeResult:
        t, c, lang = self.t, self.catalyst, self.t.language
        id_box = Input(c.id if c else "", placeholder=t("form.id_hint"), id="id", compact=True, disabled=c is not None)
        yield self.row("form.id", id_box)
        yield self.row("form.title_field", Input(c.title if c else "", id="title", compact=True))
        yield self.row("form.date", Input(str(c.date) if c and c.date else "", placeholder=t("form.date_hint"), id="date", compact=True))
        yield self.row("form.kind", Select(choices(KIND_LABELS_ZH, KINDS, lang), value=c.kind if c else "other", allow_blank=False, id="kind", compact=True))
        themes = c.themes if c else self.default_themes
        yield self.row("form.themes", Input(join_list(themes), placeholder=t("form.themes_hint"), id="themes", compact=True))
        yield self.row("form.stocks", Input(join_list(c.stocks) if c else "", placeholder=t("form.stocks_hint"), id="stocks", compact=True))
        yield self.row("form.impact", Select(choices(IMPACT_LABELS_ZH, IMPACTS, lang), value=c.impact if c else "unknown", allow_blank=False, id="impact", compact=True))
        yield self.row("form.expected", Input(c.expected or "" if c else "", id="expected", compact=True))
        yield self.row("form.status", Select(choices(STATUS_LABELS_ZH, STATUSES, lang), value=c.status if c else "expected", allow_blank=False, id="status", compact=True))
        if c is not None:
            yield self.row("form.outcome", TextArea(c.outcome or "", id="outcome", compact=True))

    def on_mount(self) -> None:
        super().on_mount()
        self.initial = self._texts()

    def _texts(self) -> dict[str, str]:
        texts = {k: self.value(f"#{k}") for k in ("title", "date", "themes", "stocks", "expected")}
        texts.update({k: str(self.choice(f"#{k}")) for k in ("kind", "impact", "status")})
        if self.catalyst is not None:
            texts["outcome"] = self.value("#outcome")
        return texts

    def open_editors(self) -> Any:
        return CatalystEditor(self.paths[0])

    def make_edit(self) -> Callable[[], EditResult]:
        editor: CatalystEditor = self.editors
        texts = self._texts()
        parse: Mapping[str, Callable[[str], Any]] = {
            "title": text_or_none, "date": text_or_none, "themes": split_list, "stocks": split_list,
            "expected": text_or_none, "kind": str, "impact": str, "status": str, "outcome": text_or_none,
        }
        values = {k: parse[k](v) for k, v in texts.items()}
        if not values["title"]:
            raise EditError(self.t("form.title_required"))
        warnings = self._warnings(values["themes"], values["stocks"])
        if self.catalyst is None:
            catalyst_id = self.value("#id").strip()
            if not catalyst_id:
                raise EditError(self.t("form.id_required"))

            def add() -> EditResult:
                return _with_warnings(editor.add_catalyst(catalyst_id, **values), warnings)

            return add
        changes = {k: v for k, v in values.items() if texts[k] != self.initial.get(k)}
        catalyst_id = self.catalyst.id

        def update() -> EditResult:
            return _with_warnings(editor.update_catalyst(catalyst_id, **changes), warnings)

        return update

    def _warnings(self, themes: list[str], stocks: list[str]) -> list[str]:
        if self.project is None:
            return []
        return reference_warnings(self.project, themes=themes, stocks=stocks)


def _with_warnings(result: EditResult, warnings: list[str]) -> EditResult:
    return replace(result, warnings=(*result.warnings, *warnings)) if warnings else result


class CatalystStatusForm(EditForm):
    """Set a catalyst's status and outcome."""

    title_key = "form.catalyst_status"

    def __init__(self, labels: Labels, path: Path, catalyst: Catalyst) -> None:
        super().__init__(labels, [path], subtitle=f"{catalyst.title}{paren(labels, catalyst.id)}")
        self.catalyst = catalyst

    def compose_fields(self) -> ComposeResult:
        c = self.catalyst
        yield self.row("form.status", Select(choices(STATUS_LABELS_ZH, STATUSES, self.t.language), value=c.status, allow_blank=False, id="status", compact=True))
        yield self.row("form.outcome", TextArea(c.outcome or "", placeholder=self.t("form.outcome_hint"), id="outcome", classes="tall", compact=True))

    def open_editors(self) -> Any:
        return CatalystEditor(self.paths[0])

    def make_edit(self) -> Callable[[], EditResult]:
        editor: CatalystEditor = self.editors
        status = str(self.choice("#status"))
        text = self.value("#outcome")
        outcome = UNSET if text.strip() == (self.catalyst.outcome or "").strip() else text_or_none(text)
        catalyst_id = self.catalyst.id
        return lambda: editor.set_status(catalyst_id, status, outcome=outcome)
