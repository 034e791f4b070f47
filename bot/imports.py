"""Reading a workbook in /export's management layout back in (issue 13 item 5): every row
checked by the same parsers the forms use, every problem listed by sheet and row. Pure and
thread-safe (the bot runs it in a worker thread); what only the database can say
(jurisdiction, names taken) is storage/imports.py's to check, when it writes."""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from bot.forms import FieldError
from bot.handlers.ledgers.spec import (
    EVENT_COLUMNS,
    EVENT_SHEET,
    MEMBER,
    SPECS,
    Field,
    LedgerSpec,
    Widget,
    is_file_names,
    person,
    text,
)
from bot.i18n import t
from bot.parsing import check_clean
from bot.telegram_html import to_plain
from policy.lifecycle import Honour, StudioStatus
from storage.imports import FILES, ImportIssue, StudioImport
from storage.models import FundDirection, MemberEventKind, ReviewStatus

LANGUAGES = ("zh", "en")
ATTRS = {"project": "projects", "achievement": "achievements", "activity": "activities",
         "member": "members", "funds": "funds"}  # fmt: skip
# The overview's columns that are the studio's own (the rest are counts, derived).
_STUDIO_NAME = text("name", "", 100)
_LEADER = person("leader_name", "", 50)
_DOCUMENT = text("naming_document", "", 100, optional=True)
# The studio's application facts: overview column → (the /apply step whose parser checks it,
# the studio's column). Empty is allowed: a studio named on paper may lack one.
APPLICATION_COLUMNS = {
    "export.col.host_unit": ("host_unit", "host_unit"),
    "export.col.specialty": ("specialty", "specialty"),
    "export.col.venue": ("venue", "venue"),
    "export.col.funding": ("funding", "funding_arrangement"),
    "export.col.plan": ("plan", "plan"),
}


def _application_field(step_name: str) -> Field:
    """The /apply form's own parser for this step (its length limit and checks)."""
    from bot.handlers.studios import APPLY

    step = next(s for s in APPLY.steps if s.name == step_name)
    return Field(step_name, Widget.TEXT, step.prompt if isinstance(step.prompt, str) else "",
                 parse=step.parse)  # fmt: skip


def _plain(lang: str, key: str) -> str:
    return html.unescape(t(lang, key))


class _Context:
    """What the field parsers ask of the chat context: today."""

    def __init__(self, today: date) -> None:
        self._today = today

    def today(self) -> date:
        return self._today


@dataclass
class ImportPlan:
    studios: list[StudioImport] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # ledger kind → rows read

    def __bool__(self) -> bool:
        return not self.issues


def _labels(prefix: str, values: Sequence[str]) -> dict[str, str]:
    """A choice's label, in either language (and its stored value), → the value."""
    out: dict[str, str] = {}
    for value in values:
        out[value] = value
        for lang in LANGUAGES:
            out[_plain(lang, f"{prefix}.{value}").strip()] = value
    return out


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Reader:
    def __init__(self, today: date, unions: Mapping[str, int]) -> None:
        self.context: Any = _Context(today)
        self.unions = unions
        self.plan = ImportPlan()
        self.sheet = ""
        self.row = 0
        self.totals = {_plain(lang, "export.total") for lang in LANGUAGES}

    def issue(self, key: str, **params: Any) -> None:
        self.plan.issues.append(ImportIssue(self.sheet, self.row, key, params))

    def parse(self, field_: Field, value: Any) -> Any:
        """The cell as its field's column, by the form's own parser; raises FieldError."""
        raw = _as_text(value)
        bad = check_clean(raw)
        if bad is not None:
            raise FieldError("errors.unclean_text", char=bad)
        if field_.widget is Widget.CHOICE and field_.prefix:
            values = _labels(field_.prefix, field_.values) if not field_.as_stored else {
                v: v for v in field_.values}  # fmt: skip
            if not raw:
                raise FieldError("import.err.required")
            if raw not in values:
                raise FieldError("import.err.choice", value=raw[:40])
            return field_.convert(values[raw])
        assert field_.parse is not None
        if not raw:
            try:  # optional where the form accepts 「无」
                return field_.convert(field_.parse("无", self.context, {}))
            except FieldError:
                raise FieldError("import.err.required") from None
        return field_.convert(field_.parse(raw, self.context, {}))

    def cell(self, field_: Field, value: Any) -> tuple[bool, Any]:
        try:
            return True, self.parse(field_, value)
        except FieldError as exc:
            self.issue(exc.key, **exc.params)
            return False, None

    def choice(self, prefix: str, values: Sequence[str], value: Any) -> str | None:
        raw = _as_text(value)
        found = _labels(prefix, values).get(raw)
        if found is None:
            self.issue("import.err.choice" if raw else "import.err.required", value=raw[:40])
        return found

    def rows(self, ws: Any, headers: list[list[str]]) -> Iterator[tuple[Any, ...]]:
        lines = ws.iter_rows(values_only=True)
        first = [_as_text(v) for v in next(lines, ())]
        while first and not first[-1]:
            first.pop()
        self.row = 1
        if first not in headers:
            self.issue("import.err.layout")
            return
        width = len(first)
        for self.row, line in enumerate(lines, 2):
            cells = (tuple(line) + (None,) * width)[:width]
            if all(c is None or c == "" for c in cells):
                continue
            if _as_text(cells[0]) in self.totals:
                continue  # the 合计 row /export adds
            yield cells


