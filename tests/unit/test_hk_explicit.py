"""A Hong Kong listing is explicit (`market: HK`); an unmarked five-digit code is an error at its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import WATCHLISTS
from tui.cli import main
from tui.config.editing import EditError, WatchlistEditor
from tui.config.loader import load_files
from tui.domain.codes import CodeError, Exchange, check_listing

HINT = "A-share codes have six digits; for a Hong Kong listing write"


def test_check_listing():
    assert check_listing("00700", "HK").exchange is Exchange.HK
    assert check_listing("688041", None).exchange is Exchange.SH
    assert check_listing("688041", "A").exchange is Exchange.SH
    with pytest.raises(CodeError, match=HINT):
        check_listing("68804", None)
    with pytest.raises(CodeError, match=HINT):
        check_listing("68804", "A")
    with pytest.raises(CodeError, match="a Hong Kong listing .* has a five-digit code"):
        check_listing("688041", "HK")


def write(tmp_path: Path, stocks: str) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text("id: t\nname: 测试\nstocks:\n" + stocks, encoding="utf-8")
    return path


def test_unmarked_five_digit_code_is_an_error_at_its_line(tmp_path: Path):
    path = write(tmp_path, '  - code: "688041"\n    name: 海光信息\n  - code: "68804"\n    name: 打错了\n')
    project = load_files([path])
    [err] = project.errors
    assert (err.line, HINT in err.message, "68804" in err.message) == (6, True, True)
    assert [s.code for s in project.themes[0].stocks] == ["688041"]  # the rest still loads


def test_marked_hong_kong_listing_loads(tmp_path: Path):
    path = write(tmp_path, '  - code: "00700"\n    market: HK\n    name: 腾讯控股\n')
    project = load_files([path])
    assert not project.errors
    [stock] = project.themes[0].stocks
    assert stock.security.exchange is Exchange.HK


def test_market_hk_with_a_six_digit_code_is_an_error(tmp_path: Path):
    path = write(tmp_path, '  - code: "300133"\n    market: HK\n    name: 华策影视\n')
    [err] = load_files([path]).errors
    assert err.line == 4 and "five-digit" in err.message


def test_validate_exits_1_for_the_typo(tmp_path: Path, capsys):
    wl = tmp_path / "watchlists"
    wl.mkdir()
    write(wl, '  - code: "68804"\n    name: 海光信息\n')
    assert main(["--watchlists", str(wl), "--catalysts", str(tmp_path / "none.yaml"), "validate"]) == 1
    out = capsys.readouterr()
    assert "t.yaml:4" in out.out + out.err and HINT in out.out + out.err


def test_catalyst_naming_an_unmarked_five_digit_code_is_an_error(tmp_path: Path):
    theme = write(tmp_path, '  - code: "00700"\n    market: HK\n    name: 腾讯控股\n')
    cal = tmp_path / "catalysts.yaml"
    cal.write_text("catalysts:\n  - id: a\n    title: 甲\n    stocks: [\"00700\", \"68804\"]\n", encoding="utf-8")
    [err] = load_files([theme], catalyst_paths=[cal]).errors
    assert err.line == 4 and "'68804'" in err.message and HINT in err.message


@pytest.fixture
def wl(tmp_path: Path) -> Path:
    d = tmp_path / "watchlists"
    d.mkdir()
    shutil.copyfile(WATCHLISTS / "compute-power.yaml", d / "compute-power.yaml")
    return d


def test_watchlist_add_refuses_an_unmarked_five_digit_code(wl: Path, capsys):
    before = (wl / "compute-power.yaml").read_bytes()
    assert main(["--watchlists", str(wl), "watchlist", "add", "compute-power", "68804", "--name", "海光信息"]) == 1
    err = capsys.readouterr().err
    assert "A-share codes have six digits; for a Hong Kong listing pass --market HK" in err
    assert (wl / "compute-power.yaml").read_bytes() == before


def test_watchlist_add_market_hk_writes_the_mark(wl: Path):
    assert main(["--watchlists", str(wl), "watchlist", "add", "compute-power", "00700", "--market", "HK", "--name", "腾讯控股"]) == 0
    text = (wl / "compute-power.yaml").read_text(encoding="utf-8")
    assert '  - code: "00700"\n    market: HK\n    name: 腾讯控股\n' in text
    stock = next(s for s in load_files([wl / "compute-power.yaml"]).themes[0].stocks if s.code == "00700")
    assert stock.market == "HK"


def test_editor_refuses_an_unmarked_five_digit_code(wl: Path):
    with pytest.raises(EditError, match=HINT):
        WatchlistEditor(wl / "compute-power.yaml").add_stock("68804", name="海光信息")
