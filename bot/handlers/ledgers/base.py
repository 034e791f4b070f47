"""What the ledger handlers share: the studios one may keep or read."""

from __future__ import annotations

from typing import Any

from bot.context import BotContext
from bot.forms import Options
from bot.handlers.common import studio_label
from policy.lifecycle import StudioStatus
from storage.ledgers import LedgerService
from storage.models import Studio


def studio_options(kind: str | None = None) -> Options:
    """The studios this person may add to `kind`'s ledger (None: to any ledger)."""

    async def options(context: BotContext, _: dict[str, Any]) -> list[tuple[str, str]]:
        async with context.session() as session:
            studios = await LedgerService(session).writable_studios(context.user_id, kind)
        return [(str(s.id), studio_label(s)) for s in studios]

    return options


async def readable_studios(context: BotContext) -> list[Studio]:
    """The studios whose ledgers this person may view (a revoked studio's too)."""
    async with context.session() as session:
        return await LedgerService(session).readable_studios(context.user_id)


def revoked_note(context: BotContext, studio: Studio) -> str:
    """Every view of a revoked studio says so, and when (Art. 17)."""
    if studio.status is not StudioStatus.REVOKED:
        return ""
    when = studio.revoked_on.isoformat() if studio.revoked_on else "-"
    return context.t("ledger.revoked_note", date=when)
