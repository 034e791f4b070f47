"""/status in chat: Art. 6's five conditions with the facts behind them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.offline import Person
from storage.models import (
    Achievement,
    AchievementCategory,
    FundDirection,
    FundRecord,
    FundSource,
    Member,
    Project,
    ProjectKind,
    Role,
    RoleGrant,
    User,
)
from tests.factories import add_studio, union_named
from tests.harness import BotHarness

LEADER = Person(701, "岩温")
OFFICER = Person(702, "李强")
OUTSIDER = Person(703, "玉香")
NOV_27 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOV_27


async def setup(bot: BotHarness) -> tuple[int, int]:
    async with bot.session() as s:
        good = await add_studio(s, "岩温", "景洪市总工会")
        good.named_on, good.venue = date(2025, 3, 1), "供电局三楼"
        weak = await add_studio(s, "玉波", "景洪市总工会")
        weak.named_on = date(2024, 1, 10)
        await add_studio(s, "刀建华", "勐海县总工会")
        for n, (spec, edu, born) in enumerate(
            [("电气", "本科", 1980), ("机械", "大专", 1995), ("电气", "硕士", 1970)]
        ):
            s.add(Member(studio_id=good.id, name=f"成员{n}", specialty=spec, education=edu,
                         birth_year=born))  # fmt: skip
        s.add(Project(studio_id=good.id, title="降损", year=2026, kind=ProjectKind.BREAKTHROUGH,
                      approved_on=date(2026, 3, 1)))  # fmt: skip
        s.add(
            Achievement(
                studio_id=good.id,
                title="新工法",
                category=AchievementCategory.TECHNOLOGY,
                achieved_on=date(2026, 6, 1),
                recognised_by="云南省电力公司",
            )
        )
        s.add(FundRecord(studio_id=good.id, direction=FundDirection.INCOME,
                         source=FundSource.HOST_UNIT, amount_fen=5_000_000,
                         on_date=date(2026, 1, 5)))  # fmt: skip
        for person, role, scope in (
            (LEADER, Role.STUDIO_LEADER, {"studio_id": good.id}),
            (OFFICER, Role.UNION_OFFICER, {"union_id": (await union_named(s, "景洪市总工会")).id}),
        ):
            s.add(User(id=person.id, full_name=person.first_name))
            await s.flush()
            s.add(RoleGrant(user_id=person.id, role=role, **scope))
        await s.commit()
        return good.id, weak.id


async def test_leader_sees_five_conditions_with_facts(bot: BotHarness) -> None:
    await setup(bot)
    replies = await bot.send(LEADER, "/status")
    text = replies[0]
    assert "岩温劳模创新工作室" in text and "2026-11-27" in text
    assert "✅ （一）劳模领衔：负责人为省级劳动模范" in text
    assert "✅ （二）创新团队：团队 3 人：2 个专业，学历 本科/大专/硕士，年龄 31–56 岁" in text
    assert "✅ （三）攻关项目：2026 年已立项 1 个" in text
    assert "✅ （四）创新成果：本轮周期（2025-03-01 至 2027-02-28）已有 1 项认可成果" in text
    assert "✅ （五）场地经费：场地：供电局三楼；经费收入 1 笔" in text


@pytest.mark.postgres
async def test_officer_sees_jurisdiction_worst_first(bot: BotHarness) -> None:
    _, weak = await setup(bot)
    replies = await bot.send(OFFICER, "/status")
    text = replies[0]
    assert "（2 个" in text and "刀建华" not in text  # another county's studio
    assert text.index("玉波") < text.index("岩温")  # the weak one first
    detail = await bot.press(OFFICER, "玉波劳模创新工作室")
    assert "❌ （二）创新团队：团队只有 0 人（至少 3 人）" in detail[0]
    assert "❌ （三）攻关项目：2026 年还没有立项项目，已进入第四季度" in detail[0]
    assert "❌ （五）场地经费：还没有登记活动场所和经费" in detail[0]
    # A forged button for a studio the leader has no part in shows nothing.
    replies = await bot.press_data(LEADER, f"ss:{weak}")
    assert "找不到这个工作室" in replies[0]


async def test_status_without_a_studio_says_what_to_do(bot: BotHarness) -> None:
    assert "/apply" in (await bot.send(OUTSIDER, "/status"))[0]


async def test_studios_with_the_same_name_are_both_listed(bot: BotHarness) -> None:
    await setup(bot)
    async with bot.session() as s:
        await add_studio(s, "岩温", "景洪市总工会")  # a second 岩温劳模创新工作室
    await bot.send(OFFICER, "/status")
    buttons = [b["callback_data"] for b in bot.chat.buttons(bot.last_message(OFFICER))]
    assert len(buttons) == 3 == len(set(buttons))
