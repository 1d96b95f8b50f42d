"""Pilot tests of the edit forms (tui/ui/screens/forms), on copies of the shipped files.

Each form: filled and saved, the file changes exactly as expected (only the edited lines) and
the app shows it after the reload; an invalid value is refused in the form with the reason and
the file stays byte-identical; a file changed on disk after the app loaded it is never
overwritten (the form says so and offers 重新加载); cancel writes nothing.
"""

from __future__ import annotations

import contextlib
import difflib
import shutil
from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, Select, TextArea

from tests.conftest import CATALYSTS, TODAY, WATCHLISTS, wait_until
from tui.config.editing import EditResult
from tui.context import Context
from tui.ui.app import make_app
from tui.ui.screens.forms import (
    AddStockForm,
    CatalystForm,
    CatalystStatusForm,
    EditForm,
    EditStockForm,
    MoveStockForm,
    ReadingForm,
    RemoveStockForm,
    highlighted_catalyst,
    highlighted_indicator,
    highlighted_stock,
    open_add_reading,
    open_add_stock,
    open_catalyst_status,
    open_edit_catalyst,
    open_edit_stock,
    open_move_stock,
    open_remove_stock,
)

SIZE = (160, 50)
THEME_FILE = "compute-power.yaml"

SECOND_THEME = """\
# A second theme, for moves across themes and names known from other watchlists.
id: second
name: 第二个题材
segments: [上游, 下游]
stocks:
  - code: "002230"
    name: 科大讯飞
    segment: 上游
    reason: 测试用
"""


# ---------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def files(tmp_path: Path) -> Context:
    """Copies of the shipped watchlists and catalyst calendar (never the originals)."""
    shutil.copytree(WATCHLISTS, tmp_path / "watchlists")
    shutil.copy(CATALYSTS, tmp_path / "catalysts.yaml")
    return Context(watchlists=tmp_path / "watchlists", catalysts=tmp_path / "catalysts.yaml", data_dir=tmp_path / "data", today_override=TODAY)


@pytest.fixture
def two_themes(files: Context) -> Context:
    (files.watchlists / "second.yaml").write_text(SECOND_THEME, encoding="utf-8")
    return files


def app_for(ctx: Context, **kw):
    return make_app(ctx, today=TODAY, poll=False, load_data=False, **kw)


@pytest.fixture
def opened(files: Context):
    """``async with opened() as (app, pilot)``: the app on the copied files (or on the context
    given), started, with its start-up work settled."""

    @contextlib.asynccontextmanager
    async def open_app(ctx: Context | None = None, **kw):
        app = app_for(ctx or files, **kw)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            yield app, pilot

    return open_app


async def settle(pilot) -> None:
    """Wait until every worker has finished and its messages are handled. A refused edit is a
    failed worker that the form handles (it shows the reason), so this waits on the workers'
    states, not on `wait_for_complete` (which raises on a failed worker); the tests assert the
    outcome. Raises when the workers never finish."""
    app = pilot.app
    for _ in range(2):  # a finished worker's result may start another (a name lookup)
        await wait_until(pilot, lambda: app.data_started and all(w.is_finished for w in app.workers), "every worker finished")
        await pilot.pause()


async def open_form(pilot, form: EditForm) -> list[EditResult | None]:
    """Push `form` directly; returns the list its dismissal result is appended to."""
    results: list[EditResult | None] = []
    await pilot.app.push_screen(form, results.append)
    await settle(pilot)
    assert form.ready
    return results


async def save(pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


def error_text(form: EditForm) -> str:
    return str(form.query_one("#form-error").render())


def added_and_removed(before: str, after: str) -> tuple[list[str], list[str]]:
    """(added lines, removed lines) of a diff, without the diff markers."""
    added, removed = [], []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if line.startswith("+") and not line.startswith("+++"):
            added.append(line[1:])
        elif line.startswith("-") and not line.startswith("---"):
            removed.append(line[1:])
    return added, removed


def hunks(before: str, after: str) -> int:
    return sum(1 for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0) if line.startswith("@@"))


