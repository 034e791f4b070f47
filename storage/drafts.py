"""Half-filled forms, kept in the database so a restart or a second instance loses nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import BotState


def _key(user_id: int) -> str:
    return f"form:{user_id}"


async def load(session: AsyncSession, user_id: int) -> dict[str, Any] | None:
    row = await session.get(BotState, _key(user_id))
    return dict(row.data) if row is not None and row.data else None


async def save(session: AsyncSession, user_id: int, state: dict[str, Any]) -> None:
    row = await session.get(BotState, _key(user_id))
    if row is None:
        session.add(BotState(key=_key(user_id), data=state))
    else:
        row.data = state
    await session.commit()


async def clear(session: AsyncSession, user_id: int) -> bool:
    row = await session.get(BotState, _key(user_id))
    if row is None:
        return False
    await session.delete(row)
    await session.commit()
    return True
