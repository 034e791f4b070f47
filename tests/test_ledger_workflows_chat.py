"""Ledgers as real people use them (issue 9): who may change what, delete that asks and can be
undone, members allowed by their leader, a revoked studio's history, files that come back out,
money counted twice or spent past the balance."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.offline import Person
from policy.lifecycle import StudioStatus
from storage.models import (
    Achievement,
    AchievementCategory,
    Activity,
    ActivityKind,
    Attachment,
    AuditLog,
    FundDirection,
    FundRecord,
    FundSource,
    ReviewStatus,
    Role,
    RoleGrant,
    Studio,
    StudioStatusChange,
    User,
)
from tests.factories import add_studio, union_named
from tests.harness import BotHarness

LEADER = Person(901, "岩温")
OFFICER = Person(902, "李强")
MEMBER = Person(903, "玉罕")
MEMBER2 = Person(904, "岩北")
OTHER_LEADER = Person(905, "玉香")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


def document(name: str, mime: str = "application/pdf", size: int = 250_000) -> dict[str, Any]:
    return {"document": {"file_id": f"id-{name}", "file_unique_id": f"u-{name}",
                         "file_name": name, "mime_type": mime, "file_size": size}}  # fmt: skip


def photo(file_id: str) -> dict[str, Any]:
    return {"photo": [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 10,
                       "height": 10, "file_size": 50_000}]}  # fmt: skip


async def setup(bot: BotHarness) -> tuple[int, int]:
    async with bot.session() as s:
        mine = await add_studio(s, "岩温", "景洪市总工会")
        theirs = await add_studio(s, "玉香", "勐海县总工会")
        union = await union_named(s, "景洪市总工会")
        for person in (LEADER, OFFICER, MEMBER, MEMBER2, OTHER_LEADER):
            s.add(User(id=person.id, full_name=person.first_name))
        await s.flush()
        s.add(RoleGrant(user_id=LEADER.id, role=Role.STUDIO_LEADER, studio_id=mine.id))
        s.add(RoleGrant(user_id=OTHER_LEADER.id, role=Role.STUDIO_LEADER, studio_id=theirs.id))
        s.add(RoleGrant(user_id=OFFICER.id, role=Role.UNION_OFFICER, union_id=union.id))
        for member in (MEMBER, MEMBER2):
            s.add(RoleGrant(user_id=member.id, role=Role.STUDIO_MEMBER, studio_id=mine.id))
        await s.commit()
        return mine.id, theirs.id


async def add_funds(bot: BotHarness, direction: str, source: str | None, *values: str) -> None:
    await bot.send(LEADER, "/funds")
    await bot.press(LEADER, direction)
    if source:
        await bot.press(LEADER, source)
    for value in values:
        await bot.send(LEADER, value)


async def test_officers_view_and_acknowledge_but_never_change_a_studios_ledger(
    bot: BotHarness,
) -> None:
    mine, _ = await setup(bot)
    await add_funds(bot, "收入", "所在单位保障", "2万", "2026-01-05", "年度专项经费")
    await bot.press(LEADER, "确认提交")
    async with bot.session() as s:
        record = await s.scalar(select(FundRecord))
    assert record is not None

    # The officer's /ledger shows the studio's ledgers read-only: no ✏, no 🗑.
    await bot.send(OFFICER, "/ledger")
    await bot.press(OFFICER, "经费")
    assert "+20,000.00 年度专项经费" in bot.last(OFFICER)
    assert "只读" in bot.last(OFFICER)
    assert not [b for b in bot.button_labels(OFFICER) if b.startswith(("✏", "🗑"))]

    # Forged presses change nothing, and say who can.
    for data in (f"ld:f:{record.id}", f"lx:f:{record.id}", f"le:f:{record.id}"):
        reply = (await bot.press_data(OFFICER, data))[0]
        assert "台帐由工作室自己的负责人登记和修改" in reply, data
    refused = (await bot.send(OFFICER, "/funds"))[0]
    assert "工会干部发送 /ledger 查看" in refused and "/apply" not in refused
    async with bot.session() as s:
        kept = await s.get(FundRecord, record.id)
        actions = set(await s.scalars(select(AuditLog.action)))
    assert kept is not None and kept.deleted_at is None and kept.amount_fen == 2_000_000
    assert "funds.delete" not in actions and "funds.edit" not in actions
    assert "找不到这个工作室" in (await bot.press_data(OTHER_LEADER, f"lg:f:{mine}"))[0]


async def test_delete_asks_first_and_the_leader_restores_it(bot: BotHarness) -> None:
    await setup(bot)
    await add_funds(bot, "支出", None, "350", "2026-03-01", "购买工具")
    await bot.press(LEADER, "确认提交")
    async with bot.session() as s:
        record = await s.scalar(select(FundRecord))
    assert record is not None

    await bot.send(LEADER, "/ledger")
    await bot.press(LEADER, "经费")
    await bot.press(LEADER, "🗑 1")
    ask = bot.last(LEADER)
    assert "确定从经费台帐删除" in ask and "-350.00 购买工具" in ask
    await bot.press(LEADER, "不删了")  # changed their mind
    assert "没有删除" in bot.last(LEADER)
    async with bot.session() as s:
        assert (await s.get(FundRecord, record.id)).deleted_at is None  # type: ignore[union-attr]

    await bot.press(LEADER, "🗑 1")
    await bot.press(LEADER, "确认删除")
    done = bot.last(LEADER)
    assert "已从经费台帐删除" in done and "已删除" in done
    assert "可联系管理员恢复" not in done  # no false promise
    assert "已经删除" in (await bot.press(LEADER, "确认删除"))[0]  # the double press

    await bot.send(LEADER, "/ledger")
    await bot.press(LEADER, "经费")
    assert "还是空的" in bot.last(LEADER)
    await bot.press(LEADER, "已删除（1）")
    assert "-350.00 购买工具" in bot.last(LEADER) and "删除于 2026-11-27" in bot.last(LEADER)
    # Another studio's leader learns nothing about it: the answer for no such entry.
    assert "已经删除或不存在" in (await bot.press_data(OTHER_LEADER, f"lu:f:{record.id}"))[0]
    await bot.press(LEADER, "♻ 1")
    assert "已恢复到经费台帐" in bot.last(LEADER)
    assert "已恢复" not in (await bot.press(LEADER, "♻ 1"))[0]  # twice: nothing to restore
    await bot.send(LEADER, "/ledger")
    await bot.press(LEADER, "经费")
    assert "-350.00 购买工具" in bot.last(LEADER)
    async with bot.session() as s:
        back = await s.get(FundRecord, record.id)
        actions = list(await s.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert back is not None and back.deleted_at is None
    assert actions[-2:] == ["funds.delete", "funds.restore"]


def _workbook(call: Any) -> Any:
    from io import BytesIO

    from openpyxl import load_workbook

    payload = next(v for k, v in call.params.items() if k.startswith("_file_"))
    return load_workbook(BytesIO(payload[1]))


def panel(bot: BotHarness) -> str:
    """The leader's newest permission panel (pressing its buttons edits it in place)."""
    found = [m for m in bot.fake.sent[LEADER.id] if "谁可以记录活动" in str(m.get("text"))]
    return str(found[-1]["text"])


