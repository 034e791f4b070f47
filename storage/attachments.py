"""Files kept with records: which ones a person may have sent back to them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import DomainError
from storage.ledgers import LedgerService
from storage.models import Achievement, Activity, Attachment, StudioStatusChange
from storage.studios import StudioService


async def readable_attachment(
    session: AsyncSession, actor_id: int, attachment_id: int
) -> Attachment:
    """The file, if this person may see the record or the studio it belongs to."""
    attachment = await session.get(Attachment, attachment_id)
    if attachment is None or attachment.deleted_at is not None:
        raise DomainError("files.gone")
    studio_id: int | None = None
    if attachment.achievement_id is not None:
        achievement = await session.get(Achievement, attachment.achievement_id)
        studio_id = achievement.studio_id if achievement and not achievement.deleted_at else None
    elif attachment.activity_id is not None:
        activity = await session.get(Activity, attachment.activity_id)
        studio_id = activity.studio_id if activity and not activity.deleted_at else None
    elif attachment.status_change_id is not None:
        change = await session.get(StudioStatusChange, attachment.status_change_id)
        if change is None:
            raise DomainError("files.gone")
        await StudioService(session).card(actor_id, change.studio_id)  # refuses the unseen
        return attachment
    if studio_id is None:
        raise DomainError("files.gone")
    await LedgerService(session).studio_for_read(actor_id, studio_id)
    return attachment


async def studio_files(session: AsyncSession, studio_id: int) -> list[Attachment]:
    """Files kept with the studio's lifecycle steps, e.g. the scanned endorsement (Art. 8)."""
    rows = await session.scalars(
        select(Attachment)
        .join(StudioStatusChange, StudioStatusChange.id == Attachment.status_change_id)
        .where(StudioStatusChange.studio_id == studio_id, Attachment.deleted_at.is_(None))
        .order_by(Attachment.id)
    )
    return list(rows)
