"""A studio's ledgers (Art. 11): projects (Art. 6(3)), achievements (Art. 6(4), 7), activities,
members and funds (Art. 9). Adds, soft deletes and the union's acknowledgement are audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from policy.lifecycle import can_submit_ledgers
from storage import audit
from storage.access import Access, load_access, load_tree, nearest_officers
from storage.db import Base, local_today, utcnow
from storage.errors import DomainError
from storage.files import FileData
from storage.models import (
    Achievement,
    Activity,
    Attachment,
    FundDirection,
    FundRecord,
    Member,
    MemberEvent,
    MemberEventKind,
    Project,
    ReviewStatus,
    Studio,
    Union,
)

LEDGERS: dict[str, type[Base]] = {
    "project": Project,
    "achievement": Achievement,
    "activity": Activity,
    "member": Member,
    "funds": FundRecord,
}
# New projects and achievements go to the studio's union for acknowledgement.
ACKNOWLEDGED = ("project", "achievement")


@dataclass
class Added:
    record: Any
    studio: Studio
    officers: list[int]  # who should acknowledge it, if it needs that


class LedgerService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def writable_studios(self, actor_id: int) -> list[Studio]:
        """Studios this person may keep ledgers for: their own, or those they govern."""
        access = await load_access(self.session, actor_id)
        tree = await load_tree(self.session)
        rows = await self.session.scalars(
            select(Studio)
            .where(
                or_(
                    access.governed_studios(tree),
                    Studio.id.in_(access.leader_studios),
                    Studio.leader_user_id == actor_id,
                )
            )
            .order_by(Studio.id)
        )
        return [s for s in rows if can_submit_ledgers(s.status)]

    @staticmethod
    def _may_write(access: Access, tree: Any, studio: Studio, actor_id: int) -> bool:
        return (
            studio.id in access.leader_studios
            or studio.leader_user_id == actor_id
            or access.governs_studio(tree, studio)
        )

    async def check_writable(self, actor_id: int, studio_id: int) -> Studio:
        return await self._studio_for_write(actor_id, studio_id)

    async def _studio_for_write(self, actor_id: int, studio_id: int) -> Studio:
        studio = await self.session.get(Studio, studio_id)
        if studio is None:
            raise DomainError("studio.not_found")
        # Art. 17: a revoked studio keeps its history but can no longer submit.
        if not can_submit_ledgers(studio.status):
            raise DomainError("ledger.revoked")
        access = await load_access(self.session, actor_id)
        if not self._may_write(access, await load_tree(self.session), studio, actor_id):
            raise DomainError("errors.not_allowed")
        return studio

    async def add(
        self,
        actor_id: int,
        studio_id: int,
        kind: str,
        fields: dict[str, Any],
        files: Sequence[FileData] = (),
    ) -> Added:
        studio = await self._studio_for_write(actor_id, studio_id)
        model: Any = LEDGERS[kind]
        if kind == "funds" and fields["amount_fen"] <= 0:
            raise DomainError("funds.not_positive")
        record = model(studio_id=studio.id, **fields)
        if kind != "member":
            record.created_by = actor_id
        self.session.add(record)
        await self.session.flush()
        for f in files:
            owner = (
                {"achievement_id": record.id}
                if kind == "achievement"
                else {"activity_id": record.id}
            )
            self.session.add(Attachment(**f.__dict__, **owner, uploaded_by=actor_id))
        if kind == "member":
            self.session.add(
                MemberEvent(
                    member_id=record.id,
                    kind=MemberEventKind.JOINED,
                    on_date=record.joined_on or local_today(),
                    created_by=actor_id,
                )
            )
        audit.record(self.session, actor_id=actor_id, action=f"{kind}.add", entity=record)
        officers = await self._officers(studio) if kind in ACKNOWLEDGED else []
        await self.session.commit()
        return Added(record, studio, [o for o in officers if o != actor_id])

    async def _officers(self, studio: Studio) -> list[int]:
        tree = await load_tree(self.session)
        return await nearest_officers(self.session, tree.ancestors_or_self(studio.union_id))

    async def update(
        self, actor_id: int, kind: str, record_id: int, attr: str, value: Any
    ) -> Added:
        """Change one field; audited before/after. An acknowledged project or achievement
        goes back to the union, since what it acknowledged has changed."""
        model: Any = LEDGERS.get(kind)
        record = await self.session.get(model, record_id) if model else None
        if record is None or record.deleted_at is not None:
            raise DomainError("ledger.gone")
        studio = await self._studio_for_write(actor_id, record.studio_id)
        if attr == "amount_fen" and (not isinstance(value, int) or value <= 0):
            raise DomainError("funds.not_positive")
        before = audit.snapshot(record)
        setattr(record, attr, value)
        officers: list[int] = []
        if kind in ACKNOWLEDGED:
            record.review_status = ReviewStatus.PENDING
            record.review_reason = ""
            officers = [o for o in await self._officers(studio) if o != actor_id]
        audit.record(
            self.session, actor_id=actor_id, action=f"{kind}.edit", entity=record, before=before
        )
        await self.session.commit()
        return Added(record, studio, officers)

    async def member_event(
        self, actor_id: int, member_id: int, kind: MemberEventKind, on_date: date, text: str
    ) -> Member:
        """Art. 11's member ledger: leaving, titles, awards, certificates, promotions."""
        member = await self.session.get(Member, member_id)
        if member is None or member.deleted_at is not None or member.left_on is not None:
            raise DomainError("ledger.gone")
        await self._studio_for_write(actor_id, member.studio_id)
        before = audit.snapshot(member)
        event = MemberEvent(
            member_id=member.id, kind=kind, on_date=on_date, description=text, created_by=actor_id
        )
        self.session.add(event)
        if kind is MemberEventKind.LEFT:
            member.left_on = on_date
            audit.record(
                self.session, actor_id=actor_id, action="member.leave", entity=member, before=before
            )
        await self.session.flush()
        audit.record(self.session, actor_id=actor_id, action="member.event", entity=event)
        await self.session.commit()
        return member

    async def records(self, actor_id: int, studio_id: int, kind: str) -> list[Any]:
        await self._studio_for_read(actor_id, studio_id)
        model: Any = LEDGERS[kind]
        rows = await self.session.scalars(
            select(model)
            .where(model.studio_id == studio_id, model.deleted_at.is_(None))
            .order_by(model.id)
        )
        return list(rows)

    async def _studio_for_read(self, actor_id: int, studio_id: int) -> Studio:
        studio = await self.session.get(Studio, studio_id)
        access = await load_access(self.session, actor_id)
        if studio is None or not (
            self._may_write(access, await load_tree(self.session), studio, actor_id)
            or studio.id in access.member_studios
        ):
            raise DomainError("studio.not_found")
        return studio

    async def delete(self, actor_id: int, kind: str, record_id: int) -> Any:
        """Soft delete: the record leaves the ledger but stays in the database and audit."""
        model: Any = LEDGERS.get(kind)
        record = await self.session.get(model, record_id) if model else None
        if record is None or record.deleted_at is not None:
            raise DomainError("ledger.gone")
        await self._studio_for_write(actor_id, record.studio_id)
        before = audit.snapshot(record)
        record.deleted_at = utcnow()
        audit.record(
            self.session, actor_id=actor_id, action=f"{kind}.delete", entity=record, before=before
        )
        await self.session.commit()
        return record

    async def acknowledge(
        self, actor_id: int, kind: str, record_id: int, ok: bool, reason: str = ""
    ) -> tuple[Any, Studio]:
        """The union confirms or returns a new project or achievement."""
        record, studio = await self.check_acknowledge(actor_id, kind, record_id)
        if not ok and not reason.strip():
            raise DomainError("studio.reason_required")
        model: Any = LEDGERS[kind]
        before = audit.snapshot(record)
        # Compare-and-set on the review status: of two presses (or two instances) only one
        # moves the record on; the other is told it was already reviewed.
        status = ReviewStatus.ACKNOWLEDGED if ok else ReviewStatus.RETURNED
        moved = await self.session.execute(
            update(model)
            .where(model.id == record.id, model.review_status == ReviewStatus.PENDING)
            .values(review_status=status, review_reason=reason.strip()[:500])
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            await self.session.rollback()
            raise DomainError("ledger.already_reviewed")
        await self.session.refresh(record)
        audit.record(
            self.session, actor_id=actor_id, action=f"{kind}.review", entity=record, before=before
        )
        await self.session.commit()
        return record, studio

    async def check_acknowledge(
        self, actor_id: int, kind: str, record_id: int
    ) -> tuple[Any, Studio]:
        """Refuse now, before asking for a reason, what `acknowledge` would refuse."""
        if kind not in ACKNOWLEDGED:
            raise DomainError("errors.stale_button")
        model: Any = LEDGERS[kind]
        record = await self.session.get(model, record_id)
        if record is None or record.deleted_at is not None:
            raise DomainError("ledger.gone")
        studio = await self.session.get(Studio, record.studio_id)
        assert studio is not None
        access = await load_access(self.session, actor_id)
        if not access.governs_studio(await load_tree(self.session), studio):
            raise DomainError("errors.not_allowed")
        if record.review_status is not ReviewStatus.PENDING:
            raise DomainError("ledger.already_reviewed")
        return record, studio

    async def balance_fen(self, studio_id: int) -> int:
        """Art. 9: income minus spending, to the fen."""
        rows = await self.session.execute(
            select(FundRecord.direction, FundRecord.amount_fen).where(
                FundRecord.studio_id == studio_id, FundRecord.deleted_at.is_(None)
            )
        )
        return sum(a if d is FundDirection.INCOME else -a for d, a in rows)


@dataclass
class StudioLedgers:
    """What /export writes for one studio. Ledger rows are plain rows (attribute access, no
    ORM identity): a prefecture's export reads ~220,000 of them, and builds the workbook in
    a worker thread, where nothing may lazy-load."""

    studio: Studio
    union_name: str
    projects: list[Any]
    achievements: list[Any]
    activities: list[Any]
    members: list[Any]
    funds: list[Any]
    events: list[tuple[str, Any]]

    @property
    def row_count(self) -> int:
        return 1 + sum(
            len(rows)
            for rows in (self.projects, self.achievements, self.activities, self.members,
                         self.funds, self.events)
        )  # fmt: skip


async def _ledgers_of(session: AsyncSession, studios: Sequence[Studio]) -> list[StudioLedgers]:
    ids = [s.id for s in studios]
    union_ids = {s.union_id for s in studios}
    names = await session.execute(select(Union.id, Union.name).where(Union.id.in_(union_ids)))
    unions: dict[int, str] = {union_id: name for union_id, name in names}
    out = {
        s.id: StudioLedgers(s, unions.get(s.union_id, ""), [], [], [], [], [], []) for s in studios
    }
    for model, attr in (
        (Project, "projects"),
        (Achievement, "achievements"),
        (Activity, "activities"),
        (Member, "members"),
        (FundRecord, "funds"),
    ):
        m: Any = model
        for row in await session.execute(
            select(*m.__table__.columns)
            .where(m.studio_id.in_(ids), m.deleted_at.is_(None))
            .order_by(m.id)
        ):
            getattr(out[row.studio_id], attr).append(row)
    for row in await session.execute(
        select(Member.studio_id, Member.name, *MemberEvent.__table__.columns)
        .join(MemberEvent, MemberEvent.member_id == Member.id)
        .where(Member.studio_id.in_(ids), MemberEvent.deleted_at.is_(None))
        .order_by(MemberEvent.on_date, MemberEvent.id)
    ):
        out[row.studio_id].events.append((row.name, row))
    return [out[s.id] for s in studios]


async def export_ledgers(
    session: AsyncSession, actor_id: int, studio_id: int | None
) -> list[StudioLedgers]:
    """One studio's ledgers, or (studio_id None) every studio the actor governs (Art. 11:
    the union's management ledger)."""
    service = LedgerService(session)
    if studio_id is not None:
        return await _ledgers_of(session, [await service._studio_for_read(actor_id, studio_id)])
    access = await load_access(session, actor_id)
    tree = await load_tree(session)
    if not (access.is_admin or access.officer_unions):
        raise DomainError("errors.not_allowed")
    studios = await session.scalars(
        select(Studio).where(access.governed_studios(tree)).order_by(Studio.union_id, Studio.id)
    )
    return await _ledgers_of(session, list(studios))
