"""The Textual app: themes on the left; stocks, catalysts, indicators and problems as tabs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static, TabbedContent, TabPane

from tui.config.loader import Project, load_project
from tui.context import Context
from tui.domain.models import Theme
from tui.ui.formatting import display_path
from tui.ui.i18n import Labels
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.catalysts_pane import CatalystsPane
from tui.ui.widgets.indicators_pane import IndicatorsPane
from tui.ui.widgets.problems_pane import ProblemsPane
from tui.ui.widgets.sidebar import ThemeSidebar
from tui.ui.widgets.stocks_pane import StocksPane

TABS = ("tab-stocks", "tab-catalysts", "tab-indicators", "tab-problems")


class ThemeTrackerApp(App[int]):
    """Read-only view of the user's themes, catalysts and indicators."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    selected_theme_id: reactive[str | None] = reactive(None, init=False)

    def __init__(self, ctx: Context, *, language: str | None = None, today: date | None = None) -> None:
        self.labels = Labels(language or ctx.settings.language)
        super().__init__()
        self.ctx = ctx
        self._today = today
        self.project = Project()
        t = self.labels
        self.title = t("title")
        self._bindings_spec = [
            Binding("q", "quit", t("bind.quit")),
            Binding("right_square_bracket", "next_theme", t("bind.next_theme")),
            Binding("left_square_bracket", "prev_theme", t("bind.prev_theme")),
            Binding("1", "show_tab('tab-stocks')", t("tab.stocks"), show=False),
            Binding("2", "show_tab('tab-catalysts')", t("tab.catalysts"), show=False),
            Binding("3", "show_tab('tab-indicators')", t("tab.indicators"), show=False),
            Binding("4", "show_tab('tab-problems')", t("tab.problems"), show=False),
            Binding("a", "toggle_scope", t("bind.scope")),
            Binding("R", "reload", t("bind.reload")),
            Binding("question_mark", "help", t("bind.help")),
        ]
        for b in self._bindings_spec:
            self._bindings.bind(b.key, b.action, b.description, show=b.show)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        t = self.labels
        yield Header()
        with Horizontal(id="main"):
            yield ThemeSidebar(id="sidebar")
            with TabbedContent(id="tabs"):
                with TabPane(t("tab.stocks"), id="tab-stocks"):
                    yield StocksPane(t, id="stocks")
                with TabPane(t("tab.catalysts"), id="tab-catalysts"):
                    yield CatalystsPane(t, id="catalysts")
                with TabPane(t("tab.indicators"), id="tab-indicators"):
                    yield IndicatorsPane(t, id="indicators")
                with TabPane(t("tab.problems"), id="tab-problems"):
                    yield ProblemsPane(t, id="problems")
        yield Static(id="status-bar")
        yield Footer()

    def on_mount(self) -> None:
        self.load_files()
        self.query_one(ThemeSidebar).focus()

    @property
    def today(self) -> date:
        return self._today or self.ctx.today()

    # ------------------------------------------------------------------ data

    def load_files(self) -> None:
        """(Re)load the YAML files and redraw everything; problems go to the Problems tab."""
        self.project = load_project(self.ctx.watchlists, self.ctx.catalysts)
        ids = [theme.id for theme in self.project.themes]
        current = self.selected_theme_id if self.selected_theme_id in ids else (ids[0] if ids else None)
        self.query_one(ThemeSidebar).set_themes(self.project.themes, current)
        self.query_one(ProblemsPane).show(self.project.diagnostics)
        if self.selected_theme_id == current:
            self._redraw()
        else:
            self.selected_theme_id = current
        errors = self.project.errors
        if errors:
            self.notify(
                "\n".join(str(d) for d in errors[:5]) + (f"\n… +{len(errors) - 5}" if len(errors) > 5 else ""),
                title=self.labels("problems.loaded_with_errors"),
                severity="error",
                timeout=8,
            )

    @property
    def selected_theme(self) -> Theme | None:
        return self.project.theme(self.selected_theme_id) if self.selected_theme_id else None

    def watch_selected_theme_id(self, _old: str | None, _new: str | None) -> None:
        self._redraw()

    def _redraw(self) -> None:
        theme = self.selected_theme
        self.query_one(StocksPane).show(self.project, theme, self.today)
        self.query_one(CatalystsPane).show(self.project, theme, self.today)
        self.query_one(IndicatorsPane).show(theme, self.today)
        self._update_status()

    def _update_status(self) -> None:
        t = self.labels
        p = self.project
        stocks = sum(len(th.stocks) for th in p.themes)
        errors, warnings = len(p.errors), len(p.warnings)
        problems = f"{t('status.problems')} {errors}/{warnings}" if (errors or warnings) else f"{t('status.problems')} 0"
        self.query_one("#status-bar", Static).update(
            f"{t('status.today')} {self.today.isoformat()} · {len(p.themes)} {t('themes')} · {stocks} · "
            f"{len(p.catalysts)} {t('tab.catalysts')} · {problems} · {display_path(self.ctx.watchlists)} · {display_path(self.ctx.catalysts)}"
        )

    # ------------------------------------------------------------------ events and actions

    @on(OptionList.OptionHighlighted, "#sidebar")
    def _theme_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.selected_theme_id = event.option.id

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

    def action_toggle_scope(self) -> None:
        self.query_one(CatalystsPane).toggle_scope()
        self.query_one(TabbedContent).active = "tab-catalysts"

    def action_reload(self) -> None:
        self.load_files()
        self.notify(self.labels("bind.reload") + " ✓", timeout=2)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.labels.language))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        t = self.labels
        yield SystemCommand(t("bind.next_theme"), t("bind.next_theme"), self.action_next_theme)
        yield SystemCommand(t("bind.prev_theme"), t("bind.prev_theme"), self.action_prev_theme)
        for tab in TABS:
            key = "tab." + tab.removeprefix("tab-")
            yield SystemCommand(t(key), t("bind.tab") + " → " + t(key), lambda tab=tab: self.action_show_tab(tab))
        yield SystemCommand(t("bind.scope"), t("bind.scope"), self.action_toggle_scope)
        yield SystemCommand(t("bind.reload"), t("bind.reload"), self.action_reload)
        yield SystemCommand(t("bind.help"), t("bind.help"), self.action_help)


def make_app(ctx: Context, *, language: str | None = None, today: date | None = None) -> ThemeTrackerApp:
    """The one factory the CLI and the tests use to build the app."""
    return ThemeTrackerApp(ctx, language=language, today=today)
