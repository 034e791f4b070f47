"""Guided multi-step forms whose state lives in the database (storage.drafts).

A form is a list of steps; each step asks one thing, by buttons where the choice is finite.
The state survives restarts and is shared by instances, `/cancel` works at any step, and
⬅ goes back one step. Buttons carry the step index, so a stale button changes nothing.
"""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.handlers.common import answer
from bot.i18n import Raw
from bot.parsing import parse_date, parse_yuan_to_fen
from storage import drafts
from storage.errors import DomainError

Options = Callable[[BotContext, dict[str, Any]], Awaitable[list[tuple[str, str]]]]
Parse = Callable[[str, BotContext, dict[str, Any]], Any]
MAX_TEXT = 1000


class FieldError(Exception):
    """Bad input for a step: the message key to show, and whether the form ends here."""

    def __init__(self, key: str, *, end: bool = False, **params: Any) -> None:
        super().__init__(key)
        self.key, self.end, self.params = key, end, params


@dataclass(frozen=True)
class Step:
    name: str
    prompt: str | Callable[[dict[str, Any]], str]  # catalog key, or one chosen from the data
    parse: Parse | None = None  # for typed answers; raise FieldError on bad input
    options: Options | None = None  # buttons (value, label); typing is also allowed if parse
    choose: Callable[[str, BotContext, dict[str, Any]], Any] | None = None  # validate a button
    skip: Callable[[dict[str, Any]], bool] | None = None
    files: bool = False  # accepts a photo or document (PDF, Word, Excel) instead of text
    multi: bool = False  # with files: collect several, until the "done" button


# Attachments kept with records: what we accept, and Telegram's 20 MB bot download limit.
FILE_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
}
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10


@dataclass(frozen=True)
class Form:
    name: str
    title: str  # catalog key
    steps: tuple[Step, ...]
    summary: Callable[[BotContext, dict[str, Any]], Awaitable[str]]
    submit: Callable[[Update, BotContext, dict[str, Any]], Awaitable[None]]


FORMS: dict[str, Form] = {}


def register(form: Form) -> Form:
    FORMS[form.name] = form
    return form


def _user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def start(
    update: Update, context: BotContext, form: Form, data: dict[str, Any] | None = None
) -> None:
    state = {"form": form.name, "i": 0, "data": data or {}}
    await _advance(update, context, form, state, 0)


async def _save(context: BotContext, user_id: int, state: dict[str, Any]) -> None:
    async with context.session() as session:
        await drafts.save(session, user_id, state)


async def current(context: BotContext, user_id: int) -> tuple[Form, dict[str, Any]] | None:
    async with context.session() as session:
        state = await drafts.load(session, user_id)
    if not state or state.get("form") not in FORMS:
        return None
    return FORMS[state["form"]], state


async def cancel(update: Update, context: BotContext) -> bool:
    async with context.session() as session:
        return await drafts.clear(session, _user_id(update))


async def _advance(
    update: Update, context: BotContext, form: Form, state: dict[str, Any], i: int
) -> None:
    """Move to step i (skipping steps that do not apply), or to the summary."""
    while i < len(form.steps) and (skip := form.steps[i].skip) and skip(state["data"]):
        i += 1
    state["i"] = i
    await _save(context, _user_id(update), state)
    await _prompt(update, context, form, state)


def _nav(context: BotContext, back: bool) -> list[InlineKeyboardButton]:
    row = [InlineKeyboardButton(context.t("form.cancel_btn"), callback_data="f:cancel")]
    if back:
        row.insert(0, InlineKeyboardButton(context.t("form.back_btn"), callback_data="f:back"))
    return row


async def _prompt(update: Update, context: BotContext, form: Form, state: dict[str, Any]) -> None:
    i = state["i"]
    if i >= len(form.steps):
        text = await form.summary(context, state["data"])
        grid = [
            [InlineKeyboardButton(context.t("form.submit_btn"), callback_data="f:ok")],
            _nav(context, True),
        ]
        await answer(update, context, text + "\n\n" + context.t("form.confirm"),
                     InlineKeyboardMarkup(grid))  # fmt: skip
        return
    step = form.steps[i]
    grid = []
    if step.options is not None:
        options = await step.options(context, state["data"])
        buttons = [
            InlineKeyboardButton(label, callback_data=f"f:{i}:{n}:{_digest(value)}")
            for n, (value, label) in enumerate(options)
        ]
        grid = [buttons[k : k + 2] for k in range(0, len(buttons), 2)]
    grid.append(_nav(context, _previous(form, state) is not None))
    progress = context.t("form.progress", title=Raw(context.t(form.title)), n=i + 1,
                         total=len(form.steps))  # fmt: skip
    prompt = step.prompt(state["data"]) if callable(step.prompt) else step.prompt
    text = progress + "\n" + context.t(prompt, **_prompt_params(state["data"]))
    await answer(update, context, text, InlineKeyboardMarkup(grid))


