"""The studio lifecycle in chat (Art. 3, 8, 9, 17): /apply, /review, /studio, /rereview,
and the buttons that move a studio along. Each press is re-checked by StudioService."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from dataclasses import asdict, replace
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import forms
from bot.callbacks import Codec
from bot.context import BotContext
from bot.forms import FieldError, Form, Step
from bot.handlers.common import (
    answer,
    language_of,
    local_time,
    pressed,
    private_only,
    show,
    studio_label,
    tell,
)
from bot.handlers.files import Translate, file_buttons, file_lines
from bot.i18n import Raw, t
from bot.keyboards import rows
from bot.paging import number, page_label, paginate, read
from bot.parsing import format_fen, parse_int
from policy.deadlines import REPORT_TZ
from policy.lifecycle import (
    NEEDS_REASON,
    WAITING_FOR,
    Action,
    Honour,
    StudioStatus,
    leader_qualifies,
    name_is_acceptable,
    studio_name,
)
from storage.attachments import studio_files
from storage.files import FileData
from storage.models import Attachment, Studio, User
from storage.people import PeopleService
from storage.studios import (
    NO_DETAILS,
    Details,
    MemberData,
    Outcome,
    StaleResubmission,
    StudioApplication,
    StudioService,
)

MAX_MEMBERS = 30
ACTION_CODES = {
    "r": Action.RECOMMEND,
    "e": Action.ENDORSE,
    "d": Action.DECLARE,
    "n": Action.NAME,
    "x": Action.RETURN,
    "o": Action.OPEN_REREVIEW,
    "k": Action.KEEP,
    "v": Action.REVOKE,
    "s": Action.SUBMIT,
    "w": Action.WITHDRAW,
}
CODE_OF = {a: c for c, a in ACTION_CODES.items()}
STATUS_CODES = {s: str(n) for n, s in enumerate(StudioStatus)}
STATUS_OF = {c: s for s, c in STATUS_CODES.items()}
# Irreversible one-press steps ask first, with what will happen; the confirm button carries
# the state it was shown in ("st:r!:…"), so a stale confirm changes nothing.
CONFIRM = frozenset({Action.RECOMMEND, Action.DECLARE, Action.WITHDRAW})
CONFIRMED = "!"
CANCEL_DATA = "st:no"


# ---------------------------------------------------------------------------- the form
async def _honours(context: BotContext, _: dict[str, Any]) -> list[tuple[str, str]]:
    return [(h.value, context.t(f"honour.{h.value}")) for h in Honour]


def _choose_honour(value: str, context: BotContext, _: dict[str, Any]) -> str:
    # Art. 3: below provincial level cannot lead a studio; say why, quote the article.
    if not leader_qualifies(value):
        quote = context.deps.regulation.article(3).text
        raise FieldError("apply.honour_too_low", end=True, quote=quote)
    return value


async def _unions(context: BotContext, _: dict[str, Any]) -> list[tuple[str, str]]:
    async with context.session() as session:
        unions = await StudioService(session).grassroots_choices()
    return [(str(u.id), u.name) for u in unions]


def _members(value: str, context: BotContext, _: dict[str, Any]) -> list[dict[str, Any]]:
    if value in ("无", "没有", "跳过", "none"):
        return []
    members = []
    this_year = context.today().year
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    if len(lines) > MAX_MEMBERS:
        raise FieldError("apply.too_many_members", max=MAX_MEMBERS)
    for n, line in enumerate(lines, 1):
        parts = line.replace("，", " ").replace(",", " ").split()
        year = parse_int(parts[3], max_digits=4) if len(parts) == 4 else None
        if year is None or len(parts[0]) > 20:
            raise FieldError("apply.bad_member", line=n, text=line[:60])
        if not this_year - 80 <= year <= this_year - 16:
            raise FieldError("apply.bad_birth_year", line=n, year=year)
        members.append(
            {"name": parts[0], "specialty": parts[1][:50], "education": parts[2][:20],
             "birth_year": year}
        )  # fmt: skip
    return members


def _members_as_typed(value: Any) -> str:
    # One line per member, as the step asks for them: copy, change, send them all back.
    lines = (f"{m['name']} {m['specialty']} {m['education']} {m['birth_year']}" for m in value)
    return "\n" + "\n".join(lines)


async def _proposed(_: BotContext, data: dict[str, Any]) -> list[tuple[str, str]]:
    name = studio_name(data.get("leader_name", ""))
    return [(name, name)]


def _name(value: str, _: BotContext, data: dict[str, Any]) -> str:
    # Art. 3: 以劳模名字命名 — adjusted names must keep the model worker's name.
    if len(value) > 50 or not name_is_acceptable(value, data.get("leader_name", "")):
        raise FieldError("apply.bad_name", leader=data.get("leader_name", ""))
    return value


async def _apply_summary(context: BotContext, data: dict[str, Any]) -> str:
    members = context.t("list.sep_long").join(
        f"{m['name']} {m['specialty']} {m['education']} {m['birth_year']}"
        for m in data.get("members", [])
    ) or context.t("apply.members_none")
    union = dict(await _unions(context, data)).get(data.get("union", ""), "?")
    return context.t(
        "apply.summary",
        name=data["name"],
        leader=data["leader_name"],
        honour=Raw(context.t(f"honour.{data['honour']}")),
        host=data["host_unit"],
        union=union,
        specialty=data["specialty"],
        members=members,
        venue=data["venue"],
        funding=data["funding"],
        plan=data["plan"],
    )


def _application(data: dict[str, Any]) -> StudioApplication:
    return StudioApplication(
        leader_name=data["leader_name"],
        honour=Honour(data["honour"]),
        host_unit=data["host_unit"],
        union_id=int(data["union"]),
        specialty=data["specialty"],
        venue=data["venue"],
        funding=data["funding"],
        plan=data["plan"],
        name=data["name"],
        members=tuple(MemberData(**m) for m in data.get("members", [])),
    )


async def _apply_submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    assert update.effective_user is not None
    application = _application(data)
    service = StudioService(session)
    pending = await service.duplicate_of(
        update.effective_user.id, application.union_id, application.leader_name
    )
    if pending is not None:
        await session.commit()  # the draft's claim: the duplicate form is dropped
        await _offer_pending(update, context, pending)
        return
    outcome = await service.apply(
        update.effective_user.id, application, today=context.today(), now=context.now()
    )
    union = outcome.studio.union.name if outcome.studio.union else ""
    await answer(
        update, context, context.t("apply.submitted", name=outcome.studio.name, union=union)
    )
    await _notify(context, outcome)


APPLY = forms.register(
    Form(
        name="apply",
        title="apply.title",
        steps=(
            Step("leader_name", "apply.ask.leader_name", parse=forms.person_name(20)),
            Step("honour", "apply.ask.honour", options=_honours, choose=_choose_honour),
            Step("host_unit", "apply.ask.host_unit", parse=forms.text(100)),
            Step("union", "apply.ask.union", options=_unions),
            Step(
                "specialty",
                "apply.ask.specialty",
                parse=forms.text(100),
                label="field.studio_specialty",
            ),
            Step("members", "apply.ask.members", parse=_members, shown=_members_as_typed),
            Step("venue", "apply.ask.venue", parse=forms.text(100)),
            Step("funding", "apply.ask.funding", parse=forms.text(200)),
            Step("plan", "apply.ask.plan", parse=forms.text(500)),
            Step(
                "name", "apply.ask.name", parse=_name, options=_proposed, label="field.studio_name"
            ),
        ),
        summary=_apply_summary,
        submit=_apply_submit,
    )
)


# ------------------------------------------------- correcting a returned application
async def _qualifying_honours(context: BotContext, _: dict[str, Any]) -> list[tuple[str, str]]:
    # The application passed Art. 3 once; a correction offers only the honours that qualify.
    return [(h.value, context.t(f"honour.{h.value}")) for h in Honour if leader_qualifies(h)]


async def _correct_summary(context: BotContext, data: dict[str, Any]) -> str:
    header = context.t("apply.correct_header", reason=data.get("return_reason") or "-")
    return header + "\n\n" + await _apply_summary(context, data)


def _changes(lang: str, changed: tuple[str, ...]) -> str:
    """「修改了：团队、场地」 in the reader's language, from the application fields that changed."""
    if not changed:
        return t(lang, "apply.changed_nothing")
    steps = [s.name for s in APPLY.steps]  # named in the order the form asks them
    named = sorted(("union" if f == "union_id" else f for f in changed), key=steps.index)
    fields = [t(lang, APPLY.steps[steps.index(f)].label_key) for f in named]
    return t(lang, "apply.changed", fields=t(lang, "list.sep").join(fields))


