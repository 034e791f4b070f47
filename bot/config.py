"""Settings from the environment (and an optional ``.env``), validated once at start-up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from reminders.schedule import ReminderSchedule, parse_days

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/studio.db"
DEFAULT_WEB_PORT = 8080


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    # PostgreSQL only: keep the tables in this schema (a shared database, or isolated tests).
    database_schema: str | None = None
    # A local Bot API server or a mirror, e.g. http://127.0.0.1:8081/bot
    telegram_base_url: str | None = None
    # Telegram is often reached through a proxy in China: http://, https:// or socks5://
    telegram_proxy: str | None = None
    timezone: str = "Asia/Shanghai"
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    invite_ttl_days: int = Field(default=7, ge=1, le=90)
    # Reminders (Art. 17 deadline and Art. 6 duties): local hour, and the year-end days.
    reminder_hour: int = Field(default=9, ge=0, le=23)
    reminder_deadline_days: str = "12-01,12-15,12-24,12-29,12-31"
    # Webhook mode (production behind a reverse proxy); long polling when unset.
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    # Operations: a chat (a person, or a group with the bot in it) told of every unhandled
    # error; a small health endpoint (GET /healthz) for Docker, systemd or a load balancer.
    error_chat_id: int | None = None
    health_listen: str = "127.0.0.1"
    health_port: int | None = Field(default=None, ge=1, le=65535)
    # The dashboard (issue 13): served by this process when WEB_PORT or WEB_URL is set.
    # WEB_URL is the public https base Telegram opens as a Mini App; login links use it too.
    web_url: str | None = None
    web_listen: str = "127.0.0.1"
    web_port: int | None = Field(default=None, ge=1, le=65535)

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        token = str(value).strip()
        head, _, tail = token.partition(":")
        if not head.isdigit() or len(tail) < 20:
            raise ValueError(
                "TELEGRAM_BOT_TOKEN looks wrong: expected '123456789:AA…' as given by @BotFather"
            )
        return token

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            # Accept the common form and use the async driver the app is built on.
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite://") and not value.startswith("sqlite+aiosqlite://"):
            value = "sqlite+aiosqlite://" + value.split("://", 1)[1]
        if not (
            value.startswith("sqlite+aiosqlite://") or value.startswith("postgresql+asyncpg://")
        ):
            raise ValueError(
                "DATABASE_URL must be a SQLite path (sqlite+aiosqlite:///data/studio.db)"
                " or PostgreSQL (postgresql+asyncpg://user@host:5432/db)"
            )
        return value

    @field_validator("telegram_base_url", "telegram_proxy", "webhook_url", "web_url", mode="before")
    @classmethod
    def _url(cls, value: Any, info: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        value = str(value).strip()
        schemes = ("http://", "https://", "socks5://", "socks5h://")
        if not value.startswith(schemes):
            name = info.field_name.upper()
            raise ValueError(f"{name} must start with http://, https:// or socks5://")
        return value

    @field_validator("error_chat_id", "health_port", mode="before")
    @classmethod
    def _optional_int(cls, value: Any, info: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip()
        if not re.fullmatch(r"-?\d{1,20}", text) or int(text) == 0:
            name = info.field_name.upper()
            raise ValueError(
                f"{name} must be a number, e.g. ERROR_CHAT_ID=123456789 (a person) or"
                " -1001234567890 (a group); HEALTH_PORT=8080"
            )
        return int(text)

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        secret = str(value).strip()
        # What Telegram accepts as secret_token in setWebhook.
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
            raise ValueError(
                "WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and -,"
                " e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return secret

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        # Without a secret anyone who finds the URL can post updates claiming to be anyone
        # (e.g. an admin). Refused rather than generated: several instances behind one URL
        # must share one secret, and a fresh one per start would lock the others out.
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_SECRET is required when WEBHOOK_URL is set (webhook mode): without it"
                " anyone can post forged updates to the bot. Generate one with:"
                " python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return self

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"TIMEZONE {value!r} is not a known time zone, e.g. Asia/Shanghai"
            ) from exc
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            if not all(p.isascii() and p.isdigit() for p in parts):
                raise ValueError(
                    "ADMIN_IDS must be Telegram user ids separated by commas, e.g. 12345,67890"
                )
            return tuple(int(p) for p in parts)
        return value

    @field_validator("reminder_deadline_days")
    @classmethod
    def _deadline_days(cls, value: str) -> str:
        try:
            parse_days(value)
        except ValueError as exc:
            raise ValueError(
                "REMINDER_DEADLINE_DAYS must be month-day pairs, e.g. 12-01,12-15,12-31"
            ) from exc
        return value

    def reminder_schedule(self) -> ReminderSchedule:
        return ReminderSchedule(
            tz=self.tz,
            hour=self.reminder_hour,
            deadline_days=parse_days(self.reminder_deadline_days),
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def webhook_options(self) -> dict[str, Any]:
        """Keyword arguments for PTB's run_webhook / start_webhook: always with the secret,
        so PTB's web server answers 403 to any POST without Telegram's secret header."""
        if not self.webhook_url or self.webhook_secret is None:
            raise ConfigError("WEBHOOK_URL and WEBHOOK_SECRET are both needed for webhook mode")
        return {
            "listen": self.webhook_listen,
            "port": self.webhook_port,
            "webhook_url": self.webhook_url,
            "secret_token": self.webhook_secret.get_secret_value(),
        }

    @property
    def web_enabled(self) -> bool:
        return self.web_port is not None or self.web_url is not None

    @property
    def web_local_url(self) -> str:
        return f"http://{self.web_listen}:{self.web_port or DEFAULT_WEB_PORT}/"

    @property
    def web_public_url(self) -> str:
        """Where a person's browser finds the dashboard: WEB_URL, else the local address."""
        return (self.web_url or self.web_local_url).rstrip("/") + "/"

    @property
    def mini_app_url(self) -> str | None:
        # Telegram opens only https pages as Mini Apps.
        return self.web_public_url if self.web_public_url.startswith("https://") else None

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    def ensure_data_dir(self) -> None:
        if self.database_url.startswith("sqlite+aiosqlite:///"):
            path = self.database_url.removeprefix("sqlite+aiosqlite:///")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)


class ConfigError(Exception):
    """Raised with one readable line per mistake in the configuration."""


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]).upper() or "config"
            msg = str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"- {field}: {msg}")
        raise ConfigError("配置有误 / configuration errors:\n" + "\n".join(lines)) from exc
