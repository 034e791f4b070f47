"""Guided multi-step forms whose state lives in the database (storage.drafts).

A form is a list of steps; each step asks one thing, by buttons where the choice is finite
(typing a button's label counts as pressing it). The state survives restarts and is shared
by instances; `/cancel` works at any step, ⬅ goes back, and the summary has ✏ per field.

Every button carries its draft's token, so a button of one form can never answer another,
and starting a form while another is half-done sets that one aside (to be resumed), never
overwrites it. Each step is a compare-and-set on the draft's version; submitting claims the
draft in the same transaction as the record it becomes, so a double press (even on two
instances) saves once, and a crash mid-save loses nothing.
"""

from __future__ import annotations

import contextlib
import logging
import re
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError

from bot.callbacks import Codec, StaleButton
from bot.context import BotContext
from bot.handlers.common import answer
from bot.i18n import Raw
from bot.parsing import is_question, parse_date, parse_yuan_to_fen
from storage import drafts
from storage.drafts import Draft
from storage.errors import DomainError

log = logging.getLogger(__name__)

Options = Callable[[BotContext, dict[str, Any]], Awaitable[list[tuple[str, str]]]]
Parse = Callable[[str, BotContext, dict[str, Any]], Any]
Submit = Callable[[Update, BotContext, AsyncSession, dict[str, Any]], Awaitable[None]]
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
    options: Options | None = None  # buttons (value, label); typing a label is also a press
    choose: Callable[[str, BotContext, dict[str, Any]], Any] | None = None  # validate a button
    skip: Callable[[dict[str, Any]], bool] | None = None
    files: bool = False  # accepts a photo or document (PDF, Word, Excel) instead of text
    multi: bool = False  # with files: collect several, until the "done" button
    label: str | None = None  # catalog key naming the field on the summary; field.<name>
    shown: Callable[[Any], str] | None = None  # the current value, as it would be typed
    # With files (one file): what the received file becomes as the step's answer, worked out
    # once when it arrives (e.g. a workbook read); FieldError refuses the file.
    receive: Callable[[dict[str, Any], BotContext, dict[str, Any]], Awaitable[Any]] | None = None

    @property
    def label_key(self) -> str:
        return self.label or f"field.{self.name}"


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
    # Writes the record with the session it is given and commits: the draft's claim is in
    # that same transaction. A DomainError (or any failure) rolls both back.
    submit: Submit


FORMS: dict[str, Form] = {}
BUTTON = Codec("f")  # f:<draft token>:<action>[:<step>[:<option>]]
PICK, BACK, CANCEL, SUBMIT, EDIT, KEEP, RESUME, RESTART = "s", "b", "x", "ok", "e", "k", "r", "n"


def register(form: Form) -> Form:
    FORMS[form.name] = form
    return form


def _user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


# ------------------------------------------------------------------------ finding drafts
async def _mine(update: Update, context: BotContext) -> list[Draft]:
    """The person's live drafts; those that expired are removed and mentioned once."""
    user_id = _user_id(update)
    async with context.session() as session:
        mine = await drafts.of_user(session, user_id, context.now())
        gone = [d for d in mine if d.expired or d.form not in FORMS]
        if gone:
            await drafts.forget(session, user_id, [d.token for d in gone])
    told = [d for d in gone if d.form in FORMS]
    if told:
        titles = context.t("list.sep").join(sorted({context.t(FORMS[d.form].title) for d in told}))
        days = drafts.DRAFT_TTL.days
        await answer(update, context, context.t("form.expired", titles=titles, days=days))
    return [d for d in mine if d not in gone]


async def current(context: BotContext, update: Update) -> tuple[Form, Draft] | None:
    """The form taking this person's typed answers, if any."""
    active = next((d for d in await _mine(update, context) if d.active), None)
    return (FORMS[active.form], active) if active is not None else None


async def start(
    update: Update,
    context: BotContext,
    form: Form,
    data: dict[str, Any] | None = None,
    *,
    at_summary: bool = False,
) -> None:
    """Open `form` with `data` answered already; `at_summary` opens it on the summary, to
    correct a record with ✏ (a step the data leaves unanswered is asked first)."""
    init = dict(data or {})
    mine = await _mine(update, context)
    active = next((d for d in mine if d.active), None)
    if active is not None and active.form == form.name and active.state.get("init") == init:
        # The same form is already half-filled: go on with it, or start over. Never a
        # silent overwrite of what the person typed.
        grid = [
            [_button(context, "form.continue_btn", active, RESUME)],
            [_button(context, "form.restart_btn", active, RESTART)],
        ]
        text = context.t("form.already_open", title=Raw(context.t(form.title)),
                         progress=Raw(_progress(context, form, active.state)))  # fmt: skip
        await answer(update, context, text, InlineKeyboardMarkup(grid))
        return
    state = {"i": 0, "data": dict(init), "init": init}
    if at_summary:
        state |= {"ret": True, "at_summary": True}
    async with context.session() as session:
        draft = await drafts.create(session, _user_id(update), form.name, state, context.now())
    note = ""
    if active is not None:
        note = context.t("form.set_aside", title=Raw(context.t(FORMS[active.form].title)))
        await _strip_keyboard(update, context, active.state)
    await _advance(update, context, form, draft, dict(state), 0, note=note)