async def _correct_submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    assert update.effective_user is not None
    try:
        outcome = await StudioService(session).resubmit(
            update.effective_user.id, int(data["studio_id"]), _application(data),
            int(data["version"]), today=context.today(), now=context.now(),
        )  # fmt: skip
    except StaleResubmission as stale:
        # The round this form corrects is over (resubmitted, withdrawn, returned again):
        # the form ends here, nothing else changes, and the person is told why.
        await session.commit()  # nothing was written but the draft's claim
        await answer(update, context, context.t(stale.key, **stale.params))
        return
    union = outcome.studio.union.name if outcome.studio.union else ""
    changes = _changes(context.lang, outcome.changed or ())
    await answer(update, context, context.t("apply.resubmitted", name=outcome.studio.name,
                                            union=union, changes=changes))  # fmt: skip
    await _notify(context, outcome)


CORRECT = forms.register(
    Form(
        name="correct",
        title="apply.correct_title",
        steps=tuple(
            replace(step, options=_qualifying_honours) if step.name == "honour" else step
            for step in APPLY.steps
        ),
        summary=_correct_summary,
        submit=_correct_submit,
    )
)


async def _open_correction(
    update: Update, context: BotContext, studio_id: int, version: int | None
) -> None:
    """🔁 on a returned application: the form, pre-filled with the application as it
    stands, opens on its summary; ✏ changes any field, ✅ resubmits."""
    async with context.session() as session:
        found = await StudioService(session).returned(context.user_id, studio_id, version)
    app = found.application
    data = {
        "studio_id": studio_id,
        "version": found.version,
        "return_reason": found.reason,
        "leader_name": app.leader_name,
        "honour": app.honour.value,
        "host_unit": app.host_unit,
        "union": str(app.union_id),
        "specialty": app.specialty,
        "members": [asdict(m) for m in app.members],
        "venue": app.venue,
        "funding": app.funding,
        "plan": app.plan,
        "name": app.name,
    }
    await forms.start(update, context, CORRECT, data, at_summary=True)


