"""The ledger specs (bot/handlers/ledgers/spec.py): what each declares is what the bot and the
export do, every key it names is in both catalogs, and the ledger buttons read back exactly
what they packed — anything else is a stale button."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from bot.callbacks import MAX_CALLBACK_BYTES, StaleButton
from bot.exports import build_workbook
from bot.handlers.ledgers import FORMS, buttons
from bot.handlers.ledgers.spec import (
    EVENT_COLUMNS,
    EVENT_SHEET,
    FUNDS,
    MEMBER,
    PROJECT,
    SPECS,
    Column,
    Widget,
)
from bot.i18n import CATALOGS, t
from policy.lifecycle import Honour, StudioStatus
from storage.ledgers import LEDGERS, StudioLedgers
from storage.models import (
    Achievement,
    AchievementCategory,
    Activity,
    ActivityKind,
    FundDirection,
    FundRecord,
    FundSource,
    Member,
    MemberEvent,
    MemberEventKind,
    Project,
    ProjectKind,
    ProjectStatus,
    ReviewStatus,
    Studio,
)

ZH = partial(t, "zh")


def _ledgers() -> StudioLedgers:
    studio = Studio(
        id=1,
        name="张三劳模创新工作室",
        leader_name="张三",
        leader_honour=Honour.NATIONAL_MODEL_WORKER,
        status=StudioStatus.NAMED,
    )
    member = Member(
        id=5,
        studio_id=1,
        name="李四",
        specialty="电气",
        education="本科",
        birth_year=1988,
        joined_on=date(2024, 3, 1),
        left_on=date(2026, 1, 2),
    )
    return StudioLedgers(
        studio=studio,
        projects=[
            Project(
                id=1,
                studio_id=1,
                title="带电作业机器人",
                year=2026,
                kind=ProjectKind.TECH_INNOVATION,
                approved_on=date(2026, 3, 5),
                approving_body="州科技局",
                status=ProjectStatus.IN_PROGRESS,
                review_status=ReviewStatus.ACKNOWLEDGED,
            ),
            Project(
                id=2,
                studio_id=1,
                title="=SUM(A1)",
                year=2025,
                kind=ProjectKind.OTHER,
                approved_on=None,
                approving_body="",
                status=ProjectStatus.PLANNED,
                review_status=ReviewStatus.PENDING,
            ),
        ],
        achievements=[
            Achievement(
                id=3,
                studio_id=1,
                title="绝缘检测仪",
                category=AchievementCategory.TECHNOLOGY,
                achieved_on=date(2025, 6, 1),
                recognised_by="省科技厅",
                recognition_level="provincial",
                economic_benefit_fen=12_500_000,
                social_benefit="减少停电",
                review_status=ReviewStatus.RETURNED,
            ),
            Achievement(
                id=4,
                studio_id=1,
                title="班组管理法",
                category=AchievementCategory.MANAGEMENT,
                achieved_on=date(2024, 1, 9),
                recognised_by="",
                recognition_level="",
                economic_benefit_fen=None,
                social_benefit="",
                review_status=ReviewStatus.PENDING,
            ),
        ],
        activities=[
            Activity(
                id=6,
                studio_id=1,
                held_on=date(2026, 2, 1),
                kind=ActivityKind.MENTORING,
                people_reached=30,
                summary="高师带徒",
            ),
        ],
        members=[member],
        funds=[
            FundRecord(
                id=8,
                studio_id=1,
                direction=FundDirection.EXPENSE,
                source=None,
                amount_fen=150_050,
                on_date=date(2026, 4, 2),
                purpose="材料",
            ),
            FundRecord(
                id=7,
                studio_id=1,
                direction=FundDirection.INCOME,
                source=FundSource.PREFECTURE_SUBSIDY,
                amount_fen=2_000_000,
                on_date=date(2026, 1, 5),
                purpose="一次性补助",
            ),
        ],
        events=[
            (
                "李四",
                MemberEvent(
                    member_id=5,
                    kind=MemberEventKind.JOINED,
                    on_date=date(2024, 3, 1),
                    description="",
                ),
            ),
            (
                "李四",
                MemberEvent(
                    member_id=5,
                    kind=MemberEventKind.AWARD,
                    on_date=date(2025, 5, 1),
                    description="州技术能手",
                ),
            ),
        ],
        files={("achievement", 3): ["证书.pdf", "photo.jpg"], ("activity", 6): ["photo.jpg"]},
    )


def _cell(value: Any) -> Any:
    # A date goes into Excel as a number formatted as a date, and comes back as a datetime;
    # an empty text is an empty cell.
    if isinstance(value, datetime):
        return value.date()
    return None if value == "" else value


def _sheet_matches(
    ws: Any, columns: tuple[Column, ...], header: Any, fmt: Any, rows: list[list[Any]]
) -> None:
    assert [c.value for c in ws[1]] == [ZH(header(c)) for c in columns]
    for n, column in enumerate(columns, 1):
        assert ws.column_dimensions[get_column_letter(n)].width == column.width
    body = [[_cell(c.value) for c in row] for row in ws.iter_rows(min_row=2, max_row=len(rows) + 1)]
    assert body == [[_cell(v) for v in row] for row in rows]
    for n, column in enumerate(columns, 1):
        assert ws.cell(2, n).number_format == (fmt(column) or "General")
    totals = {n for n, c in enumerate(columns, 1) if c.total}
    summed = {
        n
        for n, c in enumerate(ws[len(rows) + 2], 1)
        if isinstance(c.value, str) and c.value.startswith("=SUM(")
    }
    assert summed == totals


def test_each_export_sheet_is_what_its_spec_declares() -> None:
    """Today's workbook, sheet by sheet, against the spec's columns: the exports can be built
    from the specs without changing a cell."""
    item = _ledgers()
    workbook = load_workbook(
        BytesIO(build_workbook([item], ZH, date(2026, 5, 1), management=False))
    )
    records = {
        "project": item.projects,
        "achievement": item.achievements,
        "activity": item.activities,
        "member": item.members,
        "funds": item.funds,
    }
    for kind, spec in SPECS.items():
        shown = sorted(records[kind], key=spec.export_order) if spec.export_order else records[kind]
        rows = [spec.row(r, ZH, item.files.get((kind, r.id), [])) for r in shown]
        _sheet_matches(workbook[ZH(spec.sheet)], spec.export, spec.header, spec.number_format, rows)
    events = [[c.get(e, ZH, ()) for c in EVENT_COLUMNS if c.get] for e in item.events]
    _sheet_matches(
        workbook[ZH(EVENT_SHEET)],
        EVENT_COLUMNS,
        lambda c: c.header,
        lambda c: c.number_format,
        events,
    )


def test_the_specs_cover_the_ledgers_and_generate_the_forms() -> None:
    assert list(SPECS) == list(LEDGERS) == list(FORMS)
    for kind, spec in SPECS.items():
        assert [s.name for s in FORMS[kind].steps] == ["studio", *(f.name for f in spec.fields)]
        columns = {f.attr for f in spec.fields if f.attr}
        assert columns <= set(LEDGERS[kind].__table__.columns.keys())
        for column in spec.export:
            assert (column.field is None) != (column.get is None)  # one or the other
    # What may be edited, as it was before the specs (a field the union acknowledged, or the
    # money, changes only through an edit that is audited).
    assert {k: s.editable for k, s in SPECS.items()} == {
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


def _keys() -> set[str]:
    keys = {EVENT_SHEET} | {c.header for c in EVENT_COLUMNS if c.header}
    for kind, spec in SPECS.items():
        keys |= {f"ledger.{kind}", spec.sheet}
        keys |= {spec.header(c) for c in spec.export}
        for field in spec.fields:
            keys |= {field.prompt, f"field.{field.name}"}
            keys |= {f"{field.prefix}.{v}" for v in field.values}
    return keys


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_every_key_a_spec_names_is_in_the_catalog(lang: str) -> None:
    assert sorted(k for k in _keys() if k not in CATALOGS[lang]) == []


def test_the_record_is_built_from_the_answers_that_apply() -> None:
    expense = {
        "direction": "expense",
        "amount_fen": 150_050,
        "on_date": "2026-04-02",
        "purpose": "材料",
    }
    assert FUNDS.record_fields(expense) == {
        "direction": FundDirection.EXPENSE,
        "source": None,
        "amount_fen": 150_050,
        "on_date": date(2026, 4, 2),
        "purpose": "材料",
    }
    income = {**expense, "direction": "income", "source": "host_unit"}
    assert FUNDS.record_fields(income)["source"] is FundSource.HOST_UNIT
    # "无" for an optional date is "", stored as no date; a project's year may be a button.
    project = {
        "title": "带电作业",
        "year": "2026",
        "kind": "invention",
        "approved_on": "",
        "approving_body": "",
        "status": "planned",
    }
    assert PROJECT.record_fields(project) == {
        "title": "带电作业",
        "year": 2026,
        "kind": ProjectKind.INVENTION,
        "approved_on": None,
        "approving_body": "",
        "status": ProjectStatus.PLANNED,
    }
    joining = {
        "action": "join",
        "name": "李四",
        "specialty": "电气",
        "education": "本科",
        "birth_year": 1988,
        "joined_on": "2024-03-01",
    }
    assert MEMBER.record_fields(joining) == {
        "name": "李四",
        "specialty": "电气",
        "education": "本科",
        "birth_year": 1988,
        "joined_on": date(2024, 3, 1),
    }
    # The level is asked as "level" and kept as recognition_level.
    assert SPECS["achievement"].change("level", "national") == ("recognition_level", "national")
    assert SPECS["activity"].change("held_on", "2026-02-01") == ("held_on", date(2026, 2, 1))
    assert [f.name for f in SPECS["achievement"].fields if f.widget is Widget.FILES] == [
        "attachments"
    ]


LEDGER_BUTTONS = [
    buttons.LIST,
    buttons.EDIT,
    buttons.DELETE,
    buttons.DELETE_YES,
    buttons.DELETED,
    buttons.RESTORE,
    buttons.REFILE,
]
BIGGEST = 2**63 - 1


@pytest.mark.parametrize("button", LEDGER_BUTTONS, ids=lambda b: b.codec.prefix)
def test_a_ledger_button_reads_back_what_it_packed(button: buttons.LedgerButton) -> None:
    for kind in SPECS:
        data = button.pack(kind, BIGGEST)
        assert len(data.encode()) <= MAX_CALLBACK_BYTES
        assert button.unpack(data) == (kind, BIGGEST)
    prefix = button.codec.prefix
    assert button.pack("funds", 7) == f"{prefix}:f:7"  # the layout old messages still carry
    stale = [
        f"{prefix}:x:7",
        f"{prefix}:f:7:1",
        f"{prefix}:f",
        f"{prefix}:f:{BIGGEST + 1}",
        f"{prefix}:f:seven",
        "zz:f:7",
        f"{prefix}:p:-{BIGGEST + 2}",
    ]
    for data in stale:
        with pytest.raises(StaleButton):
            button.unpack(data)


def test_the_other_ledger_buttons_keep_their_layout() -> None:
    assert buttons.ACK.pack("achievement", 3, True) == "ak:a:3:1"
    assert buttons.ACK.pack("project", 3, False) == "ak:p:3:0"
    # The permission buttons now carry the panel's page; the old "mp:4:9:0" still reads
    # (test_paging_lists_chat: the buttons sent before pages existed).
    assert buttons.PERMISSION.pack(4, None, True) == "mp:4:a:1:0"
    assert buttons.PERMISSION.pack(4, 9, False, 3) == "mp:4:9:0:3"
    assert buttons.EXPORT.pack(12) == "ex:12"
    assert buttons.DELETE_NO == "lx:no"
