"""Which members may record activities: the leader's switch, per member or for all, shown
with /member (DESIGN: members "add activities when the leader allows")."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.handlers.common import answer, language_of, tell
from bot.handlers.ledgers.buttons import PERMISSION
from bot.i18n import Raw, t
from bot.keyboards import Button, rows
from storage.ledgers import LedgerService
from storage.models import RoleGrant, Studio, User

SHOWN = 20


async def panels(update: Update, context: BotContext) -> None:
    """One panel for each studio this person leads that has members in the bot."""
    async with context.session() as session:
        service = LedgerService(session)
        studios = await service.writable_studios(context.user_id, "member")
        found = [await service.activity_permissions(context.user_id, s.id) for s in studios[:3]]
    for studio, members in found:
        if members:
            text, keyboard = _panel(context, studio, members)
            await answer(update, context, text, keyboard)


def _panel(
    context: BotContext, studio: Studio, members: list[tuple[RoleGrant, str]]
) -> tuple[str, InlineKeyboardMarkup]:
    everyone = studio.members_record_activities
    allowed = {g.id for g, _ in members if everyone or g.may_record_activities}
    lines = [
        context.t(
            "perm.line",
            name=name or str(grant.user_id),
            state=Raw(context.t("perm.yes" if grant.id in allowed else "perm.no")),
        )
        for grant, name in members[:SHOWN]
    ]
    text = context.t(
        "perm.panel",
        studio=studio.name,
        items=Raw("\n".join(lines)),
        everyone=Raw(context.t("perm.all_on" if everyone else "perm.all_off")),
    )
    buttons: list[Button] = [
        (
            context.t("btn.perm_all_off" if everyone else "btn.perm_all_on"),
            PERMISSION.pack(studio.id, None, not everyone),
        )
    ]
    if not everyone:
        buttons += [
            (
                context.t(
                    "btn.perm_off" if grant.may_record_activities else "btn.perm_on",
                    name=(name or str(grant.user_id))[:16],
                ),
                PERMISSION.pack(studio.id, grant.id, not grant.may_record_activities),
            )
            for grant, name in members[:SHOWN]
        ]
    return text, rows(buttons, 2)


async def permission_button(update: Update, context: BotContext) -> None:
    """Allow or withdraw, for one member or all — re-checked: leader only."""
    studio_id, grant_id, allowed = await PERMISSION.read(update)
    async with context.session() as session:
        service = LedgerService(session)
        await service.set_activity_permission(context.user_id, studio_id, grant_id, allowed)
        studio, members = await service.activity_permissions(context.user_id, studio_id)
        told = [
            (g.user_id, await session.get(User, g.user_id))
            for g, _ in members
            if grant_id is None or g.id == grant_id
        ]
    text, keyboard = _panel(context, studio, members)
    query = update.callback_query
    assert query is not None
    await query.edit_message_text(text, reply_markup=keyboard)
    # The member hears it from the bot, not by trying /activity.
    for user_id, user in told:
        lang = language_of(user)
        key = "perm.granted" if allowed else "perm.withdrawn"
        await tell(context, user_id, t(lang, key, studio=studio.name))
