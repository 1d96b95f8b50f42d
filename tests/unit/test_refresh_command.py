"""`theme-tracker refresh` handler with --codes and a fake source (no network, no watchlists)."""

from __future__ import annotations

import argparse
from datetime import date

import pytest

from tests.unit.test_refresh import FakeSource, full_series
from tui.commands import refresh as command
from tui.context import Context
from tui.errors import UsageError
from tui.sources import akshare_source
from tui.sources.base import FailureKind


def parse(argv):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    command.register(sub)
    return parser.parse_args(["refresh", *argv])


def test_parser_options():
    args = parse(["--quotes-only", "--codes", "300133,002602", "--timeout", "3"])
    assert args.quotes_only and not args.history_only and args.codes == "300133,002602" and args.timeout == 3.0
    assert parse([]).timeout == 10.0 and args.handler is command.run
    with pytest.raises(SystemExit):
        parse(["--quotes-only", "--history-only"])


def test_run_prints_summary_and_exit_codes(tmp_path, monkeypatch, capsys):
    made = []

    def factory(**kw):
        made.append(kw)
        return source

    ctx = Context(watchlists=tmp_path / "w", catalysts=tmp_path / "c.yaml", data_dir=tmp_path / "data",
                  today_override=date(2025, 11, 21))
    monkeypatch.setattr(akshare_source, "AkshareSource", factory)

    source = FakeSource(full_series())
    assert command.run(parse(["--codes", "300133,002602", "--timeout", "4"]), ctx) == 0
    out = capsys.readouterr().out
    assert out.startswith("refresh: ") and "failed" in out
    assert made == [{"timeout": 4.0}]

    source = FakeSource(full_series(), fail={("quote", "300133"): FailureKind.NETWORK})
    assert command.run(parse(["--codes", "300133", "--quotes-only"]), ctx) == 1
    out = capsys.readouterr().out
    assert "failed: network unreachable (1: quote 1)" in out
    assert [c[0] for c in source.calls] == ["quotes"]


def test_bad_timeout_is_a_usage_error(tmp_path):
    ctx = Context(watchlists=tmp_path, catalysts=tmp_path / "c.yaml", data_dir=tmp_path)
    with pytest.raises(UsageError):
        command.run(parse(["--codes", "300133", "--timeout", "0"]), ctx)


def test_run_evaluates_the_alert_rules_after_the_refresh(tmp_path, monkeypatch, capsys):
    """Issue 17: with an alerts file, what fires on the refreshed figures is printed."""
    rules = tmp_path / "alerts.yaml"
    rules.write_text('rules:\n  - id: above-5\n    stock: "300133"\n    when: price_above\n    value: 5\n', encoding="utf-8")
    ctx = Context(watchlists=tmp_path / "w", catalysts=tmp_path / "c.yaml", data_dir=tmp_path / "data",
                  today_override=date(2025, 11, 21), alerts=rules)
    source = FakeSource(full_series())
    monkeypatch.setattr(akshare_source, "AkshareSource", lambda **kw: source)
    command.run(parse(["--codes", "300133", "--quotes-only"]), ctx)
    out = capsys.readouterr().out
    assert "alert: 【价格突破】n300133 300133 价格 10.00 ≥ 5.00 · 截至 2025-11-21 17:00" in out
    command.run(parse(["--codes", "300133", "--quotes-only"]), ctx)
    assert "alert:" not in capsys.readouterr().out  # once per episode
