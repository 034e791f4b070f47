"""The union's acknowledgement of a new project or achievement: confirm, or return with a reason."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import forms
from bot.context import BotContext
from bot.forms import Form, Step
from bot.handlers.common import answer, language_of, tell
from bot.handlers.files import file_buttons, file_lines
from bot.handlers.ledgers.buttons import ACK, REFILE
from bot.i18n import Raw, t
from bot.keyboards import rows
from storage.ledgers import LedgerService
from storage.models import User


async def ask_ack(
    context: BotContext, officer: int, kind: str, record_id: int, studio: str, title: str
) -> None:
    async with context.session() as session:
        user = await session.get(User, officer)
        files = (await LedgerService(session).files_of(kind, [record_id])).get(record_id, [])
    lang = language_of(user)
    tr = partial(t, lang)
    grid = [
        [
            InlineKeyboardButton(
                tr("ledger.ack_ok"), callback_data=ACK.pack(kind, record_id, True)
            ),
            InlineKeyboardButton(
                tr("ledger.ack_return"), callback_data=ACK.pack(kind, record_id, False)
            ),
        ]
    ]
    # The officer sees the certificate before acknowledging it: each file comes back on a press.
    grid += [[InlineKeyboardButton(label, callback_data=d)] for label, d in file_buttons(tr, files)]
    text = tr(
        "ledger.ack_request",
        ledger=Raw(tr(f"ledger.{kind}")),
        studio=studio,
        title=title,
    )
    if files:
        text += "\n" + "\n".join(file_lines(tr, files))
    await tell(context, officer, text, InlineKeyboardMarkup(grid))


async def _ack_reason_submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    await _acknowledge(
        update, context, session, data["kind"], int(data["record"]), False, data["reason"]
    )


async def _ack_summary(context: BotContext, data: dict[str, Any]) -> str:
    return context.t("ledger.ack_return_summary", reason=data["reason"])


ACK_RETURN = forms.register(
    Form(
        name="ack",
        title="ledger.ack_title",
        steps=(Step("reason", "act.ask.reason", parse=forms.text(500)),),
        summary=_ack_summary,
        submit=_ack_reason_submit,
    )
)


async def ack_button(update: Update, context: BotContext) -> None:
    kind, record_id, ok = await ACK.read(update)
    if ok:
        async with context.session() as session:
            await _acknowledge(update, context, session, kind, record_id, True, "")
        return
    # Refuse a forged or old "return" button now, not after the reason has been typed.
    async with context.session() as session:
        await LedgerService(session).check_acknowledge(context.user_id, kind, record_id)
    await forms.start(update, context, ACK_RETURN, {"kind": kind, "record": record_id})


async def _acknowledge(
    update: Update,
    context: BotContext,
    session: AsyncSession,
    kind: str,
    record_id: int,
    ok: bool,
    reason: str,
) -> None:
    assert update.effective_user is not None
    record, studio = await LedgerService(session).acknowledge(
        update.effective_user.id, kind, record_id, ok, reason
    )
    leader_ids = {u for u in (studio.leader_user_id, record.created_by) if u}
    leaders = [await session.get(User, u) for u in leader_ids]
    key = "ledger.acked" if ok else "ledger.returned"
    await answer(
        update, context, context.t(key, title=record.title, studio=studio.name, reason=reason)
    )
    for user in leaders:
        if user is None or user.id == update.effective_user.id:
            continue
        lang = language_of(user)
        text = t(lang, key, title=record.title, studio=studio.name, reason=reason)
        keyboard = None
        if not ok and kind == "achievement":
            # Returned, e.g. for an unreadable scan: the leader can send the files again.
            text += "\n" + t(lang, "ledger.returned_next")
            button = (t(lang, "btn.replace_files", n=""), REFILE.pack(kind, record.id))
            keyboard = rows([button])
        await tell(context, user.id, text, keyboard)
