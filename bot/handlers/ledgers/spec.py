"""One spec per ledger (Art. 11): each field is declared once — its widget, question, label,
parser, buttons, whether it may be edited, how it reads back and how it is exported — and
the list line and the export sheet beside it. The add forms, their summaries, the record's
columns, the edit form, the /ledger list and the workbook's columns are generated from these.

A field is labelled `field.<name>` in the catalogs and asked with its `prompt`; a choice's
values are labelled `<prefix>.<value>`. What does not fit a declaration stays a small,
explicit hook: a value shown by lookup (which member), the member's join/leave/event flow
(fields that are asked but not stored on the record), the export's income/expense split."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from bot import forms
from bot.context import BotContext
from bot.forms import FieldError, Step
from bot.parsing import format_fen, parse_count, parse_int
from storage.ledgers import LedgerService
from storage.models import (
    AchievementCategory,
    ActivityKind,
    FundDirection,
    FundSource,
    ProjectKind,
    ProjectStatus,
)

Data = dict[str, Any]
Label = Callable[[str], str]  # a catalog lookup (context.t)
Show = Callable[[BotContext, Any, Data], Awaitable[str]]
Cell = Callable[[Any, Label, Sequence[str]], Any]  # record, catalog lookup, its file names

# Excel number formats of the export's columns.
DATE = "yyyy-mm-dd"
YUAN = "#,##0.00"
WAN = "0.00"

EDUCATION = ("博士", "硕士", "本科", "大专", "中专及以下")
LEVELS = ("national", "provincial", "prefecture", "county", "unit")
EVENT_KINDS = ("title", "award", "certificate", "promotion")


class Widget(enum.StrEnum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    AMOUNT = "amount"
    CHOICE = "choice"
    FILES = "files"


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Field:
    name: str  # its key in the form's data; labelled field.<name>
    widget: Widget
    prompt: str  # catalog key of the question
    parse: forms.Parse | None = None  # a typed answer; FieldError if it does not read
    options: forms.Options | None = None  # buttons (value, label)
    values: tuple[str, ...] = ()  # a choice's fixed values
    prefix: str | None = None  # a choice's values are labelled <prefix>.<value>
    as_stored: bool = False  # a choice shown (and exported) as its stored value, not its label
    attr: str | None = None  # the record's column; None: asked, but not a column of the record
    convert: Callable[[Any], Any] = _same  # the form's value → the column's
    default: Any = None  # the column's value where the step does not apply
    editable: bool = False
    skip: Callable[[Data], bool] | None = None
    show: Show | None = None  # how a value reads on a summary, where the widget does not say
    scale: int = 1  # an amount's column unit per exported unit (fen per yuan, per 万元)
    number_format: str | None = None  # in the export

    def step(self) -> Step:
        if self.widget is Widget.FILES:
            return files_step(self.name, self.prompt, skip=self.skip)
        # ✏ shows an amount as it would be typed (yuan, or 万元), not as stored (fen).
        typed = _amount_typed(self.scale) if self.widget is Widget.AMOUNT else None
        return Step(self.name, self.prompt, parse=self.parse, options=self.options,
                    skip=self.skip, shown=typed)  # fmt: skip

    def applies(self, data: Data) -> bool:
        return not (self.skip and self.skip(data))

    def column(self, data: Data) -> Any:
        """The record's value from the form's answers."""
        if not self.applies(data) or self.name not in data:
            return self.default
        return self.convert(data[self.name])

    async def shown(self, context: BotContext, data: Data) -> str:
        """The answer as the summary (and the edit's summary) shows it."""
        value = data.get(self.name)
        if value in (None, "", []):
            return "-"
        if self.show is not None:
            return await self.show(context, value, data)
        if self.widget is Widget.FILES:
            return ", ".join(f["file_name"] for f in value)
        if self.prefix and not self.as_stored:
            return context.t(f"{self.prefix}.{value}")
        return str(value)

    def cell(self, value: Any, label: Label) -> Any:
        """The record's value as the export's cell."""
        if self.prefix and not self.as_stored:
            return label(f"{self.prefix}.{getattr(value, 'value', value)}") if value else ""
        if self.scale != 1:
            return value / self.scale if value is not None else None
        return value


def _amount_typed(scale: int) -> Callable[[Any], str]:
    def typed(value: Any) -> str:
        return f"{Decimal(int(value)) / scale:f}".rstrip("0").rstrip(".")

    return typed


# ---------------------------------------------------------------------------- widgets
def text(name: str, prompt: str, max_len: int, *, optional: bool = False, **kw: Any) -> Field:
    parse = forms.text(max_len, optional=optional)
    return Field(name, Widget.TEXT, prompt, parse=parse, attr=name, default="", **kw)


def person(name: str, prompt: str, max_len: int, **kw: Any) -> Field:
    return Field(name, Widget.TEXT, prompt, parse=forms.person_name(max_len), attr=name, **kw)


def _iso(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def day(name: str, prompt: str, *, optional: bool = False, **kw: Any) -> Field:
    """A date in any common format, not in the future (kept as ISO text in the form)."""
    kw.setdefault("attr", name)
    return Field(name, Widget.DATE, prompt, parse=forms.past_date(optional=optional),
                 convert=_iso, number_format=DATE, **kw)  # fmt: skip


def number(name: str, prompt: str, parse: forms.Parse, **kw: Any) -> Field:
    return Field(name, Widget.NUMBER, prompt, parse=parse, attr=name, convert=int, **kw)


def choice(
    name: str, prompt: str, values: Sequence[str] | type[enum.Enum], prefix: str, **kw: Any
) -> Field:
    """Buttons for a finite choice, labelled <prefix>.<value>; an enum's values are stored as
    the enum."""
    if isinstance(values, type):
        kw.setdefault("convert", values)
        values = tuple(str(v.value) for v in values)
    kw.setdefault("attr", name)
    fixed = tuple(values)

    async def options(context: BotContext, _: Data) -> list[tuple[str, str]]:
        return [(v, context.t(f"{prefix}.{v}")) for v in fixed]

    return Field(name, Widget.CHOICE, prompt, options=options, values=fixed, prefix=prefix, **kw)


async def _yuan(context: BotContext, value: Any, _: Data) -> str:
    return format_fen(int(value)) + " " + context.t("ledger.yuan")


def yuan(name: str, prompt: str, **kw: Any) -> Field:
    """An amount in yuan to the fen, kept as fen."""
    return Field(name, Widget.AMOUNT, prompt, parse=forms.yuan(), attr=name, show=_yuan,
                 scale=100, number_format=YUAN, **kw)  # fmt: skip


def _wan_yuan(value: str, _: BotContext, __: Data) -> int | None:
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


async def _wan(context: BotContext, value: Any, _: Data) -> str:
    return f"{Decimal(value) / 1_000_000:g} " + context.t("ledger.wan")


def wan(name: str, prompt: str, **kw: Any) -> Field:
    """An amount in 万元 (optional), kept as fen."""
    return Field(name, Widget.AMOUNT, prompt, parse=_wan_yuan, attr=name, show=_wan,
                 scale=1_000_000, number_format=WAN, **kw)  # fmt: skip


def files(name: str, prompt: str) -> Field:
    """Photos or documents kept with the record (as attachments, not a column)."""
    return Field(name, Widget.FILES, prompt)


def files_step(name: str, prompt: str, skip: Callable[[Data], bool] | None = None) -> Step:
    async def done(context: BotContext, _: Data) -> list[tuple[str, str]]:
        return [(name, context.t("form.files_done"))]

    return Step(name, prompt, parse=forms.no_files(name), options=done,
                choose=forms.files_done, skip=skip, files=True, multi=True)  # fmt: skip


# ------------------------------------------------------------------------ parsers
def _year(value: str, context: BotContext, _: Data) -> int:
    this_year = context.today().year
    number = parse_int(value)
    if number is None or not 2000 <= number <= this_year + 1:
        raise FieldError("ledger.bad_year", max=this_year + 1)
    return number


async def _years(context: BotContext, _: Data) -> list[tuple[str, str]]:
    year = context.today().year
    return [(str(y), str(y)) for y in (year, year - 1)]


def _count(value: str, _: BotContext, __: Data) -> int:
    count = parse_count(value)
    if count is None or not 0 <= count <= 100_000:
        raise FieldError("ledger.bad_count")
    return count


def _birth_year(value: str, context: BotContext, _: Data) -> int:
    year = context.today().year
    number = parse_int(value)
    if number is None or not year - 80 <= number <= year - 16:
        raise FieldError("ledger.bad_birth_year")
    return number


# --------------------------------------------------------------------------- specs
@dataclass(frozen=True)
class Column:
    """One column of the ledger's export sheet."""

    field: str | None = None  # a field of the ledger: its value, as its widget exports it
    header: str | None = None  # catalog key of the title; the field's label when None
    width: int = 10
    get: Cell | None = None  # or a value the form does not ask (review status, files)
    number_format: str | None = None  # the field's when None
    total: bool = False  # summed in a 合计 row


@dataclass(frozen=True)
class LedgerSpec:
    kind: str  # its name is ledger.<kind>, its command /<kind>
    fields: tuple[Field, ...]
    line: Callable[[BotContext, Any], str]  # an entry in /ledger's list (and its notices)
    sheet: str  # catalog key of the export sheet's title
    export: tuple[Column, ...]
    export_order: Callable[[Any], Any] | None = None  # rows sorted by this; else as stored

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def editable(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.editable)

    @property
    def files_field(self) -> str | None:
        return next((f.name for f in self.fields if f.widget is Widget.FILES), None)

    def record_fields(self, data: Data) -> dict[str, Any]:
        """The record's columns from the form's answers (a step that did not apply: its
        default, e.g. an expense has no source)."""
        return {f.attr: f.column(data) for f in self.fields if f.attr is not None}

    def change(self, name: str, value: Any) -> tuple[str, Any]:
        """An edit of one field, as (column, value)."""
        field = self.field(name)
        assert field.attr is not None
        return field.attr, field.convert(value)

    # What an export needs: per column, its title (a catalog key), width, number format, and
    # the cell from a record; `row` gives every cell of one record.
    def header(self, column: Column) -> str:
        return column.header or f"field.{column.field}"

    def number_format(self, column: Column) -> str | None:
        if column.number_format or column.field is None:
            return column.number_format
        return self.field(column.field).number_format

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        """Per column, its cell from (record, label, file names), the field looked up once:
        a prefecture's export asks for a million and a half of them."""
        return tuple(
            column.get or _field_cell(self.field(str(column.field))) for column in self.export
        )

    def row(self, record: Any, label: Label, file_names: Sequence[str] = ()) -> list[Any]:
        return [cell(record, label, file_names) for cell in self.cells]


def _field_cell(field: Field) -> Cell:
    attr = str(field.attr)
    return lambda record, label, _: field.cell(getattr(record, attr), label)


def _review(record: Any, label: Label, _: Sequence[str]) -> str:
    return label(f"review.{record.review_status.value}")


FILE_NAMES_SEP = "\n"  # one name a line: a name may hold 、 or a comma, never a line break


def _file_names(_: Any, __: Label, names: Sequence[str]) -> str:
    # The files stay in Telegram (/ledger sends them back); the sheet names them, and an
    # import brings the names back (as files known by name only).
    return FILE_NAMES_SEP.join(names)


def is_file_names(column: Column) -> bool:
    return column.get is _file_names


def _reviewed(context: BotContext, record: Any) -> str:
    return f"（{context.t(f'review.{record.review_status.value}')}）"


# fmt: off
PROJECT = LedgerSpec(
    kind="project",
    fields=(
        text("title", "ledger.ask.project_title", 200, editable=True),
        number("year", "ledger.ask.year", _year, options=_years, editable=True),
        choice("kind", "ledger.ask.project_kind", ProjectKind, "enum.kind", editable=True),
        day("approved_on", "ledger.ask.approved_on", optional=True, editable=True),
        text("approving_body", "ledger.ask.approving_body", 200, optional=True, editable=True),
        choice("status", "ledger.ask.project_status", ProjectStatus, "enum.status",
               editable=True),
    ),
    line=lambda c, r: f"{r.year} {r.title}{_reviewed(c, r)}",
    sheet="ledger.project",
    export=(
        Column("year", width=8),
        Column("title", "export.col.project_title", width=30),
        Column("kind"),
        Column("approved_on", width=12),
        Column("approving_body", width=20),
        Column("status"),
        Column(header="export.col.review", get=_review),
    ),
)
# fmt: on

# fmt: off
ACHIEVEMENT = LedgerSpec(
    kind="achievement",
    fields=(
        text("title", "ledger.ask.achievement_title", 200, editable=True),
        choice("category", "ledger.ask.category", AchievementCategory, "enum.category",
               editable=True),
        day("achieved_on", "ledger.ask.achieved_on", editable=True),
        text("recognised_by", "ledger.ask.recognised_by", 200, editable=True),
        choice("level", "ledger.ask.level", LEVELS, "level", attr="recognition_level",
               editable=True),
        wan("economic_benefit_fen", "ledger.ask.economic", editable=True),
        text("social_benefit", "ledger.ask.social", 500, optional=True, editable=True),
        # Certificates: kept with the entry, replaced when the union returns it for them.
        files("attachments", "ledger.ask.attachments"),
    ),
    line=lambda c, r: f"{r.achieved_on} {r.title}{_reviewed(c, r)}",
    sheet="ledger.achievement",
    export=(
        Column("title", "export.col.achievement_title", width=30),
        Column("category"),
        Column("achieved_on", width=12),
        Column("recognised_by", width=20),
        Column("level"),
        Column("economic_benefit_fen", "export.col.economic_benefit", width=14, total=True),
        Column("social_benefit", width=30),
        Column(header="export.col.review", get=_review),
        Column(header="field.attachments", width=30, get=_file_names),
    ),
)
# fmt: on

# fmt: off
ACTIVITY = LedgerSpec(
    kind="activity",
    fields=(
        day("held_on", "ledger.ask.held_on", editable=True),
        choice("kind", "ledger.ask.activity_kind", ActivityKind, "enum.kind", editable=True),
        number("people_reached", "ledger.ask.people", _count, editable=True),
        text("summary", "ledger.ask.summary", 500, editable=True),
        files("photos", "ledger.ask.photos"),
    ),
    line=lambda c, r: f"{r.held_on} {c.t(f'enum.kind.{r.kind.value}')} {r.people_reached}人",
    sheet="ledger.activity",
    export=(
        Column("held_on", width=12),
        Column("kind", "export.col.activity_kind"),
        Column("people_reached", width=8, total=True),
        Column("summary", width=40),
        Column(header="field.photos", width=30, get=_file_names),
    ),
)
# fmt: on


# The member ledger asks one of three things: a member joins (the record's columns), leaves,
# or has a development event (both about an existing member, stored as a MemberEvent by the
# form's own submit; those fields are not columns of the record).
def _joining(data: Data) -> bool:
    return data.get("action") == "join"


def _not_joining(data: Data) -> bool:
    return not _joining(data)


def _not_event(data: Data) -> bool:
    return data.get("action") != "event"


async def active_members(context: BotContext, data: Data) -> list[tuple[str, str]]:
    async with context.session() as session:
        members = await LedgerService(session).records(
            context.user_id, int(data["studio"]), "member"
        )
    return [(str(m.id), m.name) for m in members if m.left_on is None]


async def _member_name(context: BotContext, value: Any, data: Data) -> str:
    return dict(await active_members(context, data)).get(value, "-")


# fmt: off
MEMBER = LedgerSpec(
    kind="member",
    fields=(
        choice("action", "ledger.ask.member_action", ("join", "leave", "event"),
               "member_action", attr=None),
        person("name", "ledger.ask.member_name", 50, skip=_not_joining, editable=True),
        text("specialty", "ledger.ask.specialty", 100, skip=_not_joining, editable=True),
        # Stored and shown as the Chinese word (in the export too); only its buttons translate.
        choice("education", "ledger.ask.education", EDUCATION, "education", as_stored=True,
               skip=_not_joining, editable=True),
        number("birth_year", "ledger.ask.birth_year", _birth_year, skip=_not_joining,
               editable=True),
        day("joined_on", "ledger.ask.joined_on", skip=_not_joining),
        Field("member_id", Widget.CHOICE, "ledger.ask.which_member", options=active_members,
              skip=_joining, show=_member_name),
        choice("event", "ledger.ask.event_kind", EVENT_KINDS, "member_event", attr=None,
               skip=_not_event),
        day("on_date", "ledger.ask.on_date", attr=None, skip=_joining),
        Field("description", Widget.TEXT, "ledger.ask.event_description",
              parse=forms.text(200), skip=_not_event),
    ),
    line=lambda c, r: f"{r.name} {r.specialty} {r.education} {r.birth_year or ''}",
    sheet="export.sheet.member",
    export=(
        Column("name"),
        Column("specialty", width=14),
        Column("education"),
        Column("birth_year"),
        Column("joined_on", width=12),
        Column(header="export.col.left_on", width=12, number_format=DATE,
               get=lambda r, _, __: r.left_on),
    ),
)
# fmt: on


def _income(direction: FundDirection) -> Cell:
    return lambda r, _, __: r.amount_fen / 100 if r.direction is direction else None


def _is_income(data: Data) -> bool:
    return data.get("direction") == FundDirection.INCOME.value


# fmt: off
FUNDS = LedgerSpec(
    kind="funds",
    fields=(
        choice("direction", "ledger.ask.direction", FundDirection, "enum.direction"),
        # Art. 9: where income comes from; an expense has none.
        choice("source", "ledger.ask.source", FundSource, "enum.source",
               skip=lambda d: not _is_income(d)),
        yuan("amount_fen", "ledger.ask.amount", editable=True),
        day("on_date", "ledger.ask.on_date", editable=True),
        text("purpose", "ledger.ask.purpose", 200, editable=True),
    ),
    line=lambda c, r: (
        f"{r.on_date} {'+' if r.direction is FundDirection.INCOME else '-'}"
        f"{format_fen(r.amount_fen)} {r.purpose}"
    ),
    sheet="ledger.funds",
    export=(
        Column("on_date", width=12),
        Column("direction", width=8),
        Column("source", width=18),
        # One column each way, so each sums.
        Column(header="export.col.income", width=14, number_format=YUAN, total=True,
               get=_income(FundDirection.INCOME)),
        Column(header="export.col.expense", width=14, number_format=YUAN, total=True,
               get=_income(FundDirection.EXPENSE)),
        Column("purpose", width=30),
    ),
    export_order=lambda r: (r.on_date, r.id),
)
# fmt: on

# In the order the ledgers are offered and exported.
SPECS: dict[str, LedgerSpec] = {s.kind: s for s in (PROJECT, ACHIEVEMENT, ACTIVITY, MEMBER, FUNDS)}


def _event_kind(kind: str) -> str:
    # Joining and leaving read as the member ledger's own choices.
    return {"joined": "member_action.join", "left": "member_action.leave"}.get(
        kind, f"member_event.{kind}"
    )


# The member ledger's second sheet: its development events, as (member's name, event) pairs.
EVENT_SHEET = "export.sheet.member_events"
EVENT_COLUMNS = (
    Column(header="field.name", get=lambda e, _, __: e[0]),
    Column(header="field.on_date", width=12, number_format=DATE, get=lambda e, _, __: e[1].on_date),
    Column(header="field.event", get=lambda e, label, _: label(_event_kind(e[1].kind.value))),
    Column(header="field.description", width=40, get=lambda e, _, __: e[1].description),
)