async def test_members_record_activities_when_their_leader_allows(bot: BotHarness) -> None:
    await setup(bot)
    refused = (await bot.send(MEMBER, "/activity"))[0]
    assert "请工作室负责人在 /member 里为你开启记录活动的权限" in refused
    assert "/apply" not in refused
    other = (await bot.send(MEMBER, "/project"))[0]
    assert "负责人" in other and "/apply" not in other

    # The leader's member view has the switch, per member.
    await bot.send(LEADER, "/member")
    assert "玉罕：— 不可以" in panel(bot)
    await bot.press(LEADER, "允许 玉罕")
    assert "玉罕：✅ 可以" in panel(bot) and "岩北：— 不可以" in panel(bot)
    assert "已允许你记录活动" in bot.last(MEMBER)
    # The member cannot grant themselves anything with a forged press.
    async with bot.session() as s:
        grant = await s.scalar(select(RoleGrant).where(RoleGrant.user_id == MEMBER2.id))
        assert grant is not None
    reply = (await bot.press_data(MEMBER2, f"mp:{grant.studio_id}:{grant.id}:1"))[0]
    assert "由工作室负责人登记" in reply
    assert "请工作室负责人在 /member 里" in (await bot.send(MEMBER2, "/activity"))[0]

    await bot.send(MEMBER, "/activity")
    for value in ("2026-11-20",):
        await bot.send(MEMBER, value)
    await bot.press(MEMBER, "技术培训")
    for value in ("15", "安全培训", "无"):
        await bot.send(MEMBER, value)
    await bot.press(MEMBER, "确认提交")
    assert "已记入创建活动台帐" in bot.last(MEMBER)
    # They correct their own entries, not the leader's, and see the other ledgers read-only.
    async with bot.session() as s:
        studio_id = grant.studio_id
        theirs = Activity(studio_id=studio_id, held_on=date(2026, 11, 1), kind=ActivityKind.STUDY,
                          people_reached=3, summary="负责人记的", created_by=LEADER.id)  # fmt: skip
        s.add(theirs)
        await s.commit()
    await bot.send(MEMBER, "/ledger")
    await bot.press(MEMBER, "创建活动")
    assert [b for b in bot.button_labels(MEMBER) if b.startswith(("✏", "🗑"))] == ["✏ 1", "🗑 1"]
    assert "只能修改或删除自己记录的活动" in (await bot.press_data(MEMBER, f"ld:v:{theirs.id}"))[0]
    assert "由工作室负责人登记" in (await bot.send(MEMBER, "/funds"))[0]

    # For all members at once; then withdrawn.
    await bot.send(LEADER, "/cancel")
    await bot.send(LEADER, "/member")
    await bot.press(LEADER, "允许全部成员")
    assert "全体成员：✅ 全部可以" in panel(bot)
    assert "活动日期" in (await bot.send(MEMBER2, "/activity"))[0]
    await bot.send(MEMBER2, "/cancel")
    await bot.press(LEADER, "改为按人开启")
    await bot.press(LEADER, "收回 玉罕")
    assert "收回了你记录活动的权限" in bot.last(MEMBER)
    assert "请工作室负责人在 /member 里" in (await bot.send(MEMBER, "/activity"))[0]
    async with bot.session() as s:
        activity = await s.scalar(select(Activity))
        audited = list(
            await s.scalars(select(AuditLog).where(AuditLog.action == "member.activity_permission"))
        )
    assert activity is not None and activity.created_by == MEMBER.id
    assert len(audited) == 4 and audited[0].before["may_record_activities"] is False


