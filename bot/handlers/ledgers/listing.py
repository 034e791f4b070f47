"""/ledger: a studio's ledgers listed. The studio's own people get ✏ and 🗑 (delete asks
first, and 「已删除」 brings a deleted entry back); unions and a revoked studio's former
leader read. Files kept with an entry are listed and sent back on a press."""

from __future__ import annotations

import html
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update

from bot import forms
from bot.callbacks import Codec
from bot.context import BotContext
from bot.forms import Form
from bot.handlers.common import answer, private_only, show, studio_label
from bot.handlers.files import downloadable, file_buttons, file_lines, short
from bot.handlers.ledgers.ack import ask_ack
from bot.handlers.ledgers.base import readable_studios, revoked_note
from bot.handlers.ledgers.buttons import (
    CODE_OF,
    DELETE,
    DELETE_NO,
    DELETE_YES,
    DELETED,
    EDIT,
    KIND_CODES,
    LIST,
    REFILE,
    RESTORE,
)
from bot.handlers.ledgers.spec import SPECS, files_step
from bot.i18n import Raw
from bot.keyboards import Button, rows
from bot.paging import number, page_label, paginate, read
from storage.files import FileData
from storage.ledgers import LedgerService
from storage.models import Attachment, ReviewStatus, Studio

PER_PAGE = 10  # entries a page: each brings up to six buttons (✏ 🗑 ↻ and its files)
FILES_SHOWN = 3  # per entry, so a page stays one message
ITEM_SHOWN = 120  # characters of one entry in the list (the export has every word)

# Every list here pages (◀ ▶ edit the message in place): the studios, a ledger's entries,
# what was deleted. lg:/lr: open a ledger on its newest page, as they always did.
STUDIOS_PAGE = Codec("lsp")  # lsp:<page> — the studios whose ledgers one may read
STUDIO_KINDS = Codec("lsk")  # lsk:<studio>:<page it was chosen on> — that studio's ledgers
ENTRIES_PAGE = Codec("lgp")  # lgp:<ledger>:<studio>:<page>
DELETED_PAGE = Codec("lrp")  # lrp:<ledger>:<studio>:<page>
LAST = 2**62  # "the last page": paginate clamps it


@private_only
async def ledger_command(update: Update, context: BotContext) -> None:
    studios = await readable_studios(context)
    if not studios:
        async with context.session() as session:
            refusal = await LedgerService(session).refusal(context.user_id)
        await answer(update, context, context.t(refusal.key, **refusal.params))
        return
    if len(studios) == 1:
        await _kinds(update, context, studios[0], None)
        return
    await _studios(update, context, studios, 0)


async def studios_button(update: Update, context: BotContext) -> None:
    """lsp:<page> turns the studio list's page; lsk:<studio>:<page> offers its ledgers."""
    assert update.callback_query is not None and update.callback_query.data is not None
    if STUDIOS_PAGE.matches(update.callback_query.data):
        (page,) = await read(STUDIOS_PAGE, update, number)
        await _studios(update, context, await readable_studios(context), page)
        return
    studio_id, page = await read(STUDIO_KINDS, update, number, number)
    async with context.session() as session:
        studio = await LedgerService(session).studio_for_read(context.user_id, studio_id)
    await _kinds(update, context, studio, page)


async def _studios(update: Update, context: BotContext, studios: list[Studio], page: int) -> None:
    labels = [studio_label(s) + (" ⚠️" if revoked_note(context, s) else "") for s in studios]
    shown = paginate(labels, page)
    picked = [
        (label, STUDIO_KINDS.pack(s.id, shown.number))
        for label, s in zip(labels, studios, strict=True)
    ][shown.start : shown.stop]
    text = context.t(
        "ledger.choose_studio", count=len(studios), page=Raw(page_label(context, shown))
    )
    nav = rows(shown.nav(STUDIOS_PAGE.pack), 2).inline_keyboard
    grid = [*rows(picked, 1).inline_keyboard, *nav]
    await show(update, context, text, InlineKeyboardMarkup(grid))


async def _kinds(update: Update, context: BotContext, studio: Studio, page: int | None) -> None:
    """The studio's ledgers; ↩ back to the page of studios it was chosen on."""
    buttons = [(context.t(f"ledger.{kind}"), LIST.pack(kind, studio.id)) for kind in SPECS]
    if page is not None:
        buttons.append((context.t("btn.back"), STUDIOS_PAGE.pack(page)))
    text = context.t("ledger.choose_kind", studio=studio_label(studio))
    await show(update, context, _with_note(text, revoked_note(context, studio)), rows(buttons, 2))


async def ledger_button(update: Update, context: BotContext) -> None:
    kind, studio_id = await LIST.read(update)
    await _show(update, context, kind, studio_id, LAST)


async def entries_page_button(update: Update, context: BotContext) -> None:
    kind, studio_id, page = await read(ENTRIES_PAGE, update, _kind, number, number)
    await _show(update, context, kind, studio_id, page, turned=True)


def _kind(code: str) -> str:
    return KIND_CODES[code]


def _item(context: BotContext, kind: str, n: int, record: Any, kept: list[Attachment]) -> str:
    """One entry as the list shows it: its line, and up to FILES_SHOWN files under it."""
    lines = [html.escape(f"{n}. " + short(describe(context, kind, record), ITEM_SHOWN),
                         quote=False)]  # fmt: skip
    lines += file_lines(context.t, kept[:FILES_SHOWN], "    ")
    if len(kept) > FILES_SHOWN:
        lines.append("    " + context.t("files.more", count=len(kept)))
    return "\n".join(lines)