@private_only
async def apply_command(update: Update, context: BotContext) -> None:
    async with context.session() as session:
        pending = await StudioService(session).pending_of(context.user_id)
        if pending is None:
            await StudioService(session).check_apply_quota(context.user_id, context.now())
    if pending is not None:
        await _offer_pending(update, context, pending)
        return
    await forms.start(update, context, APPLY)


async def _offer_pending(update: Update, context: BotContext, studio: Studio) -> None:
    """One application per person: show the one in progress instead of starting another."""
    text = context.t(
        "apply.pending",
        studio=studio_label(studio),
        leader=studio.leader_name,
        union=studio.union.name if studio.union else "",
        status=Raw(context.t(f"status.{studio.status.value}")),
        when=local_time(context, studio.created_at),
    )
    state = STATUS_CODES[studio.status]
    keyboard = rows(
        [
            (context.t("btn.studio_card"), f"sc:{studio.id}"),
            (context.t("act.withdraw"), f"st:{CODE_OF[Action.WITHDRAW]}:{studio.id}:{state}"),
        ],
        2,
    )
    await answer(update, context, text, keyboard)


# ------------------------------------------------------------------- moving a studio on
async def _act_summary(context: BotContext, data: dict[str, Any]) -> str:
    lines = [context.t("act.summary", action=Raw(context.t(f"act.{data['action']}")),
                       studio=data["studio_name"])]  # fmt: skip
    for key in ("reason", "effective_on", "document"):
        if data.get(key):
            lines.append(context.t(f"act.field.{key}", value=data[key]))
    if data.get("subsidy"):
        lines.append(context.t("act.field.subsidy", value=format_fen(data["subsidy"])))
    if data.get("scan"):
        lines.append(context.t("act.field.scan", value=data["scan"]["file_name"]))
    # What will happen, for the steps that cannot be undone.
    action = Action(data["action"])
    if action is Action.NAME:
        subsidy = (
            context.t("act.effect.subsidy", value=format_fen(data["subsidy"]))
            if data.get("subsidy")
            else ""
        )
        lines.append(context.t("act.effect.name", leader=data.get("leader", ""),
                               subsidy=Raw(subsidy)))  # fmt: skip
    elif action in (Action.REVOKE, Action.RETURN):
        lines.append(context.t(f"act.effect.{action.value}"))
    return "\n".join(lines)


