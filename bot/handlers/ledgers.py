"""The studio's ledgers in chat (Art. 11): /project, /achievement, /activity, /member, /funds,
/ledger to list and delete, and the union's acknowledgement of projects and achievements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import forms
from bot.context import BotContext
from bot.exports import build_workbook
from bot.forms import FieldError, Form, Step
from bot.handlers.common import answer, language_of, pressed, private_only, tell
from bot.i18n import Raw, t
from bot.keyboards import rows
from bot.parsing import format_fen, parse_int, strip_unclean
from storage.access import load_access
from storage.files import FileData
from storage.ledgers import LEDGERS, LedgerService, export_ledgers
from storage.models import (
    AchievementCategory,
    ActivityKind,
    FundDirection,
    FundSource,
    MemberEventKind,
    ProjectKind,
    ProjectStatus,
    User,
)

SHOWN = 10
KIND_CODES = {"p": "project", "a": "achievement", "v": "activity", "m": "member", "f": "funds"}
CODE_OF = {k: c for c, k in KIND_CODES.items()}
EDUCATION = ("博士", "硕士", "本科", "大专", "中专及以下")
LEVELS = ("national", "provincial", "prefecture", "county", "unit")
EVENT_KINDS = ("title", "award", "certificate", "promotion")


# ----------------------------------------------------------------------- step helpers
async def _studios(context: BotContext, data: dict[str, Any]) -> list[tuple[str, str]]:
    async with context.session() as session:
        studios = await LedgerService(session).writable_studios(context.user_id)
    return [(str(s.id), s.name) for s in studios]


STUDIO = Step("studio", "ledger.ask.studio", options=_studios, skip=lambda d: "studio" in d)


def _enum_options(prefix: str, values: Any) -> forms.Options:
    async def options(context: BotContext, _: dict[str, Any]) -> list[tuple[str, str]]:
        return [(v.value, context.t(f"{prefix}.{v.value}")) for v in values]

    return options


def _count(value: str, _: BotContext, __: dict[str, Any]) -> int:
    number = parse_int(value)
    if number is None or not 0 <= number <= 100_000:
        raise FieldError("ledger.bad_count")
    return number


def _year(value: str, context: BotContext, _: dict[str, Any]) -> int:
    this_year = context.today().year
    number = parse_int(value)
    if number is None or not 2000 <= number <= this_year + 1:
        raise FieldError("ledger.bad_year", max=this_year + 1)
    return number


async def _years(context: BotContext, _: dict[str, Any]) -> list[tuple[str, str]]:
    year = context.today().year
    return [(str(y), str(y)) for y in (year, year - 1)]


def _birth_year(value: str, context: BotContext, _: dict[str, Any]) -> int:
    year = context.today().year
    number = parse_int(value)
    if number is None or not year - 80 <= number <= year - 16:
        raise FieldError("ledger.bad_birth_year")
    return number


def _wan_yuan(value: str, _: BotContext, __: dict[str, Any]) -> int | None:
    """Economic benefit in 万元 (optional), stored as fen."""
    if value in forms.SKIP_WORDS:
        return None
    try:
        amount = Decimal(value.removesuffix("万元").removesuffix("万").strip())
    except InvalidOperation:
        raise FieldError("ledger.bad_benefit") from None
    if not amount.is_finite() or amount < 0 or amount > 10**7:
        raise FieldError("ledger.bad_benefit")
    return int(amount * 1_000_000)


def _files_step(name: str, prompt: str) -> Step:
    async def done(context: BotContext, _: dict[str, Any]) -> list[tuple[str, str]]:
        return [(name, context.t("form.files_done"))]

    return Step(
        name,
        prompt,
        parse=forms.no_files(name),
        options=done,
        choose=forms.files_done,
        files=True,
        multi=True,
    )


def _choices(prefix: str, values: tuple[str, ...]) -> forms.Options:
    async def options(context: BotContext, _: dict[str, Any]) -> list[tuple[str, str]]:
        return [(v, context.t(f"{prefix}.{v}")) for v in values]

    return options


# ------------------------------------------------------------------------------ forms
def _label(context: BotContext, key: str, value: Any) -> str:
    if value in (None, "", []):
        return "-"
    if key in ("kind", "category", "status", "direction", "source", "level"):
        prefix = {"level": "level"}.get(key, f"enum.{key}")
        return context.t(f"{prefix}.{value}")
    if key in ("amount_fen",):
        return format_fen(int(value)) + " " + context.t("ledger.yuan")
    if key == "economic_benefit_fen":
        return (
            "-" if value is None else f"{Decimal(value) / 1_000_000:g} " + context.t("ledger.wan")
        )
    if key in ("attachments", "photos"):
        return ", ".join(f["file_name"] for f in value)
    return str(value)


async def _value(context: BotContext, field: str, data: dict[str, Any]) -> str:
    if field == "action":
        return context.t(f"member_action.{data[field]}")
    if field == "event":
        return context.t(f"member_event.{data[field]}")
    if field == "member_id":
        return dict(await _active_members(context, data)).get(data[field], "-")
    return _label(context, field, data.get(field))


def _summary(kind: str, fields: tuple[str, ...]) -> Any:
    async def summary(context: BotContext, data: dict[str, Any]) -> str:
        studio = dict(await _studios(context, data)).get(data["studio"], "")
        ledger = Raw(context.t(f"ledger.{kind}"))
        lines = [context.t("ledger.summary_title", ledger=ledger, studio=studio)]
        lines += [
            context.t(
                "ledger.summary_line",
                field=Raw(context.t(f"field.{f}")),
                value=await _value(context, f, data),
            )
            for f in fields
            if f in data
        ]
        return "\n".join(lines)

    return summary


def _fields(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    def d(key: str) -> date | None:
        return date.fromisoformat(data[key]) if data.get(key) else None

    if kind == "project":
        return {
            "title": data["title"],
            "year": int(data["year"]),
            "kind": ProjectKind(data["kind"]),
            "approved_on": d("approved_on"),
            "approving_body": data.get("approving_body", ""),
            "status": ProjectStatus(data["status"]),
        }
    if kind == "achievement":
        return {
            "title": data["title"],
            "category": AchievementCategory(data["category"]),
            "achieved_on": d("achieved_on"),
            "recognised_by": data["recognised_by"],
            "recognition_level": data["level"],
            "economic_benefit_fen": data.get("economic_benefit_fen"),
            "social_benefit": data.get("social_benefit", ""),
        }
    if kind == "activity":
        return {
            "held_on": d("held_on"),
            "kind": ActivityKind(data["kind"]),
            "people_reached": int(data["people_reached"]),
            "summary": data["summary"],
        }
    if kind == "member":
        return {
            "name": data["name"],
            "specialty": data["specialty"],
            "education": data["education"],
            "birth_year": int(data["birth_year"]),
            "joined_on": d("joined_on"),
        }
    direction = FundDirection(data["direction"])
    return {
        "direction": direction,
        "source": FundSource(data["source"]) if direction is FundDirection.INCOME else None,
        "amount_fen": int(data["amount_fen"]),
        "on_date": d("on_date"),
        "purpose": data["purpose"],
    }


def _submit(kind: str) -> Any:
    async def submit(update: Update, context: BotContext, data: dict[str, Any]) -> None:
        assert update.effective_user is not None
        files = [FileData(**f) for f in data.get("attachments", data.get("photos", []))]
        async with context.session() as session:
            service = LedgerService(session)
            added = await service.add(
                update.effective_user.id, int(data["studio"]), kind, _fields(kind, data), files
            )
            balance = await service.balance_fen(added.studio.id) if kind == "funds" else 0
        key = "ledger.saved_funds" if kind == "funds" else "ledger.saved"
        text = context.t(
            key,
            ledger=Raw(context.t(f"ledger.{kind}")),
            studio=added.studio.name,
            balance=format_fen(balance),
        )
        if added.officers:
            text += "\n" + context.t("ledger.sent_for_ack")
        await answer(update, context, text)
        title = data.get("title", "")
        for officer in added.officers:
            await _ask_ack(context, officer, kind, added.record.id, added.studio.name, title)

    return submit


def _form(kind: str, title: str, steps: tuple[Step, ...], fields: tuple[str, ...]) -> Form:
    return forms.register(
        Form(
            name=kind,
            title=title,
            steps=(STUDIO, *steps),
            summary=_summary(kind, fields),
            submit=_submit(kind),
        )
    )


PROJECT = _form(
    "project",
    "ledger.project",
    (
        Step("title", "ledger.ask.project_title", parse=forms.text(200)),
        Step("year", "ledger.ask.year", parse=_year, options=_years),
        Step("kind", "ledger.ask.project_kind", options=_enum_options("enum.kind", ProjectKind)),
        Step("approved_on", "ledger.ask.approved_on", parse=forms.past_date(optional=True)),
        Step("approving_body", "ledger.ask.approving_body", parse=forms.text(200, optional=True)),
        Step(
            "status",
            "ledger.ask.project_status",
            options=_enum_options("enum.status", ProjectStatus),
        ),
    ),
    ("title", "year", "kind", "approved_on", "approving_body", "status"),
)
ACHIEVEMENT = _form(
    "achievement",
    "ledger.achievement",
    (
        Step("title", "ledger.ask.achievement_title", parse=forms.text(200)),
        Step(
            "category",
            "ledger.ask.category",
            options=_enum_options("enum.category", AchievementCategory),
        ),
        Step("achieved_on", "ledger.ask.achieved_on", parse=forms.past_date()),
        Step("recognised_by", "ledger.ask.recognised_by", parse=forms.text(200)),
        Step("level", "ledger.ask.level", options=_choices("level", LEVELS)),
        Step("economic_benefit_fen", "ledger.ask.economic", parse=_wan_yuan),
        Step("social_benefit", "ledger.ask.social", parse=forms.text(500, optional=True)),
        _files_step("attachments", "ledger.ask.attachments"),
    ),
    (
        "title",
        "category",
        "achieved_on",
        "recognised_by",
        "level",
        "economic_benefit_fen",
        "social_benefit",
        "attachments",
    ),
)
ACTIVITY = _form(
    "activity",
    "ledger.activity",
    (
        Step("held_on", "ledger.ask.held_on", parse=forms.past_date()),
        Step("kind", "ledger.ask.activity_kind", options=_enum_options("enum.kind", ActivityKind)),
        Step("people_reached", "ledger.ask.people", parse=_count),
        Step("summary", "ledger.ask.summary", parse=forms.text(500)),
        _files_step("photos", "ledger.ask.photos"),
    ),
    ("held_on", "kind", "people_reached", "summary", "photos"),
)


def _joining(data: dict[str, Any]) -> bool:
    return data.get("action") == "join"


async def _active_members(context: BotContext, data: dict[str, Any]) -> list[tuple[str, str]]:
    async with context.session() as session:
        members = await LedgerService(session).records(
            context.user_id, int(data["studio"]), "member"
        )
    return [(str(m.id), m.name) for m in members if m.left_on is None]


async def _member_submit(update: Update, context: BotContext, data: dict[str, Any]) -> None:
    if _joining(data):
        await _submit("member")(update, context, data)
        return
    on_date = date.fromisoformat(data["on_date"])
    async with context.session() as session:
        member = await LedgerService(session).member_event(
            context.user_id,
            int(data["member_id"]),
            MemberEventKind.LEFT if data["action"] == "leave" else MemberEventKind(data["event"]),
            on_date,
            data.get("description", ""),
        )
    await answer(update, context, context.t("ledger.member_event_saved", name=member.name))


MEMBER = forms.register(
    Form(
        name="member",
        title="ledger.member",
        steps=(
            STUDIO,
            Step(
                "action",
                "ledger.ask.member_action",
                options=_choices("member_action", ("join", "leave", "event")),
            ),
            Step(
                "name",
                "ledger.ask.member_name",
                parse=forms.text(50),
                skip=lambda d: not _joining(d),
            ),
            Step(
                "specialty",
                "ledger.ask.specialty",
                parse=forms.text(100),
                skip=lambda d: not _joining(d),
            ),
            Step(
                "education",
                "ledger.ask.education",
                options=_choices("education", EDUCATION),
                skip=lambda d: not _joining(d),
            ),
            Step(
                "birth_year",
                "ledger.ask.birth_year",
                parse=_birth_year,
                skip=lambda d: not _joining(d),
            ),
            Step(
                "joined_on",
                "ledger.ask.joined_on",
                parse=forms.past_date(),
                skip=lambda d: not _joining(d),
            ),
            Step("member_id", "ledger.ask.which_member", options=_active_members, skip=_joining),
            Step(
                "event",
                "ledger.ask.event_kind",
                options=_choices("member_event", EVENT_KINDS),
                skip=lambda d: d.get("action") != "event",
            ),
            Step("on_date", "ledger.ask.on_date", parse=forms.past_date(), skip=_joining),
            Step(
                "description",
                "ledger.ask.event_description",
                parse=forms.text(200),
                skip=lambda d: d.get("action") != "event",
            ),
        ),
        summary=_summary(
            "member",
            (
                "action",
                "name",
                "specialty",
                "education",
                "birth_year",
                "joined_on",
                "member_id",
                "event",
                "on_date",
                "description",
            ),
        ),
        submit=_member_submit,
    )
)
FUNDS = _form(
    "funds",
    "ledger.funds",
    (
        Step(
            "direction",
            "ledger.ask.direction",
            options=_enum_options("enum.direction", FundDirection),
        ),
        Step(
            "source",
            "ledger.ask.source",
            options=_enum_options("enum.source", FundSource),
            skip=lambda d: d.get("direction") != FundDirection.INCOME.value,
        ),
        Step("amount_fen", "ledger.ask.amount", parse=forms.yuan()),
        Step("on_date", "ledger.ask.on_date", parse=forms.past_date()),
        Step("purpose", "ledger.ask.purpose", parse=forms.text(200)),
    ),
    ("direction", "source", "amount_fen", "on_date", "purpose"),
)
FORMS = {
    "project": PROJECT,
    "achievement": ACHIEVEMENT,
    "activity": ACTIVITY,
    "member": MEMBER,
    "funds": FUNDS,
}


async def _start(update: Update, context: BotContext, kind: str) -> None:
    studios = await _studios(context, {})
    if not studios:
        await answer(update, context, context.t("ledger.no_studio"))
        return
    data = {"studio": studios[0][0]} if len(studios) == 1 else {}
    await forms.start(update, context, FORMS[kind], data)


def command(kind: str) -> Any:
    @private_only
    async def handler(update: Update, context: BotContext) -> None:
        await _start(update, context, kind)

    handler.__name__ = f"{kind}_command"
    return handler


# ------------------------------------------------------------------------------ edits
EDITABLE: dict[str, tuple[str, ...]] = {
    "project": ("title", "year", "kind", "approved_on", "approving_body", "status"),
    "achievement": (
        "title",
        "category",
        "achieved_on",
        "recognised_by",
        "level",
        "economic_benefit_fen",
        "social_benefit",
    ),
    "activity": ("held_on", "kind", "people_reached", "summary"),
    "member": ("name", "specialty", "education", "birth_year"),
    "funds": ("amount_fen", "on_date", "purpose"),
}
ENUMS: dict[tuple[str, str], Any] = {
    ("project", "kind"): ProjectKind,
    ("project", "status"): ProjectStatus,
    ("achievement", "category"): AchievementCategory,
    ("activity", "kind"): ActivityKind,
}
DATES = ("approved_on", "achieved_on", "held_on", "on_date", "joined_on")
INTS = ("year", "people_reached", "birth_year")


def _original(data: dict[str, Any]) -> Step:
    return next(s for s in FORMS[data["kind"]].steps if s.name == data["field"])


async def _edit_fields(context: BotContext, data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f, context.t(f"field.{f}")) for f in EDITABLE[data["kind"]]]


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


def _convert(kind: str, field: str, value: Any) -> tuple[str, Any]:
    if field in DATES:
        return field, date.fromisoformat(value) if value else None
    if field in INTS:
        return field, int(value)
    if (kind, field) in ENUMS:
        return field, ENUMS[(kind, field)](value)
    if field == "level":
        return "recognition_level", value
    return field, value


async def _edit_summary(context: BotContext, data: dict[str, Any]) -> str:
    return context.t(
        "ledger.edit_summary",
        field=Raw(context.t(f"field.{data['field']}")),
        value=await _value(context, data["field"], {**data, data["field"]: data["value"]}),
    )


async def _edit_submit(update: Update, context: BotContext, data: dict[str, Any]) -> None:
    kind = data["kind"]
    attr, value = _convert(kind, data["field"], data["value"])
    async with context.session() as session:
        changed = await LedgerService(session).update(
            context.user_id, kind, int(data["record"]), attr, value
        )
    await answer(
        update, context, context.t("ledger.edited", ledger=Raw(context.t(f"ledger.{kind}")))
    )
    for officer in changed.officers:
        title = getattr(changed.record, "title", "")
        await _ask_ack(context, officer, kind, changed.record.id, changed.studio.name, title)


EDIT = forms.register(
    Form(
        name="edit",
        title="ledger.edit_title",
        steps=(
            Step("field", "ledger.ask.field", options=_edit_fields),
            Step(
                "value", _edit_prompt, parse=_edit_parse, options=_edit_options, choose=_edit_choose
            ),
        ),
        summary=_edit_summary,
        submit=_edit_submit,
    )
)


async def edit_button(update: Update, context: BotContext) -> None:
    if (args := await pressed(update, context, KIND_CODES.__getitem__, int)) is None:
        return
    kind, record_id = args
    async with context.session() as session:
        # Refuse now, not after the questions, if this person may not change it.
        record = await LedgerService(session).record_for_write(context.user_id, kind, record_id)
    data = {"kind": kind, "record": record_id, "studio": str(record.studio_id)}
    await forms.start(update, context, EDIT, data)


# ------------------------------------------------------------------ acknowledgement
async def _ask_ack(
    context: BotContext, officer: int, kind: str, record_id: int, studio: str, title: str
) -> None:
    async with context.session() as session:
        user = await session.get(User, officer)
    lang = language_of(user)
    code = CODE_OF[kind]
    data = f"ak:{code}:{record_id}"
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, "ledger.ack_ok"), callback_data=f"{data}:1"),
                InlineKeyboardButton(t(lang, "ledger.ack_return"), callback_data=f"{data}:0"),
            ]
        ]
    )
    text = t(
        lang,
        "ledger.ack_request",
        ledger=Raw(t(lang, f"ledger.{kind}")),
        studio=studio,
        title=title,
    )
    await tell(context, officer, text, keyboard)


async def _ack_reason_submit(update: Update, context: BotContext, data: dict[str, Any]) -> None:
    await _acknowledge(update, context, data["kind"], int(data["record"]), False, data["reason"])


async def _ack_summary(context: BotContext, data: dict[str, Any]) -> str:
    return context.t("ledger.ack_return_summary", reason=data["reason"])


ACK_RETURN = forms.register(
    Form(
        name="ack",
        title="ledger.ack_title",
        steps=(Step("reason", "act.ask.reason", parse=forms.text(500)),),
        summary=_ack_summary,
        submit=_ack_reason_submit,
    )
)


async def ack_button(update: Update, context: BotContext) -> None:
    args = await pressed(update, context, KIND_CODES.__getitem__, int, ("0", "1").index)
    if args is None:
        return
    kind, record_id, ok = args
    if ok:
        await _acknowledge(update, context, kind, record_id, True, "")
        return
    # Refuse a forged or old "return" button now, not after the reason has been typed.
    async with context.session() as session:
        await LedgerService(session).check_acknowledge(context.user_id, kind, record_id)
    await forms.start(update, context, ACK_RETURN, {"kind": kind, "record": record_id})


async def _acknowledge(
    update: Update, context: BotContext, kind: str, record_id: int, ok: bool, reason: str
) -> None:
    assert update.effective_user is not None
    async with context.session() as session:
        record, studio = await LedgerService(session).acknowledge(
            update.effective_user.id, kind, record_id, ok, reason
        )
        leader_ids = {u for u in (studio.leader_user_id, record.created_by) if u}
        leaders = [await session.get(User, u) for u in leader_ids]
    key = "ledger.acked" if ok else "ledger.returned"
    await answer(
        update, context, context.t(key, title=record.title, studio=studio.name, reason=reason)
    )
    for user in leaders:
        if user is None or user.id == update.effective_user.id:
            continue
        lang = language_of(user)
        await tell(
            context, user.id, t(lang, key, title=record.title, studio=studio.name, reason=reason)
        )


# ---------------------------------------------------------------- listing, deleting
@private_only
async def ledger_command(update: Update, context: BotContext) -> None:
    studios = await _studios(context, {})
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


# ------------------------------------------------------------------------------ export
@private_only
async def export_command(update: Update, context: BotContext) -> None:
    async with context.session() as session:
        access = await load_access(session, context.user_id)
    if access.is_admin or access.officer_unions:
        await _send_export(update, context, None)
        return
    studios = await _studios(context, {})
    if not studios:
        await answer(update, context, context.t("ledger.no_studio"))
    elif len(studios) == 1:
        await _send_export(update, context, int(studios[0][0]))
    else:
        buttons = [(name, f"ex:{sid}") for sid, name in studios[:20]]
        await answer(update, context, context.t("export.choose"), rows(buttons))


async def export_button(update: Update, context: BotContext) -> None:
    if (args := await pressed(update, context, int)) is not None:
        await _send_export(update, context, args[0])


async def _send_export(update: Update, context: BotContext, studio_id: int | None) -> None:
    assert update.effective_chat is not None
    today = context.today()
    async with context.session() as session:
        ledgers = await export_ledgers(session, context.user_id, studio_id)
        content = build_workbook(ledgers, context.t, today, management=studio_id is None)
    single = studio_id is not None and ledgers
    name = strip_unclean(ledgers[0].studio.name) if single else "管理台帐"
    caption = context.t("export.caption", name=name, count=len(ledgers), date=today.isoformat())
    await context.bot.send_document(
        update.effective_chat.id,
        document=content,
        filename=f"{name}-{today.isoformat()}.xlsx",
        caption=caption,
    )