async def test_a_revoked_studios_history_stays_readable_read_only(bot: BotHarness) -> None:
    mine, _ = await setup(bot)
    await add_funds(bot, "收入", "所在单位保障", "2万", "2026-01-05", "年度专项经费")
    await bot.press(LEADER, "确认提交")
    async with bot.session() as s:
        studio = await s.get(Studio, mine)
        assert studio is not None
        studio.status, studio.revoked_on = StudioStatus.REVOKED, date(2026, 11, 20)
        await s.commit()

    await bot.send(LEADER, "/ledger")
    assert "称号已于 2026-11-20 撤销" in bot.last(LEADER)
    await bot.press(LEADER, "经费")
    view = bot.last(LEADER)
    assert "称号已于 2026-11-20 撤销" in view and "+20,000.00 年度专项经费" in view
    assert not [b for b in bot.button_labels(LEADER) if b.startswith(("✏", "🗑"))]
    async with bot.session() as s:
        record = await s.scalar(select(FundRecord))
    assert record is not None
    assert "台帐只读" in (await bot.press_data(LEADER, f"ld:f:{record.id}"))[0]

    await bot.send(LEADER, "/export")
    call = [c for c in bot.fake.calls if c.method == "sendDocument"][-1]
    assert "称号已于 2026-11-20 撤销" in call.params["caption"]
    assert "称号已于 2026-11-20 撤销" in str(_workbook(call)["说明"]["A1"].value)
    await bot.send(OFFICER, "/export")
    overview = _workbook(bot.fake.calls[-1])["管理台帐"]
    assert overview["M1"].value == "撤销日期" and overview["M2"].value.date() == date(2026, 11, 20)

    me = (await bot.send(LEADER, "/me"))[0]
    assert "原负责人" in me and "称号已于 2026-11-20 撤销" in me
    status = (await bot.send(LEADER, "/status"))[0]
    assert "称号已于 2026-11-20 撤销" in status and "✅" not in status
    officer_status = (await bot.send(OFFICER, "/status"))[0]
    assert "⛔" in officer_status or "撤销" in officer_status

    for command in ("/activity", "/funds", "/project"):
        refused = (await bot.send(LEADER, command))[0]
        assert "称号已于 2026-11-20 撤销" in refused and "/export" in refused, command
    assert "称号已于 2026-11-20 撤销" in (await bot.send(MEMBER, "/activity"))[0]


async def _achievement_with_files(bot: BotHarness) -> None:
    await bot.send(LEADER, "/achievement")
    await bot.send(LEADER, "带电作业新工法")
    await bot.press(LEADER, "科技创新")
    await bot.send(LEADER, "2026-06-01")
    await bot.send(LEADER, "云南省电力公司")
    await bot.press(LEADER, "省部级")
    await bot.send(LEADER, "无")
    await bot.send(LEADER, "无")
    await bot.send_other(LEADER, document("证书.pdf"))
    await bot.send_other(LEADER, photo("ph-1"))
    await bot.press(LEADER, "完成")
    await bot.press(LEADER, "确认提交")


