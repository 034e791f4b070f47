"""The Application as it runs: updates journalled on receipt, finished after handling.

python-telegram-bot acknowledges an update to Telegram (the next getUpdates offset, or the
webhook's 200) as soon as it is queued, before any handler runs, so a kill -9 used to lose
whatever sat in the queue. `JournalQueue` writes each update's id to `received_updates`
before it is queued (so before the acknowledgement); `StudioApplication.process_update`
deletes it when handling ends. What is left after a crash is told to its sender.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Chat, Update
from telegram.error import TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.i18n import resolve_language, t
from bot.telegram_html import to_plain
from bot.throttle import Throttle, Verdict
from storage import received as journal_store
from storage.db import utcnow
from storage.models import User

log = logging.getLogger(__name__)

# Rows older than this, from any instance, are taken as lost (no update takes that long).
STALE = timedelta(minutes=10)


def _kind(update: Update) -> str:
    for kind in ("message", "callback_query", "edited_message", "my_chat_member"):
        if getattr(update, kind) is not None:
            return kind
    return "other"


class Journal:
    """Updates taken from Telegram and not yet handled, settled with the database in batches.

    Receipts must be in the database before Telegram is told it may forget the updates: in
    polling mode that is the next getUpdates call (`JournalRequest` settles first, so a
    whole batch costs one commit); in webhook mode it is the HTTP 200 (`JournalQueue` settles
    each update before answering). Handled updates are struck at the next settlement, or at
    once when nothing else is waiting.
    """

    def __init__(self) -> None:
        self.engine: AsyncEngine | None = None
        self.clock: Callable[[], datetime] = utcnow
        self.started_at: datetime = utcnow()
        self.settle_each = False  # webhook mode: the 200 follows the put at once
        self._received: list[journal_store.Received] = []
        self._finished: set[int] = set()
        self._open: set[int] = set()  # taken by this process, not yet handled
        self._lock = asyncio.Lock()

    def open(self, engine: AsyncEngine, clock: Callable[[], datetime]) -> None:
        """`engine`: its own, whose commits survive a killed process but skip the disk flush
        (journal commits would otherwise cost more than handling the update)."""
        self.engine = engine
        self.clock, self.started_at = clock, clock()

    async def close(self) -> None:
        if self.engine is not None:
            await self.settle()
            await self.engine.dispose()

    async def received(self, update: Update) -> None:
        if self.engine is None:
            return
        user, chat = update.effective_user, update.effective_chat
        self._received.append(
            journal_store.Received(
                update.update_id,
                user.id if user else None,
                chat.id if chat else None,
                chat is not None and chat.type == Chat.PRIVATE,
                user.language_code if user else None,
                self.clock(),
            )
        )
        self._open.add(update.update_id)
        if self.settle_each:
            await self.settle()

    async def finished(self, update_id: int, idle: bool) -> None:
        if self.engine is None or update_id not in self._open:
            return
        self._open.discard(update_id)
        self._finished.add(update_id)
        if idle:  # nothing queued behind it: settle now, so a quiet bot's journal is exact
            await self.settle()

    async def settle(self) -> None:
        """Write what was received and strike what was handled, in one transaction."""
        if self.engine is None or not (self._received or self._finished):
            return
        async with self._lock:
            received, self._received = self._received, []
            finished, self._finished = self._finished, set()
            if not (received or finished):
                return
            try:
                async with self.engine.begin() as conn:
                    await journal_store.settle(conn, received, finished)
            except Exception:  # the database is down: the updates are handled all the same
                log.exception("could not settle %d update(s) in the journal", len(received))

    async def claim_lost(self) -> list[journal_store.Lost]:
        """Updates some process took and never finished: those received before this one
        started, and any older than STALE (another instance that died)."""
        if self.engine is None:
            return []
        cutoff = max(self.started_at, self.clock() - STALE)
        async with self.engine.begin() as conn:
            return await journal_store.claim_lost(conn, cutoff)


class JournalQueue(asyncio.Queue[object]):
    """The update queue PTB's Updater and webhook server put into; notes each receipt."""

    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self.journal = journal

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            await self.journal.received(item)
        await super().put(item)


# What the update being handled did, filled in by the handler wrappers and the error handler
# and logged as one line when it is done (see `StudioApplication.process_update`).
_trace: ContextVar[dict[str, Any] | None] = ContextVar("update_trace", default=None)


