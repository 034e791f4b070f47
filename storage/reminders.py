"""What the reminder planner reads, and the reminder log that makes each reminder at-most-once.

A reminder is *claimed* by inserting its (kind, recipient, period, stage) row; the unique key
means only one process, and only one run, ever owns it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import UnionTree
from storage.compliance import COUNTED_ACHIEVEMENT, COUNTED_PROJECT
from storage.models import (
    Achievement,
    AnnualAssessment,
    AnnualReport,
    Project,
    ReminderLog,
    ReminderMute,
    ReminderStatus,
    ReportStatus,
    Role,
    RoleGrant,
    Studio,
    StudioStatus,
    Union,
    UnionKind,
    User,
)

ACTIVE_STUDIO = (StudioStatus.NAMED, StudioStatus.UNDER_REREVIEW)
MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=10)  # a claim not finished by then (a crash) is retried


@dataclass(frozen=True)
class UnionFacts:
    id: int
    name: str
    kind: UnionKind
    parent_id: int | None


@dataclass(frozen=True)
class ReminderStudio:
    """A studio as the planner needs it: whom to remind (its leaders), where it reports,
    and when it was named (the five-yearly re-review, Art. 17)."""

    id: int
    name: str
    union_id: int
    named_on: date | None
    leaders: tuple[int, ...]


@dataclass
class Snapshot:
    """Everything the planner needs for one moment, read in a handful of set-based queries."""

    unions: list[UnionFacts]
    officers: dict[int, list[int]]
    admins: list[int]
    studios: list[ReminderStudio]
    submitted: set[tuple[int, int]]  # (union_id, year)
    assessed: set[tuple[int, int]]  # (studio_id, year)
    approved_projects: set[tuple[int, int]]  # (studio_id, year)
    achievements: dict[int, list[date]]  # recognised ones only (COUNTED_ACHIEVEMENT)
    muted: set[tuple[int, str]]
    blocked: set[int]
    tree: UnionTree = field(default_factory=lambda: UnionTree({}, {}))
    _by_reporting: dict[int, list[ReminderStudio]] | None = field(
        default=None, init=False, repr=False
    )

    @property
    def names(self) -> dict[int, str]:
        return self.tree.names

    def studios_reporting_to(self, union_id: int) -> list[ReminderStudio]:
        if self._by_reporting is None:
            self._by_reporting = defaultdict(list)
            for studio in self.studios:
                top = self.tree.reporting_union(studio.union_id)
                if top is not None:
                    self._by_reporting[top].append(studio)
        return self._by_reporting.get(union_id, [])


async def load_snapshot(session: AsyncSession, years: Sequence[int]) -> Snapshot:
    # Plain column rows, not ORM objects: this runs over every studio in the prefecture.
    unions = [
        UnionFacts(*row)
        for row in await session.execute(
            select(Union.id, Union.name, Union.kind, Union.parent_id).where(Union.active.is_(True))
        )
    ]
    grants = (
        await session.execute(
            select(
                RoleGrant.user_id, RoleGrant.role, RoleGrant.union_id, RoleGrant.studio_id
            ).where(RoleGrant.revoked_at.is_(None))
        )
    ).all()
    officers: dict[int, list[int]] = defaultdict(list)
    leaders: dict[int, list[int]] = defaultdict(list)
    admins: list[int] = []
    for user_id, role, union_id, studio_id in grants:
        if role is Role.UNION_OFFICER and union_id is not None:
            officers[union_id].append(user_id)
        elif role is Role.STUDIO_LEADER and studio_id is not None:
            leaders[studio_id].append(user_id)
        elif role is Role.PREFECTURE_ADMIN:
            admins.append(user_id)
    studios = [
        ReminderStudio(sid, name, union_id, named_on, tuple(sorted(set(leaders[sid]))))
        for sid, name, union_id, named_on in await session.execute(
            select(Studio.id, Studio.name, Studio.union_id, Studio.named_on).where(
                Studio.status.in_(ACTIVE_STUDIO)
            )
        )
    ]
    submitted = set(
        (
            await session.execute(
                select(AnnualReport.union_id, AnnualReport.year).where(
                    AnnualReport.year.in_(years), AnnualReport.status == ReportStatus.SUBMITTED
                )
            )
        ).all()
    )
    assessed = set(
        (
            await session.execute(
                select(AnnualAssessment.studio_id, AnnualAssessment.year).where(
                    AnnualAssessment.year.in_(years)
                )
            )
        ).all()
    )
    approved = set(
        (
            await session.execute(
                select(Project.studio_id, Project.year).where(
                    Project.year.in_(years), COUNTED_PROJECT
                )
            )
        ).all()
    )
    achievements: dict[int, list[date]] = defaultdict(list)
    for studio_id, achieved_on in (
        await session.execute(
            select(Achievement.studio_id, Achievement.achieved_on).where(COUNTED_ACHIEVEMENT)
        )
    ).all():
        achievements[studio_id].append(achieved_on)
    muted = set((await session.execute(select(ReminderMute.user_id, ReminderMute.kind))).all())
    blocked = set(await session.scalars(select(User.id).where(User.blocked_bot_at.is_not(None))))
    return Snapshot(
        unions=unions,
        officers=dict(officers),
        admins=sorted(set(admins)),
        studios=studios,
        submitted={(a, b) for a, b in submitted},
        assessed={(a, b) for a, b in assessed},
        approved_projects={(a, b) for a, b in approved},
        achievements=dict(achievements),
        muted={(a, b) for a, b in muted},
        blocked=blocked,
        tree=UnionTree(
            {u.id: u.parent_id for u in unions},
            {u.id: u.name for u in unions},
            {u.id: u.kind for u in unions},
        ),
    )


@dataclass(frozen=True)
class Claim:
    kind: str
    recipient_id: int
    period: str
    stage: str
    payload: dict[str, Any]


async def claim(session: AsyncSession, claims: Iterable[Claim], now: datetime) -> list[ReminderLog]:
    """Insert the log rows nobody owns yet; return only those this call won. Commits."""
    won: list[ReminderLog] = []
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for c in claims:
        stmt = (
            insert(ReminderLog)
            .values(
                kind=c.kind,
                recipient_id=c.recipient_id,
                period=c.period,
                stage=c.stage,
                payload=c.payload,
                status=ReminderStatus.PENDING,
                attempts=0,
                last_error="",
                created_at=now,
                next_attempt_at=now + LEASE,
            )
            .on_conflict_do_nothing(index_elements=["kind", "recipient_id", "period", "stage"])
            .returning(ReminderLog.id)
        )
        row_id = (await session.execute(stmt)).scalar_one_or_none()
        if row_id is not None:
            won.append(await session.get_one(ReminderLog, row_id))
    await session.commit()
    return won


async def logged_keys(
    session: AsyncSession, keys: Iterable[tuple[str, int, str, str]]
) -> set[tuple[str, int, str, str]]:
    wanted = set(keys)
    if not wanted:
        return set()
    periods = {k[2] for k in wanted}
    rows = (
        await session.execute(
            select(
                ReminderLog.kind, ReminderLog.recipient_id, ReminderLog.period, ReminderLog.stage
            ).where(ReminderLog.period.in_(periods))
        )
    ).all()
    return wanted & {(k, r, p, st) for k, r, p, st in rows}


async def claim_retries(session: AsyncSession, now: datetime) -> list[ReminderLog]:
    """Failed sends whose backoff has passed, and claims abandoned by a crash. Commits.

    A row abandoned while *sending* is not returned: Telegram may have delivered it, and it
    has no idempotency key, so a resend could be a duplicate. It becomes UNKNOWN instead,
    and the admins see it in the delivery report.
    """
    await session.execute(
        update(ReminderLog)
        .where(
            ReminderLog.status == ReminderStatus.SENDING,
            ReminderLog.next_attempt_at <= now,
        )
        .values(
            status=ReminderStatus.UNKNOWN,
            next_attempt_at=None,
            last_error="the sender stopped while Telegram had the message (crash?)",
        )
        .execution_options(synchronize_session=False)
    )
    candidates = list(
        await session.scalars(
            select(ReminderLog).where(
                ReminderLog.next_attempt_at <= now,
                ReminderLog.attempts < MAX_ATTEMPTS,
                or_(
                    ReminderLog.status == ReminderStatus.FAILED,
                    ReminderLog.status == ReminderStatus.PENDING,
                ),
            )
        )
    )
    won: list[ReminderLog] = []
    for row in candidates:
        # Optimistic re-claim: only one process moves the lease forward.
        result = await session.execute(
            update(ReminderLog)
            .where(
                and_(
                    ReminderLog.id == row.id,
                    ReminderLog.status == row.status,
                    ReminderLog.next_attempt_at == row.next_attempt_at,
                )
            )
            .values(
                status=ReminderStatus.PENDING,
                next_attempt_at=now + LEASE,
                # An abandoned claim (a crash before sending) counts as an attempt too, so a
                # reminder that keeps crashing the sender stops after MAX_ATTEMPTS.
                attempts=ReminderLog.attempts + (1 if row.status is ReminderStatus.PENDING else 0),
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            won.append(row)
    await session.commit()
    for row in won:
        await session.refresh(row)
    return won


async def mark_sending(session: AsyncSession, row_ids: Sequence[int], now: datetime) -> None:
    """Recorded (and committed) just before the message goes to Telegram: if the process dies
    before the outcome is written, the row says the outcome is unknown rather than 'not sent'."""
    await session.execute(
        update(ReminderLog)
        .where(ReminderLog.id.in_(row_ids))
        .values(status=ReminderStatus.SENDING, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    await session.commit()


def backoff(attempts: int) -> timedelta:
    return [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)][
        min(attempts, 4) - 1
    ]


async def mark(
    session: AsyncSession,
    row_ids: Sequence[int],
    status: ReminderStatus,
    now: datetime,
    error: str = "",
) -> None:
    """Record the outcome of one send attempt for the rows it carried. Commits."""
    for row in await session.scalars(select(ReminderLog).where(ReminderLog.id.in_(row_ids))):
        row.status = status
        if status is ReminderStatus.SENT:
            row.sent_at = now
            row.next_attempt_at = None
        elif status is ReminderStatus.FAILED:  # certain: nothing reached the person
            row.attempts += 1
            row.last_error = error[:500]
            row.next_attempt_at = (
                now + backoff(row.attempts) if row.attempts < MAX_ATTEMPTS else None
            )
        else:
            row.next_attempt_at = None
            row.last_error = error[:500]
    await session.commit()


async def mark_blocked(session: AsyncSession, user_id: int, now: datetime) -> None:
    user = await session.get(User, user_id)
    if user is not None:
        user.blocked_bot_at = now
        await session.commit()


async def muted_kinds(session: AsyncSession, user_id: int) -> set[str]:
    return set(
        await session.scalars(select(ReminderMute.kind).where(ReminderMute.user_id == user_id))
    )


async def set_muted(session: AsyncSession, user_id: int, kind: str, muted: bool) -> None:
    existing = await session.scalar(
        select(ReminderMute).where(ReminderMute.user_id == user_id, ReminderMute.kind == kind)
    )
    if muted and existing is None:
        session.add(ReminderMute(user_id=user_id, kind=kind))
    elif not muted and existing is not None:
        await session.delete(existing)
    await session.commit()


async def user_language(session: AsyncSession, user_id: int) -> tuple[str | None, str | None]:
    user = await session.get(User, user_id)
    return (user.language, user.telegram_language) if user else (None, None)


@dataclass(frozen=True)
class Delivery:
    status: ReminderStatus
    recipient_id: int
    name: str
    kind: str
    claimed_at: datetime


@dataclass
class DeliveryReport:
    counts: dict[ReminderStatus, int]
    # Everything not plainly delivered, worst first (unknown, failed, skipped), newest first.
    problems: list[Delivery]


PROBLEM_ORDER = (ReminderStatus.UNKNOWN, ReminderStatus.FAILED, ReminderStatus.SKIPPED)


async def delivery_report(
    session: AsyncSession,
    since: datetime,
    until: datetime | None = None,
    exclude_kinds: Sequence[str] = (),
) -> DeliveryReport:
    """What became of the reminders claimed in [since, until): for the admins."""
    where = [ReminderLog.created_at >= since]
    if until is not None:
        where.append(ReminderLog.created_at < until)
    if exclude_kinds:
        where.append(ReminderLog.kind.not_in(exclude_kinds))
    counts: dict[ReminderStatus, int] = {s: 0 for s in ReminderStatus}
    for status, count in await session.execute(
        select(ReminderLog.status, func.count()).where(*where).group_by(ReminderLog.status)
    ):
        counts[status] = count
    rows = (
        await session.execute(
            select(
                ReminderLog.status,
                ReminderLog.recipient_id,
                User.full_name,
                ReminderLog.kind,
                ReminderLog.created_at,
            )
            .join(User, User.id == ReminderLog.recipient_id)
            .where(*where, ReminderLog.status.in_(PROBLEM_ORDER))
            .order_by(ReminderLog.created_at.desc(), ReminderLog.id.desc())
        )
    ).all()
    problems = sorted((Delivery(*row) for row in rows), key=lambda d: PROBLEM_ORDER.index(d.status))
    return DeliveryReport(counts, problems)
