"""The journal of updates taken from Telegram and not yet handled.

Telegram forgets an update once it is acknowledged (the next getUpdates offset, or the
webhook's 200), and python-telegram-bot acknowledges before handling. A row written on
receipt and deleted when handling ends is what a kill -9 leaves behind: the sender of each
lost update is told to send it again, once (the claim deletes the row).
"""

from __future__ import annotations

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


async def record(
    conn: AsyncConnection,
    update_id: int,
    user_id: int | None,
    chat_id: int | None,
    private: bool,
    language: str | None,
    now: datetime,
) -> None:
    """Plain statements on a connection, no ORM: this runs for every update. A webhook may
    deliver the same update twice: the second is ignored."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    await conn.execute(
        insert(ReceivedUpdate)
        .values(
            update_id=update_id,
            user_id=user_id,
            chat_id=chat_id,
            private=private,
            language=language[:16] if language else None,
            received_at=now,
        )
        .on_conflict_do_nothing(index_elements=["update_id"])
    )


async def done(conn: AsyncConnection, update_id: int) -> None:
    await conn.execute(delete(ReceivedUpdate).where(ReceivedUpdate.update_id == update_id))


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
