"""What the ledger handlers share: button codes for each ledger, and the studios one may keep."""

from __future__ import annotations

from typing import Any

from bot.context import BotContext
from bot.handlers.common import studio_label
from storage.ledgers import LedgerService

KIND_CODES = {"p": "project", "a": "achievement", "v": "activity", "m": "member", "f": "funds"}
CODE_OF = {k: c for c, k in KIND_CODES.items()}


async def studio_options(context: BotContext, data: dict[str, Any]) -> list[tuple[str, str]]:
    async with context.session() as session:
        studios = await LedgerService(session).writable_studios(context.user_id)
    return [(str(s.id), studio_label(s)) for s in studios]
