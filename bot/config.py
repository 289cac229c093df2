"""Configuration from the environment (see the README's table)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from dialogs.learning import LearningRoutes
from dialogs.times import DEFAULT_ZONE
from storage.database import DEFAULT_URL


def env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    port: int = Field(3978, validation_alias=env("PORT"))
    host: str = Field("127.0.0.1", validation_alias=env("HOST"))
    database_url: str = Field(DEFAULT_URL, validation_alias=env("DATABASE_URL"))

    slack_bot_token: str | None = Field(None, validation_alias=env("SLACK_BOT_TOKEN"))
    slack_signing_secret: str | None = Field(None, validation_alias=env("SLACK_SIGNING_SECRET"))
    slack_app_token: str | None = Field(None, validation_alias=env("SLACK_APP_TOKEN"))
    slack_api_url: str | None = Field(None, validation_alias=env("SLACK_API_URL"))

    microsoft_app_id: str | None = Field(None, validation_alias=env("MICROSOFT_APP_ID"))
    microsoft_app_password: str | None = Field(None, validation_alias=env("MICROSOFT_APP_PASSWORD"))
    microsoft_app_type: str = Field("MultiTenant", validation_alias=env("MICROSOFT_APP_TYPE"))
    microsoft_app_tenant_id: str | None = Field(
        None, validation_alias=env("MICROSOFT_APP_TENANT_ID")
    )
    # Local testing only: Teams activities without a token, from and to this machine alone.
    teams_anonymous: bool = Field(False, validation_alias=env("REFLECTBOT_TEAMS_ANONYMOUS"))
    # Comma-separated service URL prefixes that replace the Bot Framework hosts (tests).
    teams_service_urls: str | None = Field(
        None, validation_alias=env("REFLECTBOT_TEAMS_SERVICE_URLS")
    )

    # The bot's public address (https://HOST), for links it posts outside a turn (the Teams
    # learning digest); without it, the address Teams last reached the bot at.
    public_url: str | None = Field(None, validation_alias=env("REFLECTBOT_PUBLIC_URL"))

    models_dir: Path | None = Field(None, validation_alias=env("REFLECTBOT_MODELS_DIR"))
    # The learning themes' channel for every audience without its own in learning_channels.
    learning_channel: str | None = Field(None, validation_alias=env("REFLECTBOT_LEARNING_CHANNEL"))
    # A channel per learning audience: "CPC Lead Officer=C0123;Case Review Committee=C0456".
    learning_channels: str | None = Field(
        None, validation_alias=env("REFLECTBOT_LEARNING_CHANNELS")
    )
    # The day of each month (1–28) from which last month's learning digest is posted to each
    # learning channel, at 09:00 in REFLECTBOT_TIMEZONE; 0 sends none.
    learning_digest_day: int = Field(
        1, ge=0, le=28, validation_alias=env("REFLECTBOT_LEARNING_DIGEST_DAY")
    )
    screening_channel: str | None = Field(
        None, validation_alias=env("REFLECTBOT_SCREENING_CHANNEL")
    )
    # Keys the watch-list hashes and the practice room's cookies. Set it in production; without
    # it each process makes up its own, which is fine only for a single local process.
    secret: str | None = Field(None, validation_alias=env("REFLECTBOT_SECRET"))
    retention_days: int = Field(30, ge=1, validation_alias=env("REFLECTBOT_RETENTION_DAYS"))
    # Printed on every page of a record (UK public bodies mark such records so).
    protective_marking: str = Field(
        "OFFICIAL-SENSITIVE",
        min_length=1,
        max_length=60,
        validation_alias=env("REFLECTBOT_PROTECTIVE_MARKING"),
    )
    # The organisation's time zone: times are shown (24-hour, zone named) and typed in it.
    timezone: str = Field(DEFAULT_ZONE, validation_alias=env("REFLECTBOT_TIMEZONE"))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name.strip())
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(
                f"{name!r} is not a time zone; use a name such as Europe/London"
            ) from error
        return name.strip()

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        url = (url or "").strip().rstrip("/")
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError(
                f"{url!r} is not a web address; use one such as https://bot.example.org"
            )
        return url

    @field_validator("learning_channels")
    @classmethod
    def _audience_channel_pairs(cls, text: str | None) -> str | None:
        LearningRoutes.parse(text)
        return text

    @property
    def learning_routes(self) -> LearningRoutes:
        return LearningRoutes.parse(self.learning_channels, self.learning_channel)

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))

    @property
    def teams_enabled(self) -> bool:
        return bool(self.microsoft_app_id) or self.teams_anonymous_mode

    @property
    def teams_anonymous_mode(self) -> bool:
        """Anonymous only when asked for and there is no app id to authenticate with."""
        return self.teams_anonymous and not self.microsoft_app_id