async def test_files_come_back_out_and_a_returned_entrys_files_are_replaced(
    bot: BotHarness,
) -> None:
    await setup(bot)
    await _achievement_with_files(bot)

    # The officer sees the files on the acknowledgement request and gets each one back.
    request = bot.last(OFFICER)
    assert "证书.pdf（PDF，244 KB）" in request and "photo.jpg（JPEG，49 KB）" in request
    await bot.press(OFFICER, "📎 证书.pdf")
    sent = bot.fake.calls[-1]
    assert sent.method == "sendDocument" and sent.params["document"] == "id-证书.pdf"
    await bot.press(OFFICER, "📎 photo.jpg")
    assert [c for c in bot.fake.calls if c.method == "sendPhoto"][-1].params["photo"] == "ph-1"

    # The leader too, from /ledger; nobody else, even with a forged press.
    await bot.send(LEADER, "/ledger")
    await bot.press(LEADER, "创新成果")
    assert "📎 证书.pdf（PDF，244 KB）" in bot.last(LEADER)
    await bot.press(LEADER, "📎 证书.pdf")
    assert bot.fake.calls[-1].params["document"] == "id-证书.pdf"
    async with bot.session() as s:
        first = await s.scalar(select(Attachment).order_by(Attachment.id))
    assert first is not None
    assert "找不到" in (await bot.press_data(OTHER_LEADER, f"af:{first.id}"))[0]

    # Returned because the scan is unreadable: the leader replaces the files.
    await bot.press(OFFICER, "退回")
    await bot.send(OFFICER, "证书扫描件看不清，请重新上传")
    await bot.press(OFFICER, "确认提交")
    assert "看不清" in bot.last(LEADER)
    await bot.press(LEADER, "更换附件")
    await bot.send_other(LEADER, document("证书-清晰.pdf"))
    await bot.press(LEADER, "完成")
    assert "证书-清晰.pdf" in bot.last(LEADER)
    await bot.press(LEADER, "确认提交")
    assert "已更换「带电作业新工法」的附件" in bot.last(LEADER)
    again = bot.last(OFFICER)
    assert "请确认新登记的创新成果" in again and "证书-清晰.pdf" in again
    assert "证书.pdf（" not in again
    assert "没有被退回" not in again
    async with bot.session() as s:
        achievement = await s.scalar(select(Achievement))
        files = list(await s.scalars(select(Attachment).order_by(Attachment.id)))
        audited = await s.scalar(select(AuditLog).where(AuditLog.action == "achievement.files"))
    assert achievement is not None and achievement.review_status is ReviewStatus.PENDING
    assert [f.deleted_at is None for f in files] == [False, False, True]
    assert audited is not None and audited.before == {"files": ["证书.pdf", "photo.jpg"]}
    # Only a returned entry's files can be replaced.
    assert "只有被工会退回" in (await bot.press_data(LEADER, f"lf:a:{achievement.id}"))[0]

    await bot.send(LEADER, "/export")
    call = [c for c in bot.fake.calls if c.method == "sendDocument"][-1]
    sheet = _workbook(call)["创新成果"]
    assert sheet.cell(1, sheet.max_column).value == "附件"
    assert sheet.cell(2, sheet.max_column).value == "证书-清晰.pdf"


async def test_the_endorsement_scan_is_on_the_studio_card(bot: BotHarness) -> None:
    mine, _ = await setup(bot)
    async with bot.session() as s:
        change = StudioStatusChange(
            studio_id=mine, from_status=StudioStatus.RECOMMENDED,
            to_status=StudioStatus.ENDORSED, actor_id=OFFICER.id,
        )  # fmt: skip
        s.add(change)
        await s.flush()
        s.add(Attachment(file_id="scan-1", file_unique_id="us", file_name="党政同意.pdf",
                         file_size=2_500_000, mime_type="application/pdf",
                         status_change_id=change.id))  # fmt: skip
        await s.commit()
    await bot.send(LEADER, "/studio")
    assert "党政同意.pdf（PDF，2.4 MB）" in bot.last(LEADER)
    await bot.press(LEADER, "📎 党政同意.pdf")
    assert bot.fake.calls[-1].params["document"] == "scan-1"
    await bot.send(OTHER_LEADER, "/studio")
    assert "党政同意" not in bot.last(OTHER_LEADER)

    # The admin who names it sees the scan with the naming buttons (Art. 8).
    admin = Person(906, "州总")
    async with bot.session() as s:
        studio = await s.get(Studio, mine)
        assert studio is not None
        studio.status = StudioStatus.DECLARED
        s.add(User(id=admin.id, full_name=admin.first_name))
        await s.flush()
        s.add(RoleGrant(user_id=admin.id, role=Role.PREFECTURE_ADMIN))
        await s.commit()
    await bot.send(admin, "/review")
    assert "党政同意.pdf（PDF，2.4 MB）" in bot.last(admin)
    await bot.press(admin, "📎 党政同意.pdf")
    assert bot.fake.calls[-1].params["document"] == "scan-1"


