"""Ways into the dashboard from outside Telegram: a one-time login link sent in the chat,
exchanged for a browser session of one working day. Codes and tokens carry 192/256 random
bits and are stored only as SHA-256; a link works once (a compare-and-set, so two clicks or
two instances cannot both use it) and for ten minutes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.access import load_access
from storage.errors import DomainError
from storage.models import WebLogin, WebSession

LINK_TTL = timedelta(minutes=10)
WORKING_DAY = timedelta(hours=10)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    token: str  # for the cookie; never stored
    session: WebSession


class WebAuthService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issue_link(self, user_id: int, now: datetime) -> str:
        """A code for /login?code=…; only people with a role have anything to see."""
        if not (await load_access(self.session, user_id)).has_any_role:
            raise DomainError("web.no_role")
        code = secrets.token_urlsafe(24)
        self.session.add(
            WebLogin(code_hash=_hash(code), user_id=user_id, created_at=now,
                     expires_at=now + LINK_TTL)
        )  # fmt: skip
        await self.session.commit()
        return code

    async def redeem(self, code: str, now: datetime, agent: str = "") -> SignedIn | None:
        """The link's code for a session, once; None for an unknown, used or old code."""
        login = await self.session.scalar(select(WebLogin).where(WebLogin.code_hash == _hash(code)))
        if login is None:
            return None
        claimed = await self.session.execute(
            update(WebLogin)
            .where(WebLogin.id == login.id, WebLogin.used_at.is_(None), WebLogin.expires_at > now)
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            await self.session.rollback()
            return None
        token = secrets.token_urlsafe(32)
        row = WebSession(
            token_hash=_hash(token),
            user_id=login.user_id,
            agent=agent[:200],
            created_at=now,
            last_seen_at=now,
            expires_at=now + WORKING_DAY,
        )
        self.session.add(row)
        await self.session.flush()
        audit.record(self.session, actor_id=login.user_id, action="web.login", entity=row)
        await self.session.commit()
        return SignedIn(token, row)

    async def user_of(self, token: str, now: datetime) -> int | None:
        """Who holds this session cookie, if it is still good."""
        row = await self.session.scalar(
            select(WebSession).where(WebSession.token_hash == _hash(token))
        )
        if row is None or row.ended_at is not None or row.expires_at <= now:
            return None
        if now - row.last_seen_at > timedelta(minutes=5):  # not a write per request
            row.last_seen_at = now
            await self.session.commit()
        return row.user_id

    async def session_id_of(self, token: str) -> int | None:
        return await self.session.scalar(
            select(WebSession.id).where(WebSession.token_hash == _hash(token))
        )

    async def sessions(self, user_id: int, now: datetime) -> list[WebSession]:
        rows = await self.session.scalars(
            select(WebSession)
            .where(
                WebSession.user_id == user_id,
                WebSession.ended_at.is_(None),
                WebSession.expires_at > now,
            )
            .order_by(WebSession.created_at.desc())
        )
        return list(rows)

    async def end(self, user_id: int, session_id: int, now: datetime) -> bool:
        """End one of this person's own sessions (logout, or from the sessions list)."""
        ended = await self.session.execute(
            update(WebSession)
            .where(
                WebSession.id == session_id,
                WebSession.user_id == user_id,
                WebSession.ended_at.is_(None),
            )
            .values(ended_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.commit()
        return ended.rowcount == 1  # type: ignore[attr-defined]