def board_keys(app) -> list[str]:
    table = app.query_one("#board-table", DataTable)
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


def theme_and_path(app, theme_id: str = "compute-power"):
    theme = app.project.theme(theme_id)
    return theme, Path(app.project.theme_files[theme_id])


def stock(app, code: str, theme_id: str = "compute-power"):
    return next(s for s in app.project.theme(theme_id).stocks if s.code == code)


def catalyst(app, catalyst_id: str):
    return next(c for c in app.project.catalysts if c.id == catalyst_id)


def reload_app(results: list, app) -> None:
    """What the caller does with a result: reload the files."""
    if results and results[-1] is not None:
        app.load_files()


# ---------------------------------------------------------------------- add a stock


async def test_add_stock_writes_only_its_lines_with_the_code_quoted(files, opened):
    path = files.watchlists / THEME_FILE
    before = path.read_text(encoding="utf-8")
    async with opened() as (app, pilot):
        theme, theme_path = theme_and_path(app)
        downstream = [s.code for s in theme.stocks if s.segment == "下游"]
        form = AddStockForm(app.labels, theme, theme_path)
        results = await open_form(pilot, form)
        form.query_one("#code", Input).focus()
        await pilot.press(*"300418")
        form.query_one("#name", Input).value = "昆仑万维"
        form.query_one("#segment", Select).value = "下游"
        form.query_one("#reason", Input).value = "大模型应用，算力需求方"
        form.query_one("#risks", TextArea).text = "商业化进度不及预期\n\n算力成本上升\n"
        form.query_one("#tags", Input).value = "大模型，AI应用"
        form.query_one("#notes", Input).value = "测试备注"
        await save(pilot)

        assert len(results) == 1 and isinstance(results[0], EditResult) and results[0].changed
        assert app.screen is not form
        after = path.read_text(encoding="utf-8")
        added, removed = added_and_removed(before, after)
        assert removed == []
        assert hunks(before, after) == 1
        assert added == [
            '  - code: "300418"',
            "    name: 昆仑万维",
            "    segment: 下游",
            "    reason: 大模型应用，算力需求方",
            "    risks:",
            "      - 商业化进度不及预期",
            "      - 算力成本上升",
            "    notes: 测试备注",
            "    tags: [大模型, AI应用]",
        ]
        reload_app(results, app)
        await pilot.pause()
        assert "300418" in board_keys(app)
        # The new stock goes after the last stock of its segment group.
        codes = [s.code for s in app.project.theme("compute-power").stocks if s.segment == "下游"]
        assert codes == [*downstream, "300418"]
        assert stock(app, "300418").risks == ["商业化进度不及预期", "算力成本上升"]


async def test_add_stock_fills_the_name_from_another_watchlist_and_it_stays_editable(two_themes, opened):
    async with opened(two_themes) as (app, pilot):
        from functools import partial

        from tui.views.names import name_lookup

        theme, theme_path = theme_and_path(app, "second")
        ctx = two_themes
        form = AddStockForm(app.labels, theme, theme_path, name_lookup_factory=partial(name_lookup, ctx.watchlists, ctx.catalysts, ctx.data_dir))
        await open_form(pilot, form)
        form.query_one("#code", Input).focus()
        await pilot.press(*"68804")
        await settle(pilot)
        assert form.query_one("#name", Input).value == ""  # not a full code yet
        await pilot.press("1")
        await wait_until(pilot, lambda: form.query_one("#name", Input).value == "海光信息", "the name looked up")
        # Typing a different code replaces an auto-filled name …
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace", *"688256")
        await wait_until(pilot, lambda: form.query_one("#name", Input).value == "寒武纪", "the name looked up")
        # … but never a name the user typed.
        form.query_one("#name", Input).value = "寒武纪-U"
        await pilot.press("backspace", *"6")
        await settle(pilot)
        assert form.query_one("#name", Input).value == "寒武纪-U"
        await save(pilot)
        text = (two_themes.watchlists / "second.yaml").read_text(encoding="utf-8")
        assert '  - code: "688256"\n    name: 寒武纪-U\n' in text