async def _act_submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    await _act(
        update,
        context,
        session,
        int(data["studio_id"]),
        Action(data["action"]),
        StudioStatus(data["expected"]),
        Details(
            reason=data.get("reason", ""),
            document=data.get("document") or None,
            on=date.fromisoformat(data["effective_on"]) if data.get("effective_on") else None,
            subsidy_fen=data.get("subsidy") or None,
            attachment=FileData(**data["scan"]) if data.get("scan") else None,
        ),
        version=data.get("version"),
    )


def _no_file(value: str, _: BotContext, __: dict[str, Any]) -> None:
    if value in ("无", "没有", "跳过", "none", "skip"):
        return None
    raise FieldError("form.send_file")


def _lifecycle_date(value: str, context: BotContext, data: dict[str, Any]) -> str:
    """A past date that follows the step before it (Art. 8's order); asked again if not."""
    on = forms.past_date()(value, context, data)
    bound = data.get("not_before")
    if bound and on < bound:  # ISO dates compare as text
        raise FieldError(f"studio.date_after.{data['after']}", date=bound)
    return str(on)


def _unless(action: Action) -> Any:
    """A step's skip: true for every action but this one."""
    return lambda data: data.get("action") != action.value


REASON = Step("reason", "act.ask.reason", parse=forms.text(500),
              skip=lambda d: Action(d["action"]) not in NEEDS_REASON)  # fmt: skip
ACT = forms.register(
    Form(
        name="act",
        title="act.title",
        steps=(
            REASON,
            Step(
                "effective_on",
                "act.ask.endorsed_on",
                parse=_lifecycle_date,
                skip=_unless(Action.ENDORSE),
            ),
            Step(
                "document",
                "act.ask.endorse_document",
                parse=forms.text(100, optional=True),
                skip=_unless(Action.ENDORSE),
            ),
            Step(
                "scan",
                "act.ask.endorse_scan",
                parse=_no_file,
                files=True,
                skip=_unless(Action.ENDORSE),
            ),
            Step(
                "effective_on", "act.ask.named_on", parse=_lifecycle_date, skip=_unless(Action.NAME)
            ),
            Step(
                "document",
                "act.ask.naming_document",
                parse=forms.text(100),
                skip=_unless(Action.NAME),
            ),
            Step(
                "subsidy",
                "act.ask.subsidy",
                parse=forms.yuan(optional=True),
                skip=_unless(Action.NAME),
            ),
        ),
        summary=_act_summary,
        submit=_act_submit,
    )
)
# Actions that need more than a press: a reason, a date, a document number, an amount.
NEEDS_FORM = frozenset({Action.RETURN, Action.REVOKE, Action.ENDORSE, Action.NAME})


def _read_code(code: str) -> tuple[Action, bool]:
    return ACTION_CODES[code.removesuffix(CONFIRMED)], code.endswith(CONFIRMED)