async def test_the_funds_summary_warns_of_a_likely_duplicate_and_a_negative_balance(
    bot: BotHarness,
) -> None:
    mine, _ = await setup(bot)
    async with bot.session() as s:
        # Recorded automatically at naming (Art. 9).
        s.add(FundRecord(studio_id=mine, direction=FundDirection.INCOME,
                         source=FundSource.PREFECTURE_SUBSIDY, amount_fen=2_000_000,
                         on_date=date(2026, 11, 10), purpose="州总工会一次性补助"))  # fmt: skip
        await s.commit()
    await add_funds(bot, "收入", "州总工会一次性补助", "2万", "2026-11-25", "补助到账")
    summary = bot.last(LEADER)
    assert "可能重复" in summary and "2026-11-10" in summary and "州总工会一次性补助" in summary
    await bot.press(LEADER, "取消")
    # A different amount, or dates far apart, is no duplicate.
    await add_funds(bot, "收入", "州总工会一次性补助", "5000", "2026-11-25", "另一笔")
    assert "可能重复" not in bot.last(LEADER)
    await bot.press(LEADER, "取消")

    await add_funds(bot, "支出", None, "1000000", "2026-11-26", "购买设备")
    summary = bot.last(LEADER)
    assert "当前结余 20,000.00 元" in summary and "结余将是 -980,000.00 元" in summary
    await bot.press(LEADER, "确认提交")  # warned, and confirmed
    assert "当前结余 -980,000.00 元" in bot.last(LEADER)
    await add_funds(bot, "支出", None, "100", "2026-11-26", "文具")
    assert "结余将是" in bot.last(LEADER)  # already negative: still said
    await bot.press(LEADER, "取消")


async def test_reminders_lists_only_what_the_planner_would_send(bot: BotHarness) -> None:
    mine, _ = await setup(bot)
    async with bot.session() as s:
        studio = await s.get(Studio, mine)
        assert studio is not None
        # Window 2025-03-01 to 2027-02-28: the planner warns 90 days before, on 2026-11-30.
        studio.named_on = date(2025, 3, 1)
        await s.commit()
    listed = (await bot.send(LEADER, "/reminders"))[0]
    assert "2026-11-30 09:00　成果周期提醒（岩温劳模创新工作室）" in listed

    await bot.send(LEADER, "/achievement")
    await bot.send(LEADER, "带电作业新工法")
    await bot.press(LEADER, "科技创新")
    for value in ("2026-06-01", "云南省电力公司"):
        await bot.send(LEADER, value)
    await bot.press(LEADER, "省部级")
    for value in ("无", "无", "无"):
        await bot.send(LEADER, value)
    await bot.press(LEADER, "确认提交")
    listed = (await bot.send(LEADER, "/reminders"))[0]
    assert "成果周期提醒" not in listed  # a recognised achievement is in the window
    assert "2027-10-01 09:00　年度项目提醒（岩温劳模创新工作室）" in listed
    async with bot.session() as s:
        assert await s.scalar(select(Achievement.id)) is not None


async def test_a_long_ledger_with_many_files_still_fits_one_message(bot: BotHarness) -> None:
    mine, _ = await setup(bot)
    async with bot.session() as s:
        for n in range(12):
            achievement = Achievement(
                studio_id=mine, title=f"{n:02d}" + "长" * 198, category=AchievementCategory.SERVICE,
                achieved_on=date(2026, 1, 1 + n), recognised_by="省总工会",
            )  # fmt: skip
            s.add(achievement)
            await s.flush()
            for k in range(4):
                s.add(
                    Attachment(
                        file_id=f"f{n}-{k}",
                        file_unique_id=f"u{n}-{k}",
                        file_name=f"{k}" + "名" * 190 + ".pdf",
                        file_size=10**6,
                        mime_type="application/pdf",
                        achievement_id=achievement.id,
                    )
                )
        await s.commit()
    await bot.send(LEADER, "/ledger")
    await bot.press(LEADER, "创新成果")
    listing = bot.last(LEADER)
    assert "共 12 条" in listing and "…共 4 个文件" in listing and len(listing) <= 4096
    await bot.press(LEADER, "📎 0名")
    assert bot.fake.calls[-1].params["document"].startswith("f")
