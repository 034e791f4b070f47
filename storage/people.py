"""Taking a role away (issue 11): the admin or the officer above removes an officer, a leader
or a member, with a reason; audited, the person is told, their open invitations that the
role backed are revoked with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import audit
from storage.access import Access, UnionTree, load_access, load_tree
from storage.errors import DomainError
from storage.invitations import revoke_unbacked
from storage.models import Role, RoleGrant, User

MAX_REASON = 200


@dataclass(frozen=True)
class Holder:
    grant: RoleGrant
    name: str


@dataclass(frozen=True)
class Removal:
    grant: RoleGrant
    name: str
    invitations_revoked: int


class PeopleService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def _may(access: Access, tree: UnionTree, grant: RoleGrant) -> bool:
        return grant.user_id != access.user_id and access.may_remove(
            tree, grant.role, grant.union_id, grant.studio
        )

    async def removable(self, actor_id: int, studio_id: int | None = None) -> list[Holder]:
        """Active roles this person may take away (optionally in one studio), by union/studio."""
        access = await load_access(self.session, actor_id)
        tree = await load_tree(self.session)
        query = (
            select(RoleGrant, User.full_name)
            .join(User, User.id == RoleGrant.user_id)
            .where(RoleGrant.revoked_at.is_(None))
            .options(selectinload(RoleGrant.union), selectinload(RoleGrant.studio))
        )
        if studio_id is not None:
            query = query.where(RoleGrant.studio_id == studio_id)
        holders = [
            Holder(grant, name or str(grant.user_id))
            for grant, name in await self.session.execute(query)
            if self._may(access, tree, grant)
        ]
        # Officers, then leaders, then members; by union or studio; oldest first.
        order = list(Role)
        return sorted(
            holders,
            key=lambda h: (order.index(h.grant.role), h.grant.union_id or 0,
                           h.grant.studio_id or 0, h.grant.id),
        )  # fmt: skip

    async def check(self, actor_id: int, grant_id: int) -> Holder:
        """Refuse now, before asking for a reason, what `remove` would refuse. One answer for
        'no such role' and 'not yours to remove': a forged id learns nothing."""
        grant = await self.session.get(
            RoleGrant, grant_id, options=[selectinload(RoleGrant.union),
                                          selectinload(RoleGrant.studio)]
        )  # fmt: skip
        access = await load_access(self.session, actor_id)
        if (
            grant is None
            or grant.revoked_at is not None
            or not self._may(access, await load_tree(self.session), grant)
        ):
            raise DomainError("people.unavailable")
        user = await self.session.get(User, grant.user_id)
        return Holder(grant, (user.full_name if user else "") or str(grant.user_id))

    async def remove(self, actor_id: int, grant_id: int, reason: str, *, now: datetime) -> Removal:
        reason = reason.strip()
        if not reason:
            raise DomainError("studio.reason_required")
        if len(reason) > MAX_REASON:
            raise DomainError("studio.reason_too_long", max=MAX_REASON)
        holder = await self.check(actor_id, grant_id)
        grant = holder.grant
        before = audit.snapshot(grant)
        grant.revoked_at = now
        audit.record(
            self.session,
            actor_id=actor_id,
            action="role.revoke",
            entity=grant,
            before=before,
            after={**audit.snapshot(grant), "reason": reason},
        )
        studio = grant.studio
        if grant.role is Role.STUDIO_LEADER and studio and studio.leader_user_id == grant.user_id:
            # The applicant-leader link also opens the ledgers: it goes with the role.
            before_studio = audit.snapshot(studio)
            studio.leader_user_id = None
            audit.record(self.session, actor_id=actor_id, action="studio.leader_unset",
                         entity=studio, before=before_studio)  # fmt: skip
        await self.session.flush()
        revoked = await revoke_unbacked(self.session, grant.user_id, actor_id, now)
        await self.session.commit()
        return Removal(grant, holder.name, revoked)
