"""A studio's ledgers (Art. 11): projects (Art. 6(3)), achievements (Art. 6(4), 7), activities,
members and funds (Art. 9). Adds, soft deletes and the union's acknowledgement are audited."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from policy.lifecycle import can_submit_ledgers
from storage import audit
from storage.access import Access, load_access, load_tree, nearest_officers
from storage.db import Base
from storage.errors import DomainError
from storage.files import FileData
from storage.models import (
    Achievement,
    Activity,
    Attachment,
    FundDirection,
    FundRecord,
    FundSource,
    Member,
    MemberEvent,
    MemberEventKind,
    Project,
    ReviewStatus,
    Role,
    RoleGrant,
    Studio,
    Union,
    User,
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
# Ledgers whose records keep files (certificates, photos).
FILED = ("achievement", "activity")
DUPLICATE_DAYS = 30


@dataclass
class Saved:
    """A ledger entry as added, edited or given new files, and its studio."""

    record: Any
    studio: Studio
    officers: list[int]  # who should acknowledge it, if it needs that


class LedgerService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ---------------------------------------------------------------- who may do what
    # Only the studio's own people change its ledgers: its leader, and members the leader
    # allows to record activities. Unions view, acknowledge or return (Art. 11, 17).
    @staticmethod
    def _leads(access: Access, studio: Studio, actor_id: int) -> bool:
        return studio.id in access.leader_studios or studio.leader_user_id == actor_id

    async def _member_may_record(self, access: Access, studio: Studio, actor_id: int) -> bool:
        if studio.id not in access.member_studios:
            return False
        if studio.members_record_activities:
            return True
        allowed = await self.session.scalar(
            select(RoleGrant.id).where(
                RoleGrant.user_id == actor_id,
                RoleGrant.studio_id == studio.id,
                RoleGrant.role == Role.STUDIO_MEMBER,
                RoleGrant.revoked_at.is_(None),
                RoleGrant.may_record_activities.is_(True),
            )
        )
        return allowed is not None

    async def _may_write(
        self, access: Access, studio: Studio, actor_id: int, kind: str, author: int | None = None
    ) -> bool:
        if self._leads(access, studio, actor_id):
            return True
        # A permitted member adds activities, and corrects the ones they added.
        return (
            kind == "activity"
            and author in (None, actor_id)
            and await self._member_may_record(access, studio, actor_id)
        )

    @staticmethod
    def _may_read(access: Access, tree: Any, studio: Studio, actor_id: int) -> bool:
        return (
            LedgerService._leads(access, studio, actor_id)
            or studio.id in access.member_studios
            or access.governs_studio(tree, studio)
        )

    async def writable_studios(self, actor_id: int, kind: str | None = None) -> list[Studio]:
        """Studios this person may add to (to `kind`'s ledger, or to any ledger)."""
        access = await load_access(self.session, actor_id)
        # Only the studio's own people write: the database picks their studios, not a scan
        # of the prefecture's.
        rows = await self.session.scalars(
            select(Studio)
            .where(
                or_(
                    Studio.id.in_(access.leader_studios | access.member_studios),
                    Studio.leader_user_id == actor_id,
                )
            )
            .order_by(Studio.id)
        )
        return [
            s
            for s in rows
            if can_submit_ledgers(s.status)
            # A leader may add to every ledger; a permitted member to the activities.
            and await self._may_write(access, s, actor_id, kind or "activity")
        ]

    async def readable_studios(self, actor_id: int) -> list[Studio]:
        """Studios whose ledgers this person may view; a revoked studio's stay readable."""
        access = await load_access(self.session, actor_id)
        tree = await load_tree(self.session)
        rows = await self.session.scalars(
            select(Studio)
            .where(
                or_(
                    access.governed_studios(tree),
                    Studio.id.in_(access.leader_studios | access.member_studios),
                    Studio.leader_user_id == actor_id,
                )
            )
            .order_by(Studio.id)
        )
        return list(rows)

    async def refusal(self, actor_id: int, kind: str | None = None) -> DomainError:
        """Why this person can add nothing to `kind`'s ledger: who can, and how."""
        access = await load_access(self.session, actor_id)
        studios = await self.readable_studios(actor_id)
        own = [
            s for s in studios if self._leads(access, s, actor_id) or s.id in access.member_studios
        ]
        revoked = [s for s in own if not can_submit_ledgers(s.status)]
        if own and len(revoked) == len(own):
            return _revoked(revoked[0])
        if any(s.id in access.member_studios for s in studios):
            if kind == "activity":
                return DomainError("ledger.member_not_permitted")
            return DomainError("ledger.member_leader_only")
        if access.is_admin or access.officer_unions:
            return DomainError("ledger.officer_read_only")
        return DomainError("ledger.no_studio")

    async def _refuse_write(
        self, access: Access, studio: Studio, actor_id: int, kind: str
    ) -> DomainError:
        tree = await load_tree(self.session)
        if not self._may_read(access, tree, studio, actor_id):
            # Nothing about a studio this person cannot see, not even that it exists: the same
            # answer as for one that does not.
            return DomainError("studio.not_found")
        if studio.id in access.member_studios:
            if kind != "activity":
                return DomainError("ledger.member_leader_only")
            if await self._member_may_record(access, studio, actor_id):
                return DomainError("ledger.member_own_only")  # someone else's activity
            return DomainError("ledger.member_not_permitted")
        if access.governs_studio(tree, studio):
            return DomainError("ledger.officer_read_only")
        return DomainError("ledger.not_yours")

    async def _studio_for_write(
        self, actor_id: int, studio_id: int, kind: str, author: int | None = None
    ) -> Studio:
        studio = await self.session.get(Studio, studio_id)
        if studio is None:
            raise DomainError("studio.not_found")
        access = await load_access(self.session, actor_id)
        if not await self._may_write(access, studio, actor_id, kind, author):
            raise await self._refuse_write(access, studio, actor_id, kind)
        # Art. 17: a revoked studio keeps its history but can no longer submit.
        if not can_submit_ledgers(studio.status):
            raise _revoked(studio)
        return studio

    async def add(
        self,
        actor_id: int,
        studio_id: int,
        kind: str,
        fields: dict[str, Any],
        files: Sequence[FileData] = (),
        *,
        today: date,  # the caller's (Asia/Shanghai): a new member's default joining date
    ) -> Saved:
        studio = await self._studio_for_write(actor_id, studio_id, kind)
        model: Any = LEDGERS[kind]
        if kind == "funds" and fields["amount_fen"] <= 0:
            raise DomainError("funds.not_positive")
        record = model(studio_id=studio.id, **fields)
        if kind != "member":
            record.created_by = actor_id
        self.session.add(record)
        await self.session.flush()
        self._attach(kind, record, files, actor_id)
        if kind == "member":
            self.session.add(
                MemberEvent(
                    member_id=record.id,
                    kind=MemberEventKind.JOINED,
                    on_date=record.joined_on or today,
                    created_by=actor_id,
                )
            )
        audit.record(self.session, actor_id=actor_id, action=f"{kind}.add", entity=record)
        officers = await self._officers(studio) if kind in ACKNOWLEDGED else []
        await self.session.commit()
        return Saved(record, studio, [o for o in officers if o != actor_id])

    def _attach(self, kind: str, record: Any, files: Sequence[FileData], actor_id: int) -> None:
        for f in files:
            owner = (
                {"achievement_id": record.id}
                if kind == "achievement"
                else {"activity_id": record.id}
            )
            self.session.add(Attachment(**f.__dict__, **owner, uploaded_by=actor_id))

    async def _officers(self, studio: Studio) -> list[int]:
        tree = await load_tree(self.session)
        return await nearest_officers(self.session, tree.ancestors_or_self(studio.union_id))

    async def _record_for_write(
        self, actor_id: int, kind: str, record_id: int, *, deleted: bool = False
    ) -> tuple[Any, Studio]:
        """The record and its studio, if this person may change it (deleted: a deleted one)."""
        model: Any = LEDGERS.get(kind)
        record = await self.session.get(model, record_id) if model else None
        if record is None or (record.deleted_at is not None) is not deleted:
            raise DomainError("ledger.gone" if not deleted else "ledger.not_deleted")
        try:
            studio = await self._studio_for_write(actor_id, record.studio_id, kind, _author(record))
        except DomainError as refused:
            if refused.key == "studio.not_found":  # unseen: the same as no such record
                raise DomainError("ledger.gone") from None
            raise
        return record, studio

    async def record_for_write(self, actor_id: int, kind: str, record_id: int) -> Any:
        """Refuse now, before any question is asked, what a change would refuse later."""
        record, _ = await self._record_for_write(actor_id, kind, record_id)
        return record

    async def update(
        self, actor_id: int, kind: str, record_id: int, attr: str, value: Any
    ) -> Saved:
        """Change one field; audited before/after. An acknowledged project or achievement
        goes back to the union, since what it acknowledged has changed."""
        record, studio = await self._record_for_write(actor_id, kind, record_id)
        if attr == "amount_fen" and (not isinstance(value, int) or value <= 0):
            raise DomainError("funds.not_positive")
        before = audit.snapshot(record)
        setattr(record, attr, value)
        officers = await self._back_to_union(kind, record, studio, actor_id)
        audit.record(
            self.session, actor_id=actor_id, action=f"{kind}.edit", entity=record, before=before
        )
        await self.session.commit()
        return Saved(record, studio, officers)

    async def _back_to_union(
        self, kind: str, record: Any, studio: Studio, actor_id: int
    ) -> list[int]:
        if kind not in ACKNOWLEDGED:
            return []
        record.review_status = ReviewStatus.PENDING
        record.review_reason = ""
        return [o for o in await self._officers(studio) if o != actor_id]

    async def replace_files(
        self,
        actor_id: int,
        kind: str,
        record_id: int,
        files: Sequence[FileData],
        *,
        now: datetime,
    ) -> Saved:
        """A returned entry's files replaced (e.g. an unreadable scan); the old ones are kept
        out of sight, the change is audited and the entry goes back to the union."""
        if kind not in FILED:
            raise DomainError("errors.stale_button")
        record, studio = await self._record_for_write(actor_id, kind, record_id)
        if getattr(record, "review_status", None) is not ReviewStatus.RETURNED:
            raise DomainError("ledger.files_not_returned")
        if not files:
            raise DomainError("form.send_file")
        old = await self.files_of(kind, [record.id])
        for attachment in old.get(record.id, []):
            attachment.deleted_at = now
        self._attach(kind, record, files, actor_id)
        before = {"files": [a.file_name for a in old.get(record.id, [])]}
        officers = await self._back_to_union(kind, record, studio, actor_id)
        audit.record(
            self.session,
            actor_id=actor_id,
            action=f"{kind}.files",
            entity=record,
            before=before,
            after={"files": [f.file_name for f in files]},
        )
        await self.session.commit()
        return Saved(record, studio, officers)

    async def files_of(self, kind: str, ids: Sequence[int]) -> dict[int, list[Attachment]]:
        """The files kept with each record (achievements and activities have them)."""
        if kind not in FILED or not ids:
            return {}
        column = Attachment.achievement_id if kind == "achievement" else Attachment.activity_id
        out: dict[int, list[Attachment]] = defaultdict(list)
        for a in await self.session.scalars(
            select(Attachment)
            .where(column.in_(list(ids)), Attachment.deleted_at.is_(None))
            .order_by(Attachment.id)
        ):
            owner = a.achievement_id if kind == "achievement" else a.activity_id
            out[owner or 0].append(a)
        return out

    async def member_event(
        self, actor_id: int, member_id: int, kind: MemberEventKind, on_date: date, text: str
    ) -> Member:
        """Art. 11's member ledger: leaving, titles, awards, certificates, promotions."""
        member = await self.record_for_write(actor_id, "member", member_id)
        if member.left_on is not None:
            raise DomainError("ledger.gone")
        await self._studio_for_write(actor_id, member.studio_id, "member")
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

    async def records(
        self, actor_id: int, studio_id: int, kind: str, *, deleted: bool = False
    ) -> list[Any]:
        """A ledger's entries (deleted: the ones taken out, for the writer to restore)."""
        if deleted:
            await self._studio_for_restore(actor_id, studio_id, kind)
        else:
            await self.studio_for_read(actor_id, studio_id)
        model: Any = LEDGERS[kind]
        gone = model.deleted_at.is_not(None) if deleted else model.deleted_at.is_(None)
        rows = await self.session.scalars(
            select(model).where(model.studio_id == studio_id, gone).order_by(model.id)
        )
        return list(rows)

    async def _studio_for_restore(self, actor_id: int, studio_id: int, kind: str) -> Studio:
        # Who may delete may see what was deleted (a member: only what they added).
        return await self._studio_for_write(actor_id, studio_id, kind)

    async def studio_for_read(self, actor_id: int, studio_id: int) -> Studio:
        studio = await self.session.get(Studio, studio_id)
        access = await load_access(self.session, actor_id)
        if studio is None or not self._may_read(
            access, await load_tree(self.session), studio, actor_id
        ):
            raise DomainError("studio.not_found")
        return studio

    async def may_change(
        self, actor_id: int, studio: Studio, kind: str, record: Any = None
    ) -> bool:
        """Whether /ledger shows this person edit and delete buttons (for this ledger, or
        for this record: a member changes only the activities they added)."""
        if not can_submit_ledgers(studio.status):
            return False
        access = await load_access(self.session, actor_id)
        author = _author(record) if record is not None else None
        return await self._may_write(access, studio, actor_id, kind, author)

    async def delete(self, actor_id: int, kind: str, record_id: int, *, now: datetime) -> Any:
        """Soft delete: the record leaves the ledger but stays, and can be restored."""
        record, _ = await self._record_for_write(actor_id, kind, record_id)
        before = audit.snapshot(record)
        record.deleted_at = now
        audit.record(
            self.session, actor_id=actor_id, action=f"{kind}.delete", entity=record, before=before
        )
        await self.session.commit()
        return record

    async def restore(self, actor_id: int, kind: str, record_id: int) -> Any:
        """A deleted record back in its ledger, as it was; audited."""
        record, _ = await self._record_for_write(actor_id, kind, record_id, deleted=True)
        before = audit.snapshot(record)
        record.deleted_at = None
        audit.record(
            self.session, actor_id=actor_id, action=f"{kind}.restore", entity=record, before=before
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
        tree = await load_tree(self.session)
        if not self._may_read(access, tree, studio, actor_id):
            raise DomainError("ledger.gone")  # as for a record that does not exist
        if not access.governs_studio(tree, studio):
            raise DomainError("ledger.ack_not_yours")
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

    async def likely_duplicates(
        self,
        studio_id: int,
        direction: FundDirection,
        source: FundSource | None,
        amount_fen: int,
        on_date: date,
    ) -> list[FundRecord]:
        """Art. 9: money counted twice, e.g. the naming subsidy recorded again on arrival —
        same direction and source, same amount, within DUPLICATE_DAYS of each other."""
        rows = await self.session.scalars(
            select(FundRecord)
            .where(
                FundRecord.studio_id == studio_id,
                FundRecord.deleted_at.is_(None),
                FundRecord.direction == direction,
                FundRecord.amount_fen == amount_fen,
                FundRecord.on_date >= on_date - timedelta(days=DUPLICATE_DAYS),
                FundRecord.on_date <= on_date + timedelta(days=DUPLICATE_DAYS),
            )
            .order_by(FundRecord.on_date, FundRecord.id)
        )
        return [r for r in rows if r.source == source]

    # ------------------------------------------------------ members recording activities
    async def activity_permissions(
        self, actor_id: int, studio_id: int
    ) -> tuple[Studio, list[tuple[RoleGrant, str]]]:
        """The studio's members in the bot and whether each may record activities."""
        studio = await self._studio_for_write(actor_id, studio_id, "member")
        rows = await self.session.execute(
            select(RoleGrant, User.full_name)
            .join(User, User.id == RoleGrant.user_id)
            .where(
                RoleGrant.studio_id == studio.id,
                RoleGrant.role == Role.STUDIO_MEMBER,
                RoleGrant.revoked_at.is_(None),
            )
            .order_by(RoleGrant.id)
        )
        return studio, [(g, name) for g, name in rows]

    async def set_activity_permission(
        self, actor_id: int, studio_id: int, grant_id: int | None, allowed: bool
    ) -> Studio:
        """The leader lets one member (grant_id) or all members (None) record activities."""
        studio = await self._studio_for_write(actor_id, studio_id, "member")
        if grant_id is None:
            before = audit.snapshot(studio)
            studio.members_record_activities = allowed
            entity: Any = studio
        else:
            grant = await self.session.get(RoleGrant, grant_id)
            if (
                grant is None
                or grant.studio_id != studio.id
                or grant.role is not Role.STUDIO_MEMBER
                or grant.revoked_at is not None
            ):
                raise DomainError("errors.stale_button")
            before = audit.snapshot(grant)
            grant.may_record_activities = allowed
            entity = grant
        audit.record(
            self.session,
            actor_id=actor_id,
            action="member.activity_permission",
            entity=entity,
            before=before,
        )
        await self.session.commit()
        return studio


def _author(record: Any) -> int:
    # -1 when nobody is recorded: then only the leader may change it.
    return getattr(record, "created_by", None) or -1


def _revoked(studio: Studio) -> DomainError:
    when = studio.revoked_on.isoformat() if studio.revoked_on else "-"
    return DomainError("ledger.revoked", studio=studio.name, date=when)


@dataclass
class StudioLedgers:
    """What /export writes for one studio. Ledger rows are plain rows (attribute access, no
    ORM identity): a prefecture's export reads ~220,000 of them, and builds the workbook in
    a worker thread, where nothing may lazy-load."""

    studio: Studio
    projects: list[Any]
    achievements: list[Any]
    activities: list[Any]
    members: list[Any]
    funds: list[Any]
    events: list[tuple[str, Any]]
    union_name: str = ""  # the studio's union, read with the rows (no lazy load in the worker)
    # File names kept with each achievement and activity, by (ledger, record id).
    files: dict[tuple[str, int], list[str]] = field(default_factory=dict)

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
        s.id: StudioLedgers(s, [], [], [], [], [], [], union_name=unions.get(s.union_id, ""))
        for s in studios
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
    for studio_id, achievement_id, activity_id, file_name in await session.execute(
        select(
            func.coalesce(Achievement.studio_id, Activity.studio_id),
            Attachment.achievement_id,
            Attachment.activity_id,
            Attachment.file_name,
        )
        .outerjoin(Achievement, Achievement.id == Attachment.achievement_id)
        .outerjoin(Activity, Activity.id == Attachment.activity_id)
        .where(
            Attachment.deleted_at.is_(None),
            func.coalesce(Achievement.studio_id, Activity.studio_id).in_(ids),
        )
        .order_by(Attachment.id)
    ):
        key = ("achievement", achievement_id) if achievement_id else ("activity", activity_id or 0)
        out[studio_id].files.setdefault(key, []).append(file_name)
    return [out[s.id] for s in studios]


async def export_ledgers(
    session: AsyncSession, actor_id: int, studio_id: int | None
) -> list[StudioLedgers]:
    """One studio's ledgers, or (studio_id None) every studio the actor governs (Art. 11:
    the union's management ledger)."""
    service = LedgerService(session)
    if studio_id is not None:
        return await _ledgers_of(session, [await service.studio_for_read(actor_id, studio_id)])
    access = await load_access(session, actor_id)
    tree = await load_tree(session)
    if not (access.is_admin or access.officer_unions):
        raise DomainError("errors.not_allowed")
    studios = await session.scalars(
        select(Studio).where(access.governed_studios(tree)).order_by(Studio.union_id, Studio.id)
    )
    return await _ledgers_of(session, list(studios))
