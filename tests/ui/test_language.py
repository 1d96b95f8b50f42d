"""Every screen, in Chinese and in English, shows no UI text of the other language.

The user's names and data (stock names, reasons, catalyst titles, theme ids, file names) are
allowed in either language: a run of Chinese (or an English word) passes when it is found in the
YAML files the screen shows. Everything else on screen is the UI's own words.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.command import CommandPalette
from textual.widgets import DataTable, Input

from tests.conftest import CATALYSTS, TODAY, WATCHLISTS, wait_for_startup, wait_until
from tests.ui.fakes import FakeSource
from tui.context import Context
from tui.sources.base import FailureKind
from tui.ui.app import make_app

SIZE = (160, 50)
CJK_RUN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
WORD = re.compile(r"[A-Za-z][A-Za-z_'-]*[A-Za-z]")
#: Written the same in both languages: file formats, key names, tickers' marks, units.
NEUTRAL = {"YAML", "SVG", "esc", "ctrl", "enter", "ST", "XSHG", "ID", "qfq", "yaml", "bak", "backup",
           "sog", "dm",  # key names side by side in the help's table (`s` `o` `g`)
           "hangzhou-meeting",  # the example of a catalyst id, in the id field's hint
           "market", "HK", "code"}  # YAML the user writes for a Hong Kong listing (market: HK)


def screen_lines(app) -> list[str]:
    """The text on screen, one string per terminal row (from Textual's SVG screenshot)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        x, y, text = m.groups()
        rows.setdefault(float(y), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    return ["".join(t for _, t in sorted(row)) for _, row in sorted(rows.items())]


def foreign(lines: list[str], language: str, corpus: str) -> set[str]:
    """Words of the other language on screen that are not the user's data."""
    found: set[str] = set()
    for line in lines:
        if language == "en":
            for run in CJK_RUN.findall(line):
                core = run.strip("，。；：（）、·「」【】《》“”！？ 　")
                if core and core not in corpus:
                    found.add(run)
        else:
            for word in WORD.findall(line):
                word = word.removeprefix("ID")  # "ID" and the id next to it, in the form's label column
                if word not in NEUTRAL and word not in corpus:
                    found.add(word)
    return found


@pytest.fixture
def project(tmp_path: Path) -> Context:
    shutil.copytree(WATCHLISTS, tmp_path / "watchlists")
    shutil.copy(CATALYSTS, tmp_path / "catalysts.yaml")
    return Context(watchlists=tmp_path / "watchlists", catalysts=tmp_path / "catalysts.yaml", data_dir=tmp_path / "data", today_override=TODAY)


async def _form(pilot, key: str, check) -> None:
    app = pilot.app
    await pilot.press(key)
    await wait_until(pilot, lambda: type(app.screen).__name__.endswith("Form") and app.screen.ready, f"the form of {key!r}")
    await pilot.pause()
    check(f"form {key!r} on {app.query_one('#tabs').active}")


async def _close(pilot, screen_name: str) -> None:
    app = pilot.app
    await pilot.press("escape")
    await wait_until(pilot, lambda: type(app.screen).__name__ != screen_name, f"{screen_name} closed")


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_every_screen_shows_only_its_own_language(project, language):
    files = [*project.watchlists.glob("*.yaml"), project.catalysts]
    # The data: the YAML files, their paths, what the test types, the sample bars' file name.
    typed = ["测试", "测试事件", "a-test-event", "sample:a_share_daily_qfq.csv"]
    corpus = "\n".join([*(p.read_text(encoding="utf-8") for p in files), *(str(p) for p in files), *typed])
    source = FakeSource(fail=FailureKind.NETWORK)
    app = make_app(project, language=language, today=TODAY, poll=False, source_factory=lambda: source)
    problems: dict[str, set[str]] = {}

    def check(where: str) -> None:
        bad = foreign(screen_lines(app), language, corpus)
        cut = {str(c.label) for t in app.screen.query(DataTable) for c in t.columns.values() if not c.auto_width and c.width < cell_len(str(c.label))}
        if bad or cut:
            problems[where] = bad | {f"cut column label {label!r}" for label in cut}

    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        for key in "12345":
            await pilot.press(key)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            check(f"tab {key}")
        # The board: a stock's detail screen, the help, the palette.
        await pilot.press("1", "down")
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "StockDetailScreen", "the stock detail screen")
        await app.workers.wait_for_complete()
        await pilot.pause()
        check("stock detail")
        await _close(pilot, "StockDetailScreen")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "the help screen")
        await pilot.pause()
        check("help")
        await _close(pilot, "HelpScreen")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette) and app.screen.query_one("CommandList").option_count > 0, "the palette's commands")
        check("palette")
        await _close(pilot, "CommandPalette")
        # Every form, and the errors a user meets in them.
        for key in "edm":
            await _form(pilot, key, check)
            await _close(pilot, type(app.screen).__name__)
        await _form(pilot, "n", check)
        form = app.screen
        form.query_one("#code", Input).value = "123456"
        form.query_one("#name", Input).value = "测试"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(form.error_text), "the form's error")
        check("a code with an unknown prefix")
        await _close(pilot, type(form).__name__)
        await pilot.press("2")
        for key in "et":
            await _form(pilot, key, check)
            await _close(pilot, type(app.screen).__name__)
        await _form(pilot, "n", check)
        form = app.screen
        form.query_one("#id", Input).value = "a-test-event"
        form.query_one("#title", Input).value = "测试事件"
        form.query_one("#date", Input).value = "2026-12-01"
        form.query_one("#stocks", Input).value = "30073"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form.error_text or type(app.screen).__name__ != "CatalystForm", "the catalyst saved or refused")
        await pilot.pause()
        check("a catalyst naming an unknown stock")
        if type(app.screen).__name__ == "CatalystForm":
            await _close(pilot, "CatalystForm")
        await pilot.press("3")
        await _form(pilot, "n", check)
        await _close(pilot, type(app.screen).__name__)
        # A refresh with the network down: the notice and the status line.
        app.clear_notifications()
        await pilot.press("1", "r")
        await wait_until(pilot, lambda: app.refresh_count == 1, "the refresh finished")
        await pilot.pause()
        check("offline refresh")
        assert any(n.title == app.labels("refresh.failed") for n in app._notifications)
    assert not problems, "\n".join(f"{where}: {sorted(words)}" for where, words in problems.items())
