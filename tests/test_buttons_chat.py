"""Buttons that acted on the wrong thing (issue 11, item 10): a list chosen by position after
the list changed, and the acknowledgement's return button opening its form unchecked."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.offline import Person
from storage.models import (
    Member,
    MemberEvent,
    MemberEventKind,
    Project,
    ProjectKind,
    Role,
    RoleGrant,
    User,
)
from tests.factories import add_studio, union_named
from tests.harness import BotHarness

LEADER = Person(8001, "岩温")
OFFICER = Person(8002, "李强")
STRANGER = Person(8003, "陌生人")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


async def setup(bot: BotHarness) -> int:
    async with bot.session() as s:
        studio = await add_studio(s, "岩温", "景洪市总工会")
        union = await union_named(s, "景洪市总工会")
        for p in (LEADER, OFFICER, STRANGER):
            s.add(User(id=p.id, full_name=p.first_name))
        await s.flush()
        s.add(RoleGrant(user_id=LEADER.id, role=Role.STUDIO_LEADER, studio_id=studio.id))
        s.add(RoleGrant(user_id=OFFICER.id, role=Role.UNION_OFFICER, union_id=union.id))
        for name in ("玉罕", "岩香", "刀英"):
            s.add(Member(studio_id=studio.id, name=name, specialty="电气", education="本科",
                         birth_year=1990, joined_on=date(2026, 1, 1)))  # fmt: skip
        await s.commit()
        return studio.id


async def test_a_member_is_chosen_by_id_even_after_the_list_changed(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/member")
    await bot.press(LEADER, "成员离开")
    assert bot.button_labels(LEADER)[:3] == ["玉罕", "岩香", "刀英"]

    # Meanwhile the first member leaves (another device, the officer): positions shift.
    async with bot.session() as s:
        first = await s.scalar(select(Member).where(Member.name == "玉罕"))
        assert first is not None
        first.left_on = date(2026, 11, 1)
        await s.commit()

    await bot.press(LEADER, "岩香")  # was second, is now first
    await bot.send(LEADER, "2026-11-20")
    assert "岩香" in bot.last(LEADER) and "刀英" not in bot.last(LEADER)
    await bot.press(LEADER, "确认提交")
    async with bot.session() as s:
        left = await s.scalars(
            select(Member.name)
            .join(MemberEvent, MemberEvent.member_id == Member.id)
            .where(MemberEvent.kind == MemberEventKind.LEFT)
        )
        assert list(left) == ["岩香"]


async def test_a_choice_gone_from_the_list_is_refused_not_replaced(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/member")
    await bot.press(LEADER, "成员离开")
    async with bot.session() as s:
        middle = await s.scalar(select(Member).where(Member.name == "岩香"))
        assert middle is not None
        middle.left_on = date(2026, 11, 1)
        await s.commit()
    replies = await bot.press(LEADER, "岩香")  # its position now holds 刀英
    assert "按钮已失效" in replies[0]
    assert "哪位成员" not in replies[0]


async def test_the_return_button_checks_rights_before_asking_for_a_reason(
    bot: BotHarness,
) -> None:
    studio_id = await setup(bot)
    async with bot.session() as s:
        project = Project(studio_id=studio_id, title="带电作业机器人", year=2026,
                          kind=ProjectKind.BREAKTHROUGH)  # fmt: skip
        s.add(project)
        await s.commit()
        project_id = project.id

    # A stranger learns nothing (the same answer as for no such entry); the leader is told
    # who may acknowledge it.
    for person, refusal in (
        (STRANGER, "已经删除或不存在"),
        (LEADER, "只有这个工作室所属工会的干部"),
    ):
        replies = await bot.press_data(person, f"ak:p:{project_id}:0")
        assert refusal in replies[0], person
        assert not any("理由" in r for r in replies)

    # The officer who may acknowledge it is asked for the reason, once.
    replies = await bot.press_data(OFFICER, f"ak:p:{project_id}:0")
    assert "理由" in replies[-1]
    await bot.send(OFFICER, "请补充立项文件")
    await bot.press(OFFICER, "确认提交")
    replies = await bot.press_data(OFFICER, f"ak:p:{project_id}:0")
    assert "已经确认或退回过了" in replies[0]
