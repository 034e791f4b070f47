"""One-time invitations: the only way (besides the admin CLI) anyone gets a role."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import audit
from storage.access import Access, load_access, load_tree
from storage.errors import DomainError
from storage.models import Invitation, Role, RoleGrant, Studio, StudioStatus, Union, User

DEFAULT_TTL = timedelta(days=7)
# 16 random bytes = 128 bits, url-safe: 22 characters, well inside Telegram's 64-char deep link.
_CODE_BYTES = 16
_CODE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    code: str  # shown once, never stored


class InvitationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _target(self, union_id: int | None, studio_id: int | None) -> Union | Studio | None:
        if studio_id is not None:
            return await self.session.get(Studio, studio_id)
        if union_id is not None:
            return await self.session.get(Union, union_id)
        return None

    async def create(
        self,
        actor_id: int,
        role: Role,
        *,
        union_id: int | None = None,
        studio_id: int | None = None,
        ttl: timedelta = DEFAULT_TTL,
        now: datetime,
    ) -> NewInvitation:
        access = await load_access(self.session, actor_id)
        target = await self._target(union_id, studio_id)
        # Rights first, one answer for "no such target" and "not yours": a forged button
        # learns nothing. Only someone who may invite there hears that it was revoked.
        if (union_id is not None or studio_id is not None) and target is None:
            raise DomainError("invite.not_allowed")
        if not access.may_invite(await load_tree(self.session), role, target):
            raise DomainError("invite.not_allowed")
        if (isinstance(target, Studio) and target.status is StudioStatus.REVOKED) or (
            isinstance(target, Union) and not target.active
        ):
            raise DomainError("invite.no_target")
        code = secrets.token_urlsafe(_CODE_BYTES)
        invitation = Invitation(
            code_hash=hash_code(code),
            role=role,
            union_id=target.id if isinstance(target, Union) else None,
            studio_id=target.id if isinstance(target, Studio) else None,
            created_by=actor_id,
            created_at=now,
            expires_at=now + ttl,
        )
        self.session.add(invitation)
        await self.session.flush()
        audit.record(self.session, actor_id=actor_id, action="invite.create", entity=invitation)
        await self.session.commit()
        return NewInvitation(invitation, code)

    async def _held(self, user_id: int, invitation: Invitation) -> RoleGrant | None:
        """The person's active grant of exactly the invited role and scope, if any."""
        return await self.session.scalar(
            select(RoleGrant).where(
                RoleGrant.user_id == user_id,
                RoleGrant.role == invitation.role,
                RoleGrant.union_id.is_(None)
                if invitation.union_id is None
                else RoleGrant.union_id == invitation.union_id,
                RoleGrant.studio_id.is_(None)
                if invitation.studio_id is None
                else RoleGrant.studio_id == invitation.studio_id,
                RoleGrant.revoked_at.is_(None),
            )
        )

    async def accept(self, user_id: int, code: str, *, now: datetime) -> RoleGrant:
        """Bind the invited role; the code is spent atomically, so it works once only."""
        if not _CODE_SHAPE.match(code):
            raise DomainError("invite.invalid")
        invitation = await self.session.scalar(
            select(Invitation)
            .where(Invitation.code_hash == hash_code(code))
            .options(selectinload(Invitation.union), selectinload(Invitation.studio))
        )
        if invitation is None:
            raise DomainError("invite.invalid")
        if invitation.revoked_at is not None:
            raise DomainError("invite.revoked")
        if invitation.used_at is not None:
            # Opening one's own link again: say they have the role, not that it is spent.
            if invitation.used_by == user_id and await self._held(user_id, invitation):
                raise DomainError("invite.already_has")
            raise DomainError("invite.used")
        if invitation.expires_at <= now:
            raise DomainError("invite.expired")
        if invitation.studio is not None and invitation.studio.status is StudioStatus.REVOKED:
            raise DomainError("invite.no_target")
        # The issuer must still hold the right to grant this role here: a removed officer's
        # or a revoked admin's links die with their role.
        issuer = await load_access(self.session, invitation.created_by)
        target = invitation.studio or invitation.union
        if not issuer.may_invite(await load_tree(self.session), invitation.role, target):
            raise DomainError("invite.issuer_lost")

        existing = await self._held(user_id, invitation)
        if existing is not None:
            # Keep the code usable for the person it was meant for.
            raise DomainError("invite.already_has")

        if await self.session.get(User, user_id) is None:
            self.session.add(User(id=user_id))
            await self.session.flush()
        spent = await self.session.execute(
            update(Invitation)
            .where(
                Invitation.id == invitation.id,
                Invitation.used_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .values(used_at=now, used_by=user_id)
            .execution_options(synchronize_session=False)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            await self.session.rollback()
            raise DomainError("invite.used")
        grant = RoleGrant(
            user_id=user_id,
            role=invitation.role,
            union_id=invitation.union_id,
            studio_id=invitation.studio_id,
            granted_by=invitation.created_by,
            invitation_id=invitation.id,
            granted_at=now,
        )
        self.session.add(grant)
        await self.session.flush()
        audit.record(self.session, actor_id=user_id, action="role.grant", entity=grant)
        await self.session.commit()
        await self.session.refresh(grant, ["union", "studio"])
        return grant

    async def open_for(self, actor_id: int, *, now: datetime) -> list[Invitation]:
        """Unused, unrevoked, unexpired invitations this person may still revoke."""
        access = await load_access(self.session, actor_id)
        query = (
            select(Invitation)
            .where(
                Invitation.used_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
            .options(selectinload(Invitation.union), selectinload(Invitation.studio))
            .order_by(Invitation.id)
        )
        if not access.is_admin:
            query = query.where(Invitation.created_by == actor_id)
        return list(await self.session.scalars(query))

    async def revoke(self, actor_id: int, invitation_id: int, *, now: datetime) -> Invitation:
        invitation = await self.session.get(Invitation, invitation_id)
        access = await load_access(self.session, actor_id)
        if invitation is None or not _may_revoke(access, invitation):
            raise DomainError("invite.not_allowed")
        if invitation.used_at is not None:
            raise DomainError("invite.used")
        if invitation.revoked_at is not None:
            raise DomainError("invite.revoked")
        before = audit.snapshot(invitation)
        invitation.revoked_at = now
        audit.record(
            self.session,
            actor_id=actor_id,
            action="invite.revoke",
            entity=invitation,
            before=before,
        )
        await self.session.commit()
        return invitation


def _may_revoke(access: Access, invitation: Invitation) -> bool:
    return access.is_admin or invitation.created_by == access.user_id


async def revoke_unbacked(
    session: AsyncSession, user_id: int, actor_id: int | None, now: datetime
) -> int:
    """After `user_id` lost a role: revoke their open invitations they may no longer issue.
    Part of the caller's unit of work (not committed here); returns how many."""
    access = await load_access(session, user_id)
    tree = await load_tree(session)
    rows = await session.scalars(
        select(Invitation)
        .where(
            Invitation.created_by == user_id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .options(selectinload(Invitation.union), selectinload(Invitation.studio))
    )
    count = 0
    for invitation in rows:
        if access.may_invite(tree, invitation.role, invitation.studio or invitation.union):
            continue
        before = audit.snapshot(invitation)
        invitation.revoked_at = now
        audit.record(
            session, actor_id=actor_id, action="invite.revoke", entity=invitation, before=before
        )
        count += 1
    return count
