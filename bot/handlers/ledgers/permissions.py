"""Which members may record activities: the leader's switch, per member or for all, shown
with /member (DESIGN: members "add activities when the leader allows")."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.callbacks import Codec
from bot.context import BotContext
from bot.handlers.common import answer, language_of, show, tell
from bot.handlers.ledgers.buttons import PERMISSION
from bot.i18n import Raw, t
from bot.keyboards import Button, rows
from bot.paging import number, page_label, paginate, read
from storage.ledgers import LedgerService
from storage.models import RoleGrant, Studio, User

PANEL_PAGE = Codec("mpp")  # mpp:<studio>:<page> — a page of a studio's panel, in place


async def panels(update: Update, context: BotContext) -> None:
    """The panel of the first studio this person leads that has members in the bot; ⏮ ⏭
    reach the others (a panel per studio would be a message per studio)."""
    async with context.session() as session:
        service = LedgerService(session)
        studios = await service.writable_studios(context.user_id, "member")
        for studio in studios:
            _, members = await service.activity_permissions(context.user_id, studio.id)
            if members:
                break
        else:
            return
    text, keyboard = _panel(context, studio, members, 0, studios)
    await answer(update, context, text, keyboard)


async def panel_page_button(update: Update, context: BotContext) -> None:
    studio_id, page = await read(PANEL_PAGE, update, number, number)
    async with context.session() as session:
        service = LedgerService(session)
        studio, members = await service.activity_permissions(context.user_id, studio_id)
        studios = await service.writable_studios(context.user_id, "member")
    await show(update, context, *_panel(context, studio, members, page, studios))


def _panel(
    context: BotContext,
    studio: Studio,
    members: list[tuple[RoleGrant, str]],
    page: int,
    studios: list[Studio],
) -> tuple[str, InlineKeyboardMarkup]:
    everyone = studio.members_record_activities
    allowed = {g.id for g, _ in members if everyone or g.may_record_activities}
    lines = [
        context.t(
            "perm.line",
            name=name or str(grant.user_id),
            state=Raw(context.t("perm.yes" if grant.id in allowed else "perm.no")),
        )
        for grant, name in members
    ]
    shown = paginate(lines, page)
    text = context.t(
        "perm.panel",
        studio=studio.name,
        page=Raw(page_label(context, shown)),
        items=Raw("\n".join(lines[shown.start : shown.stop])),
        everyone=Raw(context.t("perm.all_on" if everyone else "perm.all_off")),
    )
    buttons: list[Button] = [
        (
            context.t("btn.perm_all_off" if everyone else "btn.perm_all_on"),
            PERMISSION.pack(studio.id, None, not everyone, shown.number),
        )
    ]
    if not everyone:
        buttons += [
            (
                context.t(
                    "btn.perm_off" if grant.may_record_activities else "btn.perm_on",
                    name=(name or str(grant.user_id))[:16],
                ),
                PERMISSION.pack(studio.id, grant.id, not grant.may_record_activities, shown.number),
            )
            for grant, name in members[shown.start : shown.stop]
        ]
    nav = shown.nav(lambda p: PANEL_PAGE.pack(studio.id, p))
    ids = [s.id for s in studios]
    if studio.id in ids and len(ids) > 1:  # the other studios this person leads
        at = ids.index(studio.id)
        if at > 0:
            nav.append(("⏮", PANEL_PAGE.pack(ids[at - 1], 0)))
        if at + 1 < len(ids):
            nav.append(("⏭", PANEL_PAGE.pack(ids[at + 1], 0)))
    return text, InlineKeyboardMarkup(
        [*rows(buttons, 2).inline_keyboard, *rows(nav, 4).inline_keyboard]
    )


async def permission_button(update: Update, context: BotContext) -> None:
    """Allow or withdraw, for one member or all — re-checked: leader only."""
    studio_id, grant_id, allowed, page = await PERMISSION.read(update)
    async with context.session() as session:
        service = LedgerService(session)
        await service.set_activity_permission(context.user_id, studio_id, grant_id, allowed)
        studio, members = await service.activity_permissions(context.user_id, studio_id)
        studios = await service.writable_studios(context.user_id, "member")
        told = [
            (g.user_id, await session.get(User, g.user_id))
            for g, _ in members
            if grant_id is None or g.id == grant_id
        ]
    text, keyboard = _panel(context, studio, members, page, studios)
    query = update.callback_query
    assert query is not None
    await query.edit_message_text(text, reply_markup=keyboard)
    # The member hears it from the bot, not by trying /activity.
    for user_id, user in told:
        lang = language_of(user)
        key = "perm.granted" if allowed else "perm.withdrawn"
        await tell(context, user_id, t(lang, key, studio=studio.name))
