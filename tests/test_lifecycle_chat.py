"""A studio's whole path through four people in chat (Art. 3, 8, 9, 17), and every refusal."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.offline import Person
from policy.lifecycle import StudioStatus
from storage.accounts import AccountService
from storage.models import (
    Attachment,
    AuditLog,
    FormDraft,
    FundRecord,
    FundSource,
    Member,
    Role,
    RoleGrant,
    Studio,
    StudioStatusChange,
    Union,
    UnionKind,
)
from storage.studios import StaleResubmission, StudioApplication, StudioService
from tests.factories import add_grassroots, add_studio, union_named
from tests.harness import BotHarness

LEADER = Person(501, "岩温")
GRASSROOTS = Person(502, "刀丽")  # officer of 景洪市供电局工会
COUNTY = Person(503, "李强")  # officer of 景洪市总工会
ADMIN = Person(504, "王芳")  # prefecture
OUTSIDER = Person(505, "玉香")  # officer of 勐海县总工会

MEMBERS = "玉罕 电气 本科 1988\n<b>岩光 机械 大专 1975"
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Xishuangbanna


@pytest.fixture
def now() -> datetime:
    return NOW


def document(name: str, mime: str = "application/pdf", size: int = 120_000) -> dict[str, Any]:
    return {"document": {"file_id": f"id-{name}", "file_unique_id": f"u-{name}",
                         "file_name": name, "mime_type": mime, "file_size": size}}  # fmt: skip


async def officers(bot: BotHarness) -> None:
    async with bot.session() as s:
        await AccountService(s).grant_admin(ADMIN.id)
        grassroots = await add_grassroots(s, "景洪市供电局工会", "景洪市总工会")
        county = await union_named(s, "景洪市总工会")
        menghai = await union_named(s, "勐海县总工会")
        for person, union in ((GRASSROOTS, grassroots), (COUNTY, county), (OUTSIDER, menghai)):
            await AccountService(s).touch(person.id, person.first_name, None, "zh", now=NOW)
            s.add(RoleGrant(user_id=person.id, role=Role.UNION_OFFICER, union_id=union.id))
        await s.commit()


async def apply(bot: BotHarness, leader: Person = LEADER) -> None:
    await bot.send(leader, "/apply")
    await bot.send(leader, "岩温")
    await bot.press(leader, "省级劳动模范")
    await bot.send(leader, "景洪市供电局")
    await bot.press(leader, "景洪市供电局工会")
    await bot.send(leader, "电力检修")
    await bot.send(leader, MEMBERS)
    await bot.send(leader, "供电局三楼，80平方米")
    await bot.send(leader, "单位每年安排专项经费")
    await bot.send(leader, "三年内完成 5 项技术攻关")
    await bot.press(leader, "岩温劳模创新工作室")
    assert "请核对申请" in bot.last(leader)
    await bot.press(leader, "确认提交")


def button_data(bot: BotHarness, person: Person, label: str) -> str:
    """The newest button whose label contains `label`, to press again later."""
    for message in reversed(bot.fake.sent.get(person.id, [])):
        for button in bot.chat.buttons(message):
            if label in button["text"]:
                return str(button["callback_data"])
    raise AssertionError(f"no button {label!r}")


async def studio(bot: BotHarness) -> Studio:
    async with bot.session() as s:
        found = await s.scalar(select(Studio).where(Studio.name == "岩温劳模创新工作室"))
    assert found is not None
    return found


@pytest.mark.postgres
async def test_whole_path_from_application_to_naming(bot: BotHarness) -> None:
    await officers(bot)
    await apply(bot)
    assert "已提交：岩温劳模创新工作室" in bot.last(LEADER)
    assert "待你处理：岩温劳模创新工作室" in bot.last(GRASSROOTS)

    # Grassroots union recommends (Art. 8), after seeing what that will do.
    await bot.press(GRASSROOTS, "推荐")
    assert "推荐不能撤回" in bot.last(GRASSROOTS)
    await bot.press(GRASSROOTS, "确认推荐")
    assert "已推荐" in bot.last(LEADER)
    # …and records the host unit's party/administration endorsement, with date and document.
    await bot.press(GRASSROOTS, "登记单位党政认可")
    assert "上一步" not in bot.button_labels(GRASSROOTS)  # nothing to go back to
    await bot.send(GRASSROOTS, "2026年11月27日")
    await bot.send(GRASSROOTS, "供电局党委〔2026〕8号")
    assert (
        "不支持这种文件"
        in (await bot.send_other(GRASSROOTS, document("a.exe", "application/x-msdownload")))[0]
    )
    assert "太大" in (await bot.send_other(GRASSROOTS, document("big.pdf", size=30_000_000)))[0]
    await bot.send_other(GRASSROOTS, document("党委意见.pdf"))
    assert "2026-11-27" in bot.last(GRASSROOTS) and "党委意见.pdf" in bot.last(GRASSROOTS)
    await bot.press(GRASSROOTS, "确认提交")
    assert "待你处理" in bot.last(COUNTY)

    # The county union declares it upward; the prefecture names it and records the subsidy.
    await bot.press(COUNTY, "同意申报")
    await bot.press(COUNTY, "确认同意申报")
    assert "待你处理" in bot.last(ADMIN)
    await bot.press(ADMIN, "考评命名")
    await bot.send(ADMIN, "2026-11-27")
    await bot.send(ADMIN, "西工发〔2026〕12号")
    await bot.send(ADMIN, "2万")
    assert "20,000.00 元" in bot.last(ADMIN)
    await bot.press(ADMIN, "确认提交")
    assert "已命名" in bot.last(LEADER)

    named = await studio(bot)
    assert named.status is StudioStatus.NAMED
    assert named.named_on == date(2026, 11, 27) and named.naming_document == "西工发〔2026〕12号"
    async with bot.session() as s:
        subsidy = await s.scalar(select(FundRecord).where(FundRecord.studio_id == named.id))
        leader_roles = list(
            await s.scalars(select(RoleGrant.role).where(RoleGrant.user_id == LEADER.id))
        )
        history = list(
            await s.scalars(
                select(StudioStatusChange.to_status)
                .where(StudioStatusChange.studio_id == named.id)
                .order_by(StudioStatusChange.id)
            )
        )
        audited = await s.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action.like("studio.%"))
        )
        scan = await s.scalar(select(Attachment))
    assert scan is not None and scan.file_name == "党委意见.pdf" and scan.status_change_id
    assert subsidy is not None and subsidy.amount_fen == 2_000_000
    assert subsidy.source is FundSource.PREFECTURE_SUBSIDY
    assert leader_roles == [Role.STUDIO_LEADER]  # granted by the naming, not typed
    assert history == [
        StudioStatus.APPLIED,
        StudioStatus.RECOMMENDED,
        StudioStatus.ENDORSED,
        StudioStatus.DECLARED,
        StudioStatus.NAMED,
    ]
    assert audited == 6  # created + five transitions

    card = (await bot.send(LEADER, "/studio"))[0]
    assert "状态：已命名" in card and "玉罕 电气 本科 1988" in card
    assert "<b>岩光 机械 大专 1975" in card  # user text shown as typed, never as markup
    assert "刀丽：已推荐" in card and "王芳：已命名" in card


async def test_below_provincial_level_is_refused_with_article_3(bot: BotHarness) -> None:
    await bot.send(LEADER, "/apply")
    await bot.send(LEADER, "岩温")
    await bot.press(LEADER, "其他")
    refusal = bot.last(LEADER)
    assert "第三条" in refusal and "省(部)级及以上劳动模范" in refusal
    assert "没有规定" in (await bot.send(LEADER, "周末加班有补贴吗"))[0]  # form is gone


async def test_form_validates_goes_back_and_cancels(bot: BotHarness) -> None:
    await officers(bot)
    await bot.send(LEADER, "/apply")
    assert "第 1/10 步" in bot.last(LEADER)
    assert "20 字以内" in (await bot.send(LEADER, "岩" * 21))[0]
    await bot.send(LEADER, "岩温")
    assert "请点下面的按钮" in (await bot.send(LEADER, "省级"))[0]
    await bot.press(LEADER, "上一步")
    assert "第 1/10 步" in bot.last(LEADER)
    await bot.send(LEADER, "岩温")
    await bot.press(LEADER, "全国劳动模范")
    await bot.send(LEADER, "景洪市供电局")
    await bot.press(LEADER, "景洪市供电局工会")
    await bot.send(LEADER, "电力检修")
    assert "第 2 行看不懂" in (await bot.send(LEADER, "玉罕 电气 本科 1988\n岩光"))[0]
    assert "出生年份 1850 不合理" in (await bot.send(LEADER, "玉罕 电气 本科 1850"))[0]
    sticker = {"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                           "is_animated": False, "is_video": False, "type": "regular"}}  # fmt: skip
    assert "请输入文字" in (await bot.send_other(LEADER, sticker))[0]
    await bot.send(LEADER, "无")
    for answer_text in ("三楼", "单位保障", "计划"):
        await bot.send(LEADER, answer_text)
    assert "须包含劳模姓名" in (await bot.send(LEADER, "电力创新工作室"))[0]
    await bot.send(LEADER, "岩温电力劳模创新工作室")
    assert "名称：岩温电力劳模创新工作室" in bot.last(LEADER)
    assert "已取消" in (await bot.send(LEADER, "/cancel"))[0]
    assert "没有正在填写" in (await bot.send(LEADER, "/cancel"))[0]
    async with bot.session() as s:
        assert await s.scalar(select(func.count()).select_from(Studio)) == 0


@pytest.mark.postgres
async def test_form_survives_a_restart(bot: BotHarness) -> None:
    await officers(bot)
    await bot.send(LEADER, "/apply")
    await bot.send(LEADER, "岩温")
    async with BotHarness.started(bot.db, NOW) as restarted:  # a new process on the same database
        replies = await restarted.send(LEADER, "我不知道")
        assert "请点下面的按钮" in replies[0] and "第 2/10 步" in restarted.last(LEADER)


@pytest.mark.postgres
async def test_refusals_wrong_role_jurisdiction_state_and_double_press(bot: BotHarness) -> None:
    await officers(bot)
    await apply(bot)
    target = await studio(bot)
    applied = f"st:r:{target.id}:1"  # recommend, as shown while "applied"
    # The applicant, an officer of another county, and the county officer (wrong level)…
    assert "没有权限" in (await bot.press_data(LEADER, applied))[0]
    # (one who cannot see the studio hears what a missing studio would: nothing leaks)
    assert "找不到这个工作室" in (await bot.press_data(OUTSIDER, applied))[0]
    # Naming straight from "applied" skips Art. 8's steps: the wrong state, even for an admin.
    assert "不能做这一步" in (await bot.press_data(ADMIN, f"st:n:{target.id}:1"))[0]
    # …the right officer confirms twice (the second press is a stale button).
    await bot.press_data(GRASSROOTS, applied)
    confirm = next(
        b["callback_data"]
        for b in bot.chat.buttons(bot.last_message(GRASSROOTS))
        if "确认推荐" in b["text"]
    )
    assert f"st:r!:{target.id}:1:" in confirm  # the state it was shown in, and the version
    await bot.press_data(GRASSROOTS, confirm)
    assert "已推荐" in bot.last(GRASSROOTS)
    assert "按钮已失效" in (await bot.press_data(GRASSROOTS, confirm))[0]
    assert "按钮已失效" in (await bot.press_data(GRASSROOTS, applied))[0]
    # Declaring before the endorsement is the wrong state.
    assert "按钮已失效" in (await bot.press_data(COUNTY, f"st:d:{target.id}:1"))[0]
    recommended = f"st:d:{target.id}:2"
    assert "不能做这一步" in (await bot.press_data(COUNTY, recommended))[0]
    # A grassroots officer may not declare upward for the county (Art. 8's levels).
    async with bot.session() as s:
        row = await s.get(Studio, target.id)
        assert row is not None
        row.status = StudioStatus.ENDORSED
        await s.commit()
    assert "没有权限" in (await bot.press_data(GRASSROOTS, f"st:d:{target.id}:3"))[0]
    assert "找不到这个工作室" in (await bot.press_data(OUTSIDER, f"st:d:{target.id}:3"))[0]
    assert "申报不能撤回" in (await bot.press_data(COUNTY, f"st:d:{target.id}:3"))[0]
    assert (await studio(bot)).status is StudioStatus.ENDORSED  # asked, not done
    await bot.press(COUNTY, "确认同意申报")
    assert (await studio(bot)).status is StudioStatus.DECLARED
    # Forged ids change nothing and say why.
    for forged in ("st:z:1:1", f"st:r:{target.id}:99", "st:r:x:1", "st:r:99999:1", "st:r!!:1:1"):
        replies = await bot.press_data(GRASSROOTS, forged)
        assert replies and ("失效" in replies[0] or "找不到" in replies[0]), forged


async def return_it(bot: BotHarness, reason: str) -> None:
    await bot.send(GRASSROOTS, "/review")
    await bot.press(GRASSROOTS, "退回")
    assert "请写明理由" in bot.last(GRASSROOTS)
    await bot.send(GRASSROOTS, reason)
    await bot.press(GRASSROOTS, "确认提交")


@pytest.mark.postgres
async def test_a_returned_application_is_corrected_then_resubmitted(bot: BotHarness) -> None:
    await officers(bot)
    await bot.send(LEADER, "/apply")
    await bot.send(LEADER, "岩温")
    await bot.press(LEADER, "省级劳动模范")
    await bot.send(LEADER, "景洪市供电局")
    await bot.press(LEADER, "景洪市供电局工会")
    await bot.send(LEADER, "电力检修")
    await bot.send(LEADER, "无")  # no team members yet
    await bot.send(LEADER, "供电局三楼")
    await bot.send(LEADER, "单位每年安排专项经费")
    await bot.send(LEADER, "三年内完成 5 项技术攻关")
    await bot.press(LEADER, "岩温劳模创新工作室")
    await bot.press(LEADER, "确认提交")
    await return_it(bot, "团队成员未填写，请补充后重新提交")
    notice = bot.last(LEADER)
    assert "已退回" in notice and "团队成员未填写，请补充后重新提交" in notice
    old_button = button_data(bot, LEADER, "重新提交")

    # 🔁 opens the application as it stands, on its summary, with the reason on top.
    replies = await bot.press(LEADER, "重新提交")
    summary = replies[-1]
    assert "团队成员未填写" in summary and "请核对申请" in summary
    assert (
        "负责人：岩温" in summary and "场地：供电局三楼" in summary and "团队：（暂无）" in summary
    )
    assert "✏ 团队" in bot.button_labels(LEADER) and "✏ 场地" in bot.button_labels(LEADER)
    assert (await studio(bot)).status is StudioStatus.RETURNED  # nothing resubmitted yet

    # ✏ 团队 adds the members; ✏ 场地 shows the current value, and is changed too.
    await bot.press(LEADER, "✏ 团队")
    await bot.send(LEADER, MEMBERS)
    assert "团队：玉罕 电气 本科 1988；<b>岩光 机械 大专 1975" in bot.last(LEADER)
    prompt = (await bot.press(LEADER, "✏ 场地"))[-1]
    assert "当前：供电局三楼" in prompt
    await bot.send(LEADER, "供电局三楼 301 室，80平方米")
    # ✏ 团队 again shows the members as they would be typed, not as data.
    prompt = (await bot.press(LEADER, "✏ 团队"))[-1]
    assert "玉罕 电气 本科 1988\n<b>岩光 机械 大专 1975" in prompt and "{" not in prompt
    await bot.press(LEADER, "保持不变")
    replies = await bot.press(LEADER, "确认提交")
    done = replies[-1]
    assert "已重新提交" in done and "修改了：团队、场地" in done
    assert "/review" not in "".join(replies)  # the applicant cannot use /review

    target = await studio(bot)
    assert target.status is StudioStatus.APPLIED and target.venue == "供电局三楼 301 室，80平方米"
    async with bot.session() as s:
        names = list(await s.scalars(select(Member.name).where(
            Member.studio_id == target.id, Member.deleted_at.is_(None))))  # fmt: skip
        corrected = await s.scalar(select(AuditLog).where(AuditLog.action == "studio.correct"))
    assert names == ["玉罕", "<b>岩光"]
    assert corrected is not None and corrected.actor_id == LEADER.id
    assert corrected.before is not None and corrected.before["members"] == []
    assert corrected.before["venue"] == "供电局三楼" and corrected.before["status"] == "returned"
    assert corrected.after["changed"] == ["venue", "members"]
    assert corrected.after["answers"] == "团队成员未填写，请补充后重新提交"

    # The officer sees what changed and the reason it answers, with the buttons to act.
    waiting = bot.last(GRASSROOTS)
    assert "待你处理" in waiting and "修改了：团队、场地" in waiting
    assert "回应的退回理由：团队成员未填写，请补充后重新提交" in waiting
    assert "推荐" in bot.button_labels(GRASSROOTS)
    review = await bot.send(GRASSROOTS, "/review")  # the same, from the listing
    assert "修改了：团队、场地" in review[1] and "回应的退回理由：团队成员未填写" in review[1]

    # The old 🔁 again: already resubmitted, nothing changes, and it says so.
    again = await bot.press_data(LEADER, old_button)
    assert len(again) == 1 and "已经重新提交过了" in again[0] and "/review" not in again[0]
    assert (await studio(bot)).status is StudioStatus.APPLIED
    async with bot.session() as s:
        assert await s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "studio.correct")) == 1  # fmt: skip

    # Returned again: the first notice's 🔁 belongs to the earlier round and is refused;
    # the new one opens the form with the new reason.
    await return_it(bot, "场地面积请写清楚")
    stale = await bot.press_data(LEADER, old_button)
    assert "又被退回了" in stale[0] and (await studio(bot)).status is StudioStatus.RETURNED
    summary = (await bot.press(LEADER, "重新提交"))[-1]
    assert "场地面积请写清楚" in summary and "团队：玉罕" in summary
    done = (await bot.press(LEADER, "确认提交"))[-1]
    assert "没有修改任何内容" in done and (await studio(bot)).status is StudioStatus.APPLIED
    assert "没有修改任何内容" in bot.last(GRASSROOTS)


async def test_a_correction_form_left_open_cannot_resubmit_a_withdrawn_application(
    bot: BotHarness,
) -> None:
    await officers(bot)
    await apply(bot)
    await return_it(bot, "材料不全")
    await bot.press(LEADER, "重新提交")
    await bot.press(LEADER, "✏ 场地")
    await bot.send(LEADER, "还没想好")
    # A double press of 🔁 while the form is open offers it back, never a second form;
    # starting over goes back to the application as it stands, on its summary.
    assert "没填完" in (await bot.press(LEADER, "重新提交"))[-1]
    summary = (await bot.press(LEADER, "重新开始"))[-1]
    assert "请核对申请" in summary and "场地：供电局三楼，80平方米" in summary
    form_submit = button_data(bot, LEADER, "确认提交")
    await bot.send(LEADER, "/apply")
    await bot.press(LEADER, "撤回申请")
    await bot.press(LEADER, "确认撤回申请")
    assert (await studio(bot)).status is StudioStatus.WITHDRAWN
    replies = await bot.press_data(LEADER, form_submit)
    assert "不在退回状态" in replies[-1]
    assert (await studio(bot)).status is StudioStatus.WITHDRAWN
    async with bot.session() as s:
        assert await s.scalar(select(func.count()).select_from(FormDraft)) == 0


async def test_five_yearly_rereview_keeps_or_revokes(bot: BotHarness) -> None:
    await officers(bot)
    async with bot.session() as s:
        old = await add_studio(s, "刀建华", "景洪市供电局工会")
        old.named_on = date(2020, 6, 1)
        young = await add_studio(s, "玉波", "景洪市供电局工会")
        young.named_on = date(2024, 6, 1)
        await s.commit()
    assert "没有权限" in (await bot.send(COUNTY, "/rereview"))[0]
    replies = await bot.send(ADMIN, "/rereview")
    assert "（1 个" in replies[0] and "刀建华" in replies[1] and "玉波" not in "".join(replies)
    await bot.press(ADMIN, "开始复核")
    assert "五年复核中" in bot.last(ADMIN)
    await bot.send(ADMIN, "/review")
    await bot.press(ADMIN, "撤销称号")
    await bot.send(ADMIN, "连续两年没有成果，复核不达标")
    await bot.press(ADMIN, "确认提交")
    async with bot.session() as s:
        revoked = await s.get(Studio, old.id)
    assert revoked is not None and revoked.status is StudioStatus.REVOKED
    assert revoked.revoked_on is not None
    # A revoked studio keeps its history, but no one can invite into it any more.
    await bot.send(ADMIN, "/invite")
    await bot.press(ADMIN, "工作室负责人")
    assert "刀建华劳模创新工作室" not in bot.button_labels(ADMIN)


@pytest.mark.parametrize("command", ["/review", "/studio"])
async def test_listings_without_anything_say_what_to_do(bot: BotHarness, command: str) -> None:
    replies = await bot.send(OUTSIDER, command)
    assert "/apply" in replies[0] or "通知你" in replies[0]


async def test_union_hierarchy_is_offered_without_the_prefecture(bot: BotHarness) -> None:
    await bot.send(LEADER, "/apply")
    await bot.send(LEADER, "岩温")
    await bot.press(LEADER, "全国劳动模范")
    await bot.send(LEADER, "景洪市供电局")
    labels = bot.button_labels(LEADER)
    async with bot.session() as s:
        top = await s.scalar(select(Union).where(Union.kind == UnionKind.PREFECTURE))
    assert top is not None and top.name not in labels and "景洪市总工会" in labels


async def test_rereview_can_keep_the_title(bot: BotHarness) -> None:
    await officers(bot)
    async with bot.session() as s:
        old = await add_studio(s, "刀建华", "景洪市供电局工会")
        old.named_on = date(2020, 6, 1)
        await s.commit()
    await bot.send(ADMIN, "/rereview")
    await bot.press(ADMIN, "开始复核")
    await bot.send(ADMIN, "/review")
    await bot.press(ADMIN, "复核通过，保留称号")
    assert "已命名" in bot.last(ADMIN)
    async with bot.session() as s:
        kept = await s.get(Studio, old.id)
        history = list(
            await s.scalars(
                select(StudioStatusChange.to_status).where(StudioStatusChange.studio_id == old.id)
            )
        )
    assert kept is not None and kept.status is StudioStatus.NAMED
    assert kept.named_on == date(2020, 6, 1)  # the five-year cycle still counts from naming
    assert history == [StudioStatus.UNDER_REREVIEW, StudioStatus.NAMED]
    # Passed for this cycle: not proposed again until the next fifth anniversary (2030).
    assert "没有命名满五年" in (await bot.send(ADMIN, "/rereview"))[0]


@pytest.mark.postgres
async def test_two_corrections_resubmitted_at_once_resubmit_once(bot: BotHarness) -> None:
    """Two correction forms (say, opened on two instances) confirmed at the same moment."""
    await officers(bot)
    await apply(bot)
    await return_it(bot, "材料不全")
    target = await studio(bot)
    async with bot.session() as s:
        found = await StudioService(s).returned(LEADER.id, target.id, None)
    first = replace(found.application, venue="三楼 301")
    second = replace(found.application, venue="三楼 302")

    async def resubmit(app: StudioApplication) -> str:
        async with bot.session() as s:
            try:
                await StudioService(s).resubmit(
                    LEADER.id, target.id, app, found.version, today=date(2026, 11, 27), now=NOW
                )
            except StaleResubmission as stale:
                return stale.key
            return "done"

    results = await asyncio.gather(resubmit(first), resubmit(second))
    assert sorted(results) == ["apply.resubmitted_already", "done"], results
    async with bot.session() as s:
        corrections = await s.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "studio.correct")
        )
        submits = await s.scalar(
            select(func.count())
            .select_from(StudioStatusChange)
            .where(StudioStatusChange.to_status == StudioStatus.APPLIED)
        )
    assert corrections == 1 and submits == 2  # the first application, and one resubmission
    assert (await studio(bot)).venue in ("三楼 301", "三楼 302")