def _prompt_params(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if isinstance(v, str | int)}


async def on_file(update: Update, context: BotContext) -> bool:
    """A photo or document sent to a step that takes files; False if no such step is open."""
    message = update.message
    if message is None:
        return False
    found = await current(context, _user_id(update))
    if found is None:
        return False
    form, state = found
    i = state["i"]
    if i >= len(form.steps) or not form.steps[i].files:
        return False
    step = form.steps[i]
    file: dict[str, Any]
    if message.photo:
        photo = message.photo[-1]
        file = {
            "file_id": photo.file_id,
            "file_unique_id": photo.file_unique_id,
            "file_name": "photo.jpg",
            "file_size": photo.file_size,
            "mime_type": "image/jpeg",
        }
    elif message.document:
        doc = message.document
        file = {
            "file_id": doc.file_id,
            "file_unique_id": doc.file_unique_id,
            "file_name": (doc.file_name or "file")[:200],
            "file_size": doc.file_size,
            "mime_type": doc.mime_type or "",
        }
    else:
        return False

    def check() -> dict[str, Any]:
        if file["mime_type"] not in FILE_TYPES:
            raise FieldError("form.file_type", kinds="、".join(sorted(set(FILE_TYPES.values()))))
        if (file["file_size"] or 0) > MAX_FILE_BYTES:
            raise FieldError("form.file_size", max=MAX_FILE_BYTES // (1024 * 1024))
        return file

    if step.multi:
        try:
            checked = check()
        except FieldError as err:
            await answer(update, context, context.t(err.key, **err.params))
            return True
        collected = [*state["data"].get(step.name, []), checked]
        if len(collected) > MAX_FILES:
            await answer(update, context, context.t("form.too_many_files", max=MAX_FILES))
            return True
        state["data"][step.name] = collected
        await _save(context, _user_id(update), state)
        await answer(update, context, context.t("form.file_received", count=len(collected)))
        return True
    await _apply(update, context, form, state, step, check)
    return True


async def on_text(update: Update, context: BotContext) -> bool:
    """Feed typed text to the user's open form; False if they have none."""
    assert update.message is not None and update.message.text is not None
    found = await current(context, _user_id(update))
    if found is None:
        return False
    form, state = found
    i = state["i"]
    if i >= len(form.steps):
        await answer(update, context, context.t("form.press_submit"))
        return True
    step = form.steps[i]
    text = update.message.text.strip()
    if step.parse is None:
        await answer(update, context, context.t("form.use_buttons"))
        await _prompt(update, context, form, state)
        return True
    if len(text) > MAX_TEXT:
        await answer(update, context, context.t("form.too_long", max=MAX_TEXT))
        return True
    parse = step.parse
    await _apply(update, context, form, state, step, lambda: parse(text, context, state["data"]))
    return True


async def _apply(
    update: Update,
    context: BotContext,
    form: Form,
    state: dict[str, Any],
    step: Step,
    compute: Callable[[], Any],
) -> None:
    try:
        value = compute()
        if isinstance(value, Awaitable):
            value = await value
    except FieldError as err:
        await answer(update, context, context.t(err.key, **err.params))
        if err.end:
            await cancel(update, context)
        return
    state["data"][step.name] = value
    await _advance(update, context, form, state, state["i"] + 1)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    found = await current(context, _user_id(update))
    if found is None:
        await answer(update, context, context.t("form.none_open"))
        return
    form, state = found
    data = query.data.split(":")
    if data[1] == "cancel":
        await cancel(update, context)
        await answer(update, context, context.t("form.cancelled"))
    elif data[1] == "back":
        await _back(update, context, form, state)
    elif data[1] == "ok":
        if state["i"] < len(form.steps):
            await answer(update, context, context.t("errors.stale_button"))
            return
        # Clear first: if the reply is lost after the record is saved, pressing again must
        # not save it twice. A refusal puts the draft back so it can be corrected.
        await cancel(update, context)
        try:
            await form.submit(update, context, state["data"])
        except DomainError:
            await _save(context, _user_id(update), state)
            raise
    else:
        await _choose(update, context, form, state, data)


def _previous(form: Form, state: dict[str, Any]) -> int | None:
    """The nearest earlier step that applies to this form's data, if any."""
    for i in range(state["i"] - 1, -1, -1):
        skip = form.steps[i].skip
        if not (skip and skip(state["data"])):
            return i
    return None


async def _back(update: Update, context: BotContext, form: Form, state: dict[str, Any]) -> None:
    i = _previous(form, state)
    if i is not None:
        state["i"] = i
        await _save(context, _user_id(update), state)
    await _prompt(update, context, form, state)


async def _choose(
    update: Update, context: BotContext, form: Form, state: dict[str, Any], data: list[str]
) -> None:
    try:
        i, n = int(data[1]), int(data[2])
    except (IndexError, ValueError):
        i, n = -1, -1
    step = form.steps[i] if 0 <= i < len(form.steps) else None
    if i != state["i"] or step is None or step.options is None:
        await answer(update, context, context.t("errors.stale_button"))
        return
    options = await step.options(context, state["data"])
    if len(data) > 3:
        # The button names its choice by a digest of the value (e.g. a member's id), not only
        # by position: if the list changed since it was shown, the same choice is found or the
        # press is refused, never another person picked.
        n = next((k for k, (v, _) in enumerate(options) if _digest(v) == data[3]), -1)
    if not 0 <= n < len(options):
        await answer(update, context, context.t("errors.stale_button"))
        return
    value = options[n][0]
    choose = step.choose
    await _apply(update, context, form, state, step,
                 lambda: choose(value, context, state["data"]) if choose else value)  # fmt: skip


def _digest(value: str) -> str:
    return f"{zlib.crc32(value.encode()):08x}"


SKIP_WORDS = ("无", "没有", "跳过", "-", "none", "skip")


def files_done(value: str, _: BotContext, data: dict[str, Any]) -> Any:
    """The "done" button of a multi-file step (its name is passed as the value)."""
    return data.get(value, [])


def no_files(name: str) -> Parse:
    def parse(value: str, _: BotContext, data: dict[str, Any]) -> Any:
        if value in SKIP_WORDS or value in ("完成", "好了", "done"):
            return data.get(name, [])
        raise FieldError("form.send_file")

    return parse


def text(max_len: int, *, optional: bool = False) -> Parse:
    """A typed answer of at most `max_len` characters (「无」 for none when optional)."""

    def parse(value: str, _: BotContext, __: dict[str, Any]) -> str:
        if optional and value in SKIP_WORDS:
            return ""
        if not value:
            raise FieldError("form.empty")
        if len(value) > max_len:
            raise FieldError("form.too_long", max=max_len)
        return value

    return parse


MAX_FEN = 10**12  # ten billion yuan: anything larger is a typo


def past_date(*, optional: bool = False) -> Parse:
    """A date in any common format, not in the future (ISO text; "" for none if optional)."""

    def parse(value: str, context: BotContext, _: dict[str, Any]) -> str:
        if optional and value in SKIP_WORDS:
            return ""
        today = context.today()
        day = parse_date(value, today)
        if day is None:
            raise FieldError("form.bad_date")
        if day > today:
            raise FieldError("form.future_date")
        if day.year < 2000:
            raise FieldError("form.too_old_date")
        return day.isoformat()

    return parse


def yuan(*, optional: bool = False) -> Parse:
    """An amount in yuan to the fen, stored as fen (0 for none if optional)."""

    def parse(value: str, _: BotContext, __: dict[str, Any]) -> int:
        if optional and value in (*SKIP_WORDS, "0"):
            return 0
        fen = parse_yuan_to_fen(value)
        if fen is None:
            raise FieldError("funds.bad_amount")
        if fen <= 0:
            raise FieldError("funds.not_positive")
        if fen > MAX_FEN:
            raise FieldError("funds.too_large")
        return fen

    return parse
