"""Studios through their life (Art. 3, 8, 9, 17): apply, recommend, endorse, declare, name,
return, re-review, keep or revoke. Every transition is checked for state, role and
jurisdiction here, on the server, and lands in the status history and the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from policy.cycles import last_rereview_due
from policy.deadlines import REPORT_TZ
from policy.lifecycle import (
    NEEDS_REASON,
    PENDING,
    WAITING_FOR,
    Action,
    Authority,
    Honour,
    StudioStatus,
    leader_qualifies,
    name_is_acceptable,
    not_before,
    transition,
)
from storage import audit
from storage.access import (
    Access,
    UnionTree,
    admin_ids,
    load_access,
    load_tree,
    nearest_officers,
)
from storage.errors import DomainError
from storage.files import FileData
from storage.models import (
    Attachment,
    AuditLog,
    FundDirection,
    FundRecord,
    FundSource,
    Member,
    Role,
    RoleGrant,
    Studio,
    StudioStatusChange,
    Union,
    UnionKind,
    User,
)

MAX_REASON = 500
# Each application notifies the officers of a union. A person applying for themselves
# files one at a time (pending_key); withdrawing and refiling is capped too, so one visitor
# cannot keep the officers' phones ringing. Officers filing for others are not capped.
APPLY_LIMIT = 3
APPLY_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class MemberData:
    name: str
    specialty: str = ""
    education: str = ""
    birth_year: int | None = None


@dataclass(frozen=True)
class StudioApplication:
    """What an application for a studio states (Art. 3, 8), as filed or as corrected."""

    leader_name: str
    honour: Honour
    host_unit: str
    union_id: int
    specialty: str
    venue: str
    funding: str
    plan: str
    name: str
    members: tuple[MemberData, ...] = ()


@dataclass(frozen=True)
class Details:
    """What a transition records besides who and when."""

    reason: str = ""  # required to return or revoke
    document: str | None = None  # naming document number, or the endorsement's
    on: date | None = None  # the endorsement or naming date (default: today)
    subsidy_fen: int | None = None  # Art. 9's one-time subsidy, on naming
    attachment: FileData | None = None  # e.g. the scanned endorsement


NO_DETAILS = Details()


@dataclass
class Outcome:
    studio: Studio
    action: Action
    to_status: StudioStatus
    notify_applicant: list[int] = field(default_factory=list)
    notify_reviewers: list[int] = field(default_factory=list)
    # Next steps the actor may take themselves (e.g. recommend, then record the endorsement).
    actor_next: tuple[Action, ...] = ()
    version: int = 0  # the studio's version after this transition (see `version`)
    # A corrected resubmission: the StudioApplication fields that changed, and the reason of the
    # return it answers (None for anything else).
    changed: tuple[str, ...] | None = None
    answers: str = ""


@dataclass(frozen=True)
class Correction:
    """A returned application as it stands, for its applicant to correct and resubmit."""

    studio: Studio
    application: StudioApplication
    reason: str  # of the return it answers
    version: int


class StaleResubmission(DomainError):
    """A resubmission of a round that is over: resubmitted already, withdrawn, or returned
    again since (the old button must not answer the new return)."""


# StudioApplication fields as the studio stores them.
COLUMNS = {
    "leader_name": "leader_name",
    "honour": "leader_honour",
    "host_unit": "host_unit",
    "union_id": "union_id",
    "specialty": "specialty",
    "venue": "venue",
    "funding": "funding_arrangement",
    "plan": "plan",
    "name": "name",
}


class StudioService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def check_apply_quota(self, actor_id: int, now: datetime) -> None:
        """Raises apply.too_many when a visitor has filed APPLY_LIMIT in APPLY_WINDOW."""
        access = await load_access(self.session, actor_id)
        if access.officer_unions or access.is_admin:
            return
        filed = await self.session.scalar(
            select(func.count(Studio.id)).where(
                Studio.created_by == actor_id, Studio.created_at >= now - APPLY_WINDOW
            )
        )
        if (filed or 0) >= APPLY_LIMIT:
            raise DomainError("apply.too_many", limit=APPLY_LIMIT, days=APPLY_WINDOW.days)

    async def apply(
        self, actor_id: int, app: StudioApplication, *, today: date, now: datetime
    ) -> Outcome:
        union = await self._check_application(app)
        access = await load_access(self.session, actor_id)
        on_behalf = bool(access.officer_unions or access.is_admin)
        if not on_behalf:
            await self.check_apply_quota(actor_id, now)
        leader_name = app.leader_name.strip()
        if await self.duplicate_of(actor_id, union.id, leader_name, access):
            raise DomainError("apply.duplicate")
        studio = Studio(
            **{column: getattr(app, field) for field, column in COLUMNS.items()},
            leader_user_id=None if on_behalf else actor_id,
            status=StudioStatus.DRAFT,
            created_by=actor_id,
            created_at=now,
            # One pending application per model worker: the person themselves, or a name
            # within a union when an officer files for someone not in the bot.
            pending_key=f"n:{union.id}:{leader_name}" if on_behalf else f"u:{actor_id}",
        )
        self.session.add(studio)
        await self._flush_pending()
        self._add_members(studio.id, app.members, today)
        audit.record(self.session, actor_id=actor_id, action="studio.create", entity=studio)
        return await self._move(
            actor_id, studio, Action.SUBMIT, today=today, now=now, access=access
        )

    async def returned(self, actor_id: int, studio_id: int, version: int | None) -> Correction:
        """The returned application as it stands, to open for correction; refused (and
        nothing changes) when that round is over or the person may not resubmit it."""
        studio = await self.session.get(Studio, studio_id, options=[selectinload(Studio.union)])
        if studio is None:
            raise DomainError("studio.not_found")
        current = await self._still_returned(studio, version)
        access = await load_access(self.session, actor_id)
        self._guard(access, await load_tree(self.session), studio, Action.SUBMIT, actor_id)
        members = await self._application_members(studio.id)
        application = StudioApplication(
            **{field: getattr(studio, column) for field, column in COLUMNS.items()},
            members=tuple(_member_data(m) for m in members),
        )
        return Correction(studio, application, await self._return_reason(studio.id), current)

    async def _check_application(self, app: StudioApplication) -> Union:
        """What a first application and a corrected one must both meet; the recommending
        union it names."""
        # Art. 3: provincial/ministerial-level model workers or above lead studios, and the
        # studio is named after them.
        if not leader_qualifies(app.honour):
            raise DomainError("apply.honour_too_low")
        if not name_is_acceptable(app.name, app.leader_name):
            raise DomainError("apply.bad_name", leader=app.leader_name)
        union = await self.session.get(Union, app.union_id)
        if union is None or not union.active or union.kind is UnionKind.PREFECTURE:
            raise DomainError("apply.bad_union")
        return union

    def _add_members(self, studio_id: int, members: Iterable[MemberData], today: date) -> None:
        self.session.add_all(
            Member(studio_id=studio_id, name=m.name, specialty=m.specialty,
                   education=m.education, birth_year=m.birth_year, joined_on=today)
            for m in members
        )  # fmt: skip

    async def _flush_pending(self) -> None:
        """Write what is pending; the unique pending_key refuses a second application for the
        same person, e.g. filed a moment ago by another instance."""
        try:
            await self.session.flush()
        except IntegrityError as exc:
            await self.session.rollback()
            if "pending_key" in str(exc.orig):
                raise DomainError("apply.duplicate") from exc
            raise

    async def resubmit(
        self,
        actor_id: int,
        studio_id: int,
        app: StudioApplication,
        expected_version: int,
        *,
        today: date,
        now: datetime,
    ) -> Outcome:
        """Apply the applicant's corrections to a returned application and submit it again
        (Art. 8), in one transaction; the audit log keeps before, after and what changed."""
        # A compare-and-set on the status comes first: it locks the row (the database, on
        # SQLite), so a double press or a second instance waits here, then finds the round
        # over.
        await self.session.execute(
            update(Studio)
            .where(Studio.id == studio_id, Studio.status == StudioStatus.RETURNED)
            .values(updated_at=now)
            .execution_options(synchronize_session=False)
        )
        studio = await self.session.get(Studio, studio_id, populate_existing=True)
        if studio is None:
            raise DomainError("studio.not_found")
        await self._still_returned(studio, expected_version)
        access = await load_access(self.session, actor_id)
        tree = await load_tree(self.session)
        self._guard(access, tree, studio, Action.SUBMIT, actor_id)
        union = await self._check_application(app)  # the same as a first application
        leader_name = app.leader_name.strip()
        if await self.duplicate_of(actor_id, union.id, leader_name, access, exclude=studio.id):
            raise DomainError("apply.duplicate")
        answers = await self._return_reason(studio.id)
        members = await self._application_members(studio.id)
        before = {**audit.snapshot(studio), "members": [_member_json(m) for m in members]}

        changed = [f for f, column in COLUMNS.items() if getattr(studio, column) != getattr(app, f)]
        for f in changed:
            setattr(studio, COLUMNS[f], getattr(app, f))
        if studio.pending_key and studio.pending_key.startswith("n:"):
            # Filed by an officer under a name within a union: the key follows both.
            studio.pending_key = f"n:{union.id}:{leader_name}"
        # Team members: those unchanged stay as they are; removed ones are soft-deleted,
        # new ones added.
        wanted = list(app.members)
        for member in members:
            if (data := _member_data(member)) in wanted:
                wanted.remove(data)
            else:
                member.deleted_at = now
        removed = [m for m in members if m.deleted_at is not None]
        self._add_members(studio.id, wanted, today)
        if removed or wanted:
            changed.append("members")
        await self._flush_pending()
        after_members = await self._application_members(studio.id)
        audit.record(
            self.session,
            actor_id=actor_id,
            action="studio.correct",
            entity=studio,
            before=before,
            after={
                **audit.snapshot(studio),
                "members": [_member_json(m) for m in after_members],
                "changed": changed,
                "answers": answers,
            },
        )
        outcome = await self._move(
            actor_id, studio, Action.SUBMIT, access=access, today=today, now=now
        )
        outcome.changed, outcome.answers = tuple(changed), answers
        return outcome

    async def correction(self, studio: Studio) -> tuple[tuple[str, ...], str] | None:
        """For an application waiting again after a return: the fields its correction
        changed and the return reason it answers (what the reviewer needs to see)."""
        latest = await self.session.scalar(
            select(StudioStatusChange)
            .where(StudioStatusChange.studio_id == studio.id)
            .order_by(StudioStatusChange.id.desc())
            .limit(1)
        )
        if latest is None or latest.from_status is not StudioStatus.RETURNED:
            return None
        entry = await self.session.scalar(
            select(AuditLog)
            .where(
                AuditLog.action == "studio.correct",
                AuditLog.entity_type == Studio.__tablename__,
                AuditLog.entity_id == str(studio.id),
            )
            .order_by(AuditLog.id.desc())
            .limit(1)
        )
        after = entry.after if entry is not None and isinstance(entry.after, dict) else {}
        return tuple(after.get("changed", ())), str(after.get("answers", ""))

    async def _still_returned(self, studio: Studio, version: int | None) -> int:
        """The studio's version if it is still the returned round the button was shown in."""
        current = await self.version(studio.id)
        if studio.status is not StudioStatus.RETURNED:
            # Resubmitted already (a double press, or the card's button after the notice's),
            # or withdrawn: nothing to resubmit.
            pending = studio.status in PENDING
            raise StaleResubmission("apply.resubmitted_already" if pending else "apply.closed")
        if version is not None and version != current:
            raise StaleResubmission("apply.returned_again")
        return current

    async def _return_reason(self, studio_id: int) -> str:
        reason = await self.session.scalar(
            select(StudioStatusChange.reason)
            .where(
                StudioStatusChange.studio_id == studio_id,
                StudioStatusChange.to_status == StudioStatus.RETURNED,
            )
            .order_by(StudioStatusChange.id.desc())
            .limit(1)
        )
        return reason or ""

    async def _application_members(self, studio_id: int) -> list[Member]:
        return list(
            await self.session.scalars(
                select(Member)
                .where(Member.studio_id == studio_id, Member.deleted_at.is_(None))
                .order_by(Member.id)
            )
        )

    async def act(
        self,
        actor_id: int,
        studio_id: int,
        action: Action,
        *,
        today: date,
        now: datetime,
        expected: StudioStatus | None = None,
        expected_version: int | None = None,
        details: Details = NO_DETAILS,
    ) -> Outcome:
        # FOR UPDATE: two instances handling two presses serialise here, and the second
        # sees the new state and is refused as a double press.
        studio = await self.session.get(Studio, studio_id, with_for_update=True)
        await self._visible_or_not_found(actor_id, studio)
        assert studio is not None
        if expected is not None and studio.status is not expected:
            # A second press, or a button from an old message: the studio has moved on.
            raise DomainError("studio.moved_on", status=studio.status.value)
        if expected_version is not None and await self.version(studio_id) != expected_version:
            # Returned and resubmitted since: back in the same state, but not the one shown.
            raise DomainError("studio.moved_on", status=studio.status.value)
        return await self._move(actor_id, studio, action, today=today, now=now, details=details)

    async def _move(
        self,
        actor_id: int,
        studio: Studio,
        action: Action,
        *,
        today: date,  # the caller's (Asia/Shanghai): the default naming or revocation date
        now: datetime,  # when the transition is recorded (the history's own date)
        access: Access | None = None,
        details: Details = NO_DETAILS,
    ) -> Outcome:
        access = access or await load_access(self.session, actor_id)
        tree = await load_tree(self.session)
        to_status = self._guard(access, tree, studio, action, actor_id)
        reason, document, effective_on = details.reason.strip(), details.document, details.on
        subsidy_fen, attachment = details.subsidy_fen, details.attachment
        if action in NEEDS_REASON and not reason:
            raise DomainError("studio.reason_required")
        if len(reason) > MAX_REASON:
            raise DomainError("studio.reason_too_long", max=MAX_REASON)
        if effective_on is not None:
            await self._check_date(studio, action, effective_on, today)
        before = audit.snapshot(studio)
        if action is Action.NAME:
            if not document:
                raise DomainError("studio.document_required")
            if subsidy_fen is not None and subsidy_fen <= 0:
                raise DomainError("funds.not_positive")
            studio.named_on = effective_on or today
            studio.naming_document = document
            if subsidy_fen:
                # Art. 9: the one-time subsidy from the prefecture federation on naming.
                self.session.add(
                    FundRecord(
                        studio_id=studio.id,
                        direction=FundDirection.INCOME,
                        source=FundSource.PREFECTURE_SUBSIDY,
                        amount_fen=subsidy_fen,
                        on_date=studio.named_on,
                        purpose="州总工会一次性补助（第九条）",
                        created_by=actor_id,
                    )
                )
            await self._grant_leader(studio, actor_id)
        elif action is Action.REVOKE:
            studio.revoked_on = effective_on or today
        change = StudioStatusChange(
            studio_id=studio.id,
            from_status=studio.status,
            to_status=to_status,
            actor_id=actor_id,
            reason=reason,
            document_number=document,
            effective_on=effective_on,
            at=now,
        )
        studio.status = to_status
        if to_status not in PENDING:
            studio.pending_key = None  # named, withdrawn: the person may apply again
        self.session.add(change)
        await self.session.flush()
        version = change.id
        if attachment is not None:
            # e.g. the scanned endorsement of the host unit's party/administration (Art. 8)
            self.session.add(
                Attachment(**attachment.__dict__, status_change_id=change.id, uploaded_by=actor_id)
            )
        audit.record(
            self.session,
            actor_id=actor_id,
            action=f"studio.{action.value}",
            entity=studio,
            before=before,
        )
        outcome = Outcome(studio, action, to_status, version=version)
        outcome.notify_applicant = sorted(
            {u for u in (studio.leader_user_id, studio.created_by) if u and u != actor_id}
        )
        outcome.notify_reviewers = [
            u for u in await self._next_reviewers(studio, tree) if u != actor_id
        ]
        outcome.actor_next = tuple(
            a
            for a in WAITING_FOR.get(studio.status, ())
            if (rule := transition(a, studio.status)) is not None
            and self._authorised(access, tree, studio, rule[1], actor_id)
        )
        await self.session.commit()
        await self.session.refresh(studio, ["union"])
        return outcome

    async def version(self, studio_id: int) -> int:
        """Grows with every transition: a confirmation carries it, so a confirmation shown
        before a return and a resubmission cannot act on the new round."""
        latest = await self.session.scalar(
            select(func.max(StudioStatusChange.id)).where(StudioStatusChange.studio_id == studio_id)
        )
        return int(latest or 0)

    async def _history(self, studio_id: int) -> list[tuple[StudioStatus, date]]:
        """Each transition with the day it took effect (its own date, else the day it was
        recorded in the programme's time zone), oldest first."""
        rows = await self.session.execute(
            select(
                StudioStatusChange.to_status,
                StudioStatusChange.effective_on,
                StudioStatusChange.at,
            )
            .where(StudioStatusChange.studio_id == studio_id)
            .order_by(StudioStatusChange.id)
        )
        return [(to, on or at.astimezone(REPORT_TZ).date()) for to, on, at in rows]

    async def not_before(self, studio_id: int, action: Action) -> tuple[date, StudioStatus] | None:
        """The earliest date this action may carry, and the earlier step that sets it."""
        return not_before(action, await self._history(studio_id))

    async def _check_date(self, studio: Studio, action: Action, on: date, today: date) -> None:
        # Art. 8's steps follow each other: a date before the step it answers is a typo.
        if on > today:
            raise DomainError("form.future_date")
        bound = not_before(action, await self._history(studio.id))
        if bound is not None and on < bound[0]:
            raise DomainError(f"studio.date_after.{bound[1].value}", date=bound[0].isoformat())

    async def duplicate_of(
        self,
        actor_id: int,
        union_id: int,
        leader_name: str,
        access: Access | None = None,
        *,
        exclude: int | None = None,
    ) -> Studio | None:
        """The same model worker's application still in progress, if any: the applicant's
        own, or one filed under the same name in the same union."""
        access = access or await load_access(self.session, actor_id)
        on_behalf = bool(access.officer_unions or access.is_admin)
        leader_name = leader_name.strip()
        same_name = (Studio.union_id == union_id) & (Studio.leader_name == leader_name)
        who = same_name if on_behalf else or_(Studio.leader_user_id == actor_id, same_name)
        return await self.session.scalar(
            select(Studio)
            .where(Studio.status.in_(list(PENDING)), who, Studio.id != (exclude or 0))
            .options(selectinload(Studio.union))
            .order_by(Studio.id)
            .limit(1)
        )

    async def pending_of(self, actor_id: int) -> Studio | None:
        """The application a model worker filed for themselves and is still in progress."""
        return await self.session.scalar(
            select(Studio)
            .where(Studio.status.in_(list(PENDING)), Studio.leader_user_id == actor_id)
            .options(selectinload(Studio.union))
            .order_by(Studio.id)
            .limit(1)
        )

    async def naming_subsidy(self, studio_id: int) -> int:
        """Art. 9's one-time subsidy recorded at naming, in fen (0 if none)."""
        rows = await self.session.scalars(
            select(FundRecord.amount_fen).where(
                FundRecord.studio_id == studio_id,
                FundRecord.source == FundSource.PREFECTURE_SUBSIDY,
                FundRecord.direction == FundDirection.INCOME,
                FundRecord.deleted_at.is_(None),
            )
        )
        return sum(rows)

    async def check(
        self, actor_id: int, studio_id: int, action: Action, expected: StudioStatus
    ) -> Studio:
        """Refuse now, before asking for a reason or a date, what `act` would refuse later."""
        studio = await self.session.get(Studio, studio_id, options=[selectinload(Studio.union)])
        await self._visible_or_not_found(actor_id, studio)
        assert studio is not None
        if studio.status is not expected:
            raise DomainError("studio.moved_on", status=studio.status.value)
        access = await load_access(self.session, actor_id)
        self._guard(access, await load_tree(self.session), studio, action, actor_id)
        return studio

    async def _visible_or_not_found(self, actor_id: int, studio: Studio | None) -> None:
        # One answer for a studio that does not exist and one this person may not see, before
        # anything about its state: a forged button must not map studios or their status.
        if studio is None or not self._may_see(
            await load_access(self.session, actor_id), await load_tree(self.session), studio,
            actor_id,
        ):  # fmt: skip
            raise DomainError("studio.not_found")

    def _guard(
        self, access: Access, tree: UnionTree, studio: Studio, action: Action, actor_id: int
    ) -> StudioStatus:
        rule = transition(action, studio.status)
        if rule is None:
            raise DomainError("studio.wrong_state", status=studio.status.value)
        to_status, authority = rule
        if not self._authorised(access, tree, studio, authority, actor_id):
            raise DomainError("errors.not_allowed")
        return to_status

    @staticmethod
    def _authorised(
        access: Access, tree: UnionTree, studio: Studio, who: Authority, actor_id: int
    ) -> bool:
        if who is Authority.OWNER:
            return actor_id in (studio.created_by, studio.leader_user_id)
        if who is Authority.APPLICANT:
            return (
                actor_id in (studio.created_by, studio.leader_user_id)
                or studio.id in access.leader_studios
                or access.governs_studio(tree, studio)
            )
        if who is Authority.GRASSROOTS:
            return access.governs_studio(tree, studio)
        if who is Authority.REPORTING:
            return access.reports_for(tree, studio.union_id)
        return access.is_admin

    async def _grant_leader(self, studio: Studio, actor_id: int) -> None:
        # On naming, the model worker who applied becomes the studio's leader in the bot;
        # the grant comes from the naming admin's decision, never from the applicant.
        if studio.leader_user_id is None:
            return
        exists = await self.session.scalar(
            select(RoleGrant).where(
                RoleGrant.user_id == studio.leader_user_id,
                RoleGrant.role == Role.STUDIO_LEADER,
                RoleGrant.studio_id == studio.id,
                RoleGrant.revoked_at.is_(None),
            )
        )
        if exists is None:
            grant = RoleGrant(
                user_id=studio.leader_user_id,
                role=Role.STUDIO_LEADER,
                studio_id=studio.id,
                granted_by=actor_id,
            )
            self.session.add(grant)
            await self.session.flush()
            audit.record(self.session, actor_id=actor_id, action="role.grant", entity=grant)

    async def _next_reviewers(self, studio: Studio, tree: UnionTree) -> list[int]:
        """Who must act next on this studio: they are told there is work waiting."""
        actions = WAITING_FOR.get(studio.status, ())
        if not actions:
            return []
        rule = transition(actions[0], studio.status)
        assert rule is not None
        who = rule[1]
        if who is not Authority.PREFECTURE:
            chain = (
                [tree.reporting_union(studio.union_id)]
                if who is Authority.REPORTING
                else tree.ancestors_or_self(studio.union_id)
            )
            if officers := await nearest_officers(self.session, chain):
                return officers
        # The prefecture acts, or no officer of the right union is in the bot yet.
        return await admin_ids(self.session)

    async def waiting_for(self, actor_id: int) -> list[tuple[Studio, tuple[Action, ...]]]:
        """Studios whose next step this person may take, oldest first (for /review)."""
        access = await load_access(self.session, actor_id)
        tree = await load_tree(self.session)
        rows = await self.session.scalars(
            select(Studio)
            .where(Studio.status.in_(list(WAITING_FOR)))
            .options(selectinload(Studio.union))
            .order_by(Studio.updated_at, Studio.id)
        )
        out = []
        for studio in rows:
            actions = tuple(
                a
                for a in WAITING_FOR[studio.status]
                if (rule := transition(a, studio.status)) is not None
                and self._authorised(access, tree, studio, rule[1], actor_id)
            )
            if actions:
                out.append((studio, actions))
        return out

    async def visible(self, actor_id: int) -> list[Studio]:
        access = await load_access(self.session, actor_id)
        tree = await load_tree(self.session)
        # The database picks the rows: work grows with this person's studios, not the prefecture's.
        rows = await self.session.scalars(
            select(Studio).where(access.visible_studios(tree)).order_by(Studio.id)
        )
        return list(rows)

    @staticmethod
    def _may_see(access: Access, tree: UnionTree, studio: Studio, actor_id: int) -> bool:
        return (
            access.governs_studio(tree, studio)
            or studio.id in access.leader_studios
            or studio.id in access.member_studios
            or actor_id in (studio.created_by, studio.leader_user_id)
        )

    async def card(
        self, actor_id: int, studio_id: int
    ) -> tuple[Studio, list[Member], list[tuple[StudioStatusChange, str]]]:
        studio = await self.session.get(Studio, studio_id, options=[selectinload(Studio.union)])
        access = await load_access(self.session, actor_id)
        tree = await load_tree(self.session)
        if studio is None or not self._may_see(access, tree, studio, actor_id):
            raise DomainError("studio.not_found")
        members = list(
            await self.session.scalars(
                select(Member)
                .where(Member.studio_id == studio.id, Member.deleted_at.is_(None))
                .order_by(Member.id)
            )
        )
        changes = list(
            await self.session.scalars(
                select(StudioStatusChange)
                .where(StudioStatusChange.studio_id == studio.id)
                .order_by(StudioStatusChange.id)
            )
        )
        names = {
            u.id: u.full_name
            for u in await self.session.scalars(
                select(User).where(User.id.in_({c.actor_id for c in changes if c.actor_id}))
            )
        }
        return studio, members, [(c, names.get(c.actor_id or 0, "")) for c in changes]

    async def due_for_rereview(self, actor_id: int, today: date) -> list[Studio]:
        """Named studios five or more years after naming (Art. 17), for the prefecture."""
        access = await load_access(self.session, actor_id)
        if not access.is_admin:
            raise DomainError("errors.not_allowed")
        rows = list(
            await self.session.scalars(
                select(Studio).where(Studio.status == StudioStatus.NAMED).order_by(Studio.named_on)
            )
        )
        # The last re-review each studio passed: one per five-year cycle is enough.
        kept: dict[int, date] = {}
        for studio_id, at in await self.session.execute(
            select(StudioStatusChange.studio_id, StudioStatusChange.at).where(
                StudioStatusChange.from_status == StudioStatus.UNDER_REREVIEW,
                StudioStatusChange.to_status == StudioStatus.NAMED,
            )
        ):
            kept[studio_id] = max(kept.get(studio_id, date.min), at.astimezone(REPORT_TZ).date())
        due = []
        for s in rows:
            anniversary = last_rereview_due(s.named_on, today) if s.named_on else None
            if anniversary is not None and kept.get(s.id, date.min) < anniversary:
                due.append(s)
        return due

    async def grassroots_choices(self) -> list[Union]:
        """Unions an application can be filed under: all but the prefecture federation."""
        rows = await self.session.scalars(
            select(Union)
            .where(Union.active.is_(True), Union.kind != UnionKind.PREFECTURE)
            .order_by(Union.id)
        )
        return list(rows)


def _member_data(member: Member) -> MemberData:
    return MemberData(member.name, member.specialty, member.education, member.birth_year)


def _member_json(member: Member) -> dict[str, object]:
    return {"name": member.name, "specialty": member.specialty,
            "education": member.education, "birth_year": member.birth_year}  # fmt: skip
