"""Typed user settings, read from a TOML file (see paths.config_file).

Command-line options override the file; the file overrides the defaults. Unknown keys are
an error with the file's name, so a typo never silently does nothing.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tui.errors import UsageError


class Settings(BaseModel):
    """Everything a user can set in settings.toml."""

    model_config = ConfigDict(extra="forbid")

    watchlists: Path | None = None
    """Directory of theme watchlists (*.yaml). Default: ./watchlists"""
    catalysts: Path | None = None
    """The catalyst calendar file. Default: ./catalysts.yaml"""
    data_dir: Path | None = None
    """Directory of the SQLite store. Default: the XDG data directory."""
    language: Literal["zh", "en"] = "zh"
    """UI language: zh (default) or en."""
    up_color: Literal["red", "green"] = "red"
    """Colour of a rising price: red (A-share convention, default) or green."""
    refresh_interval: int = Field(default=60, ge=10, le=3600)
    """Seconds between quote refreshes while the market is open."""
    run_schedule_in_app: bool = False
    """Run the refresh/snapshot schedule inside the app as well."""


def load_settings(path: Path) -> Settings:
    """Read settings from `path`; a missing file gives the defaults."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read settings: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: settings file is not UTF-8 ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: {exc}") from exc
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise UsageError(f"{path}: invalid settings: {problems}") from exc
    base = path.parent
    for field in ("watchlists", "catalysts", "data_dir"):
        value = getattr(settings, field)
        if value is not None and not value.is_absolute():
            setattr(settings, field, (base / value.expanduser()))
    return settings
