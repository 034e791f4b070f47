"""Run what is due: plan, claim in the log, send through the bot, record the outcome."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut

from reminders import planner
from reminders.planner import Due, plan, years_needed
from reminders.schedule import (
    DELIVERY,
    OPTIONAL,
    ReminderSchedule,
)
from storage import reminders as store
from storage.errors import DomainError
from storage.models import ReminderLog, ReminderStatus
from storage.reminders import Claim, Snapshot

log = logging.getLogger(__name__)

# (items of (kind, payload), user's chosen language, Telegram language) → message text (HTML)
Render = Callable[[Sequence[tuple[str, dict[str, Any]]], str | None, str | None], str]


@dataclass
class RunReport:
    due: int = 0
    sent: int = 0
    already: int = 0
    failed: int = 0
    skipped: int = 0
    unknown: int = 0


@dataclass(frozen=True)
class Upcoming:
    kind: str
    fires_at: datetime
    subject: str  # the union or studio it concerns


MESSAGE_LIMIT = 4000  # Telegram's is 4096 characters; keep a margin for entities


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split between reminders (blank lines) so each message stays under Telegram's limit."""
    chunks: list[str] = []
    for part in text.split("\n\n"):
        if chunks and len(chunks[-1]) + 2 + len(part) <= limit:
            chunks[-1] += "\n\n" + part
        else:
            chunks.append(part[:limit])
    return chunks


# Transport errors raised before a single byte of the request left this machine.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def outcome_unknown(exc: TelegramError) -> bool:
    """Might Telegram have accepted the message although we got an error?

    An HTTP error status (5xx, 429) is Telegram (or its gateway) answering "no"; a refused or
    timed-out connection never carried the request. A timeout or a broken connection after
    the request was written may have delivered it: unknown.
    """
    if not isinstance(exc, NetworkError):
        return False  # RetryAfter, Conflict, …: Telegram answered, and not with "ok"
    cause = exc.__cause__
    if isinstance(exc, TimedOut) and "not* sent" in (exc.message or ""):
        return False  # PTB's pool timeout: the request never left
    if cause is None:
        return isinstance(exc, TimedOut)  # no cause: an HTTP status PTB turned into an error
    return not isinstance(cause, _NOT_SENT)


