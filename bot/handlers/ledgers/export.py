"""/export: a studio's ledgers, or the union's management ledger (Art. 11), as a workbook."""

from __future__ import annotations

import asyncio
from contextlib import suppress

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot import exports  # the module, not its names: bot.exports builds from the specs
from bot.callbacks import Codec
from bot.context import BotContext
from bot.handlers.common import answer, private_only, show, studio_label
from bot.handlers.ledgers.base import readable_studios, revoked_note
from bot.handlers.ledgers.buttons import EXPORT
from bot.i18n import Raw
from bot.keyboards import rows
from bot.paging import number, page_label, paginate, read
from bot.parsing import strip_unclean
from storage.access import load_access
from storage.ledgers import LedgerService, StudioLedgers, export_ledgers
from storage.models import Studio

# A workbook that is not ready within PATIENCE seconds gets a "preparing…" message, edited
# with the share of rows written every PROGRESS_EVERY_S seconds, deleted once the file is sent.
PATIENCE = 2.0
PROGRESS_EVERY_S = 3.0
EXPORT_PAGE = Codec("exp")  # exp:<page> — the studio picker's page


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
        await _choose(update, context, studios, 0)


async def _choose(update: Update, context: BotContext, studios: list[Studio], page: int) -> None:
    """The studios to export, a page at a time (exp:<page> turns it in place)."""
    buttons = [(studio_label(s), EXPORT.pack(s.id)) for s in studios]
    shown = paginate([label for label, _ in buttons], page)
    text = context.t("export.choose", count=len(studios), page=Raw(page_label(context, shown)))
    grid = [
        *rows(buttons[shown.start : shown.stop]).inline_keyboard,
        *rows(shown.nav(EXPORT_PAGE.pack), 2).inline_keyboard,
    ]
    await show(update, context, text, InlineKeyboardMarkup(grid))


async def export_page_button(update: Update, context: BotContext) -> None:
    (page,) = await read(EXPORT_PAGE, update, number)
    await _choose(update, context, await readable_studios(context), page)


async def export_button(update: Update, context: BotContext) -> None:
    await _send_export(update, context, await EXPORT.read(update))


async def _send_export(update: Update, context: BotContext, studio_id: int | None) -> None:
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    today = context.today()
    done = [0, 1]  # rows written, rows in all: set by the worker thread, read here

    def progress(written: int, total: int) -> None:
        done[:] = [written, total]

    async def produce() -> tuple[list[StudioLedgers], bytes]:
        async with context.session() as session:
            ledgers = await export_ledgers(session, context.user_id, studio_id)
        # Off the event loop: the bot keeps answering everyone while a prefecture's
        # workbook (a few hundred thousand rows) is written.
        content = await asyncio.to_thread(
            exports.build_workbook, ledgers, context.t, today,
            management=studio_id is None, progress=progress,
        )  # fmt: skip
        return ledgers, content

    task = asyncio.ensure_future(produce())
    notice: Message | None = None
    shown = ""
    while not task.done():
        await asyncio.wait({task}, timeout=PATIENCE if notice is None else PROGRESS_EVERY_S)
        if task.done():
            break
        percent = min(99, done[0] * 100 // max(done[1], 1))
        text = context.t("export.preparing", percent=percent)
        if notice is None:
            notice = await context.bot.send_message(chat_id, text)
            shown = text
        elif text != shown:
            with suppress(TelegramError):  # a progress line is a nicety; the file is what counts
                await notice.edit_text(text)
            shown = text
    ledgers, content = task.result()
    single = studio_id is not None and ledgers
    name = strip_unclean(ledgers[0].studio.name) if single else context.t("export.file_management")
    key = "export.caption" if studio_id is not None else "export.caption_management"
    caption = context.t(key, name=name, count=len(ledgers), date=today.isoformat())
    if studio_id is not None and ledgers and (note := revoked_note(context, ledgers[0].studio)):
        caption = f"{note}\n{caption}"
    await context.bot.send_document(
        chat_id,
        document=content,
        filename=f"{name}-{today.isoformat()}.xlsx",
        caption=caption,
    )
    if notice is not None:
        with suppress(TelegramError):
            await notice.delete()
