"""`theme-tracker watchlist|catalyst|reading ...`: exit codes, messages, and the files they write."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import tui.cli
import tui.commands
from tests.conftest import CATALYSTS, ROOT, WATCHLISTS
from tui.cli import main
from tui.config.loader import load_project

FIX = ROOT / "tests" / "fixtures" / "editing"
EDIT_MODULES = ("tui.commands.edit",)


@pytest.fixture(autouse=True)
def _register_edit_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    modules = (*tui.commands.COMMAND_MODULES, *(m for m in EDIT_MODULES if m not in tui.commands.COMMAND_MODULES))
    monkeypatch.setattr(tui.commands, "COMMAND_MODULES", modules)
    monkeypatch.setattr(tui.cli, "COMMAND_MODULES", modules)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    wl = tmp_path / "watchlists"
    wl.mkdir()
    shutil.copyfile(WATCHLISTS / "compute-power.yaml", wl / "compute-power.yaml")
    shutil.copyfile(FIX / "theme.yaml", wl / "storage.yaml")
    cal = tmp_path / "catalysts.yaml"
    shutil.copyfile(CATALYSTS, cal)
    return wl, cal


def cli(files: tuple[Path, Path], *args: str) -> int:
    wl, cal = files
    return main(["--watchlists", str(wl), "--catalysts", str(cal), *args])


def test_help_of_every_command(capsys):
    for argv in (["watchlist"], ["watchlist", "add"], ["watchlist", "remove"], ["watchlist", "move"],
                 ["catalyst", "add"], ["catalyst", "set-status"], ["reading", "add"]):
        with pytest.raises(SystemExit) as exc:
            main([*argv, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert "usage: theme-tracker " + " ".join(argv) in out
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "watchlist" in out and "catalyst" in out and "reading" in out


def test_watchlist_add_then_remove(files, capsys):
    wl, _ = files
    original = (wl / "compute-power.yaml").read_bytes()
    assert cli(files, "watchlist", "add", "compute-power", "300002", "--name", "神州泰岳", "--segment", "下游",
               "--reason", "算力调度", "--risk", "估值偏高", "--tags", "算力租赁,跨界") == 0
    out, err = capsys.readouterr()
    assert out.strip().splitlines() == [f"added 300002 神州泰岳 to compute-power ({wl / 'compute-power.yaml'})"]
    assert ".backup/compute-power.yaml" in err
    theme = load_project(wl, None).theme("compute-power")
    stock = next(s for s in theme.stocks if s.code == "300002")
    assert (stock.segment, stock.reason, stock.risks, stock.tags) == ("下游", "算力调度", ["估值偏高"], ["算力租赁", "跨界"])
    assert cli(files, "watchlist", "remove", "compute-power", "300002") == 0
    assert capsys.readouterr().out.startswith("removed 300002 神州泰岳 from compute-power")
    assert (wl / "compute-power.yaml").read_bytes() == original


def test_watchlist_add_without_name_asks_for_it(files, capsys, monkeypatch):
    monkeypatch.setenv("THEME_TRACKER_SOURCE", "tests.unit.test_name_lookup:OfflineSource")  # no network
    wl, _ = files
    original = (wl / "compute-power.yaml").read_bytes()
    assert cli(files, "watchlist", "add", "compute-power", "300002") == 2
    out, err = capsys.readouterr()
    assert out == "" and "pass it with --name" in err
    assert (wl / "compute-power.yaml").read_bytes() == original


def test_watchlist_add_uses_the_name_lookup_hook(files, capsys, monkeypatch):
    from tui.commands import edit

    monkeypatch.setattr(edit, "name_lookup_factory", lambda ctx: {"300002": "神州泰岳"}.get)
    assert cli(files, "watchlist", "add", "compute-power", "300002") == 0
    assert "神州泰岳" in capsys.readouterr().out
    assert cli(files, "watchlist", "add", "compute-power", "300003") == 2
    assert "pass it with --name" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["watchlist", "add", "compute-power", "2602", "--name", "x"], "six digits"),
        (["watchlist", "add", "compute-power", "300133", "--name", "华策影视"], "already in theme"),
        (["watchlist", "add", "compute-power", "300002", "--name", "x", "--segment", "上上游"], "not one of theme 'compute-power'"),
        (["watchlist", "add", "no-such-theme", "300002", "--name", "x"], "no theme 'no-such-theme'"),
        (["watchlist", "remove", "compute-power", "600000"], "not in theme"),
        (["watchlist", "move", "002335", "--from", "compute-power", "--to", "storage"], "pass a segment"),
        (["catalyst", "add", "--id", "annuoqi-restructuring", "--title", "x"], "already exists"),
        (["catalyst", "add", "--id", "x-1", "--title", "x", "--date", "2025-02-30"], "impossible date"),
        (["catalyst", "add", "--id", "x-1", "--title", "x", "--kind", "rumour"], "kind"),
        (["catalyst", "set-status", "annuoqi-restructuring", "done"], "status"),
        (["catalyst", "set-status", "no-such", "happened"], "no catalyst 'no-such'"),
        (["reading", "add", "lease-price", "--date", "2025-13", "--value", "12"], "impossible date"),
        (["reading", "add", "lease-price", "--date", "2025-06", "--value", "lots"], "value"),
        (["reading", "add", "no-such", "--date", "2025-06", "--value", "1"], "no indicator 'no-such'"),
    ],
)
def test_refused_edits_exit_1_and_change_nothing(files, capsys, argv, message):
    wl, cal = files
    before = {p: p.read_bytes() for p in [*wl.iterdir(), cal]}
    assert cli(files, *argv) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err and err.startswith("theme-tracker: ")
    # (.backup/ may now hold the edit lock; no file changed and no backup was written)
    assert {p: p.read_bytes() for p in [*wl.iterdir(), cal] if p.name != ".backup"} == before
    assert not [p for p in (wl / ".backup").glob("*.yaml")]


@pytest.mark.parametrize(
    "argv",
    [
        ["watchlist"],
        ["watchlist", "add", "compute-power"],
        ["watchlist", "move", "300133", "--to", "storage"],
        ["catalyst", "add", "--title", "x"],
        ["catalyst", "set-status", "x"],
        ["reading", "add", "lease-price", "--date", "2025-06"],
        ["watchlist", "move", "300133", "--from", "compute-power", "--to", "compute-power"],
    ],
)
def test_usage_errors_exit_2(files, capsys, argv):
    try:
        code = cli(files, *argv)
    except SystemExit as exc:  # argparse errors exit through the parser
        code = exc.code
    assert code == 2
    assert capsys.readouterr().out == ""


def test_missing_watchlists_directory_is_a_usage_error(tmp_path, capsys):
    code = main(["--watchlists", str(tmp_path / "nope"), "watchlist", "remove", "compute-power", "300133"])
    assert code == 2 and "watchlists directory not found" in capsys.readouterr().err


def test_watchlist_move_between_themes_and_segments(files, capsys):
    wl, _ = files
    assert cli(files, "watchlist", "move", "300133", "--from", "compute-power", "--to", "storage", "--segment", "下游") == 0
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1 and "moved 300133" in out and "removed 300133" in out
    project = load_project(wl, None)
    assert "300133" not in [s.code for s in project.theme("compute-power").stocks]
    moved = next(s for s in project.theme("storage").stocks if s.code == "300133")
    assert moved.segment == "下游" and moved.name == "华策影视" and len(moved.risks) == 2
    assert cli(files, "watchlist", "move", "300133", "--from", "storage", "--to", "storage", "--segment", "中游") == 0
    assert load_project(wl, None).theme("storage").stocks[4].code == "300133"


def test_watchlist_edit(files, capsys):
    wl, _ = files
    assert cli(files, "watchlist", "edit", "compute-power", "300133", "--notes", "新备注", "--tags", "算力租赁") == 0
    stock = next(s for s in load_project(wl, None).theme("compute-power").stocks if s.code == "300133")
    assert stock.notes == "新备注" and stock.tags == ["算力租赁"]
    assert cli(files, "watchlist", "edit", "compute-power", "300133", "--notes", "") == 0
    stock = next(s for s in load_project(wl, None).theme("compute-power").stocks if s.code == "300133")
    assert stock.notes is None


def test_catalyst_add_and_set_status(files, capsys):
    wl, cal = files
    before = cal.read_bytes()
    # Unknown references are refused, as the same mistake in a watchlist is (issue 12 item 14).
    assert cli(files, "catalyst", "add", "--id", "new-policy-2026-12", "--title", "新政策", "--date", "2026-12",
               "--kind", "policy", "--stocks", "300133,300002", "--themes", "compute-power,nope") == 1
    err = capsys.readouterr().err
    assert "theme 'nope' is defined by no watchlist" in err and "stock 300002 is in no watchlist" in err
    assert cal.read_bytes() == before
    assert cli(files, "catalyst", "add", "--id", "new-policy-2026-12", "--title", "新政策", "--date", "2026-12",
               "--kind", "policy", "--stocks", "300133,002335", "--themes", "compute-power,storage") == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"added catalyst new-policy-2026-12 ({cal})"
    text = cal.read_text(encoding="utf-8")
    assert text.endswith(
        "\n\n  - id: new-policy-2026-12\n    date: 2026-12\n    title: 新政策\n    kind: policy\n"
        '    themes: [compute-power, storage]\n    stocks: ["300133", "002335"]\n'
    )
    assert cli(files, "catalyst", "set-status", "new-policy-2026-12", "happened", "--outcome", "落地") == 0
    catalyst = next(c for c in load_project(wl, cal).catalysts if c.id == "new-policy-2026-12")
    assert (catalyst.status, catalyst.outcome) == ("happened", "落地")


def test_reading_add(files, capsys):
    wl, _ = files
    assert cli(files, "reading", "add", "lease-price", "--date", "2025-09", "--value", "10-12", "--source", "art_1",
               "--note", "价格下行") == 0
    assert capsys.readouterr().out.startswith("added reading 2025-09: 10-12 to lease-price")
    indicator = next(i for i in load_project(wl, None).theme("compute-power").indicators if i.id == "lease-price")
    assert str(indicator.readings[-1].date) == "2025-09" and indicator.readings[-1].note == "价格下行"
    assert cli(files, "reading", "add", "lease-price", "--theme", "storage", "--date", "2025-09", "--value", "1") == 1


def test_conflict_exits_1(files, capsys, monkeypatch):
    from tui.config import editing

    wl, _ = files
    path = wl / "compute-power.yaml"
    real = editing.YamlFileEditor._errors_of

    def edited_meanwhile(self, p):
        if p != self.path:
            path.write_text(path.read_text(encoding="utf-8") + "# edited meanwhile\n", encoding="utf-8")
        return real(self, p)

    monkeypatch.setattr(editing.YamlFileEditor, "_errors_of", edited_meanwhile)
    assert cli(files, "watchlist", "add", "compute-power", "300002", "--name", "x") == 1
    assert "changed on disk since it was loaded; reload first" in capsys.readouterr().err
    assert "300002" not in path.read_text(encoding="utf-8")
