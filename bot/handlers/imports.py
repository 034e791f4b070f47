"""/import (issue 13 item 5): existing records from a workbook in /export's layout. The
admin, or an officer for their jurisdiction, sends the .xlsx (the forms engine's file step);
it is read in a worker thread and summed up (studios, rows per ledger, problems by sheet and
row); confirming writes everything in one transaction, or nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import exports, forms
from bot.context import BotContext
from bot.forms import FieldError, Form, Step
from bot.handlers.common import answer, private_only
from bot.imports import ImportPlan, describe, read_workbook
from storage.access import load_access
from storage.errors import DomainError
from storage.imports import ImportService
from storage.models import Union

SHOWN_ISSUES = 15  # in the summary; the rest are counted (a message holds 4,096 characters)


async def _read(context: BotContext, data: dict[str, Any], session: AsyncSession) -> ImportPlan:
    file = await context.bot.get_file(data["file"]["file_id"])
    content = bytes(await file.download_as_bytearray())
    unions = {u.name: u.id for u in await session.scalars(select(Union))}
    # openpyxl in a worker thread: a large workbook must not stall everyone else's chat.
    return await asyncio.to_thread(read_workbook, content, today=context.today(), unions=unions)


def _issues(context: BotContext, plan: ImportPlan, issues: list[Any]) -> str:
    lines = describe(issues[:SHOWN_ISSUES], context.lang)
    more = len(issues) - SHOWN_ISSUES
    if more > 0:
        lines.append(context.t("import.more_issues", count=more))
    return "\n".join(lines)


async def _summary(context: BotContext, data: dict[str, Any]) -> str:
    async with context.session() as session:
        plan = await _read(context, data, session)
    rows = context.t("list.sep").join(
        f"{context.t(f'ledger.{kind}')} {count}" for kind, count in plan.rows.items()
    )
    text = context.t("import.summary", studios=len(plan.studios), rows=rows or "-")
    issues = plan.issues
    if not issues:  # what the database says too (jurisdiction, names taken), before confirming
        async with context.session() as session:
            issues = await ImportService(session).check(context.user_id, plan.studios)
    if issues:
        problems = _issues(context, plan, issues)
        text += "\n" + context.t("import.summary_issues", count=len(issues), list=problems)
    if len(issues) > SHOWN_ISSUES:  # the whole list, as a file beside the summary
        everything = "\n".join(describe(issues, context.lang)).encode()
        await context.bot.send_document(
            context.user_id, document=everything, filename="import-problems.txt",
            caption=context.t("import.issues_file", count=len(issues)),
        )  # fmt: skip
    return text


async def _submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    plan = await _read(context, data, session)  # the session the draft was claimed in
    issues = plan.issues or await ImportService(session).apply(
        context.user_id, plan.studios, now=context.now()
    )
    if issues:
        raise DomainError("import.refused", count=len(issues), list=_issues(context, plan, issues))
    await answer(update, context, context.t("import.done", studios=len(plan.studios)))


def _typed(_: str, __: BotContext, ___: dict[str, Any]) -> Any:
    raise FieldError("import.send_file")  # the workbook itself, not words about it


IMPORT = forms.register(
    Form(
        name="import",
        title="import.title",
        steps=(Step("file", "import.ask_file", parse=_typed, files=True, label="import.file"),),
        summary=_summary,
        submit=_submit,
    )
)


@private_only
async def import_command(update: Update, context: BotContext) -> None:
    async with context.session() as session:
        access = await load_access(session, context.user_id)
    if not (access.is_admin or access.officer_unions):
        await answer(update, context, context.t("errors.not_allowed"))
        return
    if context.args and context.args[0].lower() in ("template", "模板"):
        # The blank template: /export's management layout with no rows.
        content = await asyncio.to_thread(
            exports.build_workbook, [], context.t, context.today(), management=True
        )
        assert update.effective_chat is not None
        await context.bot.send_document(
            update.effective_chat.id, document=content, filename="import-template.xlsx",
            caption=context.t("import.template_caption"),
        )  # fmt: skip
        return
    await forms.start(update, context, IMPORT)
