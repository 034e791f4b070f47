"""The ledger specs (bot/handlers/ledgers/spec.py): what each declares is what the bot and the
workbook it sends do (in the reader's language), every key it names is in both catalogs, and
the ledger buttons read back exactly what they packed — anything else is a stale button."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from bot.callbacks import MAX_CALLBACK_BYTES, StaleButton
from bot.exports import OVERVIEW, STUDIO_COLUMN
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
from bot.offline import Person
from storage.ledgers import LEDGERS
from storage.models import (
    Achievement,
    AchievementCategory,
    Activity,
    ActivityKind,
    Attachment,
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
    Role,
    RoleGrant,
    User,
)
from tests.factories import add_studio, union_named
from tests.harness import BotHarness

LEADER = Person(8101, "岩温")  # reads Chinese
OFFICER = Person(8102, "Lee", language_code="en")  # reads English
NOW = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


def _records(studio_id: int) -> list[Any]:
    """One studio's ledgers with what an export must survive: a title that reads as a
    formula, a character a workbook cannot hold, empty optional cells, files, an expense
    entered before an older income."""
    rows: list[Any] = [
        Project(id=1, studio_id=studio_id, title="带电作业机器人", year=2026,
                kind=ProjectKind.TECH_INNOVATION, approved_on=date(2026, 3, 5),
                approving_body="州科技局", status=ProjectStatus.IN_PROGRESS,
                review_status=ReviewStatus.ACKNOWLEDGED),
        Project(id=2, studio_id=studio_id, title="=SUM(A1)", year=2025, kind=ProjectKind.OTHER,
                approved_on=None, approving_body="", status=ProjectStatus.PLANNED,
                review_status=ReviewStatus.PENDING),
        Achievement(id=3, studio_id=studio_id, title="绝缘检测仪",
                    category=AchievementCategory.TECHNOLOGY, achieved_on=date(2025, 6, 1),
                    recognised_by="省科技厅", recognition_level="provincial",
                    economic_benefit_fen=12_500_000, social_benefit="减少停电",
                    review_status=ReviewStatus.RETURNED),
        Achievement(id=4, studio_id=studio_id, title="班组管理法",
                    category=AchievementCategory.MANAGEMENT, achieved_on=date(2024, 1, 9),
                    recognised_by="", recognition_level="", economic_benefit_fen=None,
                    social_benefit="", review_status=ReviewStatus.PENDING),
        Activity(id=6, studio_id=studio_id, held_on=date(2026, 2, 1),
                 kind=ActivityKind.MENTORING, people_reached=30, summary="高师\x07带徒"),
        Member(id=5, studio_id=studio_id, name="李四", specialty="电气", education="本科",
               birth_year=1988, joined_on=date(2024, 3, 1), left_on=date(2026, 1, 2)),
        FundRecord(id=8, studio_id=studio_id, direction=FundDirection.EXPENSE, source=None,
                   amount_fen=150_050, on_date=date(2026, 4, 2), purpose="材料"),
        FundRecord(id=7, studio_id=studio_id, direction=FundDirection.INCOME,
                   source=FundSource.PREFECTURE_SUBSIDY, amount_fen=2_000_000,
                   on_date=date(2026, 1, 5), purpose="一次性补助"),
    ]  # fmt: skip
    rows += [
        MemberEvent(member_id=5, kind=MemberEventKind.JOINED, on_date=date(2024, 3, 1),
                    description=""),
        MemberEvent(member_id=5, kind=MemberEventKind.AWARD, on_date=date(2025, 5, 1),
                    description="州技术能手"),
    ]  # fmt: skip
    rows += [
        Attachment(file_id=f"id-{name}", file_unique_id=f"u-{name}", file_name=name, **owner)
        for name, owner in (
            ("证书.pdf", {"achievement_id": 3}),
            ("photo.jpg", {"achievement_id": 3}),
            ("photo.jpg", {"activity_id": 6}),
        )
    ]
    return rows


async def _setup(bot: BotHarness) -> None:
    async with bot.session() as s:
        studio = await add_studio(s, "岩温", "景洪市总工会")
        union = await union_named(s, "景洪市总工会")
        s.add_all([User(id=p.id, full_name=p.first_name) for p in (LEADER, OFFICER)])
        await s.flush()
        s.add(RoleGrant(user_id=LEADER.id, role=Role.STUDIO_LEADER, studio_id=studio.id))
        s.add(RoleGrant(user_id=OFFICER.id, role=Role.UNION_OFFICER, union_id=union.id))
        for row in _records(studio.id):
            s.add(row)
            await s.flush()  # in this order: the events and files need their records
        await s.commit()


async def _export(bot: BotHarness, person: Person) -> Any:
    """The workbook the bot sends for /export, as Excel would open it."""
    await bot.send(person, "/export")
    call = [c for c in bot.fake.calls if c.method == "sendDocument"][-1]
    payload = next(v for k, v in call.params.items() if k.startswith("_file_"))
    return load_workbook(BytesIO(payload[1]))


def _sheets(lang: str) -> list[tuple[str, tuple[Column, ...], Any]]:
    """(title, columns, number format of a column) of each ledger sheet, in order."""
    out: list[tuple[str, tuple[Column, ...], Any]] = []
    for spec in SPECS.values():
        out.append((t(lang, spec.sheet), spec.export, spec.number_format))
        if spec is MEMBER:
            out.append((t(lang, EVENT_SHEET), EVENT_COLUMNS, lambda c: c.number_format))
    return out


def _header(column: Column) -> str:
    return column.header or f"field.{column.field}"


def _check_against_specs(workbook: Any, lang: str, *, management: bool) -> None:
    """Each sheet as its spec declares it, in the reader's language: title, headers, widths,
    number formats, and a totals row summing exactly the columns the spec totals."""
    lead = 1 if management else 0
    overview = [t(lang, "export.sheet.management")] if management else []
    assert workbook.sheetnames == overview + [title for title, _, _ in _sheets(lang)]
    for title, columns, fmt in _sheets(lang):
        ws = workbook[title]
        studio = [t(lang, "export.col.studio")] if management else []
        assert [c.value for c in ws[1]] == studio + [t(lang, _header(c)) for c in columns]
        assert ws.freeze_panes == "A2"
        for n, column in enumerate(columns, 1 + lead):
            assert ws.column_dimensions[get_column_letter(n)].width == column.width
            assert ws.cell(2, n).number_format == (fmt(column) or "General"), (title, n)
        # A totals row last where the spec totals a column, summing exactly those columns.
        body = list(ws.iter_rows(min_row=2, values_only=True))
        ending = [r for r in body if r[0] == t(lang, "export.total")]
        totals = {n for n, c in enumerate(columns, 1 + lead) if c.total}
        if not totals:
            assert ending == [], title
            continue
        assert ending == [body[-1]], title
        letters = {n: get_column_letter(n) for n in totals}
        assert {n: v for n, v in enumerate(body[-1], 1) if v is not None and n > 1} == {
            n: f"=SUM({x}2:{x}{len(body)})" for n, x in letters.items()
        }, title


async def test_the_leaders_export_is_what_the_specs_declare_in_chinese(bot: BotHarness) -> None:
    await _setup(bot)
    workbook = await _export(bot, LEADER)
    _check_against_specs(workbook, "zh", management=False)
    projects = workbook["攻关项目"]
    assert [c.value for c in projects[1]] == [
        "年度", "项目名称", "类别", "立项日期", "立项单位", "进展", "工会确认",
    ]  # fmt: skip
    # User text that reads as a formula stays text: Excel shows it, never computes it.
    formula = next(r[1] for r in projects.iter_rows(min_row=2) if r[1].value == "=SUM(A1)")
    assert formula.data_type == "s"
    achievements = workbook["创新成果"]
    assert achievements["F2"].value == 12.5 and achievements["F2"].number_format == "0.00"
    # One file name a line (a name may hold 、), shown on several lines.
    assert achievements["I2"].value == "证书.pdf\nphoto.jpg"
    assert achievements["I2"].alignment.wrap_text
    assert achievements["A4"].value == "合计" and achievements["F4"].value == "=SUM(F2:F3)"
    activities = workbook["创建活动"]
    assert activities["D2"].value == "高师带徒"  # the character a workbook cannot hold is gone
    assert activities["E2"].value == "photo.jpg"
    events = workbook["成员发展记录"]
    assert [c.value for c in events[1]] == ["姓名", "日期", "类别", "内容"]
    assert [c.value for c in events[3]][2:] == ["获奖", "州技术能手"]
    funds = workbook["经费"]
    assert [c.value for c in funds[2]][1:] == [
        "收入",
        "州总工会一次性补助",
        20000,
        None,
        "一次性补助",
    ]
    assert funds["E3"].value == 1500.5 and funds["E3"].number_format == "#,##0.00"
    assert funds["A4"].value == "合计" and funds["E4"].value == "=SUM(E2:E3)"


async def test_the_officers_export_is_what_the_specs_declare_in_english(bot: BotHarness) -> None:
    await _setup(bot)
    workbook = await _export(bot, OFFICER)
    call = [c for c in bot.fake.calls if c.method == "sendDocument"][-1]
    assert call.params["file_name"] == "management-ledger-2026-05-01.xlsx"
    _check_against_specs(workbook, "en", management=True)
    overview = workbook["Management ledger"]
    assert [c.value for c in overview[1]][:5] == ["Studio", "Leader", "Honour", "Union", "Status"]
    assert overview["L2"].value == 18499.5 and overview["L2"].number_format == "#,##0.00"
    assert overview["A3"].value == "Total" and overview["L3"].value == "=SUM(L2:L2)"
    projects = workbook["Projects"]
    assert projects["A1"].value == "Studio" and projects["C1"].value == "Project"
    assert projects["A2"].value == "岩温劳模创新工作室"
    formula = next(r[2] for r in projects.iter_rows(min_row=2) if r[2].value == "=SUM(A1)")
    assert formula.data_type == "s"
    funds = workbook["Funds"]
    assert [c.value for c in funds[1]][4:6] == ["Income (yuan)", "Expense (yuan)"]
    assert funds["E2"].value == 20000 and funds["F3"].value == 1500.5
    assert funds["A4"].value == "Total" and funds["E4"].value == "=SUM(E2:E3)"
    assert workbook["Member development"]["D3"].value == t("en", "member_event.award")


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
    # The workbook's own: the management overview, the totals row, the revoked note.
    keys |= {key for key, _, _ in (*OVERVIEW, STUDIO_COLUMN)}
    keys |= {"export.sheet.management", "export.sheet.note", "export.total", "export.revoked"}
    keys |= {"export.title", "export.file_management"}
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
