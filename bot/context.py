"""Typed context: services reached as properties, not string keys."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.i18n import DEFAULT_LANGUAGE, t
from policy.deadlines import local_today
from policy.qa import QAEngine
from policy.regulation import Regulation
from reminders.service import ReminderService


def wall_clock() -> datetime:
    """The real clock, injected at the composition root; everything below asks `Deps.clock`
    (handlers through `context.now()`), so tests can stop it."""
    return datetime.now(UTC)


@dataclass
class Deps:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    regulation: Regulation
    qa: QAEngine
    reminders: ReminderService
    clock: Callable[[], datetime] = field(default=wall_clock)
    ticks: Callable[[], float] = field(default=time.monotonic)


class BotData:
    def __init__(self) -> None:
        self.deps: Deps | None = None


class UserData:
    """Per-update facts the pre-handler works out once: who is talking, in which language.
    Form state is not kept here but in the database (storage.drafts), shared by instances."""

    def __init__(self) -> None:
        self.lang: str = DEFAULT_LANGUAGE
        self.user_id: int = 0
        # What was last written to this person's row, and until when that is trusted
        # (so an unchanged person is not rewritten on every update).
        self.seen: tuple[str, str | None, str | None] | None = None
        self.seen_until: float = 0.0
        # The last policy question, so "那成果呢？" a moment later is understood.
        self.last_question: LastQuestion | None = None

    def forget_seen(self) -> None:
        self.seen = None


@dataclass(frozen=True)
class LastQuestion:
    chat_id: int
    text: str
    at: datetime


class BotContext(CallbackContext[ExtBot[None], UserData, dict[Any, Any], BotData]):
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def deps(self) -> Deps:
        deps = self.bot_data.deps
        if deps is None:  # pragma: no cover - build_application always sets it
            raise RuntimeError("application built without dependencies")
        return deps

    @property
    def lang(self) -> str:
        return self.user_data.lang if self.user_data is not None else DEFAULT_LANGUAGE

    @property
    def user_id(self) -> int:
        """The person this update is from (0 for updates without one)."""
        return self.user_data.user_id if self.user_data is not None else 0

    def t(self, key: str, **params: Any) -> str:
        return t(self.lang, key, **params)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """One unit of work; services commit, anything left uncommitted is rolled back."""
        async with self.deps.sessions() as session:
            yield session

    def now(self) -> datetime:
        return self.deps.clock()

    def today(self) -> date:
        """Today in the configured time zone (Asia/Shanghai by default)."""
        return local_today(self.now(), self.deps.settings.tz)