class ReminderService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        schedule: ReminderSchedule,
        render: Render,
        clock: Callable[[], datetime],
    ) -> None:
        self.sessions = sessions
        self.schedule = schedule
        self.render = render
        self.clock = clock

    async def snapshot(self, now: datetime) -> Snapshot:
        async with self.sessions() as session:
            return await store.load_snapshot(session, years_needed(now, self.schedule))

    async def due(self, now: datetime) -> list[Due]:
        snapshot = await self.snapshot(now)
        return plan(snapshot, now, self.schedule) + await self._delivery_summary(snapshot, now)

    async def _delivery_summary(self, snapshot: Snapshot, now: datetime) -> list[Due]:
        """Once a day, with the other reminders, the admins hear what did not plainly arrive
        in the day before (nothing when everything did)."""
        today = now.astimezone(self.schedule.tz).date()
        fires_at = self.schedule.at(today)
        if now < fires_at or not snapshot.admins:
            return []
        found = await self.delivery_report(fires_at - timedelta(days=1), fires_at)
        if not found.problems:
            return []
        c = found.counts
        payload = {
            "sent": c[ReminderStatus.SENT],
            "unknown": c[ReminderStatus.UNKNOWN],
            "failed": c[ReminderStatus.FAILED],
            "blocked": c[ReminderStatus.SKIPPED],
            "names": sorted({d.name or str(d.recipient_id) for d in found.problems}),
        }
        return [
            Due(DELIVERY, admin, today.isoformat(), "daily", fires_at, payload)
            for admin in snapshot.admins
            if admin not in snapshot.blocked and (admin, DELIVERY) not in snapshot.muted
        ]

    async def run_due(self, bot: Bot) -> RunReport:
        """Send everything due now that nobody has sent yet; one message per recipient."""
        now = self.clock()
        dues = await self.due(now)
        report = RunReport(due=len(dues))
        by_recipient: dict[int, list[Due]] = defaultdict(list)
        for d in dues:
            by_recipient[d.recipient_id].append(d)
        for recipient, items in by_recipient.items():
            try:
                async with self.sessions() as session:
                    claims = [Claim(d.kind, recipient, d.period, d.stage, d.payload) for d in items]
                    # The lease runs from the claim, not from the start of a long run.
                    rows = await store.claim(session, claims, self.clock())
                report.already += len(items) - len(rows)
                if rows:
                    await self._send(bot, recipient, rows, self.clock(), report)
            except Exception:  # one recipient's trouble must not hold up everyone after them
                log.exception("reminders for %s failed; the retry job will pick them up", recipient)
                report.failed += len(items)
        if report.due:
            log.info("reminders: %s", report)
        return report

    async def retry(self, bot: Bot) -> RunReport:
        """Resend failed reminders whose backoff has passed, and claims a crash abandoned."""
        now = self.clock()
        async with self.sessions() as session:
            rows = await store.claim_retries(session, now)
        report = RunReport(due=len(rows))
        by_recipient: dict[int, list[ReminderLog]] = defaultdict(list)
        for row in rows:
            by_recipient[row.recipient_id].append(row)
        for recipient, items in by_recipient.items():
            try:
                await self._send(bot, recipient, items, self.clock(), report)
            except Exception:
                log.exception("retrying reminders for %s failed", recipient)
                report.failed += len(items)
        return report

    async def _send(
        self, bot: Bot, recipient: int, rows: list[ReminderLog], now: datetime, report: RunReport
    ) -> None:
        ids = [r.id for r in rows]
        async with self.sessions() as session:
            language, telegram_language = await store.user_language(session, recipient)
            text = self.render([(r.kind, r.payload) for r in rows], language, telegram_language)
            # Telegram has no idempotency key: once a request may have reached it, a resend
            # could be a duplicate. So the row says "sending" (committed) before the request,
            # and only a failure that certainly delivered nothing is retried.
            await store.mark_sending(session, ids, now)
            accepted = 0
            try:
                for chunk in split_message(text):
                    await bot.send_message(recipient, chunk, disable_web_page_preview=True)
                    accepted += 1
            except Forbidden as exc:
                # Blocked or deactivated: record it and stop trying until they write again.
                await store.mark_blocked(session, recipient, now)
                await store.mark(session, ids, ReminderStatus.SKIPPED, now, str(exc))
                report.skipped += len(ids)
            except BadRequest as exc:  # e.g. chat not found: retrying cannot help
                await store.mark(session, ids, ReminderStatus.SKIPPED, now, str(exc))
                report.skipped += len(ids)
            except TelegramError as exc:
                if accepted or outcome_unknown(exc):
                    log.warning("reminder to %s may or may not have arrived: %r", recipient, exc)
                    await store.mark(session, ids, ReminderStatus.UNKNOWN, now, repr(exc))
                    report.unknown += len(ids)
                else:
                    log.warning("reminder to %s failed, will retry: %s", recipient, exc)
                    await store.mark(session, ids, ReminderStatus.FAILED, now, str(exc))
                    report.failed += len(ids)
            else:
                await store.mark(session, ids, ReminderStatus.SENT, now)
                report.sent += len(ids)

    async def delivery_report(
        self, since: datetime, until: datetime | None = None
    ) -> store.DeliveryReport:
        async with self.sessions() as session:
            return await store.delivery_report(session, since, until, exclude_kinds=(DELIVERY,))

    async def dry_run(self, at: datetime) -> list[tuple[Due, bool]]:
        """Who would get what at `at`, and whether the log says it already went out."""
        dues = await self.due(at)
        async with self.sessions() as session:
            done = await store.logged_keys(session, (d.key for d in dues))
        return [(d, d.key in done) for d in dues]

    async def set_muted(self, user_id: int, kind: str, muted: bool) -> None:
        if kind not in OPTIONAL:
            raise DomainError("reminders.cannot_mute")
        async with self.sessions() as session:
            await store.set_muted(session, user_id, kind, muted)

    async def muted(self, user_id: int) -> set[str]:
        async with self.sessions() as session:
            return await store.muted_kinds(session, user_id)

    async def upcoming(
        self, user_id: int, horizon: timedelta = timedelta(days=366)
    ) -> list[Upcoming]:
        """What the daily job will send this person from now on, soonest first: the planner's
        own answer at each moment ahead, so /reminders and the dry run cannot disagree."""
        now = self.clock()
        until = now + horizon
        tz = self.schedule.tz
        years = range(now.astimezone(tz).year - 1, until.astimezone(tz).year + 1)
        async with self.sessions() as session:
            snapshot = await store.load_snapshot(session, tuple(years))
        return [
            Upcoming(d.kind, d.fires_at, str(d.payload.get("union") or d.payload.get("studio", "")))
            for d in planner.upcoming(snapshot, user_id, now, until, self.schedule)
        ]
