"""The board's 连板 cell and the header's ladder line (tui.views.ladder_text)."""

from __future__ import annotations

from types import SimpleNamespace

from tui.ui.i18n import Labels
from tui.views.ladder_text import ladder_cell, ladder_counts, ladder_header

ZH, EN = Labels("zh"), Labels("en")


def test_cells_and_their_sort_order():
    five = ladder_cell({"streak": 5, "one_word": True}, ZH)
    first = ladder_cell({"streak": 1, "one_word": False}, ZH)
    broken = ladder_cell({"streak": 0, "broken": True}, ZH)
    down2 = ladder_cell({"streak": 0, "down_streak": 2}, ZH)
    down1 = ladder_cell({"streak": 0, "down_streak": 1}, ZH)
    plain = ladder_cell({"streak": 0}, ZH)
    assert [c.text for c in (five, first, broken, down2, down1, plain)] == ["5板 一字", "首板", "炸板", "跌停2", "跌停", ""]
    assert [c.kind for c in (five, broken, down2, plain)] == ["up", "broken", "down", ""]
    ordered = sorted([plain, down2, first, broken, five, down1], key=lambda c: c.sort_value, reverse=True)
    assert [c.text for c in ordered] == ["5板 一字", "首板", "炸板", "", "跌停", "跌停2"]
    assert ladder_cell({"streak": 2, "ladder_uncertain": True}, ZH).text == "2板?"
    assert ladder_cell({"streak": 5, "one_word": True}, EN).text == "5B 1W"
    assert ladder_cell(None, ZH).sort_value is None


def test_header_parts():
    summary = SimpleNamespace(top_streak=5, top_streak_name="大位科技", top_streak_code="600589", top_streak_one_word=True,
                              ladder={5: 1, 3: 1, 2: 2, 1: 4}, broken=2, limit_up=8, broken_rate=0.2,
                              prev_limit_up=4, promoted=3, promotion_rate=0.75)
    parts = ladder_header(summary, ZH).parts
    assert parts == [
        ("最高标", "大位科技 600589 5板 一字", "up"),
        ("梯队", "5板×1 3板×1 2板×2 首板×4", ""),
        ("炸板率", "2/10 20%", "broken"),
        ("晋级率", "3/4 75%", ""),
    ]
    assert ladder_counts({1: 4, 2: 2}, EN) == "2B×2 1st×4"
    nothing = SimpleNamespace(top_streak=0, broken=0, limit_up=0, prev_limit_up=0)
    assert ladder_header(nothing, ZH).parts == [("最高标", "—", "")]
