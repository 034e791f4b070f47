"""Adding to a ledger: one guided form per ledger (Art. 6, 9, 11)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import forms
from bot.context import BotContext
from bot.forms import FieldError, Form, Step
from bot.handlers.common import answer, private_only
from bot.handlers.ledgers import permissions
from bot.handlers.ledgers.ack import ask_ack
from bot.handlers.ledgers.base import studio_options
from bot.i18n import Raw
from bot.parsing import format_fen, parse_count, parse_int
from storage.files import FileData
from storage.ledgers import LedgerService
from storage.models import (
    AchievementCategory,
    ActivityKind,
    FundDirection,
    FundSource,
    MemberEventKind,
    ProjectKind,
    ProjectStatus,
)

EDUCATION = ("博士", "硕士", "本科", "大专", "中专及以下")
LEVELS = ("national", "provincial", "prefecture", "county", "unit")
EVENT_KINDS = ("title", "award", "certificate", "promotion")


# ----------------------------------------------------------------------- step helpers
def _studio_step(kind: str) -> Step:
    return Step(
        "studio", "ledger.ask.studio", options=studio_options(kind), skip=lambda d: "studio" in d
    )


def _enum_options(prefix: str, values: Any) -> forms.Options:
    async def options(context: BotContext, _: dict[str, Any]) -> list[tuple[str, str]]:
        return [(v.value, context.t(f"{prefix}.{v.value}")) for v in values]

    return options


def _count(value: str, _: BotContext, __: dict[str, Any]) -> int:
    count = parse_count(value)
    if count is None or not 0 <= count <= 100_000:
        raise FieldError("ledger.bad_count")
    return count


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


def files_step(name: str, prompt: str) -> Step:
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


async def field_value(context: BotContext, field: str, data: dict[str, Any]) -> str:
    if field == "action":
        return context.t(f"member_action.{data[field]}")
    if field == "event":
        return context.t(f"member_event.{data[field]}")
    if field == "member_id":
        return dict(await _active_members(context, data)).get(data[field], "-")
    return _label(context, field, data.get(field))


def _summary(kind: str, fields: tuple[str, ...]) -> Any:
    async def summary(context: BotContext, data: dict[str, Any]) -> str:
        studio = dict(await studio_options(kind)(context, data)).get(data["studio"], "")
        ledger = Raw(context.t(f"ledger.{kind}"))
        lines = [context.t("ledger.summary_title", ledger=ledger, studio=studio)]
        lines += [
            context.t(
                "ledger.summary_line",
                field=Raw(context.t(f"field.{f}")),
                value=await field_value(context, f, data),
            )
            for f in fields
            if f in data
        ]
        if kind == "funds":
            lines += await _funds_warnings(context, data)
        return "\n".join(lines)

    return summary


async def _funds_warnings(context: BotContext, data: dict[str, Any]) -> list[str]:
    """Art. 9: said on the summary, before the user confirms — money that may already be
    in the ledger (the naming subsidy is recorded at naming), and spending past the balance."""
    fields = _fields("funds", data)
    async with context.session() as session:
        service = LedgerService(session)
        twins = await service.likely_duplicates(
            int(data["studio"]),
            fields["direction"],
            fields["source"],
            fields["amount_fen"],
            fields["on_date"],
        )
        balance = await service.balance_fen(int(data["studio"]))
    lines = []
    for twin in twins[:3]:
        lines.append(
            context.t(
                "funds.duplicate",
                date=twin.on_date.isoformat(),
                amount=format_fen(twin.amount_fen),
                purpose=twin.purpose,
            )
        )
    if fields["direction"] is FundDirection.EXPENSE and fields["amount_fen"] > balance:
        lines.append(
            context.t(
                "funds.negative",
                balance=format_fen(balance),
                after=format_fen(balance - fields["amount_fen"]),
            )
        )
    return ["", *lines] if lines else []


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
    async def submit(
        update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
    ) -> None:
        assert update.effective_user is not None
        files = [FileData(**f) for f in data.get("attachments", data.get("photos", []))]
        service = LedgerService(session)
        added = await service.add(
            update.effective_user.id,
            int(data["studio"]),
            kind,
            _fields(kind, data),
            files,
            today=context.today(),
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
            await ask_ack(context, officer, kind, added.record.id, added.studio.name, title)

    return submit


def _form(kind: str, title: str, steps: tuple[Step, ...], fields: tuple[str, ...]) -> Form:
    return forms.register(
        Form(
            name=kind,
            title=title,
            steps=(_studio_step(kind), *steps),
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
        files_step("attachments", "ledger.ask.attachments"),
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
        files_step("photos", "ledger.ask.photos"),
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


async def _member_submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    if _joining(data):
        await _submit("member")(update, context, session, data)
        return
    on_date = date.fromisoformat(data["on_date"])
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
            _studio_step("member"),
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
    studios = await studio_options(kind)(context, {})
    if not studios:
        # Say who can do it and how: the leader, a permitted member, read-only if revoked.
        async with context.session() as session:
            refusal = await LedgerService(session).refusal(context.user_id, kind)
        await answer(update, context, context.t(refusal.key, **refusal.params))
        return
    data = {"studio": studios[0][0]} if len(studios) == 1 else {}
    await forms.start(update, context, FORMS[kind], data)


def command(kind: str) -> Any:
    @private_only
    async def handler(update: Update, context: BotContext) -> None:
        if kind == "member":
            await permissions.panels(update, context)
        await _start(update, context, kind)

    handler.__name__ = f"{kind}_command"
    return handler
