"""/ledger: a studio's ledgers listed, with edit and delete buttons."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.context import BotContext
from bot.handlers.common import answer, pressed, private_only
from bot.handlers.ledgers.base import CODE_OF, KIND_CODES, studio_options
from bot.i18n import Raw
from bot.keyboards import rows
from bot.parsing import format_fen
from storage.ledgers import LEDGERS, LedgerService
from storage.models import FundDirection

SHOWN = 10


@private_only
async def ledger_command(update: Update, context: BotContext) -> None:
    studios = await studio_options(context, {})
    if not studios:
        await answer(update, context, context.t("ledger.no_studio"))
        return
    buttons = [
        (f"{name} · {context.t(f'ledger.{kind}')}", f"lg:{CODE_OF[kind]}:{sid}")
        for sid, name in studios[:8]
        for kind in LEDGERS
    ]
    await answer(update, context, context.t("ledger.choose"), rows(buttons, 2))


async def ledger_button(update: Update, context: BotContext) -> None:
    if (args := await pressed(update, context, KIND_CODES.__getitem__, int)) is None:
        return
    kind, studio_id = args
    code = CODE_OF[kind]
    async with context.session() as session:
        records = await LedgerService(session).records(context.user_id, studio_id, kind)
    if not records:
        ledger = Raw(context.t(f"ledger.{kind}"))
        await answer(update, context, context.t("ledger.empty", ledger=ledger, command=f"/{kind}"))
        return
    shown = records[-SHOWN:]
    lines = [f"{n}. {_describe(context, kind, r)}" for n, r in enumerate(shown, 1)]
    buttons = [
        b
        for n, r in enumerate(shown, 1)
        for b in (
            (context.t("btn.edit", n=n), f"le:{code}:{r.id}"),
            (context.t("btn.delete", n=n), f"ld:{code}:{r.id}"),
        )
    ]
    text = context.t(
        "ledger.list",
        ledger=Raw(context.t(f"ledger.{kind}")),
        count=len(records),
        items="\n".join(lines),
    )
    await answer(update, context, text, rows(buttons, 4))


def _describe(context: BotContext, kind: str, r: Any) -> str:
    if kind == "project":
        return f"{r.year} {r.title}（{context.t(f'review.{r.review_status.value}')}）"
    if kind == "achievement":
        return f"{r.achieved_on} {r.title}（{context.t(f'review.{r.review_status.value}')}）"
    if kind == "activity":
        return f"{r.held_on} {context.t(f'enum.kind.{r.kind.value}')} {r.people_reached}人"
    if kind == "member":
        return f"{r.name} {r.specialty} {r.education} {r.birth_year or ''}"
    sign = "+" if r.direction is FundDirection.INCOME else "-"
    return f"{r.on_date} {sign}{format_fen(r.amount_fen)} {r.purpose}"


async def delete_button(update: Update, context: BotContext) -> None:
    if (args := await pressed(update, context, KIND_CODES.__getitem__, int)) is None:
        return
    kind, record_id = args
    async with context.session() as session:
        await LedgerService(session).delete(context.user_id, kind, record_id)
    await answer(
        update, context, context.t("ledger.deleted", ledger=Raw(context.t(f"ledger.{kind}")))
    )
