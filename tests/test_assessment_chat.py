"""Annual assessment and report in chat (Art. 17), and how it silences the year-end reminders."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from bot.handlers.reminders import render_reminders
from bot.offline import Person
from reminders.schedule import ReminderSchedule
from reminders.service import ReminderService
from storage.accounts import AccountService
from storage.db import make_session_factory
from storage.models import AnnualReport, ReportStatus, Role, RoleGrant, User
from tests.factories import add_grassroots, add_studio, union_named
from tests.harness import BotHarness

COUNTY = Person(901, "李强")
GRASSROOTS = Person(902, "刀丽")
ADMIN = Person(903, "王芳")
NOW = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


async def setup(bot: BotHarness) -> list[int]:
    async with bot.session() as s:
        await AccountService(s).grant_admin(ADMIN.id)
        county = await union_named(s, "景洪市总工会")
        grassroots = await add_grassroots(s, "景洪市供电局工会", "景洪市总工会")
        for person, union in ((COUNTY, county), (GRASSROOTS, grassroots)):
            s.add(User(id=person.id, full_name=person.first_name))
            await s.flush()
            s.add(RoleGrant(user_id=person.id, role=Role.UNION_OFFICER, union_id=union.id))
        await s.commit()
        a = await add_studio(s, "岩温", "景洪市供电局工会")
        b = await add_studio(s, "玉香", "景洪市总工会")
        await add_studio(s, "刀建华", "勐海县总工会")
        return [a.id, b.id]


@pytest.mark.postgres
async def test_assess_every_studio_then_submit_the_report(bot: BotHarness) -> None:
    studios = await setup(bot)
    await bot.send(ADMIN, "/start")
    replies = await bot.send(COUNTY, "/report")
    assert "还有 2 个工作室没有考核" in replies[0] and "21 天" in replies[0]
    assert bot.button_labels(COUNTY) == []

    replies = await bot.send(COUNTY, "/assess")
    assert "已考核 0/2" in replies[0]
    assert len(replies) == 3 and "岩温劳模创新工作室" in replies[1] and "❌" in replies[1]
    assert "刀建华" not in "".join(replies)  # another county's studio
    await bot.press(COUNTY, "良好")  # the newest message: 玉香
    assert "还有 1 个待考核" in bot.last(COUNTY)
    await bot.press(COUNTY, "优秀")  # the newest message with buttons left: 岩温
    assert "全部考核完毕" in bot.last(COUNTY)

    await bot.send(COUNTY, "/report")
    await bot.press(COUNTY, "提交 2026 年考核报告")
    assert "已提交 景洪市总工会 2026 年考核报告" in bot.last(COUNTY)
    assert "景洪市总工会 已提交 2026 年考核报告（2 个工作室）" in bot.last(ADMIN)
    async with bot.session() as s:
        report = await s.scalar(select(AnnualReport))
    assert report is not None and report.status is ReportStatus.SUBMITTED
    assert report.summary == "excellent=1, good=1, pass=0, fail=0"

    listing = (await bot.send(ADMIN, "/reported"))[0]
    assert "1/6 个工会已报送" in listing and "✅ 景洪市总工会" in listing
    assert "⏳ 勐海县总工会" in listing
    # Reported: grades are final, and the year-end reminder no longer goes to this union.
    replies = await bot.press_data(COUNTY, f"as:{studios[0]}:2026:f")
    assert "已经提交" in replies[0]
    dec_15 = datetime(2026, 12, 15, 1, 0, tzinfo=UTC)
    sessions = make_session_factory(bot.db.require_engine())
    service = ReminderService(sessions, ReminderSchedule(), render_reminders, lambda: dec_15)
    await service.run_due(bot.app.bot)
    assert "年度考核报送提醒" not in bot.last(COUNTY)


async def test_who_may_grade_and_stale_buttons(bot: BotHarness) -> None:
    studios = await setup(bot)
    # A grassroots officer does not assess for the county (Art. 17), even with a forged button.
    assert "不是这些工会的干部" in (await bot.send(GRASSROOTS, "/assess"))[0]
    assert "没有权限" in (await bot.press_data(GRASSROOTS, f"as:{studios[0]}:2026:e"))[0]
    assert "失效" in (await bot.press_data(COUNTY, f"as:{studios[0]}:2025:e"))[0]
    assert "失效" in (await bot.press_data(COUNTY, f"as:{studios[0]}:2026:z"))[0]
    assert "没有权限" in (await bot.send(COUNTY, "/reported"))[0]
    # Submitting with studios unassessed is refused, whatever the button says.
    async with bot.session() as s:
        union = await union_named(s, "景洪市总工会")
    assert "还有 2 个工作室没有考核" in (await bot.press_data(COUNTY, f"rp:{union.id}:2026"))[0]
    async with bot.session() as s:
        assert await s.scalar(select(AnnualReport)) is None
