"""/ledger: a studio's ledgers listed. The studio's own people get ✏ and 🗑 (delete asks
first, and 「已删除」 brings a deleted entry back); unions and a revoked studio's former
leader read. Files kept with an entry are listed and sent back on a press."""

from __future__ import annotations

import html
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import forms
from bot.context import BotContext
from bot.forms import Form
from bot.handlers.common import answer, private_only, studio_label
from bot.handlers.files import file_buttons, file_lines, short
from bot.handlers.ledgers.ack import ask_ack
from bot.handlers.ledgers.base import readable_studios, revoked_note
from bot.handlers.ledgers.buttons import (
    DELETE,
    DELETE_NO,
    DELETE_YES,
    DELETED,
    EDIT,
    LIST,
    REFILE,
    RESTORE,
)
from bot.handlers.ledgers.spec import SPECS, files_step
from bot.i18n import Raw
from bot.keyboards import Button, rows
from storage.files import FileData
from storage.ledgers import LedgerService
from storage.models import ReviewStatus

SHOWN = 10
FILES_SHOWN = 3  # per entry, so a list of ten stays one message
ITEM_SHOWN = 120  # characters of one entry in the list (the export has every word)


@private_only
async def ledger_command(update: Update, context: BotContext) -> None:
    studios = await readable_studios(context)
    if not studios:
        async with context.session() as session:
            refusal = await LedgerService(session).refusal(context.user_id)
        await answer(update, context, context.t(refusal.key, **refusal.params))
        return
    buttons = [
        (f"{studio_label(s)} · {context.t(f'ledger.{kind}')}", LIST.pack(kind, s.id))
        for s in studios[:8]
        for kind in SPECS
    ]
    notes = [
        f"{s.name}：{revoked_note(context, s)}" for s in studios[:8] if revoked_note(context, s)
    ]
    text = "\n".join([context.t("ledger.choose"), *notes])
    await answer(update, context, text, rows(buttons, 2))


async def ledger_button(update: Update, context: BotContext) -> None:
    kind, studio_id = await LIST.read(update)
    await _show(update, context, kind, studio_id)


async def _show(update: Update, context: BotContext, kind: str, studio_id: int) -> None:
    ledger = Raw(context.t(f"ledger.{kind}"))
    async with context.session() as session:
        service = LedgerService(session)
        studio = await service.studio_for_read(context.user_id, studio_id)
        records = await service.records(context.user_id, studio_id, kind)
        shown = records[-SHOWN:]
        files = await service.files_of(kind, [r.id for r in shown])
        writable = await service.may_change(context.user_id, studio, kind)
        mine = {r.id for r in shown if await service.may_change(context.user_id, studio, kind, r)}
        deleted = (
            len(await service.records(context.user_id, studio_id, kind, deleted=True))
            if writable
            else 0
        )
    note = revoked_note(context, studio)
    extra: list[Button] = []
    if deleted:
        extra.append((context.t("btn.deleted_view", count=deleted), DELETED.pack(kind, studio_id)))
    if not records:
        key = "ledger.empty" if writable else "ledger.empty_read"
        text = context.t(key, ledger=ledger, command=f"/{kind}")
        await answer(update, context, _with_note(text, note), rows(extra) if extra else None)
        return
    lines = []
    buttons: list[Button] = []
    for n, r in enumerate(shown, 1):
        item = short(describe(context, kind, r), ITEM_SHOWN)
        lines.append(html.escape(f"{n}. {item}", quote=False))
        kept = files.get(r.id, [])
        lines += file_lines(context.t, kept[:FILES_SHOWN], "    ")
        if len(kept) > FILES_SHOWN:
            lines.append("    " + context.t("files.more", count=len(kept)))
        if r.id in mine:
            buttons += [
                (context.t("btn.edit", n=n), EDIT.pack(kind, r.id)),
                (context.t("btn.delete", n=n), DELETE.pack(kind, r.id)),
            ]
            if getattr(r, "review_status", None) is ReviewStatus.RETURNED and kind == "achievement":
                buttons.append((context.t("btn.replace_files", n=n), REFILE.pack(kind, r.id)))
        buttons += file_buttons(context.t, kept[:FILES_SHOWN])
    hint = context.t(
        "ledger.hint_write" if mine else ("ledger.hint_revoked" if note else "ledger.hint_read")
    )
    if any(files.get(r.id) for r in shown):
        hint += " " + context.t("ledger.hint_files")
    text = context.t(
        "ledger.list", ledger=ledger, count=len(records), items=Raw("\n".join(lines)),
        hint=Raw(hint),
    )  # fmt: skip
    grid = [*buttons, *extra]
    await answer(update, context, _with_note(text, note), rows(grid, 2) if grid else None)