def _headers(keys: Sequence[str]) -> list[list[str]]:
    return [[_plain(lang, k) if "." in k else k for k in keys] for lang in LANGUAGES]


def read_workbook(content: bytes, *, today: date, unions: Mapping[str, int]) -> ImportPlan:
    """The studios and rows of a workbook in /export's management layout, or its problems.
    unions: every union's name → id (a studio's union is named in the file)."""
    from bot.exports import OVERVIEW

    reader = _Reader(today, unions)
    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:
        reader.sheet = "-"
        reader.issue("import.err.not_xlsx")
        return reader.plan
    titles = {ws.title: ws for ws in wb.worksheets}

    def sheet(key: str) -> Any:
        for lang in LANGUAGES:
            ws = titles.get(_plain(lang, key))
            if ws is not None:
                return ws
        return None

    overview = sheet("export.sheet.management")
    if overview is None:
        reader.sheet = _plain("zh", "export.sheet.management")
        reader.issue("import.err.no_sheet")
        return reader.plan
    by_name = _read_overview(reader, overview, [k for k, _, _ in OVERVIEW])
    for spec in SPECS.values():
        ws = sheet(spec.sheet)
        if ws is not None:
            _read_ledger(reader, ws, spec, by_name)
        if spec is MEMBER and (ws := sheet(EVENT_SHEET)) is not None:
            _read_events(reader, ws, by_name)
    wb.close()
    return reader.plan


def _read_overview(reader: _Reader, ws: Any, keys: list[str]) -> dict[str, StudioImport]:
    reader.sheet = ws.title
    honours = [h.value for h in Honour]
    statuses = [s.value for s in StudioStatus]
    at = {key: n for n, key in enumerate(keys)}
    facts = {key: _application_field(step) for key, (step, _) in APPLICATION_COLUMNS.items()}
    out: dict[str, StudioImport] = {}
    for cells in reader.rows(ws, _headers(keys)):
        ok, name = reader.cell(_STUDIO_NAME, cells[at["export.col.studio"]])
        _, leader = reader.cell(_LEADER, cells[at["export.col.leader"]])
        honour = reader.choice("honour", honours, cells[at["export.col.honour"]])
        union = _as_text(cells[at["export.col.union"]])
        if union not in reader.unions:
            reader.issue("import.err.union", value=union[:40])
        status = reader.choice("status", statuses, cells[at["export.col.status"]])
        named_on = _date(reader, cells[at["export.col.named_on"]])
        _, document = reader.cell(_DOCUMENT, cells[at["export.col.naming_document"]])
        revoked_on = _date(reader, cells[at["export.col.revoked_on"]])
        application: dict[str, str] = {}
        for key, field_ in facts.items():
            cell = cells[at[key]]
            # The /apply form's parser for what is there; nothing there stays empty.
            value = reader.cell(field_, cell)[1] if _as_text(cell) else ""
            application[APPLICATION_COLUMNS[key][1]] = value or ""
        if ok and name in out:
            reader.issue("import.err.duplicate_studio", value=name)
            continue
        if ok:  # known to the other sheets even when a cell of it is wrong (no cascade)
            out[name] = StudioImport(
                name=name, leader_name=leader or "", leader_honour=Honour(honour or "other"),
                union_id=reader.unions.get(union, 0), status=StudioStatus(status or "named"),
                named_on=named_on, naming_document=document or None, revoked_on=revoked_on,
                application=application, where=(reader.sheet, reader.row),
            )  # fmt: skip
    reader.plan.studios = list(out.values())
    return out


def _date(reader: _Reader, value: Any) -> date | None:
    day: Field = Field("on", Widget.DATE, "", parse=_any_date, convert=_iso_or_none)
    return reader.cell(day, value)[1]


def _any_date(value: str, context: Any, _: Any) -> str:
    from bot.forms import past_date

    return str(past_date(optional=True)(value, context, {}))


