"""alerts.yaml: the minimal form, every condition's parameter, located errors, settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CATALYSTS, WATCHLISTS
from tui.alerts.rules import CONDITIONS, PARAMS, load_rules
from tui.config.loader import load_project
from tui.errors import UsageError
from tui.settings import load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "alerts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_minimal_form_of_the_issue_loads(tmp_path):
    rules = load_rules(write(tmp_path, "rules:\n  - id: theme-limit-up\n    theme: compute-power\n    when: limit_up\n"))
    assert [(r.id, r.theme, r.when) for r in rules.rules] == [("theme-limit-up", "compute-power", "limit_up")]
    assert rules.diagnostics == []


def test_every_condition_with_its_parameter_loads(tmp_path):
    values = {"value": "5", "ratio": "3", "min": "2", "days": "3"}
    lines = ["rules:"]
    for i, when in enumerate(CONDITIONS):
        scope = 'stock: "600589"' if when not in ("theme_limit_ups", "theme_vs_benchmark") else "theme: all"
        lines += [f"  - id: r{i}", f"    {scope}", f"    when: {when}"]
        if PARAMS[when]:
            lines.append(f"    {PARAMS[when]}: {values[PARAMS[when]]}")
    rules = load_rules(write(tmp_path, "\n".join(lines) + "\n"))
    assert rules.diagnostics == [] and len(rules.rules) == len(CONDITIONS)


def test_problems_are_located_and_the_rest_loads(tmp_path):
    path = write(tmp_path, """rules:
  - id: ok
    theme: all
    when: limit_up
  - id: unquoted
    stock: 600589
    when: limit_up
  - id: no-param
    theme: all
    when: streak
  - id: wrong-param
    theme: all
    when: limit_up
    value: 3
  - id: ok
    theme: all
    when: limit_down
  - id: typo
    theme: all
    when: limit_upp
  - id: two-scopes
    theme: all
    stock: "600589"
    when: limit_up
""")
    rules = load_rules(path)
    assert [r.id for r in rules.rules] == ["ok"]
    got = [(d.line, d.col, d.message) for d in rules.diagnostics]
    assert got[0][:2] == (6, 12) and "quotes" in got[0][2]
    assert got[1][0] == 8 and "needs min" in got[1][2]
    assert got[2][0] == 11 and "value is not used by when: limit_up" in got[2][2]
    assert got[3][0] == 15 and "duplicate rule id 'ok' (first at line 2)" in got[3][2]
    assert got[4][:2] == (20, 11) and "limit_up" in got[4][2]
    assert got[5][0] == 21 and "exactly one scope" in got[5][2]
    assert all(str(d).startswith(f"{path}:") for d in rules.diagnostics)


def test_references_to_unknown_themes_and_stocks_are_warnings(tmp_path):
    path = write(tmp_path, 'rules:\n  - id: a\n    theme: nope\n    when: limit_up\n  - id: b\n    stock: "000002"\n    when: limit_up\n')
    rules = load_rules(path, load_project(WATCHLISTS, CATALYSTS))
    assert len(rules.rules) == 2 and not rules.errors
    assert [(d.line, d.severity.value) for d in rules.diagnostics] == [(3, "warning"), (6, "warning")]


def test_a_missing_file_is_no_rules_and_broken_yaml_is_located(tmp_path):
    assert load_rules(tmp_path / "none.yaml").rules == []
    broken = load_rules(write(tmp_path, "rules:\n  - id: [\n"))
    assert broken.errors and broken.errors[0].line >= 2


def test_alert_settings(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("""alerts = "rules/alerts.yaml"
[alerting]
bell = true
quiet_hours = "22:00-08:00"
[[alerting.webhooks]]
kind = "dingtalk"
url_env = "DT_URL"
secret_env = "DT_SECRET"
""", encoding="utf-8")
    settings = load_settings(path)
    assert settings.alerts == tmp_path / "rules" / "alerts.yaml"
    assert settings.alerting.bell and settings.alerting.webhooks[0].kind == "dingtalk"
    path.write_text('[alerting]\nquiet_hours = "late"\n', encoding="utf-8")
    with pytest.raises(UsageError, match="HH:MM-HH:MM"):
        load_settings(path)
    path.write_text('[[alerting.webhooks]]\nkind = "wecom"\n', encoding="utf-8")
    with pytest.raises(UsageError, match="url_env"):
        load_settings(path)


def test_quiet_hours_across_midnight():
    from tests.fixtures.alert_frames import at
    from datetime import date
    from tui.alerts.quiet import in_quiet_hours

    d = date(2025, 3, 31)
    assert in_quiet_hours("22:00-08:00", at(d, 23)) and in_quiet_hours("22:00-08:00", at(d, 7, 59))
    assert not in_quiet_hours("22:00-08:00", at(d, 8)) and not in_quiet_hours(None, at(d, 23))
    assert in_quiet_hours("12:00-13:00", at(d, 12, 30)) and not in_quiet_hours("12:00-13:00", at(d, 13))
