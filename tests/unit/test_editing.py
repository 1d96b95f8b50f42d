"""Editing the user's YAML: minimal diffs, byte-for-byte undo, validation, atomic writes."""

from __future__ import annotations

import difflib
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import CATALYSTS, ROOT, WATCHLISTS
from tui.config import atomic
from tui.config.editing import (
    UNSET,
    CatalystEditor,
    ConflictError,
    EditError,
    MissingNameError,
    WatchlistEditor,
    YamlFileEditor,
    find_indicator,
    find_theme_file,
    move_stock,
)
from tui.config.loader import load_files

FIX = ROOT / "tests" / "fixtures" / "editing"


def copy(tmp_path: Path, src: Path, name: str | None = None) -> Path:
    dst = tmp_path / (name or src.name)
    shutil.copyfile(src, dst)
    return dst


def diff(before: str, after: str) -> str:
    """The changed lines only, as a unified diff without context or file headers."""
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return "\n".join(list(lines)[2:])


def theme_of(path: Path):
    project = load_files([path])
    assert not project.errors, project.errors
    return project.themes[0]


@pytest.fixture
def theme(tmp_path: Path) -> Path:
    return copy(tmp_path, FIX / "theme.yaml")


@pytest.fixture
def calendar(tmp_path: Path) -> Path:
    return copy(tmp_path, FIX / "catalysts.yaml")


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    return copy(tmp_path, WATCHLISTS / "compute-power.yaml")


@pytest.fixture
def other(tmp_path: Path) -> Path:
    """A second theme file beside ``theme``, for moves across files."""
    return copy(tmp_path, FIX / "other-theme.yaml")


