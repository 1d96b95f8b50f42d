"""The command palette speaks the UI's language, Textual's own entries included."""

from __future__ import annotations

import re

import pytest
from textual.command import CommandInput, CommandPalette

from tests.conftest import TODAY, wait_for_startup, wait_until
from tui.ui.app import make_app

SIZE = (120, 40)
TEXTUAL_TITLES = {"Theme", "Quit", "Keys", "Maximize", "Minimize", "Screenshot"}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
#: Words that stay as they are in the Chinese UI: file formats and key names.
KEPT_IN_ZH = {"YAML", "SVG", "esc"}


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_every_palette_entry_is_in_the_ui_language_and_says_more_than_its_title(shipped_ctx, language):
    app = make_app(shipped_ctx, language=language, today=TODAY, poll=False, load_data=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        assert len(titles) == len(set(titles)), titles
        for command in commands:
            assert command.help.strip() and command.help.strip() != command.title.strip(), command
            text = f"{command.title} {command.help}"
            if language == "zh":
                assert command.title not in TEXTUAL_TITLES, command
                assert set(ENGLISH_WORD.findall(text)) <= KEPT_IN_ZH, command
            else:
                assert not CJK.search(text), command
        if language == "en":
            assert {"Keys", "Screenshot", "Colour theme"} <= set(titles)


async def test_the_palette_and_its_footer_key_are_chinese(shipped_ctx):
    app = make_app(shipped_ctx, today=TODAY, poll=False, load_data=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        palette_keys = [b for b in app.active_bindings.values() if b.binding.action == "command_palette"]
        assert [b.binding.description for b in palette_keys] == ["命令"]
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
        assert app.screen.query_one(CommandInput).placeholder == "搜索命令…"
        await pilot.press(*"截图")
        await wait_until(pilot, lambda: app.screen.query_one("CommandList").option_count > 0, "a matching command")
        prompt = str(app.screen.query_one("CommandList").get_option_at_index(0).prompt)
        assert "截图" in prompt and "SVG" in prompt
