"""Annual assessment and report in chat (Art. 17), and how it silences the year-end reminders."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.handlers.reminders import render_reminders
from bot.offline import Person
from reminders.schedule import ReminderSchedule
from reminders.service import ReminderService
from storage.accounts import AccountService
from storage.assessments import AssessmentService
from storage.db import make_session_factory
from storage.errors import DomainError
from storage.models import (
    AnnualAssessment,
    AnnualReport,
    AssessmentGrade,
    AuditLog,
    ReportStatus,
    Role,
    RoleGrant,
    User,
)
from tests.factories import add_grassroots, add_studio, union_named
from tests.harness import BotHarness, Database

COUNTY = Person(901, "李强")
GRASSROOTS = Person(902, "刀丽")
ADMIN = Person(903, "王芳")
NOW = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


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
    assert bot.button_labels(COUNTY) == ["📄 下载 2026 年度考核报告"]  # no submit yet

    replies = await bot.send(COUNTY, "/assess")
    # One list of the studios still to grade (not a message each); 📝 n opens one.
    assert len(replies) == 1 and "已考核 0/2" in replies[0]
    assert "1. 岩温劳模创新工作室 ✅❌" in replies[0] and "2. 玉香劳模创新工作室" in replies[0]
    assert "刀建华" not in "".join(replies)  # another county's studio
    opened = await bot.press(COUNTY, "📝 2")
    assert "玉香劳模创新工作室" in opened[0]
    await bot.press(COUNTY, "良好")
    assert "还有 1 个待考核" in bot.last(COUNTY)
    # The last one left opens straight away below the list.
    replies = await bot.send(COUNTY, "/assess")
    assert len(replies) == 2 and "岩温劳模创新工作室" in replies[1]
    await bot.press(COUNTY, "优秀")
    assert "全部考核完毕" in bot.last(COUNTY)

    await bot.send(COUNTY, "/report")
    await bot.press(COUNTY, "提交 2026 年考核报告")
    assert "优秀 1，良好 1" in bot.last(COUNTY) and "不能再改" in bot.last(COUNTY)
    await bot.press(COUNTY, "确认提交")
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


def button_data(bot: BotHarness, person: Any, label: str) -> str:
    buttons = bot.chat.buttons(bot.last_message(person))
    return next(b["callback_data"] for b in buttons if label in b["text"])


async def grade_all(bot: BotHarness, studios: list[int], grade: str = "g") -> None:
    for studio_id in studios:
        await bot.press_data(COUNTY, f"as:{studio_id}:2026:{grade}")
        if grade == "f":  # a 不合格 asks why first
            await bot.send(COUNTY, "全年没有立项项目，团队只剩两人")
            await bot.press(COUNTY, "确认")


async def test_a_fail_needs_a_reason_and_any_grade_may_carry_a_comment(bot: BotHarness) -> None:
    studios = await setup(bot)
    replies = await bot.press_data(COUNTY, f"as:{studios[0]}:2026:f")
    assert "请写明原因" in replies[-1]
    async with bot.session() as s:
        assert await s.scalar(select(AnnualAssessment)) is None  # nothing graded yet
    await bot.send(COUNTY, "全年没有立项项目")
    await bot.press(COUNTY, "确认")
    assert "已评定" in bot.last(COUNTY) and "不合格" in bot.last(COUNTY)
    async with bot.session() as s:
        row = await s.scalar(select(AnnualAssessment))
        assert row is not None and row.grade is AssessmentGrade.FAIL
        assert row.comments == "全年没有立项项目"
    # Regraded a pass, the fail's reason goes; a comment may be added to any grade.
    await bot.press_data(COUNTY, f"as:{studios[0]}:2026:p")
    await bot.press(COUNTY, "写评语")
    await bot.send(COUNTY, "补报了项目，整改到位")
    await bot.press(COUNTY, "确认")
    assert "已保存" in bot.last(COUNTY)
    async with bot.session() as s:
        row = await s.scalar(select(AnnualAssessment))
        assert row is not None and row.grade is AssessmentGrade.PASS
        assert row.comments == "补报了项目，整改到位"
    # The service refuses a fail without words, whatever the caller.
    async with bot.session() as s:
        with pytest.raises(DomainError, match="comment_required"):
            await AssessmentService(s).grade(
                COUNTY.id, studios[0], 2026, AssessmentGrade.FAIL, " ", now=NOW
            )


async def report(bot: BotHarness) -> AnnualReport:
    async with bot.session() as s:
        found = await s.scalar(select(AnnualReport))
    assert found is not None
    return found


async def test_the_prefecture_views_and_reopens_but_each_union_submits(bot: BotHarness) -> None:
    studios = await setup(bot)
    await grade_all(bot, studios)
    # The admin sees every union's state, and no button submits for a union it does not run.
    overview = (await bot.send(ADMIN, "/report"))[0]
    assert "⏳ 景洪市总工会：已考核 2/2" in overview and "⏳ 勐海县总工会" in overview
    assert not [b for b in bot.button_labels(ADMIN) if "提交" in b]
    async with bot.session() as s:
        union = await union_named(s, "景洪市总工会")
    assert "自己提交" in (await bot.press_data(ADMIN, f"rp:{union.id}:2026"))[0]
    async with bot.session() as s:
        assert await s.scalar(select(AnnualReport)) is None

    await bot.send(COUNTY, "/report")
    await bot.press(COUNTY, "提交 2026 年考核报告")
    await bot.press(COUNTY, "确认提交")
    overview = (await bot.send(ADMIN, "/report"))[0]
    assert "✅ 景洪市总工会（" in overview
    stale_reopen = button_data(bot, ADMIN, "重新打开：景洪市总工会")
    await bot.press(ADMIN, "重新打开：景洪市总工会")
    assert "理由会原样告诉" in bot.last(ADMIN)
    await bot.send(ADMIN, "优秀比例偏高，请复核")
    assert "需要重新提交" in bot.last(ADMIN)
    await bot.press(ADMIN, "确认提交")
    assert "已重新打开 景洪市总工会 2026 年考核报告" in bot.last(ADMIN)
    assert "优秀比例偏高，请复核" in bot.last(COUNTY) and "/report" in bot.last(COUNTY)
    reopened = await report(bot)
    assert reopened.status is ReportStatus.DRAFT
    assert reopened.reopen_reason == "优秀比例偏高，请复核"
    async with bot.session() as s:
        audited = await s.scalar(select(AuditLog).where(AuditLog.action == "report.reopen"))
    assert audited is not None and audited.actor_id == ADMIN.id

    # The union changes a grade and submits again; the admin's old button changes nothing.
    assert "已评定" in (await bot.press_data(COUNTY, f"as:{studios[0]}:2026:p"))[0]
    assert "重新打开了本年度报告" in (await bot.send(COUNTY, "/report"))[0]
    await bot.press(COUNTY, "提交 2026 年考核报告")
    await bot.press(COUNTY, "确认提交")
    assert (await report(bot)).status is ReportStatus.SUBMITTED
    assert "失效" in (await bot.press_data(ADMIN, stale_reopen))[0]
    assert (await report(bot)).status is ReportStatus.SUBMITTED
    # Only the prefecture re-opens.
    assert "没有权限" in (await bot.press_data(COUNTY, stale_reopen))[0]


async def test_a_stale_report_confirmation_submits_nothing(bot: BotHarness) -> None:
    studios = await setup(bot)
    await grade_all(bot, studios)
    await bot.send(COUNTY, "/report")
    await bot.press(COUNTY, "提交 2026 年考核报告")
    assert "什么也没有改" in (await bot.press(COUNTY, "取消"))[0]
    await bot.send(COUNTY, "/report")
    await bot.press(COUNTY, "提交 2026 年考核报告")
    stale = button_data(bot, COUNTY, "确认提交")
    await grade_all(bot, studios[:1], "f")  # a grade changes after the summary was shown
    assert "有了变化" in (await bot.press_data(COUNTY, stale))[0]
    async with bot.session() as s:
        assert await s.scalar(select(AnnualReport)) is None


def _workbook(bot: BotHarness) -> Any:
    from io import BytesIO

    from openpyxl import load_workbook

    call = [c for c in bot.fake.calls if c.method == "sendDocument"][-1]
    payload = next(v for k, v in call.params.items() if k.startswith("_file_"))
    return call.params, load_workbook(BytesIO(payload[1]))


@pytest.mark.postgres
async def test_the_year_end_report_is_a_workbook_with_charts_and_the_reasons(
    bot: BotHarness,
) -> None:
    studios = await setup(bot)
    async with bot.session() as s:  # 岩温's studio already failed last year
        s.add(AnnualAssessment(studio_id=studios[0], union_id=1, year=2025,
                               grade=AssessmentGrade.FAIL, comments="去年"))  # fmt: skip
        await s.commit()
    await grade_all(bot, studios[:1], "f")
    await grade_all(bot, studios[1:], "e")
    await bot.send(COUNTY, "/report")
    await bot.press(COUNTY, "下载 2026 年度考核报告")
    params, wb = _workbook(bot)
    assert params["file_name"] == "景洪市总工会-2026-考核报告.xlsx"
    assert "景洪市总工会 2026 年度考核报告（2 个工作室）" in params["caption"]
    assert wb.sheetnames == ["汇总", "工作室考核"]
    summary = wb["汇总"]
    assert summary["A1"].value == "景洪市总工会 2026 年度劳模创新工作室考核报告"
    grades = {summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(4, 9)}
    assert grades == {"优秀": 1, "良好": 0, "合格": 0, "不合格": 1, "未考核": 0}
    assert len(summary._charts) == 2  # native charts: grades, and the Art. 6 conditions
    listing = wb["工作室考核"]
    rows = {r[0].value: [c.value for c in r] for r in listing.iter_rows(min_row=2) if r[0].value}
    fail = rows["岩温劳模创新工作室"]
    assert fail[3] == "不合格" and fail[4] == "全年没有立项项目，团队只剩两人"
    assert fail[14] == "连续两年不合格，建议复核"  # Art. 17: flagged for re-review
    assert rows["玉香劳模创新工作室"][3] == "优秀" and rows["玉香劳模创新工作室"][14] in ("", None)
    assert listing._charts
    # The prefecture's report covers every union, with a sheet per union and its chart.
    await bot.send(ADMIN, "/report")
    await bot.press(ADMIN, "下载 2026 年度考核报告")
    _, wb = _workbook(bot)
    assert wb.sheetnames == ["汇总", "各工会", "工作室考核"]
    unions = [r[0].value for r in wb["各工会"].iter_rows(min_row=2)]
    assert "景洪市总工会" in unions and "勐海县总工会" in unions and wb["各工会"]._charts
    # Another county's officer cannot have it, even with a forged button.
    assert "没有权限" in (await bot.press_data(GRASSROOTS, "rw:0:2026"))[0]
    async with bot.session() as s:
        county = (await union_named(s, "景洪市总工会")).id
    assert "没有权限" in (await bot.press_data(GRASSROOTS, f"rw:{county}:2026"))[0]


# -------------------------------------------- issue 11: "press once", also across instances
async def audit_count(bot: BotHarness, action: str) -> int:
    async with bot.session() as s:
        found = await s.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == action)
        )
    return int(found or 0)


async def test_the_same_grade_pressed_twice_is_recorded_once(bot: BotHarness) -> None:
    studios = await setup(bot)
    await bot.send(COUNTY, "/assess")
    await bot.press(COUNTY, "📝 2")  # 玉香
    await bot.press(COUNTY, "良好")
    assert "已评定" in bot.last(COUNTY)
    again = await bot.press_data(COUNTY, f"as:{studios[1]}:2026:g")  # the same button again
    assert len(again) == 1 and "已经评定为「良好」" in again[0] and "没有重复" in again[0]
    assert await audit_count(bot, "assessment.grade") == 1
    # A different grade is a change, and audited with what it was before.
    await bot.press_data(COUNTY, f"as:{studios[1]}:2026:e")
    assert "已评定" in bot.last(COUNTY)
    async with bot.session() as s:
        entries = list(await s.scalars(select(AuditLog).where(
            AuditLog.action == "assessment.grade").order_by(AuditLog.id)))  # fmt: skip
        grades = list(await s.scalars(select(AnnualAssessment.grade)))
    assert [g.value for g in grades] == ["excellent"]
    assert len(entries) == 2 and entries[1].before is not None
    assert entries[1].before["grade"] == "good" and entries[1].after["grade"] == "excellent"


async def press_at_once(first: BotHarness, second: BotHarness, person: Any, data: str) -> list[str]:
    """The same press delivered to two instances a moment apart, as Telegram may do."""
    message = first.fake.sent[person.id][-1]
    second.fake.chats[person.id] = first.fake.chats[person.id]
    second.fake.sent[person.id] = [message]
    results = await asyncio.gather(
        first.chat.press_data(person, message, data),
        second.chat.press_data(person, message, data),
    )
    return [
        m.get("text", "") for replies in results for m in replies if m["chat"]["id"] == person.id
    ]


@pytest.mark.postgres
async def test_two_instances_grading_at_once_record_one_grade(database: Database) -> None:
    async with (
        BotHarness.started(database, NOW) as first,
        BotHarness.started(database, NOW) as second,
    ):
        studios = await setup(first)
        await first.send(COUNTY, "/assess")
        texts = await press_at_once(first, second, COUNTY, f"as:{studios[0]}:2026:g")
        assert not any("抱歉" in t for t in texts), texts
        assert sum("已评定" in t for t in texts) == 1, texts
        assert sum("已经评定为「良好」" in t for t in texts) == 1, texts
        async with first.session() as s:
            rows = list(await s.scalars(select(AnnualAssessment)))
        assert len(rows) == 1 and rows[0].grade.value == "good"
        assert await audit_count(first, "assessment.grade") == 1
        # Changing an existing grade at once on both: one change, one "already".
        texts = await press_at_once(first, second, COUNTY, f"as:{studios[0]}:2026:e")
        assert sum("已评定" in t for t in texts) == 1, texts
        assert await audit_count(first, "assessment.grade") == 2


@pytest.mark.postgres
@pytest.mark.parametrize("reopened", [False, True], ids=["first", "after_reopening"])
async def test_two_instances_submitting_the_report_at_once_submit_once(
    database: Database, reopened: bool
) -> None:
    async with (
        BotHarness.started(database, NOW) as first,
        BotHarness.started(database, NOW) as second,
    ):
        studios = await setup(first)
        await first.send(ADMIN, "/start")
        await grade_all(first, studios)
        if reopened:  # the report row exists, as a draft: the race is on its status
            await first.send(COUNTY, "/report")
            await first.press(COUNTY, "提交 2026 年考核报告")
            await first.press(COUNTY, "确认提交")
            await first.send(ADMIN, "/report")
            await first.press(ADMIN, "重新打开")
            await first.send(ADMIN, "优秀的比例需要复核")
            await first.press(ADMIN, "确认提交")
            assert (await report(first)).status is ReportStatus.DRAFT
        await first.send(COUNTY, "/report")
        await first.press(COUNTY, "提交 2026 年考核报告")
        confirm = button_data(first, COUNTY, "确认提交")
        before = await audit_count(first, "report.submit")
        told_before = len(first.fake.sent.get(ADMIN.id, []))
        texts = await press_at_once(first, second, COUNTY, confirm)
        assert not any("抱歉" in t for t in texts), texts
        assert sum("已提交 景洪市总工会 2026 年考核报告" in t for t in texts) == 1, texts
        assert sum("已经提交过了" in t for t in texts) == 1, texts
        assert (await report(first)).status is ReportStatus.SUBMITTED
        assert await audit_count(first, "report.submit") == before + 1
        notices = first.fake.sent.get(ADMIN.id, [])[told_before:] + second.fake.sent.get(
            ADMIN.id, [])  # fmt: skip
        assert sum("已提交 2026 年考核报告" in m.get("text", "") for m in notices) == 1
