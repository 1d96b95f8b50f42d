"""`Cell` renders exactly what rich's Text renders in a one-line table cell."""

from __future__ import annotations

import itertools

import pytest
from rich.console import Console
from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual.render import measure
from textual.renderables.styled import Styled

from tui.ui.cell import Cell

CONSOLE = Console(width=200, color_system="truecolor", force_terminal=True, legacy_windows=False)

TEXTS = [
    "", "12.34", "-3.97%", "  12.34 ", "华策影视", "样本 过期", "300133", "T-28", "▌上游", "(5)",
    "a b c d e f g", "海光信息国产芯片龙头与阿里深度合作", "[tbc] note", "x\ty", "two\nlines",
]
STYLES = ["", "red", "bold dim", "green dim", "#ff0000 on #101010", Style(color="yellow", bold=True)]
JUSTIFY = ["default", "left", "center", "right"]


def table_lines(renderable, width: int) -> list[str]:
    """The cell as a DataTable draws it: padded by one, styled, one line high, as ANSI text."""
    wrapped = Styled(Padding(renderable, (0, 1)), pre_style=Style.parse("on #202020"), post_style=Style(underline=True))
    lines = CONSOLE.render_lines(wrapped, CONSOLE.options.update_dimensions(width, 1).update(no_wrap=True))
    return ["".join(seg.style.render(seg.text, color_system=CONSOLE._color_system) if seg.style else seg.text for seg in line) for line in lines]


@pytest.mark.parametrize(("text", "style", "justify"), itertools.product(TEXTS, STYLES, JUSTIFY))
def test_renders_like_text_at_every_width(text, style, justify):
    natural = measure(CONSOLE, Text(text, style=style, justify=justify), 1)
    assert measure(CONSOLE, Cell(text, style, justify), 1) == natural
    for width in sorted({1, 2, 3, natural, natural + 1, natural + 2, natural + 7, max(1, natural - 1), max(1, natural - 3)}):
        ours = table_lines(Cell(text, style, justify), width + 2)
        theirs = table_lines(Text(text, style=style, justify=justify), width + 2)
        assert ours == theirs, (text, style, justify, width)


def test_text_is_never_read_as_markup():
    assert "[tbc]" in table_lines(Cell("[tbc] note"), 14)[0]


def test_equal_cells_compare_equal():
    assert Cell("1.00", "red", "right") == Cell("1.00", Style.parse("red"), "right")
    assert Cell("1.00", "red", "right") != Cell("1.00", "green", "right")
    assert len({Cell("a"), Cell("a")}) == 1
