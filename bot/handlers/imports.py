"""/import (issue 13 item 5): existing records from a workbook in /export's layout. The
admin, or an officer for their jurisdiction, sends the .xlsx (the forms engine's file step);
it is read in a worker thread and summed up (studios, rows per ledger, problems by sheet and
row); confirming writes everything in one transaction, or nothing."""

from __future__ import annotations

import asyncio
import secrets
from collections import OrderedDict
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
from storage.imports import ImportIssue, ImportService, StudioImport
from storage.models import Honour, StudioStatus, Union

SHOWN_ISSUES = 15  # in the summary; the rest are counted (a message holds 4,096 characters)
KEPT_PLANS = 4  # workbooks read and not yet imported, kept in this process


class _Plans:
    """Workbooks read once, on arrival, until their import is confirmed: showing the summary
    again (✏, ⬅, resuming, a refused confirm) reads nothing again. A bounded memory cache; the
    draft keeps the small part (counts, problems, each studio's name and union), so after a
    restart or on another instance only confirming reads the file again, from Telegram."""

    def __init__(self) -> None:
        self._plans: OrderedDict[str, ImportPlan] = OrderedDict()

    def keep(self, plan: ImportPlan) -> str:
        key = secrets.token_hex(8)
        self._plans[key] = plan
        while len(self._plans) > KEPT_PLANS:
            self._plans.popitem(last=False)
        return key

    def get(self, key: str | None) -> ImportPlan | None:
        return self._plans.get(key) if key else None

    def drop(self, key: str | None) -> None:
        self._plans.pop(key or "", None)

    def clear(self) -> None:
        self._plans.clear()


PLANS = _Plans()


async def _read(context: BotContext, file_id: str) -> ImportPlan:
    file = await context.bot.get_file(file_id)
    content = bytes(await file.download_as_bytearray())
    async with context.session() as session:
        unions = {u.name: u.id for u in await session.scalars(select(Union))}
    # openpyxl in a worker thread: a large workbook must not stall everyone else's chat.
    return await asyncio.to_thread(read_workbook, content, today=context.today(), unions=unions)


def _issue(issue: ImportIssue) -> list[Any]:
    return [issue.sheet, issue.row, issue.key, issue.params]


def _heads(kept: dict[str, Any]) -> list[StudioImport]:
    """The studios as the database check needs them (name, union, where), from the draft."""
    return [
        StudioImport(name=name, leader_name="", leader_honour=Honour.OTHER, union_id=union_id,
                     status=StudioStatus.NAMED, named_on=None, naming_document=None,
                     revoked_on=None, where=(sheet, row))
        for name, union_id, sheet, row in kept["studios"]
    ]  # fmt: skip


async def _receive(file: dict[str, Any], context: BotContext, _: dict[str, Any]) -> Any:
    """The workbook, read once as it arrives; the answer keeps what the summary shows."""
    plan = await _read(context, file["file_id"])
    issues = plan.issues
    if not issues:  # what the database says too (jurisdiction, names taken)
        async with context.session() as session:
            issues = await ImportService(session).check(context.user_id, plan.studios)
    if len(issues) > SHOWN_ISSUES:  # the whole list, as a file beside the summary, once
        everything = "\n".join(describe(issues, context.lang)).encode()
        await context.bot.send_document(
            context.user_id, document=everything, filename="import-problems.txt",
            caption=context.t("import.issues_file", count=len(issues)),
        )  # fmt: skip
    kept = {
        "plan": PLANS.keep(plan),
        "studios": [[s.name, s.union_id, *s.where] for s in plan.studios],
        "rows": plan.rows,
        # The workbook's own problems (the database's are asked again on each showing).
        "issues": [_issue(i) for i in plan.issues[:SHOWN_ISSUES]],
        "issue_count": len(plan.issues),
    }
    return {**file, "read": kept}


def _issues(context: BotContext, issues: list[ImportIssue], count: int) -> str:
    lines = describe(issues[:SHOWN_ISSUES], context.lang)
    more = count - len(lines)
    if more > 0:
        lines.append(context.t("import.more_issues", count=more))
    return "\n".join(lines)


async def _kept(context: BotContext, data: dict[str, Any]) -> dict[str, Any]:
    """What was read of the workbook; a draft from before it was kept is read now."""
    kept = data["file"].get("read")
    if kept is None:
        kept = (await _receive(data["file"], context, data))["read"]
    return dict(kept)


def _stored(kept: dict[str, Any]) -> list[ImportIssue]:
    return [ImportIssue(sheet, row, key, params) for sheet, row, key, params in kept["issues"]]


async def _summary(context: BotContext, data: dict[str, Any]) -> str:
    kept = await _kept(context, data)
    rows = context.t("list.sep").join(
        f"{context.t(f'ledger.{kind}')} {count}" for kind, count in kept["rows"].items()
    )
    text = context.t("import.summary", studios=len(kept["studios"]), rows=rows or "-")
    issues, count = _stored(kept), kept["issue_count"]
    if not count:  # the database may have changed since the file came: asked again
        async with context.session() as session:
            issues = await ImportService(session).check(context.user_id, _heads(kept))
        count = len(issues)
    if count:
        problems = _issues(context, issues, count)
        text += "\n" + context.t("import.summary_issues", count=count, list=problems)
    return text


async def _submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    kept = await _kept(context, data)
    if kept["issue_count"]:  # the workbook's own problems: nothing to read again
        problems = _issues(context, _stored(kept), kept["issue_count"])
        raise DomainError("import.refused", count=kept["issue_count"], list=problems)
    # Read on arrival; after a restart (or on another instance), read again from Telegram.
    plan = PLANS.get(kept["plan"]) or await _read(context, data["file"]["file_id"])
    # In the session the draft was claimed in: the claim and every row, or nothing.
    issues = plan.issues or await ImportService(session).apply(
        context.user_id, plan.studios, now=context.now()
    )
    if issues:
        problems = _issues(context, issues, len(issues))
        raise DomainError("import.refused", count=len(issues), list=problems)
    PLANS.drop(kept["plan"])
    await answer(update, context, context.t("import.done", studios=len(plan.studios)))


def _typed(_: str, __: BotContext, ___: dict[str, Any]) -> Any:
    raise FieldError("import.send_file")  # the workbook itself, not words about it


IMPORT = forms.register(
    Form(
        name="import",
        title="import.title",
        steps=(
            Step(
                "file",
                "import.ask_file",
                parse=_typed,
                files=True,
                label="import.file",
                receive=_receive,
            ),
        ),
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
