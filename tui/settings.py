"""Typed user settings, read from a TOML file (see paths.config_file).

Command-line options override the file; the file overrides the defaults. Unknown keys are
an error with the file's name, so a typo never silently does nothing.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tui.errors import UsageError


# --- alerts (issue 17) ---------------------------------------------------------------------


class WebhookSettings(BaseModel):
    """One webhook channel, a `[[alerting.webhooks]]` table. Secrets stay out of the file:
    name the environment variables that hold them."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["wecom", "dingtalk", "feishu", "json"]
    """wecom (企业微信群机器人, markdown), dingtalk (钉钉, markdown), feishu (飞书, post or card), json."""
    name: str | None = None
    """A name for the log (default: the kind)."""
    url_env: str | None = None
    """Environment variable holding the webhook URL (it embeds the robot's key or token)."""
    url: str | None = None
    """The URL itself, for endpoints that are not secret (e.g. your own JSON receiver)."""
    secret_env: str | None = None
    """Environment variable holding the signing secret (DingTalk 加签 SEC…, Feishu 签名校验)."""
    feishu_msg_type: Literal["post", "interactive"] = "post"
    """Feishu only: a rich-text post (default) or an interactive card."""
    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=1000)
    """Messages a minute on this channel (default: alerting.rate_limit_per_minute)."""

    @field_validator("url_env", "secret_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not value.replace("_", "").isalnum():
            raise ValueError(f"{value!r} is not an environment variable name")
        return value

    @model_validator(mode="after")
    def _one_url(self) -> WebhookSettings:
        if (self.url is None) == (self.url_env is None):
            raise ValueError("a webhook needs exactly one of url_env (recommended) or url")
        return self


class AlertingSettings(BaseModel):
    """How alerts are delivered: the `[alerting]` table."""

    model_config = ConfigDict(extra="forbid")

    bell: bool = False
    """Ring the terminal bell when an alert fires in the app (off by default)."""
    quiet_hours: str | None = None
    """No webhook or bell in this window, Asia/Shanghai, e.g. "22:00-08:00" (alerts are still
    logged and shown in the app)."""
    rate_limit_per_minute: int = Field(default=20, ge=1, le=1000)
    """Messages a minute per channel (WeCom and DingTalk robots take 20)."""
    daily_brief: bool = False
    """After the close, the schedule posts the day's report.md (shortened) to every webhook."""
    webhooks: list[WebhookSettings] = Field(default_factory=list)
    """The webhook channels (`[[alerting.webhooks]]`)."""

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str | None) -> str | None:
        if value is not None:
            from tui.alerts.quiet import parse_window

            parse_window(value)
        return value


class Settings(BaseModel):
    """Everything a user can set in settings.toml."""

    # Validators are built on first validation, not at import: most starts have no settings
    # file (the defaults below, see load_settings), and the first paint should not pay for them.
    model_config = ConfigDict(extra="forbid", defer_build=True)

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
    # --- alerts (issue 17)
    alerts: Path | None = None
    """The alert rules file. Default: ./alerts.yaml"""
    alerting: AlertingSettings = Field(default_factory=AlertingSettings)
    """Alert delivery: bell, quiet hours, rate limit, webhooks (the `[alerting]` table)."""


def load_settings(path: Path) -> Settings:
    """Read settings from `path`; a missing file gives the defaults."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings.model_construct()  # the defaults, valid by definition: nothing to validate
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
    for field in ("watchlists", "catalysts", "data_dir", "alerts"):
        value = getattr(settings, field)
        if value is not None and not value.is_absolute():
            setattr(settings, field, (base / value.expanduser()))
    return settings
