"""/export: a studio's ledgers, or the union's management ledger (Art. 11), as a workbook."""

from __future__ import annotations

from telegram import Update

from bot import exports  # the module, not its names: bot.exports may build from the specs
from bot.context import BotContext
from bot.handlers.common import answer, private_only
from bot.handlers.ledgers.base import readable_studios, revoked_note
from bot.handlers.ledgers.buttons import EXPORT
from bot.keyboards import rows
from bot.parsing import strip_unclean
from storage.access import load_access
from storage.ledgers import LedgerService, export_ledgers


@private_only
async def export_command(update: Update, context: BotContext) -> None:
    async with context.session() as session:
        access = await load_access(session, context.user_id)
    if access.is_admin or access.officer_unions:
        await _send_export(update, context, None)
        return
    # A revoked studio's history stays exportable by its former leader (Art. 17).
    studios = await readable_studios(context)
    if not studios:
        async with context.session() as session:
            refusal = await LedgerService(session).refusal(context.user_id)
        await answer(update, context, context.t(refusal.key, **refusal.params))
    elif len(studios) == 1:
        await _send_export(update, context, studios[0].id)
    else:
        buttons = [(s.name, EXPORT.pack(s.id)) for s in studios[:20]]
        await answer(update, context, context.t("export.choose"), rows(buttons))


async def export_button(update: Update, context: BotContext) -> None:
    await _send_export(update, context, await EXPORT.read(update))


async def _send_export(update: Update, context: BotContext, studio_id: int | None) -> None:
    assert update.effective_chat is not None
    today = context.today()
    async with context.session() as session:
        ledgers = await export_ledgers(session, context.user_id, studio_id)
        content = exports.build_workbook(ledgers, context.t, today, management=studio_id is None)
    single = studio_id is not None and ledgers
    name = strip_unclean(ledgers[0].studio.name) if single else "管理台帐"
    key = "export.caption" if studio_id is not None else "export.caption_management"
    caption = context.t(key, name=name, count=len(ledgers), date=today.isoformat())
    if studio_id is not None and ledgers and (note := revoked_note(context, ledgers[0].studio)):
        caption = f"{note}\n{caption}"
    await context.bot.send_document(
        update.effective_chat.id,
        document=content,
        filename=f"{name}-{today.isoformat()}.xlsx",
        caption=caption,
    )