def _iso_or_none(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _studio(reader: _Reader, by_name: Mapping[str, StudioImport], value: Any) -> Any:
    studio = by_name.get(_as_text(value))
    if studio is None:
        reader.issue("import.err.unknown_studio", value=_as_text(value)[:40])
    return studio


def _read_ledger(
    reader: _Reader, ws: Any, spec: LedgerSpec, by_name: Mapping[str, StudioImport]
) -> None:
    reader.sheet = ws.title
    keys = ["export.col.studio", *(spec.header(c) for c in spec.export)]
    count = 0
    reviews = [r.value for r in ReviewStatus]
    for cells in reader.rows(ws, _headers(keys)):
        count += 1
        before = len(reader.plan.issues)
        studio = _studio(reader, by_name, cells[0])
        values: dict[str, Any] = {}
        amounts: dict[FundDirection, Any] = {}
        for column, cell in zip(spec.export, cells[1:], strict=True):
            if column.field is not None:
                field_ = spec.field(column.field)
                if field_.skip is not None and not _as_text(cell):
                    values[str(field_.attr)] = field_.default  # e.g. an expense's source
                    continue
                ok, value = reader.cell(field_, cell)
                if ok:
                    values[str(field_.attr)] = value
            elif column.header == "export.col.review":
                review = reader.choice("review", reviews, cell)
                values["review_status"] = ReviewStatus(review) if review else None
            elif column.header == "export.col.left_on":
                values["left_on"] = _date(reader, cell)
            elif column.header == "export.col.income":
                amounts[FundDirection.INCOME] = cell
            elif column.header == "export.col.expense":
                amounts[FundDirection.EXPENSE] = cell
            elif is_file_names(column):
                names = _file_names(reader, cell)
                if names:
                    values[FILES] = names
        if spec.kind == "funds":
            _funds(reader, values, amounts)
        if studio is not None and len(reader.plan.issues) == before:
            getattr(studio, ATTRS[spec.kind]).append(values)
    reader.plan.rows[spec.kind] = count


MAX_FILE_NAME = 200  # as a file sent in the chat keeps its name


def _file_names(reader: _Reader, value: Any) -> list[str]:
    """A record's files, one name a line, as /export lists them: each becomes a file known
    by its name only (on paper, or never uploaded)."""
    names = [n.strip() for n in _as_text(value).splitlines() if n.strip()]
    for name in names:
        bad = check_clean(name)
        if bad is not None:
            reader.issue("errors.unclean_text", char=bad)
        elif len(name) > MAX_FILE_NAME:
            reader.issue("form.too_long", max=MAX_FILE_NAME)
    return names


def _funds(reader: _Reader, values: dict[str, Any], amounts: dict[FundDirection, Any]) -> None:
    from bot.forms import yuan

    direction = values.get("direction")
    given = {d: v for d, v in amounts.items() if _as_text(v)}
    if direction is None:
        return
    if set(given) != {direction}:
        reader.issue("import.err.amount_column")
        return
    if direction is FundDirection.INCOME and values.get("source") is None:
        reader.issue("import.err.required")
    try:
        values["amount_fen"] = yuan()(_as_text(given[direction]), reader.context, {})
    except FieldError as exc:
        reader.issue(exc.key, **exc.params)


def _read_events(reader: _Reader, ws: Any, by_name: Mapping[str, StudioImport]) -> None:
    reader.sheet = ws.title
    keys = ["export.col.studio", *(str(c.header) for c in EVENT_COLUMNS)]
    kinds = {label: MemberEventKind(v) for label, v in _event_labels().items()}
    description = text("description", "", 200, optional=True)
    for cells in reader.rows(ws, _headers(keys)):
        before = len(reader.plan.issues)
        studio = _studio(reader, by_name, cells[0])
        name = _as_text(cells[1])
        on_date = _date(reader, cells[2])
        kind = kinds.get(_as_text(cells[3]))
        if kind is None:
            reader.issue("import.err.choice", value=_as_text(cells[3])[:40])
        _, about = reader.cell(description, cells[4])
        if on_date is None:
            reader.issue("import.err.required")
        if studio is not None and all(m["name"] != name for m in studio.members):
            reader.issue("import.err.unknown_member", value=name[:40])
        if studio is not None and kind and on_date and len(reader.plan.issues) == before:
            studio.events.append((name, kind, on_date, about or ""))


def _event_labels() -> dict[str, str]:
    """Each event kind's label, in either language (and its stored value), → the kind."""
    keys = {"joined": "member_action.join", "left": "member_action.leave"}
    out: dict[str, str] = {}
    for kind in MemberEventKind:
        out[kind.value] = kind.value
        for lang in LANGUAGES:
            out[_plain(lang, keys.get(kind.value, f"member_event.{kind.value}"))] = kind.value
    return out


def describe(issues: Sequence[ImportIssue], lang: str) -> list[str]:
    """Each problem as one line: sheet, row, what is wrong (plain text)."""
    return [
        to_plain(t(lang, "import.issue", sheet=i.sheet, row=i.row,
                   reason=to_plain(t(lang, i.key, **i.params))))
        for i in issues
    ]  # fmt: skip
