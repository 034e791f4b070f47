"""Intake hygiene (issue 11, item 4): control, bidi and zero-width characters are refused
before any command or form sees the text, and no stored record can break an export."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.offline import Person
from bot.parsing import check_clean
from storage import drafts
from storage.accounts import AccountService
from storage.models import Project, ProjectKind, Role, RoleGrant, Studio, StudioStatus, User
from tests.factories import add_studio, union_named
from tests.harness import BotHarness

VISITOR = Person(5101, "岩罕")
ADMIN = Person(5102, "王芳")
OFFICER = Person(5103, "李强")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("张三", None),
        ("第一行\n第二行\t缩进", None),
        ("😀 emoji and English", None),
        ("坏\x01名字", "U+0001"),
        ("nul\x00", "U+0000"),
        ("evil\u202egnp.exe", "U+202E"),
        ("isolate\u2066x\u2069", "U+2066"),
        ("zero\u200bwidth", "U+200B"),
        ("joiner\u200d", "U+200D"),
        ("word\u2060joiner", "U+2060"),
        ("\ufeffbom", "U+FEFF"),
        ("del\x7f", "U+007F"),
        ("c1\x85", "U+0085"),
        ("lone\ud800", "U+D800"),
    ],
)
def test_check_clean_names_the_first_refused_character(text: str, found: str | None) -> None:
    assert check_clean(text) == found


async def _draft_step(bot: BotHarness, person: Person) -> Any:
    async with bot.session() as session:
        (draft,) = await drafts.of_user(session, person.id, datetime.now(UTC))
        return draft.state


async def test_a_form_answer_with_a_bidi_override_is_refused_and_changes_nothing(
    bot: BotHarness,
) -> None:
    await bot.send(VISITOR, "/apply")
    before = await _draft_step(bot, VISITOR)
    replies = await bot.send(VISITOR, "张\u202e三")
    assert len(replies) == 1 and "U+202E" in replies[0] and "没有保存" in replies[0]
    assert await _draft_step(bot, VISITOR) == before  # the form did not move on

    # The correction goes through as if the bad message had never been sent.
    replies = await bot.send(VISITOR, "张三")
    assert "张三 获得的最高荣誉是" in replies[-1]


async def test_nul_zero_width_and_control_characters_are_refused_everywhere(
    bot: BotHarness,
) -> None:
    for text in ("/ask 工作室\x00怎么申请", "/ask 怎么\u200b申请", "命名\x01条件是什么"):
        replies = await bot.send(VISITOR, text)
        assert len(replies) == 1 and "控制字符" in replies[0], text
        assert "第" not in replies[0]  # no article quoted: the question was not read

    # A form answer is refused the same way.
    await bot.send(VISITOR, "/apply")
    replies = await bot.send(VISITOR, "\ufeff张三")
    assert "U+FEFF" in replies[0]
    # Newlines and tabs stay allowed where multi-line text is.
    assert "控制字符" not in (await bot.send(VISITOR, "张三"))[-1]


async def test_a_file_named_with_a_bidi_override_is_refused(bot: BotHarness) -> None:
    document = {"file_id": "f1", "file_unique_id": "u1", "mime_type": "application/pdf",
                "file_name": "invoice\u202efdp.exe", "file_size": 1000}  # fmt: skip
    replies = await bot.send_other(VISITOR, {"document": document})
    assert len(replies) == 1 and "U+202E" in replies[0]


async def test_a_display_name_with_a_bidi_override_is_stored_without_it(bot: BotHarness) -> None:
    await bot.send(Person(5104, "Ali\u202ecod"), "/me")
    async with bot.session() as session:
        user = await session.get(User, 5104)
        assert user is not None and user.full_name == "Alicod"


def _workbook(bot: BotHarness) -> tuple[dict[str, Any], Any]:
    call = [c for c in bot.fake.calls if c.method == "sendDocument"][-1]
    payload = next(v for k, v in call.params.items() if k.startswith("_file_"))
    return call.params, load_workbook(BytesIO(payload[1]))


async def test_a_record_with_a_control_character_cannot_break_the_exports(
    bot: BotHarness,
) -> None:
    # As if stored before intake checks existed, or imported: straight into the database.
    async with bot.session() as s:
        studio = await add_studio(s, "坏\x01名字", "景洪市总工会", StudioStatus.NAMED)
        s.add(
            Project(
                studio_id=studio.id, title="项目\x02\x0b标题", year=2026, kind=ProjectKind.OTHER
            )
        )
        union = await union_named(s, "景洪市总工会")
        s.add(User(id=OFFICER.id, full_name="李强"))
        await s.flush()
        s.add(RoleGrant(user_id=OFFICER.id, role=Role.UNION_OFFICER, union_id=union.id))
        await s.commit()
        await AccountService(s).grant_admin(ADMIN.id)

    for person in (ADMIN, OFFICER):
        before = len([c for c in bot.fake.calls if c.method == "sendDocument"])
        await bot.send(person, "/export")
        assert len([c for c in bot.fake.calls if c.method == "sendDocument"]) == before + 1
        _, wb = _workbook(bot)
        assert wb["管理台帐"]["A2"].value == "坏名字劳模创新工作室"
        assert wb["攻关项目"]["C2"].value == "项目标题"

    async with bot.session() as s:
        assert await s.scalar(select(func.count()).select_from(Studio)) == 1
