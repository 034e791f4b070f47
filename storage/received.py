"""The journal of updates taken from Telegram and not yet handled.

Telegram forgets an update once it is acknowledged (the next getUpdates offset, or the
webhook's 200), and python-telegram-bot acknowledges before handling. A row written on
receipt and deleted when handling ends is what a kill -9 leaves behind: the sender of each
lost update is told to send it again, once (the claim deletes the row).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import ReceivedUpdate


@dataclass(frozen=True)
class Lost:
    update_id: int
    user_id: int | None
    chat_id: int | None
    private: bool
    language: str | None


@dataclass(frozen=True)
class Received:
    update_id: int
    user_id: int | None
    chat_id: int | None
    private: bool
    language: str | None
    received_at: datetime


async def settle(
    conn: AsyncConnection, received: Sequence[Received], finished: Collection[int]
) -> None:
    """Record updates taken from Telegram and strike those handled, in the caller's
    transaction. Plain statements, no ORM: this runs for every batch of updates. A webhook
    may deliver the same update twice: the second is ignored."""
    if finished:
        await conn.execute(
            delete(ReceivedUpdate).where(ReceivedUpdate.update_id.in_(list(finished)))
        )
    rows = [
        {
            "update_id": r.update_id,
            "user_id": r.user_id,
            "chat_id": r.chat_id,
            "private": r.private,
            "language": r.language[:16] if r.language else None,
            "received_at": r.received_at,
        }
        for r in received
        if r.update_id not in finished  # taken and handled between two settlements
    ]
    if rows:
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        await conn.execute(
            insert(ReceivedUpdate).on_conflict_do_nothing(index_elements=["update_id"]), rows
        )


async def claim_lost(conn: AsyncConnection, received_before: datetime) -> list[Lost]:
    """Take the rows received before `received_before` and never finished. Two instances
    doing this at once each get different rows (a row is deleted once)."""
    rows = (
        await conn.execute(
            delete(ReceivedUpdate)
            .where(ReceivedUpdate.received_at < received_before)
            .returning(
                ReceivedUpdate.update_id,
                ReceivedUpdate.user_id,
                ReceivedUpdate.chat_id,
                ReceivedUpdate.private,
                ReceivedUpdate.language,
            )
        )
    ).all()
    return sorted((Lost(*row) for row in rows), key=lambda lost: lost.update_id)