def _with_note(text: str, note: str) -> str:
    return f"{note}\n{text}" if note else text


def describe(context: BotContext, kind: str, r: Any) -> str:
    return SPECS[kind].line(context, r)


# ------------------------------------------------------------- delete, asking first
async def delete_button(update: Update, context: BotContext) -> None:
    """Say what will be deleted and ask; nothing changes yet."""
    kind, record_id = await DELETE.read(update)
    async with context.session() as session:
        record = await LedgerService(session).record_for_write(context.user_id, kind, record_id)
    text = context.t(
        "ledger.delete_confirm",
        ledger=Raw(context.t(f"ledger.{kind}")),
        item=describe(context, kind, record),
    )
    buttons = [
        (context.t("btn.delete_yes"), DELETE_YES.pack(kind, record_id)),
        (context.t("btn.delete_no"), DELETE_NO),
    ]
    await answer(update, context, text, rows(buttons, 2))


async def delete_confirmed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is not None and query.data == DELETE_NO:
        await query.answer()
        await answer(update, context, context.t("ledger.delete_kept"))
        return
    kind, record_id = await DELETE_YES.read(update)
    async with context.session() as session:
        record = await LedgerService(session).delete(
            context.user_id, kind, record_id, now=context.now()
        )
    text = context.t(
        "ledger.deleted",
        ledger=Raw(context.t(f"ledger.{kind}")),
        item=describe(context, kind, record),
    )
    await answer(update, context, text)


# ---------------------------------------------------------------- deleted, restored
async def deleted_button(update: Update, context: BotContext) -> None:
    """The entries taken out of a ledger, each with ♻ to restore."""
    kind, studio_id = await DELETED.read(update)
    async with context.session() as session:
        records = await LedgerService(session).records(
            context.user_id, studio_id, kind, deleted=True
        )
    ledger = Raw(context.t(f"ledger.{kind}"))
    if not records:
        await answer(update, context, context.t("ledger.deleted_none", ledger=ledger))
        return
    shown = sorted(records, key=lambda r: r.deleted_at)[-SHOWN:]
    lines = [
        context.t(
            "ledger.deleted_item",
            n=n,
            item=short(describe(context, kind, r), ITEM_SHOWN),
            when=r.deleted_at.astimezone(context.deps.settings.tz).strftime("%Y-%m-%d %H:%M"),
        )
        for n, r in enumerate(shown, 1)
    ]
    buttons = [
        (context.t("btn.restore", n=n), RESTORE.pack(kind, r.id)) for n, r in enumerate(shown, 1)
    ]
    text = context.t(
        "ledger.deleted_list", ledger=ledger, count=len(records), items=Raw("\n".join(lines))
    )
    await answer(update, context, text, rows(buttons, 4))


async def restore_button(update: Update, context: BotContext) -> None:
    kind, record_id = await RESTORE.read(update)
    async with context.session() as session:
        record = await LedgerService(session).restore(context.user_id, kind, record_id)
    text = context.t(
        "ledger.restored",
        ledger=Raw(context.t(f"ledger.{kind}")),
        item=describe(context, kind, record),
    )
    await answer(update, context, text)


# ------------------------------------------------- a returned entry's files replaced
async def _refile_summary(context: BotContext, data: dict[str, Any]) -> str:
    names = ", ".join(f["file_name"] for f in data.get("attachments", [])) or "-"
    return context.t("ledger.refile_summary", title=data["title"], files=names)


async def _refile_submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    kind = data["kind"]
    files = [FileData(**f) for f in data.get("attachments", [])]
    changed = await LedgerService(session).replace_files(
        context.user_id, kind, int(data["record"]), files, now=context.now()
    )
    text = context.t("ledger.refiled", title=data["title"], count=len(files))
    if changed.officers:
        text += "\n" + context.t("ledger.sent_for_ack")
    await answer(update, context, text)
    for officer in changed.officers:
        await ask_ack(context, officer, kind, changed.record.id, changed.studio.name, data["title"])


REFILE_FORM: Form = forms.register(
    Form(
        name="refile",
        title="ledger.refile_title",
        steps=(files_step("attachments", "ledger.ask.new_attachments"),),
        summary=_refile_summary,
        submit=_refile_submit,
    )
)


async def replace_files_button(update: Update, context: BotContext) -> None:
    """The union returned it (e.g. a scan it could not read): send its files again."""
    kind, record_id = await REFILE.read(update)
    async with context.session() as session:
        record = await LedgerService(session).record_for_write(context.user_id, kind, record_id)
    if kind != "achievement" or record.review_status is not ReviewStatus.RETURNED:
        await answer(update, context, context.t("ledger.files_not_returned"))
        return
    data = {"kind": kind, "record": record_id, "title": record.title}
    await forms.start(update, context, REFILE_FORM, data)
