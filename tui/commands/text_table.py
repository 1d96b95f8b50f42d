"""Plain-text tables for the CLI, aligned in terminal cells (a CJK character takes two)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.cells import cell_len


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Collection[int] = ()) -> str:
    """Columns separated by two spaces; columns whose index is in `right` are right-aligned."""
    widths = [cell_len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], cell_len(cell))

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            gap = " " * (widths[i] - cell_len(cell))
            out.append(gap + cell if i in right else cell + gap)
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])
