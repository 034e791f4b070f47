"""A chat you can script: send → read the reply → press a button → read the reply.

Runs the real Application against bot.offline.FakeTelegram, in-process, no network.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.app import BotApp, build_application, on_shutdown, on_startup
from bot.config import Settings
from bot.context import wall_clock
from bot.offline import FakeTelegram, OfflineChat, OfflineRequest, Person
from policy.qa import QAEngine
from storage.db import make_session_factory

_qa: QAEngine | None = None


def shared_qa() -> QAEngine:
    """One warmed Q&A engine for the whole test session: it is read-only once built, and
    building it (jieba, the index) was most of each harness start."""
    global _qa
    if _qa is None:
        _qa = QAEngine()
        _qa.warm()
    return _qa


class HumanPace:
    """A monotonic clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


class ManualClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Clock:
    """The bot's injected clock (handlers, forms, reminders): wall time until a test stops it
    at a moment (`at`), after which it moves only when told (`shift`)."""

    def __init__(self, at: datetime | None = None) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at if self.at is not None else wall_clock()

    def shift(self, delta: timedelta) -> None:
        self.at = self() + delta


@dataclass
class Database:
    url: str
    schema: str | None
    engine: AsyncEngine | None = None

    def require_engine(self) -> AsyncEngine:
        assert self.engine is not None
        return self.engine

    def require_schema(self) -> str:
        assert self.schema is not None
        return self.schema


def settings_for(db: Database, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": db.url,
        "database_schema": db.schema,
        "admin_ids": (),
        "telegram_bot_token": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class BotHarness:
    def __init__(self, app: BotApp, fake: FakeTelegram, db: Database, clock: Clock) -> None:
        self.app = app
        self.fake = fake
        self.db = db
        self.clock = clock
        self.chat = OfflineChat(app, fake)

    @classmethod
    @asynccontextmanager
    async def started(
        cls,
        db: Database,
        now: datetime | None = None,
        *,
        ticks: Callable[[], float] | None = None,
        **overrides: Any,
    ) -> AsyncIterator[BotHarness]:
        """`now`: the moment the bot's clock stands at (default: wall time, running).
        `ticks`: the monotonic clock of flood control and caches. By default each reading
        is a second later than the last: scripted people act at human speed, never flooding."""
        clock = Clock(now)
        fake = FakeTelegram(clock=lambda: clock().timestamp())
        app = build_application(
            settings_for(db, **overrides),
            request=OfflineRequest(fake),
            clock=clock,
            rate_limit=False,
            qa=shared_qa(),
            ticks=ticks or HumanPace(),
        )
        async with app:
            await on_startup(app)
            try:
                yield cls(app, fake, db, clock)
            finally:
                await on_shutdown(app)

    def session(self) -> AsyncSession:
        return make_session_factory(self.db.require_engine())()

    # -- acting as a person ---------------------------------------------------------------
    async def send(self, person: Person, text: str) -> list[str]:
        """Send text in the person's private chat; the bot's replies to that person."""
        replies = await self.chat.send(person, text)
        return [_text(m) for m in replies if m["chat"]["id"] == person.id]

    async def send_in_group(self, person: Person, text: str, group_id: int = -100) -> list[str]:
        chat = {"id": group_id, "type": "supergroup", "title": "工会群"}
        self.fake.chats[group_id] = chat
        replies = await self.chat.send(person, text, chat)
        return [_text(m) for m in replies if m["chat"]["id"] == group_id]

    async def send_other(self, person: Person, extra: dict[str, Any]) -> list[str]:
        """Send a non-text message (sticker, photo, …) in the private chat."""
        replies = await self.chat.send_message(person, extra)
        return [_text(m) for m in replies if m["chat"]["id"] == person.id]

    async def press(self, person: Person, label: str) -> list[str]:
        """Press the newest button in the person's chat whose label contains `label`."""
        for message in self._recent(person):
            for button in self.chat.buttons(message):
                if label in button["text"] and "callback_data" in button:
                    replies = await self.chat.press_data(person, message, button["callback_data"])
                    return [_text(m) for m in replies if m["chat"]["id"] == person.id]
        raise AssertionError(f"no button labelled {label!r} in {person.first_name}'s chat")

    async def press_data(self, person: Person, data: str) -> list[str]:
        """Press a button with arbitrary data, as a forged or stale callback would."""
        message = self.fake.sent.get(person.id, [{}])[-1] or {
            "message_id": 1,
            "date": 0,
            "chat": {"id": person.id, "type": "private"},
        }
        replies = await self.chat.press_data(person, message, data)
        return [_text(m) for m in replies if m["chat"]["id"] == person.id]

    def last(self, person: Person) -> str:
        return _text(self.last_message(person))

    def _recent(self, person: Person) -> list[dict[str, Any]]:
        """The person's chat, most recently sent or edited first (deleted messages left out)."""
        present = self.fake.sent.get(person.id, [])
        order: list[dict[str, Any]] = []
        for message in reversed(self.fake.touched):
            if any(message is m for m in present) and not any(message is m for m in order):
                order.append(message)
        return order

    def last_message(self, person: Person) -> dict[str, Any]:
        """The message the bot sent or edited last in this person's chat."""
        recent = self._recent(person)
        assert recent, f"the bot never wrote to {person.first_name}"
        return recent[0]

    def button_labels(self, person: Person) -> list[str]:
        return [b["text"] for b in self.chat.buttons(self.last_message(person))]

    def alerts(self) -> list[str]:
        return [a["text"] for a in self.fake.callback_answers if a.get("text")]


def _text(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")
