"""/start (with or without an invitation code), /help, /me and /language."""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Codec
from bot.context import BotContext
from bot.handlers.common import answer, describe_grant, language_of, private_only, show, tell
from bot.i18n import Raw, t
from bot.keyboards import rows
from bot.paging import number, page_label, paginate, read
from storage.accounts import LANGUAGES, AccountService
from storage.invitations import InvitationService
from storage.models import Role, User

ME_PAGE = Codec("mep")  # mep:<page> — a page of /me's roles


async def start(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None:
        return
    if context.args:
        await _accept_invitation(update, context, context.args[0])
        return
    await _greet(update, context)


async def _greet(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    async with context.session() as session:
        profile = await AccountService(session).profile(update.effective_user.id)
    name = update.effective_user.first_name
    if profile.grants:
        roles = "\n".join("· " + describe_grant(context, g) for g in profile.grants)
        text = context.t("start.hello_roles", name=name, roles=Raw(roles))
    else:
        text = context.t("start.hello_guest", name=name)
    keyboard = rows([(context.t("btn.regulation"), "reg"), (context.t("btn.help"), "help")], 2)
    await answer(update, context, text, keyboard)


async def _accept_invitation(update: Update, context: BotContext, code: str) -> None:
    user = update.effective_user
    assert user is not None
    if update.effective_chat is None or update.effective_chat.type != "private":
        # An invitation binds a personal role: never accept it in a group.
        await private_only(start)(update, context)
        return
    async with context.session() as session:
        grant = await InvitationService(session).accept(user.id, code, now=context.now())
        description = describe_grant(context, grant)
        inviter = await session.get(User, grant.granted_by) if grant.granted_by else None
    text = context.t(
        "start.invite_ok",
        role=Raw(description),
        next=Raw(context.t(f"start.next.{grant.role.value}")),
    )
    await answer(update, context, text)
    if inviter is not None:
        await _tell_inviter(context, inviter, user.full_name, grant.role, description)


async def _tell_inviter(
    context: BotContext, inviter: User, name: str, role: Role, description: str
) -> None:
    lang = language_of(inviter)
    target = description if lang == context.lang else t(lang, f"role.{role.value}")
    await tell(
        context, inviter.id, t(lang, "invite.accepted_notice", name=name, target=Raw(target))
    )


async def help_command(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    async with context.session() as session:
        profile = await AccountService(session).profile(update.effective_user.id)
    roles = {g.role for g in profile.grants}
    parts = [context.t("help.header"), context.t("help.everyone")]
    for role, key in (
        (Role.PREFECTURE_ADMIN, "help.admin"),
        (Role.UNION_OFFICER, "help.officer"),
        (Role.STUDIO_LEADER, "help.leader"),
        (Role.STUDIO_MEMBER, "help.member"),
    ):
        if role in roles:
            parts.append(context.t(key))
    if not roles:
        parts.append(context.t("help.guest"))
    await answer(update, context, "\n\n".join(parts))


@private_only
async def me(update: Update, context: BotContext) -> None:
    await _me(update, context, 0)


async def me_page_button(update: Update, context: BotContext) -> None:
    (page,) = await read(ME_PAGE, update, number)
    await _me(update, context, page)


async def _me(update: Update, context: BotContext, page: int) -> None:
    """Who one is, and one's roles a page at a time (mep:<page> turns it in place)."""
    user = update.effective_user
    assert user is not None
    async with context.session() as session:
        profile = await AccountService(session).profile(user.id)
    lines = ["· " + describe_grant(context, g) for g in profile.grants]
    shown = paginate(lines, page)
    roles = "\n".join(lines[shown.start : shown.stop]) if lines else context.t("me.no_roles")
    text = context.t(
        "me.text",
        name=user.full_name,
        id=user.id,
        language=Raw(context.t(f"language.{context.lang}")),
        page=Raw(page_label(context, shown)),
        roles=Raw(roles),
    )
    nav = shown.nav(ME_PAGE.pack)
    await show(update, context, text, rows(nav, 2) if nav else None)


@private_only
async def language(update: Update, context: BotContext) -> None:
    buttons = [(t(code, f"language.{code}"), f"lang:{code}") for code in LANGUAGES]
    await answer(update, context, context.t("language.choose"), rows(buttons, 2))


async def language_chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    code = query.data.removeprefix("lang:")
    async with context.session() as session:
        await AccountService(session).set_language(update.effective_user.id, code)
    if context.user_data is not None:
        context.user_data.lang = code
        context.user_data.forget_seen()
    await query.answer()
    await show(update, context, context.t("language.set"))


async def help_button(update: Update, context: BotContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    await help_command(update, context)
