"""/invite and /invites: one-time deep links, the only way to hand someone a role.

Every step is a button whose id names role and target; the service re-checks the presser's
role and jurisdiction on each press, so a forged or stale button changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.handlers.common import answer, in_id_range, local_time, private_only, role_name, show
from bot.i18n import Raw
from bot.keyboards import Button, rows
from bot.paging import page_label, paginate
from storage.access import load_access
from storage.errors import DomainError
from storage.invitations import InvitationService
from storage.models import Invitation, Role
from storage.unions import UnionService

PAGE = 8
ROLE_CODES = {
    "a": Role.PREFECTURE_ADMIN,
    "o": Role.UNION_OFFICER,
    "l": Role.STUDIO_LEADER,
    "m": Role.STUDIO_MEMBER,
}
CODE_OF = {role: code for code, role in ROLE_CODES.items()}


@private_only
async def invite(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    async with context.session() as session:
        access = await load_access(session, update.effective_user.id)
    roles = access.invitable_roles
    if not roles:
        await answer(update, context, context.t("invite.none_allowed"))
        return
    if len(roles) == 1:
        await _choose_target(update, context, roles[0], 0)
        return
    buttons = [(role_name(context, r), f"inv:r:{CODE_OF[r]}:0") for r in roles]
    await answer(update, context, context.t("invite.choose_role"), rows(buttons, 2))


async def invite_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    await query.answer()
    try:
        kind, code, arg = parts[1], parts[2], int(parts[3]) if len(parts) > 3 else 0
        role = ROLE_CODES[code] if kind not in ("x", "p") else None
        revoke_id = int(code) if kind in ("x", "p") else 0
        if not (in_id_range(arg) and in_id_range(revoke_id)):
            raise ValueError("id out of range")
    except (IndexError, KeyError, ValueError):
        await answer(update, context, context.t("errors.stale_button"))
        return
    if kind == "r" and role is not None:
        await _choose_target(update, context, role, arg)
    elif kind == "u" and role is not None:
        await _create(update, context, role, union_id=arg)
    elif kind == "s" and role is not None:
        await _create(update, context, role, studio_id=arg)
    elif kind == "x":
        await _revoke(update, context, revoke_id)
    elif kind == "p":
        await _list(update, context, page=revoke_id)
    else:
        await answer(update, context, context.t("errors.stale_button"))


async def _choose_target(update: Update, context: BotContext, role: Role, page: int) -> None:
    assert update.effective_user is not None
    async with context.session() as session:
        access = await load_access(session, update.effective_user.id)
        if role not in access.invitable_roles:
            raise DomainError("invite.not_allowed")
        if role is Role.PREFECTURE_ADMIN:
            await _create(update, context, role)
            return
        unions = UnionService(session)
        if role is Role.UNION_OFFICER:
            options = [(u.name, f"inv:u:o:{u.id}") for u in await unions.governed_by(access)]
            prompt, empty = "invite.choose_union", "invite.no_unions"
        else:
            studios = await unions.studios_governed_by(access)
            if role is Role.STUDIO_LEADER:
                studios = [
                    s for s in studios if s.id not in access.leader_studios or access.is_admin
                ]
            options = [(s.name, f"inv:s:{CODE_OF[role]}:{s.id}") for s in studios]
            prompt, empty = "invite.choose_studio", "invite.no_studios"
    if not options:
        await answer(update, context, context.t(empty))
        return
    await show(update, context, context.t(prompt), _paged(options, page, role))


def _paged(options: list[Button], page: int, role: Role) -> InlineKeyboardMarkup:
    page = max(0, min(page, (len(options) - 1) // PAGE))
    shown = options[page * PAGE : (page + 1) * PAGE]
    if page > 0:
        shown.append(("◀", f"inv:r:{CODE_OF[role]}:{page - 1}"))
    if (page + 1) * PAGE < len(options):
        shown.append(("▶", f"inv:r:{CODE_OF[role]}:{page + 1}"))
    return rows(shown, 2)


def _target(context: BotContext, invitation: Invitation) -> str:
    role = role_name(context, invitation.role)
    if invitation.studio is not None:
        scope = invitation.studio.name
    elif invitation.union is not None:
        scope = invitation.union.name
    else:
        scope = context.t("scope.prefecture")
    return context.t("role.scoped", role=Raw(role), scope=scope)


async def _create(
    update: Update,
    context: BotContext,
    role: Role,
    *,
    union_id: int | None = None,
    studio_id: int | None = None,
) -> None:
    assert update.effective_user is not None
    ttl = context.deps.settings.invite_ttl_days
    async with context.session() as session:
        service = InvitationService(session)
        new = await service.create(
            update.effective_user.id,
            role,
            union_id=union_id,
            studio_id=studio_id,
            ttl=timedelta(days=ttl),
            now=context.now(),
        )
        await session.refresh(new.invitation, ["union", "studio"])
        target = _target(context, new.invitation)
    link = f"https://t.me/{context.bot.username}?start={new.code}"
    text = context.t(
        "invite.created",
        target=Raw(target),
        expires=local_time(context, new.invitation.expires_at),
        link=link,
    )
    await answer(update, context, text)


@private_only
async def invites(update: Update, context: BotContext) -> None:
    await _list(update, context, page=0)


async def _list(update: Update, context: BotContext, page: int) -> None:
    """Open invitations, a page at a time (inv:p:<page>), each with its revoke button."""
    async with context.session() as session:
        open_ = await InvitationService(session).open_for(context.user_id, now=context.now())
        items = [(i.id, _target(context, i), local_time(context, i.expires_at)) for i in open_]
    if not items:
        await answer(update, context, context.t("invites.empty"))
        return
    lines = [
        f"{n}. " + context.t("invites.item", target=Raw(target), expires=expires)
        for n, (_, target, expires) in enumerate(items, 1)
    ]
    shown = paginate(lines, page)
    buttons = [
        (context.t("btn.revoke", n=n), f"inv:x:{inv_id}")
        for n, (inv_id, _, _) in enumerate(items, 1)
    ][shown.start : shown.stop]
    text = context.t(
        "invites.list",
        count=len(items),
        page=Raw(page_label(context, shown)),
        items=Raw("\n".join(lines[shown.start : shown.stop])),
    )
    await show(update, context, text, rows(buttons + shown.nav(lambda p: f"inv:p:{p}"), 3))


async def _revoke(update: Update, context: BotContext, invitation_id: int) -> None:
    assert update.effective_user is not None
    async with context.session() as session:
        invitation = await InvitationService(session).revoke(
            update.effective_user.id, invitation_id, now=context.now()
        )
        await session.refresh(invitation, ["union", "studio"])
        target = _target(context, invitation)
    await answer(update, context, context.t("invites.revoked_ok", target=Raw(target)))