def no_temp_files(directory: Path) -> bool:
    return not [p for p in directory.iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------ adding stocks


def test_add_stock_at_end_of_its_segment_group_above_the_next_section_comment(theme: Path):
    before = theme.read_text(encoding="utf-8")
    result = WatchlistEditor(theme).add_stock("300438", name="鹏辉能源", segment="上游", reason="储能电芯", tags=["电芯"])
    assert result.changed and "300438" in result.message
    assert diff(before, theme.read_text(encoding="utf-8")) == "\n".join([
        "@@ -33,0 +34,5 @@",
        '+  - code: "300438"',
        "+    name: 鹏辉能源",
        "+    segment: 上游",
        "+    reason: 储能电芯",
        "+    tags: [电芯]",
    ])
    codes = [s.code for s in theme_of(theme).stocks]
    assert codes[:3] == ["300750", "300014", "300438"]


def test_add_stock_goes_below_the_items_own_trailing_comment_and_above_the_next_section(theme: Path):
    before = theme.read_text(encoding="utf-8")
    WatchlistEditor(theme).add_stock("300068", name="南都电源", segment="中游", risks=["毛利率低", "应收账款高"])
    assert diff(before, theme.read_text(encoding="utf-8")) == "\n".join([
        "@@ -46,0 +47,6 @@",
        '+  - code: "300068"',
        "+    name: 南都电源",
        "+    segment: 中游",
        "+    risks:",
        "+      - 毛利率低",
        "+      - 应收账款高",
    ])


def test_first_stock_of_a_segment_goes_below_the_section_comment_naming_it(theme: Path):
    before = theme.read_text(encoding="utf-8")
    WatchlistEditor(theme).add_stock("601012", name="隆基绿能", segment="下游")
    assert diff(before, theme.read_text(encoding="utf-8")) == "\n".join([
        "@@ -47,0 +48,3 @@",
        '+  - code: "601012"',
        "+    name: 隆基绿能",
        "+    segment: 下游",
    ])


def test_stock_without_segment_is_appended_after_the_list_not_after_the_blank_line_and_comment(theme: Path):
    text = theme.read_text(encoding="utf-8")
    # Make the list end with: item, blank line, a section comment, then the next key.
    text = text.replace("  # ---- 下游: none yet (a comment at the dash's column belongs to what follows)\n", "")
    theme.write_text(text, encoding="utf-8")
    WatchlistEditor(theme).add_stock("002594", name="比亚迪", notes="刀片电池\n储能出货增长")
    after = theme.read_text(encoding="utf-8")
    assert diff(text, after) == "\n".join([
        "@@ -46,0 +47,5 @@",
        '+  - code: "002594"',
        "+    name: 比亚迪",
        "+    notes: |-",
        "+      刀片电池",
        "+      储能出货增长",
    ])
    assert after.splitlines()[51:54] == ["", "# Indicators: readings in date order.", "indicators:"]
    stock = theme_of(theme).stocks[-1]
    assert stock.notes == "刀片电池\n储能出货增长"


def test_add_stock_to_shipped_file_at_end_of_segment_group(shipped: Path):
    before = shipped.read_text(encoding="utf-8")
    WatchlistEditor(shipped).add_stock("300001", name="特锐德", segment="上游", reason="测试")
    d = diff(before, shipped.read_text(encoding="utf-8"))
    assert d == "\n".join([
        "@@ -59,0 +60,4 @@",
        '+  - code: "300001"',
        "+    name: 特锐德",
        "+    segment: 上游",
        "+    reason: 测试",
    ])
    lines = shipped.read_text(encoding="utf-8").splitlines()
    assert lines[63:65] == ["", "  # ---- 中游: scheduling platforms and IDC"]


def test_stock_of_the_last_group_goes_before_stocks_of_other_segments_appended_after_it(shipped: Path):
    before = shipped.read_text(encoding="utf-8")
    WatchlistEditor(shipped).add_stock("300002", name="神州泰岳", segment="配套")
    new = shipped.read_text(encoding="utf-8")
    d = diff(before, new).splitlines()
    assert d[1:] == ['+  - code: "300002"', "+    name: 神州泰岳", "+    segment: 配套"]
    idx = new.splitlines().index('  - code: "300002"')
    assert new.splitlines()[idx - 6] == '  - code: "000156"'  # after 华数传媒, before 燧原科技
    assert new.splitlines()[idx + 3] == "  - name: 燧原科技"


@pytest.mark.parametrize("segment", [None, "上游", "中游", "下游", "配套"])
def test_add_then_remove_gives_back_the_shipped_file_byte_for_byte(shipped: Path, segment):
    original = shipped.read_bytes()
    editor = WatchlistEditor(shipped)
    editor.add_stock("300002", name="神州泰岳", segment=segment, reason="测试：原因", risks=["一", "二"], tags=["a", "b"],
                     notes="备注", source={"article": "x", "title": "标题"})
    assert shipped.read_bytes() != original
    editor.remove_stock("300002")
    assert shipped.read_bytes() == original


@pytest.mark.parametrize("segment", [None, "上游", "中游", "下游"])
def test_add_then_remove_gives_back_the_commented_fixture_byte_for_byte(theme: Path, segment):
    original = theme.read_bytes()
    editor = WatchlistEditor(theme)
    editor.add_stock("300002", name="神州泰岳", segment=segment, risks=["风险"])
    editor.add_stock(None, name="某公司", status="unlisted", segment=segment)
    editor.remove_stock("300002")
    editor.remove_stock("某公司")
    assert theme.read_bytes() == original


def test_add_then_remove_on_catalysts_and_readings_is_byte_for_byte(tmp_path: Path, calendar: Path, theme: Path):
    for cal in (calendar, copy(tmp_path, CATALYSTS, "shipped-catalysts.yaml")):
        original = cal.read_bytes()
        editor = CatalystEditor(cal)
        editor.add_catalyst("new-one", title="新催化剂", date="2026Q1", stocks=["300750"])
        editor.remove_catalyst("new-one")
        assert cal.read_bytes() == original


def test_name_lookup_hook_supplies_the_name(theme: Path):
    editor = WatchlistEditor(theme, name_lookup={"300750": "x", "002074": "国轩高科"}.get)
    editor.add_stock("002074", segment="上游")
    assert theme_of(theme).stocks[2].name == "国轩高科"


def test_missing_name_is_refused_with_a_hint(theme: Path):
    original = theme.read_bytes()
    with pytest.raises(MissingNameError, match="pass its name"):
        WatchlistEditor(theme).add_stock("002074")
    with pytest.raises(MissingNameError):
        WatchlistEditor(theme, name_lookup=lambda code: None).add_stock("002074")
    assert theme.read_bytes() == original


# ------------------------------------------------------------------ removing and moving


def test_remove_first_stock_of_a_group_keeps_the_section_comment(theme: Path):
    before = theme.read_text(encoding="utf-8")
    WatchlistEditor(theme).remove_stock("300274")
    assert diff(before, theme.read_text(encoding="utf-8")) == "\n".join([
        "@@ -36,6 +35,0 @@",
        '-  - code: "300274"',
        "-    name: 阳光电源",
        "-    segment: 中游",
        "-    reason: PCS与储能系统集成龙头   # 海外占比高",
        "-    tags: [PCS]",
        "-    source: {article: 010_storage, title: 储能行业周报}",
    ])


def test_remove_last_stock_of_a_group_keeps_the_next_groups_comment(theme: Path):
    before = theme.read_text(encoding="utf-8")
    WatchlistEditor(theme).remove_stock("300014")
    d = diff(before, theme.read_text(encoding="utf-8"))
    assert d.splitlines()[0] == "@@ -28,6 +27,0 @@"
    assert "# ---- 中游" not in d and "# 备注：产能在湖北荆门" in d  # its own comment goes with it


def test_remove_unlisted_company_by_name_takes_its_own_trailing_comment(theme: Path):
    before = theme.read_text(encoding="utf-8")
    WatchlistEditor(theme).remove_stock("某储能科技")
    d = diff(before, theme.read_text(encoding="utf-8"))
    assert d.splitlines() == [
        "@@ -42,5 +41,0 @@",
        "-  - name: 某储能科技",
        "-    status: unlisted",
        "-    segment: 中游",
        "-    reason: 未上市集成商",
        "-    # 某储能科技: 融资进展待确认 (a comment of the item, indented like its keys)",
    ]


def test_move_within_theme_to_another_segment_keeps_the_items_lines(theme: Path):
    before = theme.read_text(encoding="utf-8")
    [result] = move_stock(WatchlistEditor(theme), WatchlistEditor(theme), "300750", segment="中游")
    assert "中游" in result.message
    after = theme.read_text(encoding="utf-8")
    assert diff(before, after) == "\n".join([
        "@@ -21,7 +20,0 @@",
        '-  - code: "300750"        # 宁德时代',
        "-    name: 宁德时代",
        "-    segment: 上游",
        "-    reason: 储能电芯龙头",
        "-    risks:",
        "-      - 价格战",
        "-    tags: [电芯]",
        "@@ -46,0 +40,7 @@",
        '+  - code: "300750"        # 宁德时代',
        "+    name: 宁德时代",
        "+    segment: 中游",
        "+    reason: 储能电芯龙头",
        "+    risks:",
        "+      - 价格战",
        "+    tags: [电芯]",
    ])


def test_move_to_another_theme(theme: Path, other: Path):
    other_before = other.read_text(encoding="utf-8")
    results = move_stock(WatchlistEditor(theme), WatchlistEditor(other), "300274")
    assert len(results) == 2
    assert diff(other_before, other.read_text(encoding="utf-8")) == "\n".join([
        "@@ -7,0 +8,6 @@",
        '+  - code: "300274"',
        "+    name: 阳光电源",
        "+    segment: 中游",
        "+    reason: PCS与储能系统集成龙头   # 海外占比高",
        "+    tags: [PCS]",
        "+    source: {article: 010_storage, title: 储能行业周报}",
    ])
    assert "300274" not in [s.code for s in theme_of(theme).stocks]
    assert theme_of(other).stocks[-1].segment == "中游"


def test_move_back_restores_both_files(theme: Path, other: Path):
    a, b = theme.read_bytes(), other.read_bytes()
    move_stock(WatchlistEditor(theme), WatchlistEditor(other), "300014")
    move_stock(WatchlistEditor(other), WatchlistEditor(theme), "300014", segment="上游")
    assert (theme.read_bytes(), other.read_bytes()) == (a, b)


def test_move_into_theme_with_segments_needs_a_valid_segment(theme: Path, other: Path):
    a = theme.read_bytes()
    WatchlistEditor(other).update_stock("600406", segment="二次设备")  # grid declares no segments: any is fine
    b2 = other.read_bytes()
    with pytest.raises(EditError, match="segment '二次设备' is not one of theme 'storage'.*pass a segment"):
        move_stock(WatchlistEditor(other), WatchlistEditor(theme), "600406")
    with pytest.raises(EditError, match="not one of"):
        move_stock(WatchlistEditor(other), WatchlistEditor(theme), "600406", segment="上流")
    assert theme.read_bytes() == a and other.read_bytes() == b2  # refused moves change neither file
    WatchlistEditor(other).add_stock("300750", name="宁德时代")
    b3 = other.read_bytes()
    with pytest.raises(EditError, match="already in theme 'grid'"):
        move_stock(WatchlistEditor(theme), WatchlistEditor(other), "300750")
    assert theme.read_bytes() == a and other.read_bytes() == b3
    other.write_bytes(b2)
    move_stock(WatchlistEditor(other), WatchlistEditor(theme), "600406", segment="下游")
    assert theme_of(theme).stocks[-1].code == "600406"
    assert other.read_text(encoding="utf-8").count("code:") == 0


def test_failed_second_half_of_a_move_restores_the_destination(theme: Path, other: Path, monkeypatch):
    a, b = theme.read_bytes(), other.read_bytes()
    src, dst = WatchlistEditor(theme), WatchlistEditor(other)
    theme.write_text(theme.read_text(encoding="utf-8") + "# edited elsewhere\n", encoding="utf-8")
    with pytest.raises(ConflictError):
        move_stock(src, dst, "300274")
    assert other.read_bytes() == b
    assert theme.read_bytes() == a + "# edited elsewhere\n".encode()


# ------------------------------------------------------------------ editing fields


def test_update_stock_fields_changes_only_those_lines(theme: Path):
    before = theme.read_text(encoding="utf-8")
    editor = WatchlistEditor(theme)
    editor.update_stock("300274", reason="新原因：海外订单", tags=["PCS", "海外"], notes="新增备注", risks=["汇率"])
    assert diff(before, theme.read_text(encoding="utf-8")) == "\n".join([
        "@@ -39,2 +39,5 @@",
        "-    reason: PCS与储能系统集成龙头   # 海外占比高",
        "-    tags: [PCS]",
        "+    reason: 新原因：海外订单   # 海外占比高",
        "+    risks:",
        "+      - 汇率",
        "+    notes: 新增备注",
        "+    tags: [PCS, 海外]",
    ])
    stock = theme_of(theme).stocks[2]
    assert (stock.reason, stock.risks, stock.tags, stock.notes) == ("新原因：海外订单", ["汇率"], ["PCS", "海外"], "新增备注")


def test_update_stock_removes_fields_and_replaces_block_lists(theme: Path):
    before = theme.read_text(encoding="utf-8")
    WatchlistEditor(theme).update_stock("300750", risks=["价格战", "海外政策"], tags=None, segment="中游", reason=UNSET)
    assert diff(before, theme.read_text(encoding="utf-8")) == "\n".join([
        "@@ -23 +23 @@",
        "-    segment: 上游",
        "+    segment: 中游",
        "@@ -27 +27 @@",
        "-    tags: [电芯]",
        "+      - 海外政策",
    ])


def test_quoting_is_chosen_so_values_read_back_exactly(theme: Path):
    tricky = ["a: b", "# not a comment", "2025", "yes", "- dash", "'quoted'", '"双引号"', "中文：冒号", "  spaces  "]
    editor = WatchlistEditor(theme)
    for i, text in enumerate(tricky):
        editor.update_stock("300750", reason=text, notes=text + "\n第二行")
        stock = theme_of(theme).stocks[0]
        assert (stock.reason, stock.notes) == (text, text + "\n第二行"), i


# ------------------------------------------------------------------ readings


def test_add_reading_to_empty_list_turns_it_into_a_block_list(theme: Path):
    before = theme.read_text(encoding="utf-8")
    WatchlistEditor(theme).add_reading("installed", date="2025Q1", value="12.5", note="一季度", source="010_storage")
    assert diff(before, theme.read_text(encoding="utf-8")) == "\n".join([
        "@@ -65 +65,5 @@",
        "-    readings: []   # 尚无读数",
        "+    readings:   # 尚无读数",
        "+      - date: 2025Q1",
        "+        value: 12.5",
        "+        note: 一季度",
        "+        source: 010_storage",
    ])


def test_add_reading_in_date_order_with_quoted_bound(theme: Path):
    before = theme.read_text(encoding="utf-8")
    editor = WatchlistEditor(theme)
    editor.add_reading("bid-price", date="2025-02", value="< 0.55", source={"article": "010_storage", "title": "周报"})
    editor.add_reading("bid-price", date="2024-12", value="0.65")
    assert diff(before, theme.read_text(encoding="utf-8")) == "\n".join([
        "@@ -56,0 +57,2 @@",
        "+      - date: 2024-12",
        "+        value: 0.65",
        "@@ -59,0 +62,3 @@",
        "+      - date: 2025-02",
        '+        value: "< 0.55"',
        "+        source: {article: 010_storage, title: 周报}",
    ])
    readings = next(i for i in theme_of(theme).indicators if i.id == "bid-price").readings
    assert [str(r.date) for r in readings] == ["2024-12", "2025-01", "2025-02"]


def test_add_reading_to_shipped_file_and_find_indicator(tmp_path: Path):
    wl = tmp_path / "wl"
    wl.mkdir()
    path = copy(wl, WATCHLISTS / "compute-power.yaml")
    found, theme_id = find_indicator(wl, "huace-compute-scale")
    assert (found, theme_id) == (path, "compute-power")
    before = path.read_text(encoding="utf-8")
    WatchlistEditor(found).add_reading("huace-compute-scale", date="2026-06-30", value="40000", note="半年报")
    assert diff(before, path.read_text(encoding="utf-8")) == "\n".join([
        "@@ -424,0 +425,3 @@",
        "+      - date: 2026-06-30",
        "+        value: 40000",
        "+        note: 半年报",
    ])


# ------------------------------------------------------------------ catalysts


def test_add_catalyst_follows_the_blank_line_separation(calendar: Path):
    before = calendar.read_text(encoding="utf-8")
    CatalystEditor(calendar).add_catalyst(
        "storage-auction-2026-03", title="储能容量电价试点", date="2026-03-01", kind="policy",
        themes=["storage"], stocks=["300750", "300274"],
    )
    lines = before.splitlines(keepends=True)
    assert calendar.read_text(encoding="utf-8") == "".join([
        *lines[:23],
        "\n",
        "  - id: storage-auction-2026-03\n",
        "    date: 2026-03-01\n",
        "    title: 储能容量电价试点\n",
        "    kind: policy\n",
        "    themes: [storage]\n",
        '    stocks: ["300750", "300274"]\n',
        *lines[23:],
    ])
    assert lines[22:] == ["    source: {article: 010_storage, title: 储能行业周报}\n", "\n", "# 以上为2025年\n"]


def test_set_status_and_outcome(calendar: Path):
    before = calendar.read_text(encoding="utf-8")
    CatalystEditor(calendar).set_status("bidding-2025q3", "happened", outcome="中标价0.52元/Wh，阳光电源份额第一")
    assert diff(before, calendar.read_text(encoding="utf-8")) == "\n".join([
        "@@ -21 +21,2 @@",
        "-    status: expected",
        "+    status: happened",
        "+    outcome: 中标价0.52元/Wh，阳光电源份额第一",
    ])


def test_update_catalyst_keeps_inline_comment_on_the_id_line(calendar: Path):
    before = calendar.read_text(encoding="utf-8")
    CatalystEditor(calendar).update_catalyst("bidding-2025q3", date="2025-09-15", stocks=["300274", "300750"], notes=None)
    assert diff(before, calendar.read_text(encoding="utf-8")) == "\n".join([
        "@@ -14 +14 @@",
        "-    date: 2025Q3",
        "+    date: 2025-09-15",
        "@@ -18 +18 @@",
        '-    stocks: ["300274"]',
        '+    stocks: ["300274", "300750"]',
        "@@ -22 +21,0 @@",
        "-    notes: 关注阳光电源中标份额",
    ])


def test_shipped_catalysts_set_status(tmp_path: Path):
    path = copy(tmp_path, CATALYSTS)
    before = path.read_text(encoding="utf-8")
    CatalystEditor(path).set_status("annuoqi-restructuring", "cancelled", outcome="重组终止")
    assert diff(before, path.read_text(encoding="utf-8")) == "\n".join([
        "@@ -177 +177,2 @@",
        "-    status: expected",
        "+    status: cancelled",
        "+    outcome: 重组终止",
    ])


# ------------------------------------------------------------------ indentation and text forms


def test_file_indentation_style_is_used_for_new_lines(tmp_path: Path):
    path = copy(tmp_path, FIX / "indent4.yaml")
    before = path.read_text(encoding="utf-8")
    editor = WatchlistEditor(path)
    editor.add_stock("600519", name="贵州茅台", segment="下游", risks=["估值"], source={"article": "a"})
    editor.update_stock("600000", notes="多行\n备注")
    editor.add_reading("x", date="2026", value="5")
    assert diff(before, path.read_text(encoding="utf-8")) == "\n".join([
        "@@ -12,0 +13,9 @@",
        "+    notes: |-",
        "+        多行",
        "+        备注",
        '+-   code: "600519"',
        "+    name: 贵州茅台",
        "+    segment: 下游",
        "+    risks:",
        "+    - 估值",
        "+    source: {article: a}",
        "@@ -17,0 +27,3 @@",
        "+    readings:",
        "+    - date: 2026",
        "+      value: 5",
    ])
    assert WatchlistEditor(path).data["indicators"][0]["readings"] == [{"date": 2026, "value": 5}]


def test_crlf_and_missing_final_newline_round_trip(tmp_path: Path):
    text = (FIX / "theme.yaml").read_text(encoding="utf-8").rstrip("\n")
    path = tmp_path / "crlf.yaml"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    original = path.read_bytes()
    editor = WatchlistEditor(path)
    editor.add_stock("300002", name="神州泰岳", segment="下游")
    added = path.read_bytes()
    assert b'\r\n  - code: "300002"\r\n    name: \xe7' in added
    assert b"\n" not in added.replace(b"\r\n", b"")
    editor.remove_stock("300002")
    assert path.read_bytes() == original


def test_stocks_at_the_very_end_of_a_file_without_final_newline(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_bytes('id: t\nname: 测试\nstocks:\n  - code: "600000"\n    name: 浦发银行'.encode())
    original = path.read_bytes()
    editor = WatchlistEditor(path)
    editor.add_stock("600036", name="招商银行")
    assert path.read_bytes().endswith('\n  - code: "600036"\n    name: 招商银行'.encode())
    editor.remove_stock("600036")
    assert path.read_bytes() == original
    editor.remove_stock("600000")
    assert path.read_bytes() == "id: t\nname: 测试\nstocks: []".encode()
    editor.add_stock("600000", name="浦发银行")
    assert path.read_bytes() == original


def test_theme_without_stocks_key_gets_one_in_place(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text("id: t\nname: 测试\nindicators: []\n", encoding="utf-8")
    WatchlistEditor(path).add_stock("600000", name="浦发银行")
    assert path.read_text(encoding="utf-8") == 'id: t\nname: 测试\nstocks:\n  - code: "600000"\n    name: 浦发银行\nindicators: []\n'


def test_flow_style_stock_list_is_refused_with_a_reason(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text('id: t\nname: 测试\nstocks: [{code: "600000", name: 浦发银行}]\n', encoding="utf-8")
    with pytest.raises(EditError, match="flow list"):
        WatchlistEditor(path).add_stock("600036", name="招商银行")


# ------------------------------------------------------------------ refused edits


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e: e.add_stock("12345a", name="x"), "six digits"),
        (lambda e: e.add_stock("900001", name="x"), "unknown prefix"),
        (lambda e: e.add_stock("300001", name="x", segment="上流"), "segment '上流' is not one of theme 'storage'"),
        (lambda e: e.add_stock("300750", name="宁德时代"), "already in theme"),
        (lambda e: e.add_stock(None, name="某储能科技", status="unlisted"), "already in theme"),
        (lambda e: e.add_stock(None, name="无代码公司"), "has no code"),
        (lambda e: e.add_stock("300001", name="x", status="listd"), "status"),
        (lambda e: e.remove_stock("600000"), "not in theme"),
        (lambda e: e.update_stock("300750", segment="上流"), "not one of"),
        (lambda e: e.update_stock("300750", code="300751"), "cannot edit code"),
        (lambda e: e.update_stock("300750", name=None), "name"),
        (lambda e: e.add_reading("bid-price", date="2025-13", value="1"), "impossible date"),
        (lambda e: e.add_reading("bid-price", date="soon", value="1"), "cannot read 'soon' as a date"),
        (lambda e: e.add_reading("bid-price", date="2025-02", value="lots"), "value"),
        (lambda e: e.add_reading("bid-price", date="2025-02", value="1", unit="%"), "does not match"),
        (lambda e: e.add_reading("bid-price", date="2025-01", value="0.6"), "already has this reading"),
        (lambda e: e.add_reading("no-such", date="2025-01", value="1"), "indicator 'no-such' is not in theme"),
    ],
)
def test_invalid_watchlist_edits_are_refused_and_the_file_is_untouched(theme: Path, call, message):
    original = theme.read_bytes()
    with pytest.raises(EditError, match=message):
        call(WatchlistEditor(theme))
    assert theme.read_bytes() == original
    assert not atomic.backup_path(theme).exists()
    assert no_temp_files(theme.parent)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e: e.add_catalyst("policy-2025-01", title="重复"), "already exists"),
        (lambda e: e.add_catalyst("Bad ID", title="x"), "lowercase"),
        (lambda e: e.add_catalyst("ok", title="x", date="2025-02-30"), "impossible date"),
        (lambda e: e.add_catalyst("ok", title="x", kind="rumour"), "kind"),
        (lambda e: e.add_catalyst("ok", title="x", stocks=["2602"]), "six digits"),
        (lambda e: e.add_catalyst("ok", title=""), "title"),
        (lambda e: e.set_status("bidding-2025q3", "done"), "status"),
        (lambda e: e.set_status("no-such", "happened"), "no catalyst 'no-such'"),
        (lambda e: e.update_catalyst("bidding-2025q3", impact="great"), "impact"),
    ],
)
def test_invalid_catalyst_edits_are_refused_and_the_file_is_untouched(calendar: Path, call, message):
    original = calendar.read_bytes()
    with pytest.raises(EditError, match=message):
        call(CatalystEditor(calendar))
    assert calendar.read_bytes() == original
    assert no_temp_files(calendar.parent)