@pytest.mark.parametrize(
    ("code", "name", "reason"),
    [
        ("30013X", "某公司", "应为6位数字"),
        ("300133", "华策影视", "已在题材"),
        ("300999", "", "请填写名称"),
        ("", "某公司", "请填写代码"),
    ],
    ids=["bad-code", "duplicate", "no-name", "no-code"],
)
async def test_add_stock_refuses_an_invalid_stock_in_the_form(files, code, name, reason, opened):
    path = files.watchlists / THEME_FILE
    before = path.read_bytes()
    async with opened() as (app, pilot):
        theme, theme_path = theme_and_path(app)
        form = AddStockForm(app.labels, theme, theme_path, name_lookup_factory=lambda: (lambda _code: None))
        results = await open_form(pilot, form)
        form.query_one("#code", Input).value = code
        form.query_one("#name", Input).value = name
        await save(pilot)
        assert app.screen is form and results == []
        assert reason in error_text(form)
        assert path.read_bytes() == before
        assert not (path.parent / ".backup" / path.name).exists()
        # The reason is in the form, not in an app-level error notification.
        assert not [n for n in app._notifications if n.severity == "error"]
        # Fixing the value and saving again works from the same form.
        form.query_one("#code", Input).value = "300418"
        form.query_one("#name", Input).value = "昆仑万维"
        await save(pilot)
        assert results and results[0] is not None and results[0].changed
        assert '"300418"' in path.read_text(encoding="utf-8")


async def test_cancel_writes_nothing(files, opened):
    path = files.watchlists / THEME_FILE
    before = path.read_bytes()
    async with opened() as (app, pilot):
        theme, theme_path = theme_and_path(app)
        form = AddStockForm(app.labels, theme, theme_path)
        results = await open_form(pilot, form)
        form.query_one("#code", Input).value = "300418"
        form.query_one("#name", Input).value = "昆仑万维"
        await pilot.press("escape")
        await settle(pilot)
        assert results == [None]
        assert app.screen is not form
        # The cancel button does the same.
        form2 = AddStockForm(app.labels, theme, theme_path)
        results2 = await open_form(pilot, form2)
        form2.query_one("#code", Input).value = "300418"
        await pilot.click("#form-cancel")
        await settle(pilot)
        assert results2 == [None]
    assert path.read_bytes() == before
    assert not (path.parent / ".backup" / path.name).exists()


# ---------------------------------------------------------------------- conflicts


async def test_a_file_changed_after_the_app_loaded_it_is_not_overwritten(files, opened):
    path = files.watchlists / THEME_FILE
    async with opened() as (app, pilot):
        theme, theme_path = theme_and_path(app)
        form = AddStockForm(app.labels, theme, theme_path)
        results = await open_form(pilot, form)
        changed = path.read_text(encoding="utf-8") + "# edited in another editor\n"
        path.write_text(changed, encoding="utf-8")
        form.query_one("#code", Input).value = "300418"
        form.query_one("#name", Input).value = "昆仑万维"
        await save(pilot)
        assert app.screen is form and results == []
        assert "已在磁盘上被修改" in error_text(form)
        assert path.read_text(encoding="utf-8") == changed
        reload_button = form.query_one("#form-reload", Button)
        assert reload_button.display
        # 重新加载: the app and the form read the file again; then the save goes through and
        # keeps the other editor's change.
        await pilot.click("#form-reload")
        await settle(pilot)
        assert not reload_button.display and error_text(form) == ""
        await save(pilot)
        assert results and results[0] is not None
        text = path.read_text(encoding="utf-8")
        assert text.endswith("# edited in another editor\n") and '"300418"' in text