async def studio_button(update: Update, context: BotContext) -> None:
    """st:<action>[!]:<studio>:<status it was shown in> — the state guards against double
    presses and stale confirmations; "!" marks the press that confirms."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    if query.data == CANCEL_DATA:
        await query.answer()
        await query.edit_message_reply_markup(None)
        await answer(update, context, context.t("confirm.cancelled"))
        return
    # A confirmation also carries the studio's version: "st:r!:<studio>:<status>:<version>".
    version = [int] if query.data and query.data.count(":") == 4 else []
    args = await pressed(update, context, _read_code, int, STATUS_OF.__getitem__, *version)
    if args is None:
        return
    (action, confirmed), studio_id, expected = args[:3]
    if action is Action.SUBMIT:  # 🔁 on a returned application: correct it, then resubmit
        await _open_correction(update, context, studio_id, args[3] if len(args) == 4 else None)
        return
    if confirmed and len(args) != 4:
        await answer(update, context, context.t("errors.stale_button"))
        return
    if action in NEEDS_FORM or (action in CONFIRM and not confirmed):
        async with context.session() as session:
            service = StudioService(session)
            studio = await service.check(update.effective_user.id, studio_id, action, expected)
            bound = await service.not_before(studio_id, action)
            shown = await service.version(studio_id)
            name, leader = studio.name, studio.leader_name
            union = studio.union.name if studio.union else ""
        if action in CONFIRM:
            await _ask_to_confirm(update, context, action, studio, union, shown)
            return
        # The form's confirmation acts only on the round it was started in (see `version`).
        data = {"action": action.value, "studio_id": studio_id, "expected": expected.value,
                "version": shown, "studio_name": name, "leader": leader}  # fmt: skip
        if bound is not None:
            data |= {"not_before": bound[0].isoformat(), "after": bound[1].value}
        await forms.start(update, context, ACT, data)
        return
    async with context.session() as session:
        if confirmed:
            await query.edit_message_reply_markup(None)
            await _act(update, context, session, studio_id, action, expected, version=args[3])
            return
        await _act(update, context, session, studio_id, action, expected)


async def _ask_to_confirm(
    update: Update,
    context: BotContext,
    action: Action,
    studio: Studio,
    union: str,
    version: int,
) -> None:
    text = context.t(
        f"confirm.{action.value}",
        studio=studio_label(studio),
        leader=studio.leader_name,
        union=union,
    )
    state = STATUS_CODES[studio.status]
    data = f"st:{CODE_OF[action]}{CONFIRMED}:{studio.id}:{state}:{version}"
    keyboard = rows(
        [
            (context.t("confirm.yes", action=Raw(context.t(f"act.{action.value}"))), data),
            (context.t("confirm.no"), CANCEL_DATA),
        ],
        2,
    )
    await answer(update, context, text, keyboard)


async def _act(
    update: Update,
    context: BotContext,
    session: AsyncSession,
    studio_id: int,
    action: Action,
    expected: StudioStatus,
    details: Details = NO_DETAILS,
    version: int | None = None,
) -> None:
    assert update.effective_user is not None
    outcome = await StudioService(session).act(
        update.effective_user.id,
        studio_id,
        action,
        expected=expected,
        expected_version=version,
        details=details,
        today=context.today(),
        now=context.now(),
    )
    status = context.t(f"status.{outcome.to_status.value}")
    key = "studio.withdrawn_done" if action is Action.WITHDRAW else "studio.done"
    text = context.t(key, action=Raw(context.t(f"act.{action.value}")),
                     studio=studio_label(outcome.studio), status=Raw(status))  # fmt: skip
    keyboard = _action_keyboard(context.lang, outcome.studio) if outcome.actor_next else None
    await answer(update, context, text, keyboard)
    await _notify(context, outcome, details.reason, details.subsidy_fen or 0)


async def _notify(
    context: BotContext, outcome: Outcome, reason: str = "", subsidy_fen: int = 0
) -> None:
    """Tell the applicant every outcome and the next reviewer that work is waiting."""
    async with context.session() as session:
        users = {
            u.id: u
            for u in [
                await session.get(User, uid)
                for uid in {*outcome.notify_applicant, *outcome.notify_reviewers}
            ]
            if u is not None
        }
    studio = outcome.studio
    for uid in outcome.notify_applicant:
        lang = language_of(users.get(uid))
        why = t(lang, "studio.reason_line", reason=reason) if reason else ""
        if outcome.action is Action.NAME and subsidy_fen:
            # Art. 9: recorded once, at naming; the leader must not record it again.
            why += t(lang, "studio.subsidy_notice", amount=format_fen(subsidy_fen),
                     date=studio.named_on.isoformat() if studio.named_on else "")  # fmt: skip
        text = t(lang, "studio.outcome", studio=studio.name,
                 status=Raw(t(lang, f"status.{studio.status.value}")), reason=Raw(why))  # fmt: skip
        await tell(context, uid, text, _resubmit_keyboard(lang, studio, outcome.version))
    for uid in outcome.notify_reviewers:
        lang = language_of(users.get(uid))
        text = _waiting(lang, studio)
        if outcome.changed is not None:  # a corrected resubmission: what changed, and why
            text += _resubmitted_line(lang, outcome.changed, outcome.answers)
        files, keyboard = await _files_keyboard(
            context, lang, studio, _action_keyboard(lang, studio)
        )
        await tell(context, uid, _with_files(partial(t, lang), text, files), keyboard)


def _resubmitted_line(lang: str, changed: tuple[str, ...], answers: str) -> str:
    return t(lang, "studio.resubmitted_line", changes=_changes(lang, changed),
             reason=answers or "-")  # fmt: skip


def _waiting(lang: str, studio: Studio) -> str:
    """A studio waiting for someone, told apart from look-alikes by leader, number and date."""
    return t(
        lang,
        "studio.waiting",
        studio=studio.name,
        union=studio.union.name if studio.union else "",
        status=Raw(t(lang, f"status.{studio.status.value}")),
        leader=studio.leader_name,
        id=studio.id,
        date=studio.created_at.astimezone(REPORT_TZ).date().isoformat(),
    )


def _resubmit_keyboard(lang: str, studio: Studio, version: int) -> InlineKeyboardMarkup | None:
    """🔁 for the round it was shown in: returned again later, the old button is refused."""
    if studio.status is not StudioStatus.RETURNED:
        return None
    data = f"st:{CODE_OF[Action.SUBMIT]}:{studio.id}:{STATUS_CODES[studio.status]}:{version}"
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(lang, "act.resubmit"), callback_data=data)]]
    )


def _action_keyboard(
    lang: str, studio: Studio, actions: tuple[Action, ...] | None = None
) -> InlineKeyboardMarkup | None:
    if actions is None:
        actions = WAITING_FOR.get(studio.status, ())
    buttons = [
        InlineKeyboardButton(
            t(lang, f"act.{a.value}"),
            callback_data=f"st:{CODE_OF[a]}:{studio.id}:{STATUS_CODES[studio.status]}",
        )
        for a in actions
    ]
    buttons.append(
        InlineKeyboardButton(t(lang, "btn.studio_card"), callback_data=f"sc:{studio.id}")
    )
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]]) if buttons else None


# -------------------------------------------------------------------------- listings
# A list of applications, studios or re-reviews is one message a page at a time (◀ ▶ edit it
# in place); each item's button opens it as its own message with its action buttons.
REVIEW_PAGE = Codec("rvp")  # rvp:<page>
REVIEW_OPEN = Codec("rvo")  # rvo:<studio>
STUDIOS_PAGE = Codec("scp")  # scp:<page> — the /studio picker
REREVIEW_PAGE = Codec("rrp")  # rrp:<page>
REREVIEW_OPEN = Codec("rro")  # rro:<studio>


_ListView = Callable[[Update, BotContext, int], Awaitable[int | None]]
_ItemView = Callable[[Update, BotContext, int], Awaitable[None]]


async def _list_or_only(
    update: Update, context: BotContext, show_list: _ListView, show_one: _ItemView
) -> None:
    """A list's first page; when it holds just one item, that item opens below it."""
    only = await show_list(update, context, 0)
    if only is not None:
        await show_one(update, context, only)


