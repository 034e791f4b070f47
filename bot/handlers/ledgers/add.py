"""Adding to a ledger: one guided form per ledger (Art. 6, 9, 11), generated from its spec."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import forms
from bot.context import BotContext
from bot.forms import Form, Step, Submit
from bot.handlers.common import answer, private_only
from bot.handlers.ledgers import permissions
from bot.handlers.ledgers.ack import ask_ack
from bot.handlers.ledgers.base import studio_options
from bot.handlers.ledgers.spec import ACHIEVEMENT, ACTIVITY, FUNDS, MEMBER, PROJECT, LedgerSpec
from bot.i18n import Raw
from bot.parsing import format_fen
from storage.files import FileData
from storage.ledgers import LedgerService
from storage.models import FundDirection, MemberEventKind

# Lines a ledger's summary adds below its fields (the funds' warnings).
Notes = Callable[[BotContext, dict[str, Any]], Awaitable[list[str]]]


def _summary(
    spec: LedgerSpec, notes: Notes | None
) -> Callable[[BotContext, dict[str, Any]], Awaitable[str]]:
    async def summary(context: BotContext, data: dict[str, Any]) -> str:
        studio = dict(await studio_options(spec.kind)(context, data)).get(data["studio"], "")
        ledger = Raw(context.t(f"ledger.{spec.kind}"))
        lines = [context.t("ledger.summary_title", ledger=ledger, studio=studio)]
        lines += [
            context.t(
                "ledger.summary_line",
                field=Raw(context.t(f"field.{f.name}")),
                value=await f.shown(context, data),
            )
            for f in spec.fields
            if f.name in data
        ]
        if notes is not None:
            lines += await notes(context, data)
        return "\n".join(lines)

    return summary


async def _funds_warnings(context: BotContext, data: dict[str, Any]) -> list[str]:
    """Art. 9: said on the summary, before the user confirms — money that may already be
    in the ledger (the naming subsidy is recorded at naming), and spending past the balance."""
    fields = FUNDS.record_fields(data)
    async with context.session() as session:
        service = LedgerService(session)
        twins = await service.likely_duplicates(
            int(data["studio"]),
            fields["direction"],
            fields["source"],
            fields["amount_fen"],
            fields["on_date"],
        )
        balance = await service.balance_fen(int(data["studio"]))
    lines = []
    for twin in twins[:3]:
        lines.append(
            context.t(
                "funds.duplicate",
                date=twin.on_date.isoformat(),
                amount=format_fen(twin.amount_fen),
                purpose=twin.purpose,
            )
        )
    if fields["direction"] is FundDirection.EXPENSE and fields["amount_fen"] > balance:
        lines.append(
            context.t(
                "funds.negative",
                balance=format_fen(balance),
                after=format_fen(balance - fields["amount_fen"]),
            )
        )
    return ["", *lines] if lines else []


def _submit(spec: LedgerSpec) -> Submit:
    kind = spec.kind

    async def submit(
        update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
    ) -> None:
        assert update.effective_user is not None
        kept = data.get(spec.files_field, []) if spec.files_field else []
        files = [FileData(**f) for f in kept]
        service = LedgerService(session)
        added = await service.add(
            update.effective_user.id,
            int(data["studio"]),
            kind,
            spec.record_fields(data),
            files,
            today=context.today(),
        )
        balance = await service.balance_fen(added.studio.id) if kind == "funds" else 0
        key = "ledger.saved_funds" if kind == "funds" else "ledger.saved"
        text = context.t(
            key,
            ledger=Raw(context.t(f"ledger.{kind}")),
            studio=added.studio.name,
            balance=format_fen(balance),
        )
        if added.officers:
            text += "\n" + context.t("ledger.sent_for_ack")
        await answer(update, context, text)
        title = data.get("title", "")
        for officer in added.officers:
            await ask_ack(context, officer, kind, added.record.id, added.studio.name, title)

    return submit


def _form(spec: LedgerSpec, *, submit: Submit | None = None, notes: Notes | None = None) -> Form:
    studio = Step(
        "studio",
        "ledger.ask.studio",
        options=studio_options(spec.kind),
        skip=lambda d: "studio" in d,
    )
    return forms.register(
        Form(
            name=spec.kind,
            title=f"ledger.{spec.kind}",
            steps=(studio, *(f.step() for f in spec.fields)),
            summary=_summary(spec, notes),
            submit=submit or _submit(spec),
        )
    )


async def _member_submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    """A member joins (a record), or leaves or has a development event (a MemberEvent)."""
    if data.get("action") == "join":
        await _submit(MEMBER)(update, context, session, data)
        return
    on_date = date.fromisoformat(data["on_date"])
    member = await LedgerService(session).member_event(
        context.user_id,
        int(data["member_id"]),
        MemberEventKind.LEFT if data["action"] == "leave" else MemberEventKind(data["event"]),
        on_date,
        data.get("description", ""),
    )
    await answer(update, context, context.t("ledger.member_event_saved", name=member.name))


FORMS = {
    "project": _form(PROJECT),
    "achievement": _form(ACHIEVEMENT),
    "activity": _form(ACTIVITY),
    "member": _form(MEMBER, submit=_member_submit),
    "funds": _form(FUNDS, notes=_funds_warnings),
}


async def _start(update: Update, context: BotContext, kind: str) -> None:
    studios = await studio_options(kind)(context, {})
    if not studios:
        # Say who can do it and how: the leader, a permitted member, read-only if revoked.
        async with context.session() as session:
            refusal = await LedgerService(session).refusal(context.user_id, kind)
        await answer(update, context, context.t(refusal.key, **refusal.params))
        return
    data = {"studio": studios[0][0]} if len(studios) == 1 else {}
    await forms.start(update, context, FORMS[kind], data)


def command(kind: str) -> Any:
    @private_only
    async def handler(update: Update, context: BotContext) -> None:
        if kind == "member":
            await permissions.panels(update, context)
        await _start(update, context, kind)

    handler.__name__ = f"{kind}_command"
    return handler