async def test_a_conflict_found_by_the_editing_api_is_reported_too(files, opened):
    """The app already reloaded the outside change (its file watcher), but the form's editor
    read the file before it: the editing API refuses with ConflictError."""
    path = files.catalysts
    async with opened() as (app, pilot):
        form = CatalystStatusForm(app.labels, path, catalyst(app, "annuoqi-restructuring"))
        results = await open_form(pilot, form)
        changed = path.read_text(encoding="utf-8").replace("安诺其重组事项结果", "安诺其重组事项进展")
        path.write_text(changed, encoding="utf-8")
        app.load_files()
        form.query_one("#status", Select).value = "happened"
        await save(pilot)
        assert results == [] and "已在磁盘上被修改" in error_text(form)
        assert form.query_one("#form-reload", Button).display
        assert path.read_text(encoding="utf-8") == changed


async def test_a_file_that_cannot_be_read_is_reported_in_the_form(files, opened):
    async with opened() as (app, pilot):
        form = CatalystStatusForm(app.labels, files.catalysts, catalyst(app, "annuoqi-restructuring"))
        files.catalysts.rename(files.catalysts.with_suffix(".moved"))
        results: list = []
        await app.push_screen(form, results.append)
        await settle(pilot)
        assert not form.ready and "cannot read file" in error_text(form)
        assert form.query_one("#form-reload", Button).display
        await save(pilot)
        assert results == [] and "cannot read file" in error_text(form)
        # Put back, 重新加载, save.
        files.catalysts.with_suffix(".moved").rename(files.catalysts)
        await pilot.click("#form-reload")
        await settle(pilot)
        assert form.ready
        form.query_one("#status", Select).value = "happened"
        await save(pilot)
        assert results and results[0] is not None and "status: happened" in files.catalysts.read_text(encoding="utf-8")


# ---------------------------------------------------------------------- edit, remove, move


async def test_edit_stock_writes_only_the_changed_fields(files, opened):
    path = files.watchlists / THEME_FILE
    before = path.read_text(encoding="utf-8")
    async with opened() as (app, pilot):
        theme, theme_path = theme_and_path(app)
        form = EditStockForm(app.labels, theme, theme_path, stock(app, "300133"))
        results = await open_form(pilot, form)
        assert form.query_one("#reason", Input).value.startswith("政务算力供应商")
        form.query_one("#reason", Input).value = "政务算力供应商（已验收）"
        risks = form.query_one("#risks", TextArea)
        risks.text = risks.text + "\n算力价格下行"
        await save(pilot)
        assert results and results[0] is not None and results[0].changed
        added, removed = added_and_removed(before, path.read_text(encoding="utf-8"))
        assert removed == ["    reason: 政务算力供应商；80亿现金+万卡集群低故障率；算力规模截至2026年5月达3.7万P，算力云服务项目2026年1月验收计费"]
        assert added == ["    reason: 政务算力供应商（已验收）", "      - 算力价格下行"]
        reload_app(results, app)
        assert stock(app, "300133").risks[-1] == "算力价格下行"


async def test_edit_stock_refuses_an_empty_name(files, opened):
    path = files.watchlists / THEME_FILE
    before = path.read_bytes()
    async with opened() as (app, pilot):
        theme, theme_path = theme_and_path(app)
        form = EditStockForm(app.labels, theme, theme_path, stock(app, "300133"))
        results = await open_form(pilot, form)
        form.query_one("#name", Input).value = "  "
        await save(pilot)
        assert results == [] and "名称不能为空" in error_text(form)
    assert path.read_bytes() == before


async def test_remove_stock_after_confirming(files, opened):
    path = files.watchlists / THEME_FILE
    before = path.read_text(encoding="utf-8")
    async with opened() as (app, pilot):
        theme, theme_path = theme_and_path(app)
        form = RemoveStockForm(app.labels, theme, theme_path, stock(app, "300133"))
        results = await open_form(pilot, form)
        assert "300133 华策影视" in str(form.query_one("#confirm-text").render())
        await pilot.press("enter")  # the 移除 button has the focus
        await settle(pilot)
        assert results and results[0] is not None
        added, removed = added_and_removed(before, path.read_text(encoding="utf-8"))
        assert added == [] and removed[0] == '  - code: "300133"' and hunks(before, path.read_text(encoding="utf-8")) == 1
        reload_app(results, app)
        await pilot.pause()
        assert "300133" not in board_keys(app)


