"""Half-filled forms, kept in the database so a restart or a second instance loses nothing.

A person may have several drafts: one active (it takes their typed answers), the others set
aside when they started something else, to be resumed later. Every change is a
compare-and-set on the draft's version, and submitting claims the draft with a DELETE in the
caller's transaction, so "draft gone" and "record written" commit together or not at all.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FormDraft

# Drafts untouched this long are removed; the person is told once when they come back.
DRAFT_TTL = timedelta(days=14)


@dataclass(frozen=True)
class Draft:
    token: str
    form: str
    state: dict[str, Any]
    version: int
    active: bool
    expired: bool


def _draft(row: FormDraft, now: datetime) -> Draft:
    expired = row.expired or row.updated_at < now - DRAFT_TTL
    return Draft(row.token, row.form, dict(row.state), row.version, row.active, expired)


def new_token() -> str:
    # 48 random bits: unguessable enough for a button that also checks the owner.
    return secrets.token_urlsafe(6)


async def of_user(session: AsyncSession, user_id: int, now: datetime) -> list[Draft]:
    """All of the person's drafts, newest first; `expired` marks those past DRAFT_TTL."""
    rows = await session.scalars(
        select(FormDraft).where(FormDraft.user_id == user_id).order_by(FormDraft.updated_at.desc())
    )
    return [_draft(r, now) for r in rows]


async def get(session: AsyncSession, user_id: int, token: str, now: datetime) -> Draft | None:
    row = await session.scalar(
        select(FormDraft).where(FormDraft.token == token, FormDraft.user_id == user_id)
    )
    return _draft(row, now) if row is not None else None


async def create(
    session: AsyncSession,
    user_id: int,
    form: str,
    state: dict[str, Any],
    now: datetime,
    *,
    make_active: bool = True,
) -> Draft:
    """A new draft; made active, it sets the person's other drafts aside (nothing is lost)."""
    if make_active:
        await session.execute(
            update(FormDraft)
            .where(FormDraft.user_id == user_id, FormDraft.active)
            .values(active=False)
        )
    row = FormDraft(
        token=new_token(),
        user_id=user_id,
        form=form,
        state=state,
        active=make_active,
        expired=False,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.commit()
    return _draft(row, now)


async def save(
    session: AsyncSession,
    user_id: int,
    draft: Draft,
    state: dict[str, Any],
    now: datetime,
    *,
    bump: bool = True,
) -> Draft | None:
    """Store a step's result if nobody changed the draft since it was read (None if they did).

    `bump=False` records bookkeeping (which message shows the draft) without a new version.
    """
    version = draft.version + 1 if bump else draft.version
    result = await session.execute(
        update(FormDraft)
        .where(
            FormDraft.token == draft.token,
            FormDraft.user_id == user_id,
            FormDraft.version == draft.version,
            ~FormDraft.expired,
        )
        .values(state=state, version=version, updated_at=now)
    )
    await session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return Draft(draft.token, draft.form, state, version, draft.active, False)


async def activate(session: AsyncSession, user_id: int, token: str, now: datetime) -> bool:
    """Resume a set-aside draft: it becomes active, whatever was active is set aside."""
    await session.execute(
        update(FormDraft)
        .where(FormDraft.user_id == user_id, FormDraft.active, FormDraft.token != token)
        .values(active=False)
    )
    result = await session.execute(
        update(FormDraft)
        .where(FormDraft.token == token, FormDraft.user_id == user_id, ~FormDraft.expired)
        .values(active=True, updated_at=now)
    )
    await session.commit()
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def claim(session: AsyncSession, user_id: int, draft: Draft) -> dict[str, Any] | None:
    """Take the draft for submission, in the caller's transaction (no commit here).

    The caller writes the record in the same transaction and commits both: a crash before the
    commit leaves the draft in place, and of two instances pressing the same ✅ only the first
    gets the draft (the second's DELETE finds nothing once the first has committed).
    """
    result = await session.execute(
        delete(FormDraft)
        .where(
            FormDraft.token == draft.token,
            FormDraft.user_id == user_id,
            FormDraft.version == draft.version,
        )
        .returning(FormDraft.state)
    )
    state = result.scalar_one_or_none()
    return dict(state) if state is not None else None


async def discard(session: AsyncSession, user_id: int, token: str) -> bool:
    result = await session.execute(
        delete(FormDraft).where(FormDraft.token == token, FormDraft.user_id == user_id)
    )
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def expire_old(session: AsyncSession, now: datetime) -> int:
    """Drop the contents of drafts untouched for DRAFT_TTL, keeping a marker to tell the owner."""
    result = await session.execute(
        update(FormDraft)
        .where(FormDraft.updated_at < now - DRAFT_TTL, ~FormDraft.expired)
        .values(expired=True, active=False, state={})
    )
    await session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


async def forget(session: AsyncSession, user_id: int, tokens: list[str]) -> None:
    """Remove expired drafts once their owner has been told."""
    await session.execute(
        delete(FormDraft).where(FormDraft.user_id == user_id, FormDraft.token.in_(tokens))
    )
    await session.commit()
