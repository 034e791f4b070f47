"""/people: take a role away (issue 11). The admin, the officer above or the studio's leader
picks a person, gives a reason and confirms; the person is told, the change is audited and
the invitations their role backed are revoked. Every press is re-checked by PeopleService."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import forms
from bot.context import BotContext
from bot.forms import Form, Step
from bot.handlers.common import (
    answer,
    describe_grant,
    language_of,
    pressed,
    private_only,
    show,
    tell,
)
from bot.i18n import Raw, t
from bot.keyboards import rows
from bot.paging import page_label, paginate
from storage.models import RoleGrant, User
from storage.people import MAX_REASON, PeopleService


@private_only
async def people_command(update: Update, context: BotContext) -> None:
    await _list(update, context, 0, 0)


async def people_button(update: Update, context: BotContext) -> None:
    """pp:p:<studio or 0>:<page> shows a page; pp:x:<grant> starts removing that role."""
    assert update.callback_query is not None and update.callback_query.data is not None
    if update.callback_query.data.startswith("pp:x:"):
        if (args := await pressed(update, context, str, int)) is not None:
            await _start_removal(update, context, args[1])
    elif (args := await pressed(update, context, {"p": "p"}.__getitem__, int, int)) is not None:
        await _list(update, context, args[1], args[2])


async def _list(update: Update, context: BotContext, studio_id: int, page: int) -> None:
    async with context.session() as session:
        holders = await PeopleService(session).removable(context.user_id, studio_id or None)
        items = [(h.grant.id, h.name, describe_grant(context, h.grant)) for h in holders]
    if not items:
        await answer(update, context, context.t("people.empty"))
        return
    lines = [
        f"{n}. " + context.t("people.item", name=name, role=Raw(role))
        for n, (_, name, role) in enumerate(items, 1)
    ]
    shown = paginate(lines, page)
    buttons = [
        (context.t("btn.remove", n=n), f"pp:x:{grant_id}")
        for n, (grant_id, _, _) in enumerate(items, 1)
    ][shown.start : shown.stop]
    nav = shown.nav(lambda p: f"pp:p:{studio_id}:{p}")
    text = context.t(
        "people.list",
        count=len(items),
        items=Raw("\n".join(lines[shown.start : shown.stop])),
        page=Raw(page_label(context, shown)),
    )
    await show(update, context, text, rows(buttons + nav, 3))


async def _start_removal(update: Update, context: BotContext, grant_id: int) -> None:
    async with context.session() as session:
        holder = await PeopleService(session).check(context.user_id, grant_id)
        role = describe_grant(context, holder.grant)
    await forms.start(update, context, REMOVE, {"grant": grant_id, "who": holder.name,
                                                "role": role})  # fmt: skip


async def _summary(context: BotContext, data: dict[str, Any]) -> str:
    return context.t(
        "people.summary", who=data["who"], role=Raw(data["role"]), reason=data["reason"]
    )


def _scoped(lang: str, grant: RoleGrant) -> str:
    role = Raw(t(lang, f"role.{grant.role.value}"))
    scope = grant.studio.name if grant.studio else grant.union.name if grant.union else ""
    return t(lang, "role.scoped", role=role, scope=scope)


async def _submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    removal = await PeopleService(session).remove(
        context.user_id, int(data["grant"]), data["reason"], now=context.now()
    )
    person = await session.get(User, removal.grant.user_id)
    actor = await session.get(User, context.user_id)
    invites = (
        context.t("people.invites_revoked", count=removal.invitations_revoked)
        if removal.invitations_revoked
        else ""
    )
    role = Raw(_scoped(context.lang, removal.grant))
    text = context.t("people.removed", who=removal.name, role=role, invites=Raw(invites))
    await answer(update, context, text)
    lang = language_of(person)
    await tell(
        context,
        removal.grant.user_id,
        t(lang, "people.you_were_removed", role=Raw(_scoped(lang, removal.grant)),
          actor=actor.full_name if actor else "", reason=data["reason"]),
    )  # fmt: skip


REMOVE = forms.register(
    Form(
        name="remove",
        title="people.title",
        steps=(Step("reason", "people.ask.reason", parse=forms.text(MAX_REASON)),),
        summary=_summary,
        submit=_submit,
    )
)