async def test_move_stock_to_another_segment(files, opened):
    path = files.watchlists / THEME_FILE
    before = path.read_text(encoding="utf-8")
    async with opened() as (app, pilot):
        theme, _ = theme_and_path(app)
        form = MoveStockForm(app.labels, theme, stock(app, "300133"), app.project.themes, app.project.theme_files)
        results = await open_form(pilot, form)
        assert form.query_one("#segment", Select).value == "下游"
        form.query_one("#segment", Select).value = "配套"
        await save(pilot)
        assert results and results[0] is not None and results[0].changed
        after = path.read_text(encoding="utf-8")
        added, removed = added_and_removed(before, after)
        assert "    segment: 配套" in added and "    segment: 下游" in removed
        reload_app(results, app)
        supporting = [s.code for s in app.project.theme("compute-power").stocks if s.segment == "配套"]
        assert supporting[-1] == "300133"


async def test_move_stock_to_another_theme(two_themes, opened):
    src = two_themes.watchlists / THEME_FILE
    dst = two_themes.watchlists / "second.yaml"
    src_before = src.read_text(encoding="utf-8")
    async with opened(two_themes) as (app, pilot):
        theme, _ = theme_and_path(app)
        form = MoveStockForm(app.labels, theme, stock(app, "300133"), app.project.themes, app.project.theme_files)
        results = await open_form(pilot, form)
        form.query_one("#to-theme", Select).value = "second"
        await pilot.pause()
        segment = form.query_one("#segment", Select)
        assert [v for _, v in segment._options if v is not Select.NULL] == ["上游", "下游"]
        assert segment.value == "下游"  # the stock's segment exists there: kept
        await save(pilot)
        assert results and results[0] is not None and results[0].changed
        _, removed = added_and_removed(src_before, src.read_text(encoding="utf-8"))
        assert removed[0] == '  - code: "300133"'
        assert '  - code: "300133"\n    name: 华策影视\n    segment: 下游\n' in dst.read_text(encoding="utf-8")
        reload_app(results, app)
        assert [s.code for s in app.project.theme("second").stocks] == ["002230", "300133"]
        assert all(s.code != "300133" for s in app.project.theme("compute-power").stocks)


# ---------------------------------------------------------------------- catalysts


async def test_add_catalyst_appends_it_to_the_calendar(files, opened):
    path = files.catalysts
    before = path.read_text(encoding="utf-8")
    async with opened() as (app, pilot):
        form = CatalystForm(app.labels, path, project=app.project, themes=["compute-power"])
        results = await open_form(pilot, form)
        assert form.query_one("#themes", Input).value == "compute-power"
        form.query_one("#id", Input).value = "test-event-2026-12"
        form.query_one("#title", Input).value = "测试事件"
        form.query_one("#date", Input).value = "2026-12"
        form.query_one("#kind", Select).value = "policy"
        form.query_one("#stocks", Input).value = "300133, 688041"
        form.query_one("#impact", Select).value = "positive"
        form.query_one("#expected", Input).value = "利好算力租赁"
        await save(pilot)
        assert results and results[0] is not None and results[0].warnings == ()
        added, removed = added_and_removed(before, path.read_text(encoding="utf-8"))
        assert removed == []
        assert [line for line in added if line] == [
            "  - id: test-event-2026-12",
            "    date: 2026-12",
            "    title: 测试事件",
            "    kind: policy",
            "    themes: [compute-power]",
            '    stocks: ["300133", "688041"]',
            "    impact: positive",
            "    expected: 利好算力租赁",
            "    status: expected",
        ]
        reload_app(results, app)
        assert catalyst(app, "test-event-2026-12").stocks == ["300133", "688041"]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [("#date", "2025-02-30", "2025-02-30 这一天不存在"), ("#id", "Bad Id", "只能用小写字母"), ("#stocks", "30013X", "应为6位数字")],
    ids=["date", "id", "stock"],
)
async def test_add_catalyst_refuses_an_invalid_value(files, field, value, reason, opened):
    path = files.catalysts
    before = path.read_bytes()
    async with opened() as (app, pilot):
        form = CatalystForm(app.labels, path, project=app.project)
        results = await open_form(pilot, form)
        form.query_one("#id", Input).value = "test-event"
        form.query_one("#title", Input).value = "测试事件"
        form.query_one(field, Input).value = value
        await save(pilot)
        assert results == [] and app.screen is form
        assert reason in error_text(form)
    assert path.read_bytes() == before