async def _page_or_open(
    update: Update,
    context: BotContext,
    pages: tuple[Codec, Codec],
    show_list: _ListView,
    show_one: _ItemView,
) -> None:
    """A list's buttons: <page codec>:<page> turns it in place, <open codec>:<id> opens one."""
    assert update.callback_query is not None and update.callback_query.data is not None
    page_codec, open_codec = pages
    if page_codec.matches(update.callback_query.data):
        (page,) = await read(page_codec, update, number)
        await show_list(update, context, page)
        return
    (item_id,) = await read(open_codec, update, number)
    await show_one(update, context, item_id)


@private_only
async def review_command(update: Update, context: BotContext) -> None:
    await _list_or_only(update, context, _review_list, _review_one)


async def review_button(update: Update, context: BotContext) -> None:
    """rvp:<page> turns the list's page in place; rvo:<studio> opens that application."""
    await _page_or_open(update, context, (REVIEW_PAGE, REVIEW_OPEN), _review_list, _review_one)


async def _review_list(update: Update, context: BotContext, page: int) -> int | None:
    """The list's page; the studio's id when it is the only one waiting."""
    async with context.session() as session:
        waiting = await StudioService(session).waiting_for(context.user_id)
    if not waiting:
        await show(update, context, context.t("review.empty"))
        return None
    lines = [
        f"{n}. "
        + context.t(
            "review.line",
            studio=s.name,
            union=s.union.name if s.union else "",
            leader=s.leader_name,
            status=Raw(context.t(f"status.short.{s.status.value}")),
            date=s.created_at.astimezone(REPORT_TZ).date().isoformat(),
        )
        for n, (s, _) in enumerate(waiting, 1)
    ]
    shown = paginate(lines, page)
    buttons = [
        (context.t("btn.review_open", n=n), REVIEW_OPEN.pack(s.id))
        for n, (s, _) in enumerate(waiting, 1)
    ][shown.start : shown.stop]
    text = context.t(
        "review.list",
        count=len(waiting),
        page=Raw(page_label(context, shown)),
        items=Raw("\n".join(lines[shown.start : shown.stop])),
    )
    nav = shown.nav(REVIEW_PAGE.pack)
    await show(update, context, text, rows(buttons + nav, 4))
    return waiting[0][0].id if len(waiting) == 1 else None


