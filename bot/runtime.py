"""The Application as it runs: updates journalled on receipt, finished after handling.

python-telegram-bot acknowledges an update to Telegram (the next getUpdates offset, or the
webhook's 200) as soon as it is queued, before any handler runs, so a kill -9 used to lose
whatever sat in the queue. `JournalQueue` writes each update's id to `received_updates`
before it is queued (so before the acknowledgement); `StudioApplication.process_update`
deletes it when handling ends. What is left after a crash is told to its sender.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Chat, Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.i18n import resolve_language, t
from storage import received as journal_store
from storage.db import utcnow
from storage.models import User

log = logging.getLogger(__name__)

# Rows older than this, from any instance, are taken as lost (no update takes that long).
STALE = timedelta(minutes=10)


class Journal:
    """Which updates this process has taken and not finished; the database has the truth."""

    def __init__(self) -> None:
        self.sessions: async_sessionmaker[AsyncSession] | None = None
        self.clock: Callable[[], datetime] = utcnow
        self.started_at: datetime = utcnow()
        self.pending: set[int] = set()

    async def received(self, update: Update) -> None:
        if self.sessions is None:
            return
        user, chat = update.effective_user, update.effective_chat
        try:
            async with self.sessions() as session:
                await journal_store.record(
                    session,
                    update.update_id,
                    user.id if user else None,
                    chat.id if chat else None,
                    chat is not None and chat.type == Chat.PRIVATE,
                    user.language_code if user else None,
                    self.clock(),
                )
            self.pending.add(update.update_id)
        except Exception:  # the database is down: handle the update all the same
            log.exception("could not journal update %s", update.update_id)

    async def finished(self, update_id: int) -> None:
        if self.sessions is None or update_id not in self.pending:
            return
        self.pending.discard(update_id)
        try:
            async with self.sessions() as session:
                await journal_store.done(session, update_id)
        except Exception:
            log.exception("could not close update %s in the journal", update_id)

    async def claim_lost(self) -> list[journal_store.Lost]:
        """Updates some process took and never finished: those received before this one
        started, and any older than STALE (another instance that died)."""
        if self.sessions is None:
            return []
        cutoff = max(self.started_at, self.clock() - STALE)
        async with self.sessions() as session:
            return await journal_store.claim_lost(session, cutoff)


class JournalQueue(asyncio.Queue[object]):
    """The update queue PTB's Updater and webhook server put into; writes the journal first."""

    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self.journal = journal

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            await self.journal.received(item)
        await super().put(item)


class StudioApplication(Application[Any, Any, Any, Any, Any, Any]):
    def __init__(self, *, journal: Journal, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.journal = journal

    async def process_update(self, update: object) -> None:
        try:
            await super().process_update(update)
        finally:
            if isinstance(update, Update):
                await self.journal.finished(update.update_id)


async def tell_lost_updates(app: Application[Any, Any, Any, Any, Any, Any]) -> int:
    """Tell each person whose update a crash lost to send it again (private chats; in a
    group only commands are answered, and a notice there would be noise). Returns how many
    people were told."""
    if not isinstance(app, StudioApplication) or app.journal.sessions is None:
        return 0
    lost = await app.journal.claim_lost()
    people = {x.user_id: x.language for x in lost if x.private and x.user_id is not None}
    if lost:
        log.warning(
            "%d update(s) were taken but never handled (a crash?): telling %d people",
            len(lost),
            len(people),
        )
    told = 0
    for user_id, telegram_language in sorted(people.items()):
        async with app.journal.sessions() as session:
            user = await session.get(User, user_id)
        lang = resolve_language(user.language if user else None, telegram_language)
        try:
            await app.bot.send_message(user_id, t(lang, "errors.lost_update"))
            told += 1
        except TelegramError as exc:
            log.info("could not tell %s about a lost update: %s", user_id, exc)
    return told