async def test_add_catalyst_warns_about_unknown_references(files, opened):
    async with opened() as (app, pilot):
        form = CatalystForm(app.labels, files.catalysts, project=app.project)
        results = await open_form(pilot, form)
        form.query_one("#id", Input).value = "test-event"
        form.query_one("#title", Input).value = "测试事件"
        form.query_one("#themes", Input).value = "no-such-theme"
        await save(pilot)
        assert results and results[0] is not None
        assert results[0].warnings == ("theme 'no-such-theme' is defined by no watchlist",)


async def test_edit_catalyst_writes_only_the_changed_fields(files, opened):
    path = files.catalysts
    before = path.read_text(encoding="utf-8")
    async with opened() as (app, pilot):
        form = CatalystForm(app.labels, path, catalyst=catalyst(app, "annuoqi-restructuring"), project=app.project)
        results = await open_form(pilot, form)
        assert form.query_one("#id", Input).disabled
        form.query_one("#title", Input).value = "安诺其重组事项落地"
        form.query_one("#date", Input).value = "2026Q1"
        await save(pilot)
        assert results and results[0] is not None
        added, removed = added_and_removed(before, path.read_text(encoding="utf-8"))
        assert removed == ["    title: 安诺其重组事项结果"]
        assert sorted(added) == sorted(["    date: 2026Q1", "    title: 安诺其重组事项落地"])
        reload_app(results, app)
        assert str(catalyst(app, "annuoqi-restructuring").date) == "2026Q1"


async def test_set_catalyst_status_and_outcome(files, opened):
    path = files.catalysts
    before = path.read_text(encoding="utf-8")
    async with opened() as (app, pilot):
        form = CatalystStatusForm(app.labels, path, catalyst(app, "annuoqi-restructuring"))
        results = await open_form(pilot, form)
        form.query_one("#status", Select).value = "cancelled"
        form.query_one("#outcome", TextArea).text = "公司公告终止重组"
        await save(pilot)
        assert results and results[0] is not None
        added, removed = added_and_removed(before, path.read_text(encoding="utf-8"))
        assert removed == ["    status: expected"]
        assert added == ["    status: cancelled", "    outcome: 公司公告终止重组"]
        reload_app(results, app)
        c = catalyst(app, "annuoqi-restructuring")
        assert (c.status, c.outcome) == ("cancelled", "公司公告终止重组")


# ---------------------------------------------------------------------- readings


async def test_add_reading_in_date_order(files, opened):
    path = files.watchlists / THEME_FILE
    before = path.read_text(encoding="utf-8")
    async with opened() as (app, pilot):
        theme, theme_path = theme_and_path(app)
        indicator = next(i for i in theme.indicators if i.id == "voucher-uptake")
        form = ReadingForm(app.labels, theme, theme_path, indicator, today=TODAY)
        results = await open_form(pilot, form)
        assert form.query_one("#date", Input).value == "2026-11-22"
        await pilot.press(*"60-65")  # the value field has the focus
        form.query_one("#source", Input).value = "杭州经信局"
        await save(pilot)
        assert results and results[0] is not None, (error_text(form), form.query_one("#value", Input).value)
        added, removed = added_and_removed(before, path.read_text(encoding="utf-8"))
        assert removed == ["    readings: []"]
        assert added == ["    readings:", "      - date: 2026-11-22", "        value: 60-65", "        source: 杭州经信局"]
        reload_app(results, app)
        ind = next(i for i in app.project.theme("compute-power").indicators if i.id == "voucher-uptake")
        assert ind.readings[-1].value.format("%").replace(" ", "").startswith("60")