async def _review_one(update: Update, context: BotContext, studio_id: int) -> None:
    """One application as its own message, with its action buttons and files; re-checked:
    it must still be waiting for this person."""
    async with context.session() as session:
        service = StudioService(session)
        waiting = {s.id: s for s, _ in await service.waiting_for(context.user_id)}
        studio = waiting.get(studio_id)
        corrected = await service.correction(studio) if studio is not None else None
    if studio is None:
        await answer(update, context, context.t("review.gone"))
        return
    text = _waiting(context.lang, studio)
    if corrected is not None:  # resubmitted after a return: what changed, and why
        text += _resubmitted_line(context.lang, *corrected)
    keyboard = _action_keyboard(context.lang, studio)
    files, keyboard = await _files_keyboard(context, context.lang, studio, keyboard)
    await answer(update, context, _with_files(context.t, text, files), keyboard)


@private_only
async def studio_command(update: Update, context: BotContext) -> None:
    async with context.session() as session:
        studios = await StudioService(session).visible(context.user_id)
    if not studios:
        await answer(update, context, context.t("studio.none"))
        return
    if len(studios) == 1:
        await _show_card(update, context, studios[0].id)
        return
    await _studio_picker(update, context, studios, 0)


async def studio_page_button(update: Update, context: BotContext) -> None:
    (page,) = await read(STUDIOS_PAGE, update, number)
    async with context.session() as session:
        studios = await StudioService(session).visible(context.user_id)
    await _studio_picker(update, context, studios, page)


async def _studio_picker(
    update: Update, context: BotContext, studios: list[Studio], page: int
) -> None:
    buttons = [
        (f"{studio_label(s)} · {context.t(f'status.short.{s.status.value}')}", f"sc:{s.id}")
        for s in studios
    ]
    shown = paginate([label for label, _ in buttons], page)
    text = context.t("studio.choose", count=len(studios), page=Raw(page_label(context, shown)))
    picked = rows(buttons[shown.start : shown.stop], 1).inline_keyboard
    nav = rows(shown.nav(STUDIOS_PAGE.pack), 2).inline_keyboard
    await show(update, context, text, InlineKeyboardMarkup([*picked, *nav]))


async def card_button(update: Update, context: BotContext) -> None:
    """sc:<studio> shows the card; sc:<studio>:<page> a page of its team."""
    assert update.callback_query is not None and update.callback_query.data is not None
    paged = update.callback_query.data.count(":") == 2
    if (args := await pressed(update, context, int, *((int,) if paged else ()))) is not None:
        await _show_card(update, context, args[0], args[1] if paged else 0, page_press=paged)


HISTORY_SHOWN = 5  # the card lists the latest transitions; reasons are cut to fit
REASON_SHOWN = 100


async def _show_card(
    update: Update, context: BotContext, studio_id: int, page: int = 0, page_press: bool = False
) -> None:
    assert update.effective_user is not None
    async with context.session() as session:
        service = StudioService(session)
        studio, members, history = await service.card(update.effective_user.id, studio_id)
        union = studio.union.name if studio.union else ""
        subsidy = await service.naming_subsidy(studio.id) if studio.named_on else 0
        version = await service.version(studio.id)
        files = await studio_files(session, studio.id)
        people = await PeopleService(session).removable(context.user_id, studio.id)
    lines = [
        html.escape(f"· {m.name} {m.specialty} {m.education} {m.birth_year or ''}".rstrip())
        for m in members
    ]
    # The team can grow past one message: a page of it, with ◀ ▶ (the rest of the card fits).
    shown = paginate(lines, page, budget=2000)
    member_lines = "\n".join(lines[shown.start : shown.stop])
    history_lines = "\n".join(
        context.t(
            "studio.history_item",
            when=local_time(context, change.at),
            who=who or "-",
            to=Raw(context.t(f"status.{change.to_status.value}")),
            reason=Raw(_reason_line(context, _cut(change.reason, REASON_SHOWN))),
        )
        for change, who in history[-HISTORY_SHOWN:]
    )
    if len(history) > HISTORY_SHOWN:
        more = context.t("studio.history_more", count=len(history), shown=HISTORY_SHOWN)
        history_lines = more + "\n" + history_lines
    named = (
        f"{studio.named_on.isoformat()} {studio.naming_document or ''}".strip()
        if studio.named_on
        else "-"
    )
    text = context.t(
        "studio.card",
        name=studio.name,
        status=Raw(context.t(f"status.{studio.status.value}")),
        leader=studio.leader_name,
        honour=Raw(context.t(f"honour.{studio.leader_honour.value}")),
        host=studio.host_unit,
        union=union,
        specialty=studio.specialty,
        venue=studio.venue,
        named=named,
        subsidy=Raw(
            context.t("studio.card_subsidy", amount=format_fen(subsidy)) if subsidy else ""
        ),
        count=len(members),
        page=Raw(page_label(context, shown)),
        members=Raw(member_lines if members else context.t("apply.members_none")),
        history=Raw(history_lines),
    )
    # e.g. the scanned endorsement (Art. 8): listed, and sent back on a press.
    text = _with_files(context.t, text, files)
    buttons = shown.nav(lambda p: f"sc:{studio.id}:{p}")
    if people:  # those who may take roles away here reach /people's list for this studio
        buttons.append((context.t("btn.people"), f"pp:p:{studio.id}:0"))
    resubmit = _resubmit_keyboard(context.lang, studio, version)
    grid = [
        *(resubmit.inline_keyboard if resubmit else ()),
        *(rows(buttons, 3).inline_keyboard if buttons else ()),
        *(rows(file_buttons(context.t, files)).inline_keyboard if files else ()),
    ]
    keyboard = InlineKeyboardMarkup(grid) if grid else None
    # Turning a page of the team replaces the card in place; opening it is a new message.
    await (show if page_press else answer)(update, context, text, keyboard)


