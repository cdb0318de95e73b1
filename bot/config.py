"""Typed settings, read from the environment and an optional ``.env`` file.

Override order (highest first): process environment, ``.env`` in the working directory, defaults.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.paths import project_root

TELEGRAM_API_URL = "https://api.telegram.org"
# Telegram's overall limits on messages a second: free, and with paid broadcasts.
FREE_MESSAGES_PER_SECOND = 30
PAID_MESSAGES_PER_SECOND = 1000
# Crowds are scheduled at this share of the limit: the limiter holds each permit a round trip
# past its second (about 99 % of the nominal rate) and other messages share the limit, so a
# schedule at the full rate would drift late by a few seconds over a large crowd.
SCHEDULE_SHARE = 0.98
# A tick plans and sends at most this far ahead of the next one (see ``Settings.ahead``).
MAX_AHEAD = timedelta(minutes=1)


class Settings(BaseSettings):
    """Everything the operator can configure."""

    # An empty value (BOT_TOKEN= in a copied .env.example) means "not set", not an empty token.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    bot_token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///quality-time.db"
    telegram_api_url: str = TELEGRAM_API_URL
    default_timezone: str = "UTC"
    exercises_file: Path = Field(default_factory=lambda: project_root() / "exercises.yaml")
    prompts_dir: Path = Field(default_factory=lambda: project_root() / "prompts")
    language: str = "en"
    log_level: str = "INFO"
    # "text" (one readable line a record) or "json" (one JSON object a line, for log shippers).
    log_format: Literal["text", "json"] = "text"
    # Webhook mode (issue: run it for real); empty means long polling.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"  # noqa: S104 - a webhook server must listen beyond loopback
    webhook_port: int = 8080
    # How often the scheduler tick runs, in seconds.
    tick_seconds: float = 30.0
    # An evening prompt later than this (the bot was down) is skipped, not sent at midnight.
    catch_up_minutes: int = 180
    # Keep under Telegram's limits (30 messages/s, 1,000 paid ones, 20/min per group). Turn off
    # only for a self-hosted Bot API server.
    rate_limit: bool = True
    # Send evening prompts as paid broadcasts (``allow_paid_broadcast``): up to 1,000 a second
    # instead of about 30, for Telegram Stars from the bot's balance (see the README).
    paid_broadcast: bool = False
    send_concurrency: int = 32
    # Commands and button presses one chat may send in any minute; past it they are dropped,
    # with one "slow down" notice a minute. 0 turns the limit off.
    flood_limit: int = Field(default=15, ge=0)
    # A sender holds the runs it claimed this long; if it dies, another takes them over after.
    send_lease_seconds: float = Field(default=120.0, gt=0)
    # Seconds to wait for Telegram's answer; a send that times out is "maybe sent".
    telegram_timeout: float = 10.0
    # Telegram user ids allowed to use /reload: "123,456" or "[123, 456]".
    # Prometheus metrics at /metrics on this port; off when unset. In webhook mode they are also
    # served at /metrics on the webhook server.
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_listen: str = "127.0.0.1"
    operator_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)"
            ) from None
        return value

    @field_validator("operator_ids", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip().strip("[]")
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @property
    def tick(self) -> timedelta:
        """The scheduler tick interval."""
        return timedelta(seconds=self.tick_seconds)

    @property
    def send_rate(self) -> float:
        """Evening prompts a second a crowd's schedule is spread at, just under Telegram's limit."""
        limit = PAID_MESSAGES_PER_SECOND if self.paid_broadcast else FREE_MESSAGES_PER_SECOND
        return limit * SCHEDULE_SHARE

    @property
    def ahead(self) -> timedelta:
        """How far ahead a tick plans and sends: until the next tick, at most a minute."""
        return min(self.tick, MAX_AHEAD)
