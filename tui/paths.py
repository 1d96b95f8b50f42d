"""Where files live: data directory (XDG), settings file, and the default YAML locations.

Every location can be overridden: the data directory by THEME_TRACKER_DATA_DIR or
--data-dir, the settings file by THEME_TRACKER_CONFIG or --config.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "theme-tracker"

DATA_DIR_ENV = "THEME_TRACKER_DATA_DIR"
CONFIG_ENV = "THEME_TRACKER_CONFIG"

DEFAULT_WATCHLISTS = Path("watchlists")
DEFAULT_CATALYSTS = Path("catalysts.yaml")
DEFAULT_ALERTS = Path("alerts.yaml")

SAMPLE_DATA_DIR = Path(__file__).parent / "data" / "sample"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The directory holding the SQLite store: --data-dir, then the env var, then XDG."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_file(override: str | os.PathLike[str] | None = None) -> Path:
    """The settings file: --config, then the env var, then the XDG config directory."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"
