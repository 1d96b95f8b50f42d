"""A one-line table cell that renders like rich.text.Text at less than half the cost.

A DataTable renders every visible cell again after any change to the table (a sort, a refresh
of quotes): on the board that is some 450 cells, and Rich's general Text layout (wrapping,
justification, spans) is most of that time. A board cell is one line of text in one style,
so `Cell` produces the same segments directly. Its text is never read as console markup
(a plain string in a DataTable is, so "[tbc]" in a note would vanish).

Equivalence with `Text(text, style=style, justify=justify)` in a table cell (one line high,
folded and cut at the cell's width) is tested in tests/unit/test_cell.py.
"""

from __future__ import annotations

from typing import Literal

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

Justify = Literal["default", "left", "center", "right"]


class Cell:
    """One line of plain text with one style, for a DataTable cell."""

    __slots__ = ("plain", "style", "justify", "_width", "_simple")

    def __init__(self, text: str, style: str | Style = "", justify: Justify = "default") -> None:
        self.plain = text
        self.style = style
        self.justify = justify
        self._width = cell_len(text)
        # Line breaks and tabs take Text's own layout (never on the board, but always right).
        self._simple = "\n" not in text and "\t" not in text

    def __str__(self) -> str:
        return self.plain

    def __repr__(self) -> str:
        return f"Cell({self.plain!r}, style={str(self.style)!r}, justify={self.justify!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Cell):
            return NotImplemented
        return (self.plain, str(self.style), self.justify) == (other.plain, str(other.style), other.justify)

    def __hash__(self) -> int:
        return hash((self.plain, str(self.style), self.justify))

    def as_text(self) -> Text:
        """The equivalent rich Text."""
        return Text(self.plain, style=self.style, justify=self.justify)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        if not self._simple:
            return Measurement.get(console, options, self.as_text())
        return Measurement(self._width, self._width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        text = self.plain
        justify = self.justify
        if justify in ("center", "right"):
            text = text.rstrip()  # Text drops trailing spaces before it centres or right-aligns
        used = cell_len(text) if text is not self.plain else self._width
        if not self._simple or used > width:
            # Wider than the cell: Text wraps it at word boundaries; let it.
            yield from self.as_text().__rich_console__(console, options)
            return
        style = console.get_style(self.style, default=Style.null()) if self.style else Style.null()
        room = width - used
        if room and justify == "right":
            text = " " * room + text
        elif room and justify == "left":
            text = text + " " * room
        elif room and justify == "center":
            left = room // 2
            text = " " * left + text + " " * (room - left)
        yield Segment(text, style)
        yield Segment.line()


def plain_cells(*values: object) -> list[object]:
    """Row values for DataTable.add_row with every string shown as written (a DataTable reads a
    plain string as markup: "[/]" in a title would stop the app)."""
    return [Cell(v) if isinstance(v, str) else v for v in values]
