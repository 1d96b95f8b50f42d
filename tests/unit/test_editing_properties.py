"""Property-based: random sequences of valid edits keep the file valid, as expected, and commented."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tui.config.editing import CatalystEditor, EditError, WatchlistEditor, move_stock
from tui.config.loader import load_files

FIX = ROOT / "tests" / "fixtures" / "editing"
SEGMENTS = [None, "上游", "中游", "下游"]
CODES = ["300001", "300002", "600000", "600036", "688001", "000001", "002415", "300750", "300014", "300274"]
# Comments inside stock items leave with their stock; every other comment line must survive.
ITEM_COMMENTS = {"# 备注：产能在湖北荆门", "# 某储能科技: 融资进展待确认 (a comment of the item, indented like its keys)"}

TEXT = st.text(alphabet=st.sampled_from(list("储能电芯龙头abcXY 0123:#-'\"[]{},&*!|>%@`?~")), min_size=1, max_size=10)
MULTILINE = st.text(alphabet=st.sampled_from(list("储能ab :#-'\"\n")), min_size=1, max_size=12)
TAGS = st.lists(TEXT, max_size=3)


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def is_subsequence(needles: list[str], hay: list[str]) -> bool:
    it = iter(hay)
    return all(any(n == h for h in it) for n in needles)


def expected_from(editor: WatchlistEditor) -> dict[str, dict]:
    return {s.code or s.name: _stock_view(s) for s in load_files([editor.path]).themes[0].stocks}


def _stock_view(stock) -> dict:
    return {"name": stock.name, "segment": stock.segment, "reason": stock.reason, "notes": stock.notes, "tags": list(stock.tags)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_watchlist_edits_keep_the_file_valid_and_commented(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "theme.yaml"
        shutil.copyfile(FIX / "theme.yaml", path)
        original_comments = [c for c in comment_lines(path.read_text(encoding="utf-8")) if c not in ITEM_COMMENTS]
        editor = WatchlistEditor(path)
        expected = expected_from(editor)
        readings = {"bid-price": [("2025-01", 0.6)], "installed": []}

        for _ in range(data.draw(st.integers(1, 5), label="steps")):
            op = data.draw(st.sampled_from(["add", "remove", "update", "move", "reading"]), label="op")
            if op == "add":
                free = [c for c in CODES if c not in expected]
                if not free:
                    continue
                code = data.draw(st.sampled_from(free), label="code")
                fields = {"name": data.draw(TEXT, label="name"), "segment": data.draw(st.sampled_from(SEGMENTS), label="segment"),
                          "reason": data.draw(st.none() | TEXT, label="reason"), "notes": data.draw(st.none() | MULTILINE, label="notes"),
                          "tags": data.draw(TAGS, label="tags")}
                if not fields["name"].strip():
                    with pytest.raises(EditError, match="must not be blank"):
                        editor.add_stock(code, **fields)
                    continue
                editor.add_stock(code, **fields)
                expected[code] = {**fields, "name": fields["name"].strip()}  # names are stripped
            elif op == "remove" and expected:
                key = data.draw(st.sampled_from(sorted(expected)), label="remove")
                editor.remove_stock(key)
                del expected[key]
            elif op == "update" and expected:
                key = data.draw(st.sampled_from(sorted(expected)), label="update")
                changes = data.draw(st.fixed_dictionaries({}, optional={
                    "reason": st.none() | TEXT, "notes": st.none() | MULTILINE, "tags": TAGS,
                    "segment": st.sampled_from(SEGMENTS),
                }), label="changes")
                editor.update_stock(key, **changes)
                expected[key].update(changes)
            elif op == "move" and expected:
                key = data.draw(st.sampled_from(sorted(expected)), label="move")
                segment = data.draw(st.sampled_from([s for s in SEGMENTS if s and s != expected[key]["segment"]]), label="to")
                move_stock(editor, editor, key, segment=segment)
                expected[key]["segment"] = segment
            elif op == "reading":
                indicator = data.draw(st.sampled_from(sorted(readings)), label="indicator")
                date = data.draw(st.sampled_from(["2024-06", "2024Q4", "2025-03-31", "2025H2", "2026"]), label="date")
                value = data.draw(st.integers(0, 10_000), label="value")
                if (date, float(value)) in readings[indicator]:
                    continue
                editor.add_reading(indicator, date=date, value=str(value))
                readings[indicator].append((date, float(value)))

            text = path.read_text(encoding="utf-8")
            project = load_files([path])
            assert not project.errors, project.errors
            theme = project.themes[0]
            got = {s.code or s.name: _stock_view(s) for s in theme.stocks}
            want = {k: {**v, "tags": list(v.get("tags") or []),
                        **{f: (v.get(f) or None) for f in ("reason", "notes", "segment")}} for k, v in expected.items()}
            assert got == want
            for ind in theme.indicators:
                assert sorted((str(r.date), r.value.low) for r in ind.readings) == sorted(readings[ind.id])
            assert is_subsequence(original_comments, comment_lines(text))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["add", "status", "remove"]), TEXT, st.sampled_from(["happened", "missed", "cancelled"])), min_size=1, max_size=4))
def test_random_catalyst_edits_keep_the_calendar_valid_and_commented(ops):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalysts.yaml"
        shutil.copyfile(FIX / "catalysts.yaml", path)
        original = path.read_text(encoding="utf-8")
        editor = CatalystEditor(path)
        expected = {"policy-2025-01": ("happened", None), "bidding-2025q3": ("expected", None)}
        added = 0
        for op, text, status in ops:
            if op == "add":
                cid = f"added-{added}"
                added += 1
                editor.add_catalyst(cid, title=text, date="2026Q1", expected=text)
                expected[cid] = ("expected", None)
            elif op == "status":
                cid = sorted(expected)[len(text) % len(expected)]
                editor.set_status(cid, status, outcome=text)
                expected[cid] = (status, text)
            elif op == "remove" and any(k.startswith("added-") for k in expected):
                cid = sorted(k for k in expected if k.startswith("added-"))[0]
                editor.remove_catalyst(cid)
                del expected[cid]
            project = load_files([], catalyst_paths=[path])
            assert not project.errors, project.errors
            assert {c.id: (c.status, c.outcome) for c in project.catalysts} == expected
            assert is_subsequence(comment_lines(original), comment_lines(path.read_text(encoding="utf-8")))