async def cancel(update: Update, context: BotContext) -> bool:
    """/cancel: drop the active form (set-aside ones stay, and are offered back)."""
    found = await current(context, update)
    if found is None:
        return False
    async with context.session() as session:
        await drafts.discard(session, _user_id(update), found[1].token)
    await _strip_keyboard(update, context, found[1].state)
    return True


async def offer_resume(update: Update, context: BotContext) -> None:
    """After a form ends, offer back what was set aside for it."""
    waiting = await _mine(update, context)
    if not waiting or any(d.active for d in waiting):
        return
    grid = [
        [
            InlineKeyboardButton(
                context.t("form.resume_btn", title=context.t(FORMS[d.form].title)),
                callback_data=BUTTON.pack(d.token, RESUME),
            )
        ]
        for d in waiting[:3]
    ]
    await answer(update, context, context.t("form.resume_offer"), InlineKeyboardMarkup(grid))


# ------------------------------------------------------------------------------- steps
def applicable(form: Form, data: dict[str, Any]) -> list[int]:
    return [i for i, s in enumerate(form.steps) if not (s.skip and s.skip(data))]


def _progress(context: BotContext, form: Form, state: dict[str, Any]) -> str:
    # Count only the steps that apply to what has been answered so far.
    steps = applicable(form, state["data"])
    i = state["i"]
    n = len(steps) if i >= len(form.steps) else sum(1 for j in steps if j <= i)
    return context.t("form.progress", title=Raw(context.t(form.title)), n=max(n, 1),
                     total=max(len(steps), 1))  # fmt: skip


def _next_step(form: Form, state: dict[str, Any], i: int) -> int:
    """Step i or the next that applies; after a ✏ edit, the first applicable step still
    unanswered (a changed answer can open new steps), else the summary."""
    data = state["data"]
    if state.get("ret"):
        missing = [j for j in applicable(form, data) if form.steps[j].name not in data]
        return missing[0] if missing else len(form.steps)
    while i < len(form.steps) and (skip := form.steps[i].skip) and skip(data):
        i += 1
    return i


async def _advance(
    update: Update,
    context: BotContext,
    form: Form,
    draft: Draft,
    state: dict[str, Any],
    i: int,
    note: str = "",
    *,
    exact: bool = False,
) -> None:
    state["i"] = i if exact else _next_step(form, state, i)
    if state["i"] >= len(form.steps):
        state.pop("ret", None)
    async with context.session() as session:
        saved = await drafts.save(session, _user_id(update), draft, state, context.now())
    if saved is None:  # another press (or instance) moved this form on first
        await answer(update, context, context.t("form.moved_on"))
        return
    await _show(update, context, form, saved, note)


