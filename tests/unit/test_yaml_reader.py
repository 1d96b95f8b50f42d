"""The one-pass event reader gives exactly what composing a node tree and converting it gives.

`read_yaml` turns parser events into values in one pass; `_convert` works on a composed node
tree (the editing code uses it). Both must agree on values, types, positions and raw scalars,
for the shipped files, every test fixture, YAML edge cases and generated documents.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from tests.conftest import CATALYSTS, WATCHLISTS
from tui.config.yaml_reader import YamlDocument, YamlReadError, _convert, read_yaml

ROOT = Path(__file__).resolve().parents[2]


def composed(path: Path) -> YamlDocument:
    """The reference: compose with ruamel.yaml, then convert the node tree."""
    text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    doc = YamlDocument(path, None)
    node = YAML(typ="safe").compose(text)
    if node is not None:
        doc.data = _convert(doc, node, ())
    return doc


def assert_same(path: Path) -> YamlDocument:
    ours, ref = read_yaml(path), composed(path)
    assert repr(ours.data) == repr(ref.data)  # repr: NaN equals NaN, int is not float
    assert ours.value_pos == ref.value_pos
    assert ours.key_pos == ref.key_pos
    assert ours.raw_scalars == ref.raw_scalars
    return ours


def shipped_and_fixture_files() -> list[Path]:
    files = [*sorted(WATCHLISTS.glob("*.yaml")), CATALYSTS]
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.yaml")):
        try:
            composed(path)
            read_yaml(path)
        except (YamlReadError, Exception):  # broken on purpose: covered by test_validate_broken
            continue
        files.append(path)
    return files


@pytest.mark.parametrize("path", shipped_and_fixture_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_valid_files_read_the_same_as_the_composed_tree(path: Path):
    assert_same(path)


EDGE_CASES = {
    "scalars": (
        "a: yes\nb: 0755\nc: 1:30\nd: 0o17\ne: 1_000\nf: .5\ng: 2025-03-13\nh: ~\ni: null\n"
        "j: 'x'\nk: !!str 12\nl: ! 12\nn: TRUE\no: 1e3\np: -.inf\nq: .NaN\nr: 0x1F\ns: 0b101\n"
        "t: 2025-03\nu: 2025Q2\nv: '002602'\nw: 002602\nx: \"\"\ny:\nz: +12\n"
    ),
    "nesting": "s:\n  - a\n  -\n    - b\n    - {x: 1, y: [2, 3]}\n  - []\n  - {}\nt: {a: {b: {c: [d]}}}\n",
    "non-text keys": "1: a\n2.5: b\ntrue: c\n~: d\n'007': e\n",
    "root list": "- a\n- 2\n- {k: v}\n",
    "root scalar": "just text\n",
    "empty": "",
    "comment only": "# nothing here\n",
    "explicit document": "---\nid: x\n...\n",
    "empty document": "---\n",
    "block scalars": "a: |\n  line one\n  line two\nb: >\n  folded\n  text\nc: plain\n  continued\n",
    "explicit tags": "a: !!int '12'\nb: !!float '1'\nc: !!null ''\nd: !!bool 'true'\ne: !!seq [1]\nf: !!map {x: 1}\n",
    "chinese": "name: 算力租赁 / 算力调度\nrisks: [上架率不足50%（2024年报）]\nnote: \"引号里的：冒号\"\n",
}


@pytest.mark.parametrize("name", EDGE_CASES)
def test_edge_cases_read_the_same(tmp_path: Path, name: str):
    path = tmp_path / "case.yaml"
    path.write_text(EDGE_CASES[name], encoding="utf-8")
    assert_same(path)


def test_values_are_typed_as_ruamel_types_them(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text(EDGE_CASES["scalars"], encoding="utf-8")
    data = read_yaml(path).data
    assert data["a"] == "yes" and data["n"] is True  # YAML 1.2: only true/false are booleans
    assert data["b"] == 755 and data["w"] == 2602 and data["v"] == "002602"
    assert data["g"] == "2025-03-13" and data["t"] == "2025-03"  # dates stay text
    assert data["h"] is None and data["y"] is None and data["x"] == ""
    assert data["k"] == "12" and data["r"] == 31 and data["z"] == 12
    assert read_yaml(path).raw_scalars[("w",)] == "002602"  # for the "write it in quotes" hint
    assert read_yaml(path).value_pos[("w",)] == (22, 4)


ERRORS = {
    "alias": ('a: &x [1]\nb: *x\n', "anchors"),
    "duplicate key": ("a: 1\nb: 2\na: 3\n", "3:1: error: duplicate key 'a' (first at line 1)"),
    "python tag": ("a: !!python/object/apply:os.system ['echo']\n", "not allowed"),
    "custom tag": ("a: !thing 1\n", "1:4: error: tag !thing is not allowed"),
    "set tag": ("a: !!set {x, y}\n", "plain YAML mappings only"),
    "merge key": ("a: {x: 1}\n<<: {y: 2}\n", "2:1: error: tag tag:yaml.org,2002:merge is not allowed in a mapping key"),
    "list key": ("? [a, b]\n: c\n", "1:3: error: mapping keys must be plain text"),
    "two documents": ("a: 1\n---\nb: 2\n", "2:1: error: YAML syntax error: a second document"),
    "syntax after a duplicate": ("a: 1\na: 2\nb: [\n", "YAML syntax error"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_bad_documents_raise_a_located_error(tmp_path: Path, name: str):
    text, expected = ERRORS[name]
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(YamlReadError) as exc:
        read_yaml(path)
    assert expected in str(exc.value), str(exc.value)


# ---------------------------------------------------------------- generated documents

_text = st.text(alphabet=st.sampled_from("ab 0123456789.-:#'\"yesnoTrue~null题材算力\n"), max_size=8)
_scalar = st.one_of(_text, st.integers(-10**12, 10**12), st.floats(allow_nan=False), st.booleans(), st.none())
_data = st.recursive(
    _scalar,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(_text, children, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_data, flow=st.booleans())
def test_generated_documents_read_the_same(tmp_path: Path, data, flow: bool):
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = flow
    buf = io.StringIO()
    yaml.dump({"root": data}, buf)
    path = tmp_path / "gen.yaml"
    path.write_text(buf.getvalue(), encoding="utf-8")
    try:
        composed(path)
    except YAMLError:  # the dumper wrote something libyaml refuses (e.g. `{:0: null}`)
        with pytest.raises(YamlReadError):
            read_yaml(path)
        return
    ours = assert_same(path)
    assert ours.data == {"root": data}  # and the values round-trip