def note(**facts: Any) -> None:
    """Add to the log line of the update being handled (handler name, outcome)."""
    trace = _trace.get()
    if trace is not None:
        trace.update(facts)


def current_handler() -> str:
    trace = _trace.get()
    return str(trace["handler"]) if trace else "-"


def instrument(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Wrap every handler's callback so the update's log line names the handler that ran."""
    for group, handlers in app.handlers.items():
        if group == -1:
            continue  # the pre-handler that records the sender runs for every update
        for handler in handlers:
            callback = handler.callback
            name = f"{callback.__module__.removeprefix('bot.handlers.')}.{callback.__qualname__}"

            def wrapped(update: Any, context: Any, _cb: Any = callback, _name: str = name) -> Any:
                note(handler=_name)
                return _cb(update, context)

            handler.callback = wrapped


class JournalRequest(BaseRequest):
    """The getUpdates transport: settles the journal before each call, because each call
    acknowledges (with its offset) the updates taken by the one before."""

    def __init__(self, inner: BaseRequest, journal: Journal) -> None:
        self.inner = inner
        self.journal = journal

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if url.endswith("/getUpdates"):
            await self.journal.settle()
        return await self.inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )


updates_log = logging.getLogger("bot.updates")


class StudioApplication(Application[Any, Any, Any, Any, Any, Any]):
    def __init__(self, *, journal: Journal, throttle: Throttle, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.journal = journal
        self.throttle = throttle
        self.last_handled_at: datetime | None = None
        self.health_server: asyncio.Server | None = None

    async def process_update(self, update: object) -> None:
        trace: dict[str, Any] = {"handler": "-", "outcome": "ok"}
        token = _trace.set(trace)
        started = time.perf_counter()
        try:
            if isinstance(update, Update) and not await self._let_through(update):
                trace["outcome"] = "throttled"
                return
            await super().process_update(update)
        except BaseException:
            trace["outcome"] = "crashed"
            raise
        finally:
            _trace.reset(token)
            if isinstance(update, Update):
                await self.journal.finished(update.update_id, self.update_queue.empty())
                self.last_handled_at = self.journal.clock()
                self._log(update, trace, time.perf_counter() - started)

    @staticmethod
    def _log(update: Update, trace: dict[str, Any], seconds: float) -> None:
        # One line per update, no personal text: ids, what ran, how it ended, how long.
        if not updates_log.isEnabledFor(logging.INFO):
            return
        user, chat = update.effective_user, update.effective_chat
        line = {
            "update": update.update_id,
            "user": user.id if user else None,
            "chat": chat.type if chat else None,
            "kind": _kind(update),
            "handler": trace["handler"],
            "outcome": trace["outcome"],
            "ms": round(seconds * 1000, 1),
        }
        updates_log.info(json.dumps(line, ensure_ascii=False))

    async def _let_through(self, update: Update) -> bool:
        """Flood control, before any handler or database work."""
        user = update.effective_user
        if user is None or user.is_bot or update.my_chat_member is not None:
            return True
        verdict = self.throttle.check(user.id)
        if verdict is Verdict.HANDLE:
            return True
        if verdict is Verdict.WARN:
            lang = resolve_language(None, user.language_code)
            text = t(lang, "errors.slow_down", seconds=int(self.throttle.pause))
            chat = update.effective_chat
            try:
                if update.callback_query is not None:
                    await update.callback_query.answer(to_plain(text), show_alert=True)
                elif chat is not None and chat.type == Chat.PRIVATE:
                    await self.bot.send_message(chat.id, text)
            except TelegramError as exc:
                log.info("could not tell %s to slow down: %s", user.id, exc)
            log.warning("user %s is flooding: their updates are dropped for a while", user.id)
        return False


async def tell_lost_updates(app: Application[Any, Any, Any, Any, Any, Any]) -> int:
    """Tell each person whose update a crash lost to send it again (private chats; in a
    group only commands are answered, and a notice there would be noise). Returns how many
    people were told."""
    deps = app.bot_data.deps
    if not isinstance(app, StudioApplication) or app.journal.engine is None or deps is None:
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
        async with deps.sessions() as session:
            user = await session.get(User, user_id)
        lang = resolve_language(user.language if user else None, telegram_language)
        try:
            await app.bot.send_message(user_id, t(lang, "errors.lost_update"))
            told += 1
        except TelegramError as exc:
            log.info("could not tell %s about a lost update: %s", user_id, exc)
    return told
