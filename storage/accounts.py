"""People and their roles: users seen by the bot, admin grants from the CLI or configuration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import audit
from storage.access import active_grants
from storage.errors import DomainError
from storage.invitations import revoke_unbacked
from storage.models import Role, RoleGrant, User

LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Profile:
    user_id: int
    full_name: str
    language: str | None
    telegram_language: str | None
    grants: tuple[RoleGrant, ...]


class AccountService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def touch(
        self,
        user_id: int,
        full_name: str,
        username: str | None,
        telegram_language: str | None,
        *,
        now: datetime,
    ) -> User:
        """Record that a person talked to the bot; it evidently has not been blocked."""
        user = await self.session.get(User, user_id)
        if user is None:
            user = User(id=user_id, created_at=now)
            self.session.add(user)
        user.full_name = full_name[:200]
        user.username = username[:64] if username else None
        # Telegram documents IETF tags, but any string may arrive: keep what fits the column.
        user.telegram_language = telegram_language[:16] if telegram_language else None
        user.last_seen_at = now
        user.blocked_bot_at = None
        await self.session.commit()
        return user

    async def profile(self, user_id: int) -> Profile:
        user = await self.session.get(User, user_id)
        grants = await self.session.scalars(
            select(RoleGrant)
            .where(RoleGrant.user_id == user_id, RoleGrant.revoked_at.is_(None))
            .options(selectinload(RoleGrant.union), selectinload(RoleGrant.studio))
            .order_by(RoleGrant.id)
        )
        return Profile(
            user_id=user_id,
            full_name=user.full_name if user else "",
            language=user.language if user else None,
            telegram_language=user.telegram_language if user else None,
            grants=tuple(grants),
        )

    async def set_blocked(self, user_id: int, blocked: bool, *, now: datetime) -> None:
        user = await self.session.get(User, user_id)
        if user is not None:
            user.blocked_bot_at = now if blocked else None
            await self.session.commit()

    async def set_language(self, user_id: int, language: str) -> None:
        if language not in LANGUAGES:
            raise DomainError("language.unknown")
        user = await self.session.get(User, user_id)
        if user is None:
            raise DomainError("errors.unknown_user")
        user.language = language
        await self.session.commit()

    async def grant_admin(self, user_id: int, *, actor_id: int | None = None) -> bool:
        """Make a prefecture admin (CLI or ADMIN_IDS only); False if they already were one."""
        if user_id <= 0:
            raise DomainError("admin.bad_id")
        grants = await active_grants(self.session, user_id)
        if any(g.role is Role.PREFECTURE_ADMIN for g in grants):
            return False
        if await self.session.get(User, user_id) is None:
            # They have not talked to the bot yet; their name is filled in on first contact.
            self.session.add(User(id=user_id))
            await self.session.flush()
        grant = RoleGrant(user_id=user_id, role=Role.PREFECTURE_ADMIN, granted_by=actor_id)
        self.session.add(grant)
        await self.session.flush()
        audit.record(self.session, actor_id=actor_id, action="role.grant", entity=grant)
        await self.session.commit()
        return True

    async def revoke_admin(
        self, user_id: int, *, now: datetime, actor_id: int | None = None
    ) -> bool:
        grants = [
            g for g in await active_grants(self.session, user_id) if g.role is Role.PREFECTURE_ADMIN
        ]
        for grant in grants:
            before = audit.snapshot(grant)
            grant.revoked_at = now
            audit.record(
                self.session, actor_id=actor_id, action="role.revoke", entity=grant, before=before
            )
        if grants:
            await self.session.flush()
            await revoke_unbacked(self.session, user_id, actor_id, now)
        await self.session.commit()
        return bool(grants)

    async def admins(self) -> list[User]:
        rows = await self.session.scalars(
            select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == Role.PREFECTURE_ADMIN, RoleGrant.revoked_at.is_(None))
            .order_by(User.id)
        )
        return list(rows.unique())
