"""Pieces every handler shares: who is talking, in which language, and how to answer."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from telegram import Chat, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError

from bot.context import BotContext
from bot.i18n import Raw, resolve_language
from bot.keyboards import link
from bot.paging import Page
from bot.parsing import strip_unclean
from policy.lifecycle import StudioStatus
from storage.accounts import AccountService
from storage.models import Role, RoleGrant, Studio, User

log = logging.getLogger(__name__)

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]


# How long what we last wrote about a person is trusted before it is written again (their
# last-seen time is that coarse). Another instance may show a language chosen there this
# much later; a block or unblock comes as its own update and is written at once.
SEEN_FOR = 120.0


async def remember_user(update: Update, context: BotContext) -> None:
    """Runs before every other handler: record the person and work out their language."""
    user = update.effective_user
    data = context.user_data
    if user is None or user.is_bot or data is None or update.my_chat_member:
        return
    facts = (strip_unclean(user.full_name), user.username, user.language_code)
    now = context.deps.ticks()
    if data.seen == facts and data.user_id == user.id and now < data.seen_until:
        return  # nothing changed since we last wrote it: no database work for this update
    async with context.session() as session:
        record = await AccountService(session).touch(user.id, *facts, now=context.now())
    data.lang = resolve_language(record.language, user.language_code)
    data.user_id = user.id
    data.seen, data.seen_until = facts, now + SEEN_FOR


async def answer(
    update: Update,
    context: BotContext,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Reply in the chat the update came from (for a button press: a new message below it)."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await context.bot.send_message(
        chat.id, text, reply_markup=keyboard, disable_web_page_preview=True
    )


async def show(
    update: Update,
    context: BotContext,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """For a press whose answer replaces what was shown (a picker, a page, a setting): edit
    the pressed message in place, so the chat does not fill with dead keyboards. Anything
    else, or a message that can no longer be edited, gets a new message below."""
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_text(
                text, reply_markup=keyboard, disable_web_page_preview=True
            )
            return None
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return None
    return await answer(update, context, text, keyboard)


def page_label(context: BotContext, shown: Page) -> str:
    return (
        context.t("paging.label", n=shown.number + 1, total=shown.total) if shown.total > 1 else ""
    )


async def chat_member_changed(update: Update, context: BotContext) -> None:
    """A person blocked (or unblocked) the bot: reminders skip them until they return."""
    change = update.my_chat_member
    if change is None or change.chat.type != Chat.PRIVATE:
        return
    blocked = change.new_chat_member.status in ("kicked", "left")
    async with context.session() as session:
        await AccountService(session).set_blocked(change.from_user.id, blocked, now=context.now())


async def pressed(
    update: Update, context: BotContext, *convert: Callable[[str], Any]
) -> list[Any] | None:
    """Answer a button press and read its arguments (the parts after the prefix).

    None, after saying so, when they do not read: an old or forged button changes nothing.
    """
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    parts = query.data.split(":")[1:]
    try:
        args = [read(part) for read, part in zip(convert, parts, strict=True)]
        if not all(in_id_range(a) for a in args if isinstance(a, int)):
            raise ValueError("id out of range")
        return args
    except (KeyError, ValueError):
        await answer(update, context, context.t("errors.stale_button"))
        return None


def in_id_range(value: int) -> bool:
    """Ids are 64-bit in the database: a forged larger one would overflow the driver
    (OverflowError on PostgreSQL) instead of reading as a stale button."""
    return -(2**63) <= value < 2**63


def language_of(user: User | None) -> str:
    """The language to write to someone other than the sender in."""
    if user is None:
        return resolve_language(None, None)
    return resolve_language(user.language, user.telegram_language)


async def tell(
    context: BotContext, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Message someone other than the sender. They may have blocked the bot: the action
    that prompted the message stands all the same, so a failure is only logged."""
    try:
        await context.bot.send_message(chat_id, text, reply_markup=keyboard)
    except TelegramError as exc:
        log.info("could not notify %s: %s", chat_id, exc)


def private_only(handler: Handler) -> Handler:
    """Account and data commands belong in a private chat, never in a group."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: BotContext) -> Any:
        chat = update.effective_chat
        if chat is not None and chat.type != Chat.PRIVATE:
            url = f"https://t.me/{context.bot.username}"
            await answer(
                update,
                context,
                context.t("errors.private_only"),
                link(context.t("btn.open_private"), url),
            )
            return None
        return await handler(update, context)

    return wrapper


def role_name(context: BotContext, role: Role) -> str:
    return context.t(f"role.{role.value}")


def describe_grant(context: BotContext, grant: RoleGrant) -> str:
    studio = grant.studio
    if (
        grant.role is Role.STUDIO_LEADER
        and studio is not None
        and studio.status is StudioStatus.REVOKED
    ):
        # Art. 17: the title is gone, the history stays (read-only) with its former leader.
        when = studio.revoked_on.isoformat() if studio.revoked_on else "-"
        return context.t("role.former_leader", scope=studio.name, date=when)
    if grant.role is Role.PREFECTURE_ADMIN:
        scope = context.t("scope.prefecture")
    elif grant.studio is not None:
        scope = grant.studio.name
    elif grant.union is not None:
        scope = grant.union.name
    else:
        scope = "?"
    return context.t("role.scoped", role=Raw(role_name(context, grant.role)), scope=scope)


def studio_label(studio: Studio) -> str:
    """A studio as a button or list shows it: two applications for the same model worker
    carry the same name, so the number tells them apart."""
    return f"{studio.name} #{studio.id}"


def local_time(context: BotContext, moment: datetime) -> str:
    return moment.astimezone(context.deps.settings.tz).strftime("%Y-%m-%d %H:%M")