@pytest.mark.parametrize(
    ("date_text", "value", "reason"),
    [("2026-11-22", "lots", "无法把 lots 读作数值"), ("2025-02-30", "12", "2025-02-30 这一天不存在"), ("2026-11-22", "", "请填写数值")],
    ids=["value", "date", "empty"],
)
async def test_add_reading_refuses_an_invalid_value(files, date_text, value, reason, opened):
    path = files.watchlists / THEME_FILE
    before = path.read_bytes()
    async with opened() as (app, pilot):
        theme, theme_path = theme_and_path(app)
        form = ReadingForm(app.labels, theme, theme_path, theme.indicators[0], today=TODAY)
        results = await open_form(pilot, form)
        form.query_one("#date", Input).value = date_text
        form.query_one("#value", Input).value = value
        await save(pilot)
        assert results == [] and app.screen is form
        assert reason in error_text(form)
    assert path.read_bytes() == before


# ---------------------------------------------------------------------- the entry API


async def test_open_helpers_use_the_highlighted_rows_and_reload_after_saving(files, opened):
    path = files.watchlists / THEME_FILE
    async with opened() as (app, pilot):
        board = app.query_one("#board-table", DataTable)
        board.move_cursor(row=board.get_row_index("300133"))
        await pilot.pause()
        assert highlighted_stock(app).code == "300133"
        form = open_edit_stock(app)
        assert isinstance(form, EditStockForm) and form.stock.code == "300133"
        await settle(pilot)
        form.query_one("#notes", Input).value = "入口测试"
        await save(pilot)
        # reload_after_edit reloaded the app's files.
        assert stock(app, "300133").notes == "入口测试"
        assert "notes: 入口测试" in path.read_text(encoding="utf-8")

        # The remaining helpers open the right form on the highlighted row; esc closes each.
        for opener, kind in [(open_add_stock, AddStockForm), (open_remove_stock, RemoveStockForm), (open_move_stock, MoveStockForm)]:
            form = opener(app)
            assert isinstance(form, kind)
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)

        await pilot.press("2")
        await settle(pilot)
        table = app.query_one("#catalysts-table", DataTable)
        table.move_cursor(row=table.get_row_index("annuoqi-restructuring"))
        await pilot.pause()
        assert highlighted_catalyst(app).id == "annuoqi-restructuring"
        for opener, kind in [(open_edit_catalyst, CatalystForm), (open_catalyst_status, CatalystStatusForm)]:
            form = opener(app)
            assert isinstance(form, kind) and form.catalyst.id == "annuoqi-restructuring"
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)

        await pilot.press("3")
        await settle(pilot)
        indicator = highlighted_indicator(app)
        assert indicator is not None
        form = open_add_reading(app)
        assert isinstance(form, ReadingForm) and form.indicator.id == indicator.id
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)


async def test_app_keys_open_the_form_of_the_active_tab(files, opened):
    """n/e/d/m/t open the form that fits the active tab; a key with nothing to do there says so."""
    async with opened() as (app, pilot):
        board = app.query_one("#board-table", DataTable)
        board.move_cursor(row=board.get_row_index("300133"))
        await pilot.pause()
        for key, kind in [("n", AddStockForm), ("e", EditStockForm), ("d", RemoveStockForm), ("m", MoveStockForm)]:
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, kind), key
            if kind is not AddStockForm:
                assert app.screen.stock.code == "300133"
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, EditForm)

        await pilot.press("t")  # no status on the board
        await pilot.pause()
        assert not isinstance(app.screen, EditForm)
        assert any("此页不支持该操作" in str(n.message) for n in app._notifications)

        await pilot.press("2")
        await settle(pilot)
        table = app.query_one("#catalysts-table", DataTable)
        table.move_cursor(row=table.get_row_index("annuoqi-restructuring"))
        await pilot.pause()
        for key, kind in [("n", CatalystForm), ("e", CatalystForm), ("t", CatalystStatusForm)]:
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, kind), key
            if key != "n":
                assert app.screen.catalyst.id == "annuoqi-restructuring"
            else:
                assert app.screen.catalyst is None
            await pilot.press("escape")
            await settle(pilot)

        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ReadingForm)
        await pilot.press("escape")
        await settle(pilot)

        # Saving from a key-opened form writes the file and reloads the app.
        await pilot.press("1")
        await settle(pilot)
        board.move_cursor(row=board.get_row_index("300133"))
        await pilot.pause()
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#notes", Input).value = "按键打开"
        await save(pilot)
        assert stock(app, "300133").notes == "按键打开"


