"""What forged buttons can learn (issue 11, item 11): refusals read the same whether a studio
or record exists or not, whatever its state; members see their studio's card, not its
ledgers or exports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.handlers.studios import STATUS_CODES
from bot.offline import Person
from storage.models import (
    AuditLog,
    Project,
    ProjectKind,
    Role,
    RoleGrant,
    Studio,
    StudioStatus,
    User,
)
from tests.factories import add_studio, union_named
from tests.harness import BotHarness

STRANGER = Person(9001, "陌生人")
OUTSIDER = Person(9002, "外县干部")  # an officer of 勐海县, none of these studios is theirs
LEADER = Person(9003, "岩温")
MEMBER = Person(9004, "玉罕")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
MISSING = 987654


@pytest.fixture
def now() -> datetime:
    return NOW


async def setup(bot: BotHarness) -> dict[str, Any]:
    async with bot.session() as s:
        studios = {
            status: await add_studio(s, f"岩{n}", "景洪市总工会", status)
            for n, status in enumerate(
                (StudioStatus.APPLIED, StudioStatus.NAMED, StudioStatus.REVOKED,
                 StudioStatus.RETURNED)
            )
        }  # fmt: skip
        named = studios[StudioStatus.NAMED]
        for p in (STRANGER, OUTSIDER, LEADER, MEMBER):
            s.add(User(id=p.id, full_name=p.first_name))
        await s.flush()
        outside = await union_named(s, "勐海县总工会")
        s.add(RoleGrant(user_id=OUTSIDER.id, role=Role.UNION_OFFICER, union_id=outside.id))
        s.add(RoleGrant(user_id=LEADER.id, role=Role.STUDIO_LEADER, studio_id=named.id))
        s.add(RoleGrant(user_id=MEMBER.id, role=Role.STUDIO_MEMBER, studio_id=named.id))
        project = Project(studio_id=named.id, title="带电作业", year=2026,
                          kind=ProjectKind.BREAKTHROUGH)  # fmt: skip
        s.add(project)
        await s.commit()
        return {"studios": studios, "project": project.id, "named": named.id}


STUDIO_BUTTONS = (
    "st:r:{id}:{code}",  # recommend
    "st:x:{id}:{code}",  # return (asks for a reason first)
    "st:n:{id}:{code}",  # name
    "st:v:{id}:{code}",  # revoke
    "sc:{id}",
    "ss:{id}",
    "lg:p:{id}",
    "lg:f:{id}",
    "ex:{id}",
    "inv:s:m:{id}",
    "inv:s:l:{id}",
    "as:{id}:2026:e",
)
RECORD_BUTTONS = ("ld:p:{id}", "le:p:{id}", "ak:p:{id}:1", "ak:p:{id}:0")


async def _reply(bot: BotHarness, person: Person, data: str) -> str:
    replies = await bot.press_data(person, data)
    assert replies, data
    return replies[0]


@pytest.mark.parametrize("person", [STRANGER, OUTSIDER], ids=["visitor", "other county"])
async def test_refusals_do_not_tell_whether_a_studio_exists_or_its_state(
    bot: BotHarness, person: Person
) -> None:
    facts = await setup(bot)
    async with bot.session() as s:
        audited = await s.scalar(select(func.count()).select_from(AuditLog))
    targets = [(s.id, STATUS_CODES[s.status]) for s in facts["studios"].values()]
    targets.append((MISSING, STATUS_CODES[StudioStatus.APPLIED]))
    for template in STUDIO_BUTTONS:
        answers = {
            await _reply(bot, person, template.format(id=sid, code=code)) for sid, code in targets
        }
        assert len(answers) == 1, (template, answers)
    for template in RECORD_BUTTONS:
        answers = {
            await _reply(bot, person, template.format(id=rid))
            for rid in (facts["project"], MISSING)
        }
        assert len(answers) == 1, (template, answers)
    async with bot.session() as s:  # and nothing changed
        assert await s.scalar(select(func.count()).select_from(AuditLog)) == audited
        statuses = {st.id: st.status for st in await s.scalars(select(Studio))}
        assert statuses == {st.id: status for status, st in facts["studios"].items()}


async def test_members_read_their_studios_ledgers_but_change_nothing(bot: BotHarness) -> None:
    # Decided (issues 9.7 and 11.11): a member sees the card and reads the ledgers; only
    # the leader (and a member the leader allows, for activities) changes them.
    facts = await setup(bot)
    named, project = facts["named"], facts["project"]
    card = (await bot.send(MEMBER, "/studio"))[0]
    assert "岩1劳模创新工作室" in card
    assert "带电作业" in await _reply(bot, MEMBER, f"lg:p:{named}")
    async with bot.session() as s:
        audited = await s.scalar(select(func.count()).select_from(AuditLog))
    for data in (f"ld:p:{project}", f"le:p:{project}"):
        assert "负责人" in await _reply(bot, MEMBER, data), data  # says who can
    assert "工会的干部" in await _reply(bot, MEMBER, f"ak:p:{project}:1")
    async with bot.session() as s:
        assert await s.scalar(select(func.count()).select_from(AuditLog)) == audited
    # The leader still reads and exports them.
    assert "带电作业" in await _reply(bot, LEADER, f"lg:p:{named}")
    await bot.press_data(LEADER, f"ex:{named}")
    assert [c for c in bot.fake.calls if c.method == "sendDocument"]