def _with_files(tr: Translate, text: str, files: list[Attachment]) -> str:
    if not files:
        return text
    return text + "\n\n" + tr("studio.files", items=Raw("\n".join(file_lines(tr, files))))


async def _files_keyboard(
    context: BotContext, lang: str, studio: Studio, keyboard: InlineKeyboardMarkup | None
) -> tuple[list[Attachment], InlineKeyboardMarkup | None]:
    """The studio's files, and the keyboard with a 📎 button for each (for the admin naming it)."""
    async with context.session() as session:
        files = await studio_files(session, studio.id)
    if not files:
        return files, keyboard
    extra = rows(file_buttons(partial(t, lang), files)).inline_keyboard
    return files, InlineKeyboardMarkup([*(keyboard.inline_keyboard if keyboard else ()), *extra])


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reason_line(context: BotContext, reason: str) -> str:
    return context.t("studio.reason_line", reason=reason) if reason else ""


@private_only
async def rereview_command(update: Update, context: BotContext) -> None:
    await _list_or_only(update, context, _rereview_list, _rereview_one)


async def rereview_button(update: Update, context: BotContext) -> None:
    """rrp:<page> turns the list's page in place; rro:<studio> opens that studio's item."""
    await _page_or_open(
        update, context, (REREVIEW_PAGE, REREVIEW_OPEN), _rereview_list, _rereview_one
    )


async def _rereview_one(update: Update, context: BotContext, studio_id: int) -> None:
    async with context.session() as session:
        due = await StudioService(session).due_for_rereview(context.user_id, context.today())
    studio = next((s for s in due if s.id == studio_id), None)
    if studio is None:
        await answer(update, context, context.t("rereview.gone"))
        return
    named_on = studio.named_on.isoformat() if studio.named_on else ""
    text = context.t("rereview.item", studio=studio.name, named_on=named_on)
    keyboard = _action_keyboard(context.lang, studio, (Action.OPEN_REREVIEW,))
    await answer(update, context, text, keyboard)


async def _rereview_list(update: Update, context: BotContext, page: int) -> int | None:
    """The list's page; the studio's id when it is the only one due."""
    async with context.session() as session:
        due = await StudioService(session).due_for_rereview(context.user_id, context.today())
    if not due:
        await show(update, context, context.t("rereview.none"))
        return None
    lines = [
        f"{n}. "
        + context.t(
            "rereview.line",
            studio=s.name,
            named_on=s.named_on.isoformat() if s.named_on else "",
        )
        for n, s in enumerate(due, 1)
    ]
    shown = paginate(lines, page)
    buttons = [
        (context.t("btn.rereview_open", n=n), REREVIEW_OPEN.pack(s.id))
        for n, s in enumerate(due, 1)
    ][shown.start : shown.stop]
    text = context.t(
        "rereview.list",
        count=len(due),
        page=Raw(page_label(context, shown)),
        items=Raw("\n".join(lines[shown.start : shown.stop])),
    )
    await show(update, context, text, rows(buttons + shown.nav(REREVIEW_PAGE.pack), 4))
    return due[0].id if len(due) == 1 else None
