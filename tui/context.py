"""The resolved locations and settings one command (or the app) runs with."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tui import paths
from tui.domain.market import SHANGHAI
from tui.errors import ThemeTrackerError
from tui.settings import Settings, load_settings

TODAY_ENV = "THEME_TRACKER_TODAY"


@dataclass(frozen=True)
class Context:
    """Paths and settings after applying: command-line option > settings file > default."""

    watchlists: Path
    catalysts: Path
    data_dir: Path
    settings: Settings = field(default_factory=Settings)
    today_override: date | None = None
    alerts: Path = paths.DEFAULT_ALERTS

    def today(self) -> date:
        """Today's date in Asia/Shanghai (or the frozen date of THEME_TRACKER_TODAY)."""
        if self.today_override is not None:
            return self.today_override
        from datetime import datetime

        return datetime.now(SHANGHAI).date()


def _today_override(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ThemeTrackerError(f"{TODAY_ENV}={text!r} is not a date; write it as YYYY-MM-DD, or unset it") from None


def resolve_context(
    *,
    watchlists: str | None = None,
    catalysts: str | None = None,
    data_dir: str | None = None,
    config: str | None = None,
    alerts: str | None = None,
) -> Context:
    settings = load_settings(paths.config_file(config))
    today_text = os.environ.get(TODAY_ENV)
    return Context(
        watchlists=Path(watchlists) if watchlists else (settings.watchlists or paths.DEFAULT_WATCHLISTS),
        catalysts=Path(catalysts) if catalysts else (settings.catalysts or paths.DEFAULT_CATALYSTS),
        data_dir=paths.data_dir(data_dir or settings.data_dir),
        settings=settings,
        today_override=_today_override(today_text),
        alerts=Path(alerts) if alerts else (settings.alerts or paths.DEFAULT_ALERTS),
    )
