"""Editing one field of a ledger entry; a changed project or achievement goes back to the union."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import forms
from bot.context import BotContext
from bot.forms import FieldError, Form, Step
from bot.handlers.common import answer
from bot.handlers.ledgers import buttons
from bot.handlers.ledgers.ack import ask_ack
from bot.handlers.ledgers.spec import SPECS
from bot.i18n import Raw
from storage.ledgers import LedgerService


def _original(data: dict[str, Any]) -> Step:
    # The field's own step, as the ledger's form asks it.
    return SPECS[data["kind"]].field(data["field"]).step()


async def _edit_fields(context: BotContext, data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f, context.t(f"field.{f}")) for f in SPECS[data["kind"]].editable]


async def _edit_options(context: BotContext, data: dict[str, Any]) -> list[tuple[str, str]]:
    step = _original(data)
    return await step.options(context, data) if step.options else []


def _edit_parse(value: str, context: BotContext, data: dict[str, Any]) -> Any:
    step = _original(data)
    if step.parse is None:
        raise FieldError("form.use_buttons")
    return step.parse(value, context, data)


def _edit_prompt(data: dict[str, Any]) -> str:
    # The original question for that field, e.g. "立项日期（如 2026-03-05）…".
    prompt = _original(data).prompt
    return prompt if isinstance(prompt, str) else "ledger.ask.new_value"


def _edit_choose(value: str, context: BotContext, data: dict[str, Any]) -> Any:
    choose = _original(data).choose
    return choose(value, context, data) if choose else value


async def _edit_summary(context: BotContext, data: dict[str, Any]) -> str:
    return context.t(
        "ledger.edit_summary",
        field=Raw(context.t(f"field.{data['field']}")),
        value=await SPECS[data["kind"]]
        .field(data["field"])
        .shown(context, {**data, data["field"]: data["value"]}),
    )


async def _edit_submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    kind = data["kind"]
    attr, value = SPECS[kind].change(data["field"], data["value"])
    changed = await LedgerService(session).update(
        context.user_id, kind, int(data["record"]), attr, value
    )
    await answer(
        update, context, context.t("ledger.edited", ledger=Raw(context.t(f"ledger.{kind}")))
    )
    for officer in changed.officers:
        title = getattr(changed.record, "title", "")
        await ask_ack(context, officer, kind, changed.record.id, changed.studio.name, title)


EDIT = forms.register(
    Form(
        name="edit",
        title="ledger.edit_title",
        steps=(
            Step("field", "ledger.ask.field", options=_edit_fields, label="field.which"),
            Step(
                "value",
                _edit_prompt,
                parse=_edit_parse,
                options=_edit_options,
                choose=_edit_choose,
                label="field.new_value",
            ),
        ),
        summary=_edit_summary,
        submit=_edit_submit,
    )
)


async def edit_button(update: Update, context: BotContext) -> None:
    kind, record_id = await buttons.EDIT.read(update)
    async with context.session() as session:
        # Refuse now, not after the questions, if this person may not change it.
        record = await LedgerService(session).record_for_write(context.user_id, kind, record_id)
    data = {"kind": kind, "record": record_id, "studio": str(record.studio_id)}
    await forms.start(update, context, EDIT, data)
