"""Pilot: the Problems tab shows every problem's file name with its full line:col, and the
whole message (and full path) of the highlighted or selected problem."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from tests.conftest import TODAY, wait_for_startup
from tui.context import Context
from tui.ui.app import make_app

SIZE = (120, 40)
LONG_PREFIX = "code '987654' has an unknown prefix; A-share codes start with"


def write_watchlist(directory: Path) -> None:
    """A bad code at line 132, column 23, in a deep directory (as `--watchlists ~/themes/...`)."""
    directory.mkdir(parents=True)
    lines = [f"# padding line {i}" for i in range(1, 127)]
    lines += ["id: zz", "name: 新题材", "stocks:", '  - code: "300418"', "    name: 昆仑万维", '  - {name: 某公司, code: "987654"}']
    (directory / "compute-power.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (directory / "second.yaml").write_text("id: second\nname: 第二\nstocks:\n  - {code: \"123456\", name: 坏码}\n", encoding="utf-8")


def table_lines(table: DataTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_file_name_and_full_line_col_always_and_the_whole_message_on_selection(tmp_path):
    watchlists = tmp_path / "a-rather-long-directory-name-for-themes" / "watchlists-2025-q4"
    write_watchlist(watchlists)
    (tmp_path / "catalysts.yaml").write_text("catalysts: []\n", encoding="utf-8")
    ctx = Context(watchlists=watchlists, catalysts=tmp_path / "catalysts.yaml", data_dir=tmp_path / "data", today_override=TODAY)
    app = make_app(ctx, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("5")
        await pilot.pause()
        table = app.query_one("#problems-table", DataTable)
        diagnostics = app.project.diagnostics
        assert table.row_count == len(diagnostics) >= 2
        first = next(i for i, d in enumerate(diagnostics) if d.path.name == "compute-power.yaml")
        assert (diagnostics[first].line, diagnostics[first].col) == (132, 23)
        shown = "\n".join(table_lines(table))
        assert "compute-power.yaml:132:23" in shown
        for d in diagnostics:
            assert f"{d.path.name}:{d.line}:{d.col}" in shown

        table.focus()
        table.move_cursor(row=first)
        await pilot.press("enter")
        await pilot.pause()
        detail = str(app.query_one("#problems-detail").render())
        whole = diagnostics[first].message
        assert whole.startswith(LONG_PREFIX) and len(whole) > SIZE[0]
        assert " ".join(whole.split()) in " ".join(detail.split())
        assert f"{diagnostics[first].path.name}:132:23" in detail
        assert "watchlists-2025-q4" in detail  # the full path, not only the name

        other = next(i for i, d in enumerate(diagnostics) if d.path.name == "second.yaml")
        table.move_cursor(row=other)
        await pilot.pause()
        detail = str(app.query_one("#problems-detail").render())
        assert diagnostics[other].message in detail and f"second.yaml:{diagnostics[other].line}:{diagnostics[other].col}" in detail


async def test_while_a_watchlist_is_briefly_invalid_the_tab_lists_no_false_cross_file_warnings(tmp_path):
    from tests.conftest import CATALYSTS, WATCHLISTS

    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "compute-power.yaml").write_bytes((WATCHLISTS / "compute-power.yaml").read_bytes())
    catalysts = tmp_path / "catalysts.yaml"
    catalysts.write_bytes(CATALYSTS.read_bytes())
    ctx = Context(watchlists=lists, catalysts=catalysts, data_dir=tmp_path / "data", today_override=TODAY)
    app = make_app(ctx, today=TODAY, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_startup(pilot)
        await pilot.press("5")
        table = app.query_one("#problems-table", DataTable)
        assert table.row_count == 0
        # An editor saves a half-typed line: the file is invalid until the next save.
        text = (lists / "compute-power.yaml").read_text(encoding="utf-8")
        (lists / "compute-power.yaml").write_text(text + "stocks: [unclosed\n", encoding="utf-8")
        app.load_files()  # what the file watcher does on the change
        await pilot.pause()
        assert app.project.theme("compute-power") is not None  # the last valid version, shown
        rows = [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert len(rows) == len(app.project.errors) >= 1
        assert all("compute-power.yaml" in row for row in rows)
        assert not any("which no watchlist defines" in row for row in rows)