def _button(context: BotContext, key: str, draft: Draft, *args: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(context.t(key), callback_data=BUTTON.pack(draft.token, *args))


async def _shown_value(context: BotContext, step: Step, data: dict[str, Any]) -> str | None:
    value = data.get(step.name)
    if value in (None, "", []):
        return None
    if step.shown is not None:
        return step.shown(value)
    if step.options is not None:
        for option, label in await step.options(context, data):
            if option == value or (isinstance(value, int) and option == str(value)):
                return label
    if isinstance(value, list):
        names = [str(v.get("file_name", v)) if isinstance(v, dict) else str(v) for v in value]
        return context.t("list.sep").join(names)
    if isinstance(value, str | int):
        return str(value)
    return None


async def _render(
    context: BotContext, form: Form, draft: Draft
) -> tuple[str, InlineKeyboardMarkup]:
    state = draft.state
    data, i = state["data"], state["i"]
    if i >= len(form.steps):
        text = await form.summary(context, data) + "\n\n" + context.t("form.confirm")
        answered = [j for j in applicable(form, data) if form.steps[j].name in data]
        edits = [
            InlineKeyboardButton(
                context.t("form.edit_btn", field=context.t(form.steps[j].label_key)),
                callback_data=BUTTON.pack(draft.token, EDIT, j),
            )
            for j in answered
        ]
        grid = [[_button(context, "form.submit_btn", draft, SUBMIT)]]
        grid += [edits[k : k + 2] for k in range(0, len(edits), 2)]
        grid.append([_button(context, "form.cancel_btn", draft, CANCEL)])
        return text, InlineKeyboardMarkup(grid)
    step = form.steps[i]
    grid = []
    if step.options is not None:
        options = await step.options(context, data)
        buttons = [
            InlineKeyboardButton(
                label, callback_data=BUTTON.pack(draft.token, PICK, i, n, _digest(value))
            )
            for n, (value, label) in enumerate(options)
        ]
        grid = [buttons[k : k + 2] for k in range(0, len(buttons), 2)]
    nav = [_button(context, "form.cancel_btn", draft, CANCEL)]
    if state.get("ret"):
        nav.insert(0, _button(context, "form.keep_btn", draft, KEEP))
    elif _previous(form, state) is not None:
        nav.insert(0, _button(context, "form.back_btn", draft, BACK))
    grid.append(nav)
    prompt = step.prompt(data) if callable(step.prompt) else step.prompt
    text = _progress(context, form, state) + "\n" + context.t(prompt, **_prompt_params(data))
    if state.get("ret") and (shown := await _shown_value(context, step, data)) is not None:
        text += "\n" + context.t("form.current_value", value=shown)
    return text, InlineKeyboardMarkup(grid)


async def _show(
    update: Update, context: BotContext, form: Form, draft: Draft, note: str = ""
) -> None:
    """Show the draft's step (or summary): in place of the pressed message when the press
    came from the message showing this draft, else as a new message below (and the old
    prompt loses its keyboard, so the chat does not fill with dead buttons)."""
    text, keyboard = await _render(context, form, draft)
    if note:
        text = note + "\n\n" + text
    query = update.callback_query
    mid = draft.state.get("mid")
    if query is not None and query.message is not None and query.message.message_id == mid:
        try:
            await query.edit_message_text(text, reply_markup=keyboard,
                                          disable_web_page_preview=True)  # fmt: skip
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            log.info("could not edit the form message in place: %s", exc)
    await _strip_keyboard(update, context, draft.state)
    message = await answer(update, context, text, keyboard)
    if message is not None:
        state = {**draft.state, "mid": message.message_id}
        async with context.session() as session:
            await drafts.save(session, _user_id(update), draft, state, context.now(), bump=False)


async def _strip_keyboard(update: Update, context: BotContext, state: dict[str, Any]) -> None:
    chat = update.effective_chat
    mid = state.get("mid")
    if chat is None or not mid:
        return
    with contextlib.suppress(TelegramError):  # already gone or unchanged: nothing to tidy
        await context.bot.edit_message_reply_markup(chat.id, mid, reply_markup=None)


def _prompt_params(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if isinstance(v, str | int)}


def _previous(form: Form, state: dict[str, Any]) -> int | None:
    """The nearest earlier step that applies to this form's data, if any."""
    data = state["data"]
    for i in range(min(state["i"], len(form.steps)) - 1, -1, -1):
        skip = form.steps[i].skip
        if not (skip and skip(data)):
            return i
    return None


# ------------------------------------------------------------------------------ input
async def on_file(update: Update, context: BotContext) -> bool:
    """A photo or document sent to a step that takes files; False if no such step is open."""
    message = update.message
    if message is None:
        return False
    found = await current(context, update)
    if found is None:
        return False
    form, draft = found
    state = draft.state
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
            kinds = context.t("list.sep").join(sorted(set(FILE_TYPES.values())))
            raise FieldError("form.file_type", kinds=kinds)
        if (file["file_size"] or 0) > MAX_FILE_BYTES:
            raise FieldError("form.file_size", max=MAX_FILE_BYTES // (1024 * 1024))
        return file

    if not step.multi:
        receive, data = step.receive, state["data"]
        compute = (lambda: receive(check(), context, data)) if receive is not None else check
        await _apply(update, context, form, draft, step, compute)
        return True
    try:
        checked = check()
    except FieldError as err:
        await answer(update, context, context.t(err.key, **err.params))
        return True
    collected = [*state["data"].get(step.name, []), checked]
    if len(collected) > MAX_FILES:
        await answer(update, context, context.t("form.too_many_files", max=MAX_FILES))
        return True
    new_state = {**state, "data": {**state["data"], step.name: collected}}
    async with context.session() as session:
        saved = await drafts.save(session, _user_id(update), draft, new_state, context.now())
    if saved is None:
        await answer(update, context, context.t("form.moved_on"))
        return True
    # The receipt carries its own 「完成」, so the person need not scroll up for it.
    done = InlineKeyboardMarkup(
        [[_button(context, "form.files_done", saved, PICK, i, 0, _digest(step.name))],
         [_button(context, "form.cancel_btn", saved, CANCEL)]]
    )  # fmt: skip
    await _strip_keyboard(update, context, state)
    receipt = await answer(
        update, context, context.t("form.file_received", count=len(collected)), done
    )
    if receipt is not None:
        async with context.session() as session:
            await drafts.save(session, _user_id(update), saved,
                              {**new_state, "mid": receipt.message_id}, context.now(),
                              bump=False)  # fmt: skip
    return True


def _digest(value: str) -> str:
    return f"{zlib.crc32(value.encode()):08x}"


def _plain(text: str) -> str:
    """A label as typed: without emoji, symbols and spaces, case-folded."""
    return re.sub(r"[\W_]+", "", text).casefold()


NAV_WORDS = {
    BACK: ("上一步", "返回", "back"),
    CANCEL: ("取消", "放弃", "cancel"),
    SUBMIT: ("确认提交", "提交", "确认", "submit", "confirm"),
}


async def on_text(update: Update, context: BotContext) -> bool:
    """Feed typed text to the user's open form; False if they have none."""
    assert update.message is not None and update.message.text is not None
    found = await current(context, update)
    if found is None:
        return False
    form, draft = found
    state = draft.state
    i = state["i"]
    text = update.message.text.strip()
    typed = _plain(text)
    if typed in NAV_WORDS[CANCEL] or typed == _plain(context.t("form.cancel_btn")):
        await _cancel(update, context, draft)
        return True
    if i >= len(form.steps):
        if typed in NAV_WORDS[SUBMIT] or typed == _plain(context.t("form.submit_btn")):
            await _submit(update, context, form, draft)
        else:
            await _show(update, context, form, draft, note=context.t("form.press_submit"))
        return True
    if typed in NAV_WORDS[BACK] or typed == _plain(context.t("form.back_btn")):
        await _back(update, context, form, draft)
        return True
    step = form.steps[i]
    if step.options is not None and typed:
        # Typing a button's exact label is the same as pressing it.
        options = await step.options(context, state["data"])
        for n, (_, label) in enumerate(options):
            if _plain(label) == typed:
                await _pick(update, context, form, draft, i, n)
                return True
    if step.parse is None:
        await _show(update, context, form, draft, note=context.t("form.use_buttons"))
        return True
    if len(text) > MAX_TEXT:
        await answer(update, context, context.t("form.too_long", max=MAX_TEXT))
        return True
    parse = step.parse
    await _apply(update, context, form, draft, step,
                 lambda: parse(text, context, state["data"]))  # fmt: skip
    return True


async def _apply(
    update: Update,
    context: BotContext,
    form: Form,
    draft: Draft,
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
            await _cancel(update, context, draft, quiet=True)
        return
    state = draft.state
    before = applicable(form, state["data"])
    data = {**state["data"], step.name: value}
    # A changed answer can close steps that applied before: their old answers go.
    for j in set(before) - set(applicable(form, data)):
        if form.steps[j].name != step.name:
            data.pop(form.steps[j].name, None)
    await _advance(update, context, form, draft, {**state, "data": data}, state["i"] + 1)


# ---------------------------------------------------------------------------- buttons
async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    token, action = BUTTON.unpack(query.data, str, str)
    async with context.session() as session:
        draft = await drafts.get(session, _user_id(update), token, context.now())
    if draft is None or draft.expired or draft.form not in FORMS:
        # Submitted, cancelled or expired: an old button changes nothing, and says so.
        await _strip_pressed(update)
        key = "form.already_submitted" if action == SUBMIT else "form.none_open"
        await answer(update, context, context.t(key))
        return
    form = FORMS[draft.form]
    if not draft.active and action not in (RESUME, CANCEL):
        # A button of a form that was set aside: it must not answer the form now open.
        grid = [[_button(context, "form.continue_btn", draft, RESUME)]]
        text = context.t("form.set_aside_button", title=Raw(context.t(form.title)))
        await answer(update, context, text, InlineKeyboardMarkup(grid))
        return
    if action == CANCEL:
        await _cancel(update, context, draft)
    elif action == RESUME:
        async with context.session() as session:
            await drafts.activate(session, _user_id(update), draft.token, context.now())
        await _show(update, context, form, draft)
    elif action == RESTART:
        init = dict(draft.state.get("init", {}))
        state = {"i": 0, "data": dict(init), "init": init, "mid": draft.state.get("mid")}
        if draft.state.get("at_summary"):  # back to the record as it was, on its summary
            state |= {"ret": True, "at_summary": True}
        await _advance(update, context, form, draft, state, 0)
    elif action == BACK:
        await _back(update, context, form, draft)
    elif action == SUBMIT:
        await _submit(update, context, form, draft)
    elif action == KEEP:
        await _advance(update, context, form, draft, {**draft.state, "ret": True}, 0)
    elif action == EDIT:
        (j,) = BUTTON.unpack(query.data, str, str, int)[2:]
        if draft.state["i"] < len(form.steps) or j not in applicable(form, draft.state["data"]):
            raise StaleButton
        await _advance(update, context, form, draft, {**draft.state, "ret": True}, j, exact=True)
    elif action == PICK:
        i, n, digest = BUTTON.unpack(query.data, str, str, int, int, str)[2:]
        await _pick(update, context, form, draft, i, n, digest)
    else:
        raise StaleButton


async def _strip_pressed(update: Update) -> None:
    query = update.callback_query
    if query is not None and query.message is not None:
        with contextlib.suppress(TelegramError):
            await query.edit_message_reply_markup(reply_markup=None)


async def _pick(
    update: Update,
    context: BotContext,
    form: Form,
    draft: Draft,
    i: int,
    n: int,
    digest: str | None = None,
) -> None:
    step = form.steps[i] if 0 <= i < len(form.steps) else None
    if i != draft.state["i"] or step is None or step.options is None:
        raise StaleButton
    options = await step.options(context, draft.state["data"])
    if digest is not None:
        # The button names its choice by a digest of the value (e.g. a member's id), not only
        # by position: if the list changed since it was shown, the same choice is found or the
        # press is refused, never another person picked.
        n = next((k for k, (v, _) in enumerate(options) if _digest(v) == digest), -1)
    if not 0 <= n < len(options):
        raise StaleButton
    value = options[n][0]
    choose = step.choose
    data = draft.state["data"]
    await _apply(
        update,
        context,
        form,
        draft,
        step,
        lambda: choose(value, context, data) if choose else value,
    )


async def _back(update: Update, context: BotContext, form: Form, draft: Draft) -> None:
    i = _previous(form, draft.state)
    if i is None:
        await _show(update, context, form, draft)
        return
    await _advance(update, context, form, draft, {**draft.state, "i": i}, i)


async def _cancel(update: Update, context: BotContext, draft: Draft, quiet: bool = False) -> None:
    """Drop the draft. Pressed on the form's own message, that message becomes the notice;
    `quiet` when the reason was already given (a refusal that ends the form)."""
    async with context.session() as session:
        await drafts.discard(session, _user_id(update), draft.token)
    query = update.callback_query
    pressed = query.message if query is not None else None
    text = context.t("form.cancelled")
    shown_on_pressed = pressed is not None and pressed.message_id == draft.state.get("mid")
    if not quiet and query is not None and shown_on_pressed:
        with contextlib.suppress(TelegramError):
            await query.edit_message_text(text)
            await offer_resume(update, context)
            return
    await _strip_keyboard(update, context, draft.state)
    if not quiet:
        await answer(update, context, text)
    await offer_resume(update, context)


async def _submit(update: Update, context: BotContext, form: Form, draft: Draft) -> None:
    if draft.state["i"] < len(form.steps):
        raise StaleButton
    user_id = _user_id(update)
    try:
        async with context.session() as session:
            state = await drafts.claim(session, user_id, draft)
            if state is not None:
                await form.submit(update, context, session, state["data"])
                await session.commit()  # the claim, even where the submit wrote nothing
    except DomainError:
        raise  # rolled back: the draft is still there, the refusal says what to change
    except Exception:
        log.exception("saving form %s failed; the draft is kept", form.name)
        await answer(update, context, context.t("form.save_failed"))
        return
    if state is None:
        async with context.session() as session:
            still = await drafts.get(session, user_id, draft.token, context.now())
        if still is None:  # the other press (or instance) saved it
            await answer(update, context, context.t("form.already_submitted"))
        else:
            await _show(update, context, form, still, note=context.t("form.moved_on"))
        return
    await _strip_keyboard(update, context, draft.state)
    await offer_resume(update, context)


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


def person_name(max_len: int) -> Parse:
    """A person's name: a question typed here ("一年要有几个项目？") is not one."""

    def parse(value: str, context: BotContext, data: dict[str, Any]) -> str:
        if is_question(value):
            raise FieldError("form.not_a_name", text=value[:30])
        return text(max_len)(value, context, data)

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
