"""The headless parts never import Textual, and validating never imports akshare."""

import subprocess
import sys

import pytest

from tests.conftest import CATALYSTS, ROOT, WATCHLISTS

HEADLESS = [
    "tui.cli",
    "tui.commands.validate",
    "tui.config.loader",
    "tui.config.yaml_reader",
    "tui.domain.models",
    "tui.domain.indicators",
    "tui.domain.timeline",
    "tui.domain.codes",
    "tui.config.editing",
    "tui.commands.edit",
    "tui.commands.refresh",
    "tui.commands.event_study",
    "tui.commands.snapshot",
    "tui.commands.schedule",
    "tui.jobs.refresh",
    "tui.store",
    "tui.sources.akshare_source",
    "tui.export.snapshot",
    # issue 17
    "tui.alerts.engine",
    "tui.alerts.hooks",
    "tui.alerts.editing",
    "tui.commands.alerts",
    "tui.views.alerts_log",
    # catalyst inbox (issue 16)
    "tui.commands.inbox",
    "tui.sources.feeds",
    "tui.store.inbox",
    "tui.inbox.fetch",
    "tui.inbox.triage",
    "tui.views.inbox",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_does_not_import_textual(module):
    code = f"import sys, {module}; bad = [m for m in ('textual', 'akshare') if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_running_validate_imports_neither_textual_nor_akshare():
    code = (
        "import sys; from tui.cli import main; "
        f"rc = main(['--watchlists', r'{WATCHLISTS}', '--catalysts', r'{CATALYSTS}', 'validate']); "
        "bad = [m for m in ('textual', 'akshare') if m in sys.modules]; print(rc, bad); sys.exit(0 if rc == 0 and not bad else 1)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
