"""Settings: no file gives the defaults without validating; a file is validated in full."""

from __future__ import annotations

import pytest

from tui.errors import UsageError
from tui.settings import Settings, load_settings


def test_a_missing_file_gives_exactly_the_validated_defaults(tmp_path):
    settings = load_settings(tmp_path / "none.toml")
    assert settings == Settings()
    assert (settings.language, settings.up_color, settings.refresh_interval) == ("zh", "red", 60)


def test_a_file_is_validated_and_its_paths_resolved(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('watchlists = "lists"\nrefresh_interval = 30\n', encoding="utf-8")
    settings = load_settings(path)
    assert settings.watchlists == tmp_path / "lists" and settings.refresh_interval == 30
    path.write_text("refresh_interval = 5\n", encoding="utf-8")
    with pytest.raises(UsageError, match="refresh_interval"):
        load_settings(path)