async def test_open_helpers_refuse_when_nothing_is_highlighted(files, opened):
    async with opened() as (app, pilot):
        board = app.query_one("#board-table", DataTable)
        board.move_cursor(row=0)  # a segment header
        await pilot.pause()
        assert highlighted_stock(app) is None
        assert open_edit_stock(app) is None
        assert open_remove_stock(app) is None
        await pilot.pause()
        assert any("没有选中的股票" in str(n.message) for n in app._notifications)
        assert not isinstance(app.screen, EditForm)


async def test_forms_in_english(files, opened):
    async with opened(files, language="en") as (app, pilot):
        theme, theme_path = theme_and_path(app)
        form = ReadingForm(app.labels, theme, theme_path, theme.indicators[0], today=TODAY)
        await open_form(pilot, form)
        assert str(form.query_one("#form-title").render()) == "Record a reading"
        assert str(form.query_one("#form-save", Button).label) == "Save"
        form.query_one("#value", Input).value = "lots"
        await save(pilot)
        assert "cannot read 'lots'" in error_text(form)


# ---------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_add_stock_form_snapshot(snap_compare, files, tmp_path, monkeypatch, size):
    # Relative paths, so that the status line behind the form shows no absolute path.
    monkeypatch.chdir(tmp_path)
    ctx = Context(watchlists=Path("watchlists"), catalysts=Path("catalysts.yaml"), data_dir=Path("data"), today_override=TODAY)
    app = make_app(ctx, today=TODAY, poll=False)

    async def run_before(pilot) -> None:
        await settle(pilot)
        open_add_stock(app)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AddStockForm) and form.ready
        form.query_one("#code", Input).value = "30013X"
        form.query_one("#name", Input).value = "某公司"
        await save(pilot)
        assert "应为6位数字" in error_text(form)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def _form_snapshot_app(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ctx = Context(watchlists=Path("watchlists"), catalysts=Path("catalysts.yaml"), data_dir=Path("data"), today_override=TODAY)
    return make_app(ctx, today=TODAY, poll=False, load_data=False)


@pytest.mark.parametrize(
    ("tab", "row", "key", "kind"),
    [
        ("1", "300133", "e", EditStockForm),
        ("1", "300133", "m", MoveStockForm),
        ("1", "300133", "d", RemoveStockForm),
        ("2", "annuoqi-restructuring", "e", CatalystForm),
        ("2", "annuoqi-restructuring", "t", CatalystStatusForm),
        ("3", None, "n", ReadingForm),
    ],
    ids=["edit_stock", "move_stock", "remove_stock", "edit_catalyst", "catalyst_status", "add_reading"],
)
def test_form_snapshots_80x24(snap_compare, files, tmp_path, monkeypatch, tab, row, key, kind):
    """Each form as opened by its key on the highlighted row, at the smallest supported size."""
    app = _form_snapshot_app(tmp_path, monkeypatch)
    table_id = {"1": "#board-table", "2": "#catalysts-table"}.get(tab)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(tab)
        await settle(pilot)
        if table_id and row:
            table = app.query_one(table_id, DataTable)
            table.move_cursor(row=table.get_row_index(row))
            await pilot.pause()
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, kind) and app.screen.ready
        # A solid cursor: a blinking one is drawn or not depending on how long the form took
        # to open (under load the picture differed).
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
