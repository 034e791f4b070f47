"""Files kept with records come back out: listed by name, type and size, and sent again on
a press (Telegram keeps them; we resend by file_id)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.forms import FILE_TYPES
from bot.handlers.common import answer, pressed
from storage.attachments import readable_attachment
from storage.models import Attachment

Translate = Callable[..., str]
NAME_SHOWN = 40  # context.t, or t bound to another person's language


def size_text(size: int | None) -> str:
    if not size:
        return "?"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def short(text: str, limit: int) -> str:
    """Long names cut, so a list of many records still fits in one message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def file_line(t: Translate, attachment: Attachment) -> str:
    name = short(attachment.file_name, NAME_SHOWN)
    if attachment.file_id is None:  # known by its name only (imported): nothing to send
        return t("files.line_paper", name=name)
    kind = FILE_TYPES.get(attachment.mime_type) or attachment.mime_type[:20] or "?"
    return t("files.line", name=name, type=kind, size=size_text(attachment.file_size))


def file_lines(t: Translate, attachments: Sequence[Attachment], indent: str = "") -> list[str]:
    return [indent + file_line(t, a) for a in attachments]


def downloadable(attachments: Sequence[Attachment]) -> list[Attachment]:
    """Those kept in Telegram; a file known by name only has nothing to send back."""
    return [a for a in attachments if a.file_id is not None]


def file_buttons(t: Translate, attachments: Sequence[Attachment]) -> list[tuple[str, str]]:
    return [(t("btn.file", name=a.file_name[:24]), f"af:{a.id}") for a in downloadable(attachments)]


async def file_button(update: Update, context: BotContext) -> None:
    """af:<attachment> — send the kept file back, if this person may see its record."""
    if (args := await pressed(update, context, int)) is None:
        return
    assert update.effective_chat is not None
    async with context.session() as session:
        attachment = await readable_attachment(session, context.user_id, args[0])
    chat, file_id = update.effective_chat.id, attachment.file_id
    if file_id is None:  # an old or forged button of a file known by name only
        name = short(attachment.file_name, NAME_SHOWN)
        await answer(update, context, context.t("files.paper", name=name))
        return
    caption = file_line(context.t, attachment)
    # A photo's file_id only goes back as a photo, a document's only as a document.
    is_photo = attachment.mime_type.startswith("image/") and attachment.file_name == "photo.jpg"
    try:
        if is_photo:
            await context.bot.send_photo(chat, file_id, caption=caption)
        else:
            await context.bot.send_document(chat, file_id, caption=caption)
    except BadRequest:
        if is_photo:
            await context.bot.send_document(chat, file_id, caption=caption)
        else:
            await context.bot.send_photo(chat, file_id, caption=caption)