def test_unknown_theme_id_is_refused(tmp_path: Path):
    wl = tmp_path / "wl"
    wl.mkdir()
    copy(wl, FIX / "theme.yaml")
    assert find_theme_file(wl, "storage") == wl / "theme.yaml"
    with pytest.raises(EditError, match="no theme 'nope'.*themes: storage"):
        find_theme_file(wl, "nope")


def test_item_check_names_the_bad_field(theme: Path):
    original = theme.read_bytes()
    with pytest.raises(EditError, match="stock 300750: unknown field 'pages'"):
        WatchlistEditor(theme).update_stock("300750", source={"article": "a", "pages": 3})
    assert theme.read_bytes() == original


def test_edit_that_would_add_a_loader_error_is_refused_by_the_file_check(theme: Path, monkeypatch):
    from tui.config import editing

    monkeypatch.setattr(editing, "_check_model", lambda *a, **k: None)  # let a bad item through
    original = theme.read_bytes()
    with pytest.raises(EditError, match="refused, the edit would make the file invalid: .*'pages'"):
        WatchlistEditor(theme).update_stock("300750", source={"article": "a", "pages": 3})
    assert theme.read_bytes() == original
    assert no_temp_files(theme.parent) and not atomic.backup_path(theme).exists()


def test_edits_are_allowed_in_a_file_that_already_has_errors_if_they_add_none(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text('id: t\nname: 测试\nstocks:\n  - code: "600000"\n    name: 浦发银行\n    colour: red\n', encoding="utf-8")
    editor = WatchlistEditor(path)
    editor.add_stock("600036", name="招商银行")
    assert "招商银行" in path.read_text(encoding="utf-8")


# ------------------------------------------------------------------ atomic writes, backups, conflicts


def test_backup_holds_the_previous_version(theme: Path):
    original = theme.read_bytes()
    editor = WatchlistEditor(theme)
    result = editor.add_stock("300002", name="神州泰岳")
    assert result.backup == theme.parent / ".backup" / "theme.yaml"
    assert result.backup.read_bytes() == original
    first = theme.read_bytes()
    editor.remove_stock("300002")
    assert result.backup.read_bytes() == first
    assert no_temp_files(theme.parent)
    # The backup is in a folder the loader never reads, which git ignores.
    from tui.config.loader import yaml_files

    assert yaml_files(theme.parent) == [theme]
    assert (theme.parent / ".backup" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert not theme.with_name("theme.yaml.bak").exists()


def test_no_backup_when_disabled(theme: Path):
    WatchlistEditor(theme, backups=False).add_stock("300002", name="神州泰岳")
    assert not atomic.backup_path(theme).exists()


def test_crash_between_write_and_rename_leaves_the_old_file(theme: Path, monkeypatch):
    original = theme.read_bytes()
    real_replace = os.replace

    def crash(src, dst):
        if Path(dst) == theme:
            raise OSError("simulated crash before rename")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash)
    editor = WatchlistEditor(theme)
    with pytest.raises(EditError, match="not written, the file is unchanged: simulated crash"):
        editor.add_stock("300002", name="神州泰岳")
    assert theme.read_bytes() == original
    assert no_temp_files(theme.parent)
    monkeypatch.setattr(os, "replace", real_replace)
    editor.add_stock("300002", name="神州泰岳")  # nothing changed on disk: the editor still works
    assert "神州泰岳" in theme.read_text(encoding="utf-8")


def test_conflict_when_the_file_changed_on_disk(theme: Path):
    editor = WatchlistEditor(theme)
    changed = theme.read_text(encoding="utf-8").replace("储能电芯龙头", "储能电芯全球龙头")
    theme.write_text(changed, encoding="utf-8")
    assert editor.changed_on_disk()
    with pytest.raises(ConflictError, match="changed on disk since it was loaded; reload first"):
        editor.add_stock("300002", name="神州泰岳")
    assert theme.read_text(encoding="utf-8") == changed
    assert not atomic.backup_path(theme).exists()
    editor.reload()
    editor.add_stock("300002", name="神州泰岳")
    assert "储能电芯全球龙头" in theme.read_text(encoding="utf-8")


def test_conflict_detected_between_validation_and_rename(theme: Path, monkeypatch):
    editor = WatchlistEditor(theme)
    real = YamlFileEditor._errors_of

    def sneaky(self, path):
        if path != self.path:  # the pre-write check of the temp file: someone saves meanwhile
            theme.write_text(theme.read_text(encoding="utf-8") + "# saved in an editor\n", encoding="utf-8")
        return real(self, path)

    monkeypatch.setattr(YamlFileEditor, "_errors_of", sneaky)
    with pytest.raises(ConflictError):
        editor.add_stock("300002", name="神州泰岳")
    assert theme.read_text(encoding="utf-8").endswith("# saved in an editor\n")
    assert no_temp_files(theme.parent)


def test_touch_without_change_is_not_a_conflict(theme: Path):
    editor = WatchlistEditor(theme)
    os.utime(theme, ns=(1, 1))
    assert not editor.changed_on_disk()
    editor.add_stock("300002", name="神州泰岳")


def test_failed_check_after_write_rolls_back(theme: Path, monkeypatch):
    original = theme.read_bytes()
    editor = WatchlistEditor(theme)
    real = YamlFileEditor._errors_of

    def broken_after_write(self, path):
        found = real(self, path)
        return found + Counter({"simulated problem": 1}) if path == self.path else found

    monkeypatch.setattr(YamlFileEditor, "_errors_of", broken_after_write)
    with pytest.raises(EditError, match="did not validate .*previous version was restored"):
        editor.add_stock("300002", name="神州泰岳")
    assert theme.read_bytes() == original


def test_editor_reports_unreadable_or_wrong_files(tmp_path: Path, calendar: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"id: x\nname: \xff\n")
    with pytest.raises(EditError, match="not UTF-8"):
        WatchlistEditor(bad)
    with pytest.raises(EditError, match="not a watchlist file"):
        WatchlistEditor(calendar)
    with pytest.raises(EditError, match="not a catalyst file"):
        CatalystEditor(FIX / "theme.yaml")
    with pytest.raises(EditError, match="cannot read"):
        WatchlistEditor(tmp_path / "missing.yaml")