async def _show(
    update: Update, context: BotContext, kind: str, studio_id: int, page: int, turned: bool = False
) -> None:
    ledger = Raw(context.t(f"ledger.{kind}"))
    async with context.session() as session:
        service = LedgerService(session)
        studio = await service.studio_for_read(context.user_id, studio_id)
        records = await service.records(context.user_id, studio_id, kind)
        writable = await service.may_change(context.user_id, studio, kind)
        deleted = (
            len(await service.records(context.user_id, studio_id, kind, deleted=True))
            if writable
            else 0
        )
        files = await service.files_of(kind, [r.id for r in records])
        # Whole entries to a page, each with the files kept with it.
        items = [_item(context, kind, n, r, files.get(r.id, [])) for n, r in enumerate(records, 1)]
        shown = paginate(items, page, per_page=PER_PAGE)
        on_page = records[shown.start : shown.stop]
        mine = {r.id for r in on_page if await service.may_change(context.user_id, studio, kind, r)}
    note = revoked_note(context, studio)
    extra: list[Button] = []
    if deleted:
        extra.append((context.t("btn.deleted_view", count=deleted), DELETED.pack(kind, studio_id)))
    if not records:
        key = "ledger.empty" if writable else "ledger.empty_read"
        text = context.t(key, ledger=ledger, command=f"/{kind}")
        await _put(update, context, turned, _with_note(text, note), rows(extra) if extra else None)
        return
    buttons: list[Button] = []
    for n, r in enumerate(on_page, shown.start + 1):
        if r.id in mine:
            buttons += [
                (context.t("btn.edit", n=n), EDIT.pack(kind, r.id)),
                (context.t("btn.delete", n=n), DELETE.pack(kind, r.id)),
            ]
            if getattr(r, "review_status", None) is ReviewStatus.RETURNED and kind == "achievement":
                buttons.append((context.t("btn.replace_files", n=n), REFILE.pack(kind, r.id)))
        buttons += file_buttons(context.t, files.get(r.id, [])[:FILES_SHOWN])
    hint = context.t(
        "ledger.hint_write" if mine else ("ledger.hint_revoked" if note else "ledger.hint_read")
    )
    if any(downloadable(files.get(r.id, [])) for r in on_page):
        hint += " " + context.t("ledger.hint_files")
    text = context.t(
        "ledger.list", ledger=ledger, count=len(records), page=Raw(page_label(context, shown)),
        items=Raw("\n".join(items[shown.start : shown.stop])), hint=Raw(hint),
    )  # fmt: skip
    nav = shown.nav(lambda p: ENTRIES_PAGE.pack(CODE_OF[kind], studio_id, p))
    grid = [*rows([*buttons, *extra], 2).inline_keyboard, *rows(nav, 2).inline_keyboard]
    keyboard = InlineKeyboardMarkup(grid) if grid else None
    await _put(update, context, turned, _with_note(text, note), keyboard)


async def _put(
    update: Update,
    context: BotContext,
    turned: bool,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
) -> None:
    # A page turn edits the list in place; opening a ledger is a message of its own.
    await (show if turned else answer)(update, context, text, keyboard)


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
    """The entries taken out of a ledger, each with ♻ to restore; the latest page first."""
    kind, studio_id = await DELETED.read(update)
    await _deleted(update, context, kind, studio_id, LAST, turned=False)


async def deleted_page_button(update: Update, context: BotContext) -> None:
    kind, studio_id, page = await read(DELETED_PAGE, update, _kind, number, number)
    await _deleted(update, context, kind, studio_id, page, turned=True)


async def _deleted(
    update: Update, context: BotContext, kind: str, studio_id: int, page: int, turned: bool
) -> None:
    async with context.session() as session:
        records = await LedgerService(session).records(
            context.user_id, studio_id, kind, deleted=True
        )
    ledger = Raw(context.t(f"ledger.{kind}"))
    if not records:
        await _put(update, context, turned, context.t("ledger.deleted_none", ledger=ledger), None)
        return
    ordered = sorted(records, key=lambda r: (r.deleted_at, r.id))
    lines = [
        context.t(
            "ledger.deleted_item",
            n=n,
            item=short(describe(context, kind, r), ITEM_SHOWN),
            when=r.deleted_at.astimezone(context.deps.settings.tz).strftime("%Y-%m-%d %H:%M"),
        )
        for n, r in enumerate(ordered, 1)
    ]
    shown = paginate(lines, page)
    buttons = [
        (context.t("btn.restore", n=n), RESTORE.pack(kind, r.id)) for n, r in enumerate(ordered, 1)
    ][shown.start : shown.stop]
    text = context.t(
        "ledger.deleted_list",
        ledger=ledger,
        count=len(records),
        page=Raw(page_label(context, shown)),
        items=Raw("\n".join(lines[shown.start : shown.stop])),
    )
    nav = shown.nav(lambda p: DELETED_PAGE.pack(CODE_OF[kind], studio_id, p))
    grid = [*rows(buttons, 4).inline_keyboard, *rows(nav, 2).inline_keyboard]
    await _put(update, context, turned, text, InlineKeyboardMarkup(grid))


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
