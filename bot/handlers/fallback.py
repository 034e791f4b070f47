"""Whatever nothing else took: unknown commands, non-text messages, stale buttons, errors.

Every message gets an answer that says what to do next; a user never sees a traceback.
"""

from __future__ import annotations

import contextlib
import html
import logging

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import filters

from bot import forms
from bot.context import BotContext
from bot.handlers import policy
from bot.handlers.common import answer
from bot.parsing import check_clean
from bot.runtime import current_handler, note
from storage.errors import DomainError

log = logging.getLogger(__name__)


def _given(message: Message) -> str:
    # What a person typed or named: a file called "invoice\u202egpj.exe" shows as "invoiceexe.jpg".
    name = message.document.file_name if message.document else None
    return "\n".join(x for x in (message.text, message.caption, name) if x)


class _Unclean(filters.MessageFilter):
    """Text, a caption or a file name carrying a character refused at intake (bot.parsing)."""

    def filter(self, message: Message) -> bool:
        return check_clean(_given(message)) is not None


UNCLEAN = _Unclean(name="UNCLEAN")


async def unclean_text(update: Update, context: BotContext) -> None:
    """Runs before every command and form: nothing is parsed, stored or answered but this."""
    message = update.effective_message
    assert message is not None
    char = check_clean(_given(message)) or "?"
    await answer(update, context, context.t("errors.unclean_text", char=char))


async def unknown_command(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    text = update.effective_message.text or ""
    command = text.split()[0].split("@")[0][:40] if text else "/"
    await answer(update, context, context.t("errors.unknown_command", command=command))


async def edited(update: Update, context: BotContext) -> None:
    await answer(update, context, context.t("errors.edited"))


async def non_text(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    if await forms.on_file(update, context):
        return
    found = await forms.current(context, update)
    if found is not None:
        await answer(update, context, context.t("form.non_text", title=context.t(found[0].title)))
        return
    await answer(update, context, context.t("errors.non_text"))


async def text_message(update: Update, context: BotContext) -> None:
    """Plain text goes to the open form if there is one, else it is a policy question."""
    if not await forms.on_text(update, context):
        await policy.free_text(update, context)


async def cancel(update: Update, context: BotContext) -> None:
    if await forms.cancel(update, context):
        await answer(update, context, context.t("form.cancelled"))
        await forms.offer_resume(update, context)
    else:
        await answer(update, context, context.t("form.cancel_none"))


async def stale_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer(context.t("errors.stale_button"), show_alert=True)


async def _alert(context: BotContext, update: Update, error: BaseException | None) -> None:
    """A short line to ERROR_CHAT_ID, if set: what failed and where, never what anyone wrote
    (an exception's message may quote user text, so only its type and place are sent)."""
    chat_id = context.deps.settings.error_chat_id
    if chat_id is None or error is None:
        return
    where = "?"
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        code = tb.tb_frame.f_code
        where = f"{code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno} {code.co_name}"
    user = update.effective_user
    text = (
        f"⚠️ {type(error).__name__} in {current_handler()} ({where})\n"
        f"update {update.update_id}, user {user.id if user else '-'}"
    )
    try:
        await context.bot.send_message(chat_id, html.escape(text), parse_mode=None)
    except TelegramError as exc:
        log.warning("could not alert ERROR_CHAT_ID: %s", exc)


async def on_error(update: object, context: BotContext) -> None:
    """Refusals become their catalog message; anything else is logged and apologised for."""
    error = context.error
    if not isinstance(update, Update):
        log.error("error outside an update", exc_info=error)
        return
    if isinstance(error, DomainError):
        key, params = error.key, error.params
        note(outcome="refused")
    else:
        note(outcome="error")
        await _alert(context, update, error)
        log.error(
            "error handling update %s (user %s, chat %s)",
            update.update_id,
            update.effective_user.id if update.effective_user else None,
            update.effective_chat.id if update.effective_chat else None,
            exc_info=error,
        )
        key, params = "errors.generic", {}
    if update.callback_query is not None:
        # The handler may have answered the press already; Telegram refuses a second answer,
        # and that must not cost the person the message that says what went wrong.
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    try:
        await answer(update, context, context.t(key, **params))
    except TelegramError:
        log.warning("could not deliver the error reply for update %s", update.update_id)
