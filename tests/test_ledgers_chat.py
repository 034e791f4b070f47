"""The studio's ledgers in chat (Art. 11): every form walked, every bad input answered."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.offline import Person
from policy.lifecycle import StudioStatus
from storage.models import (
    Achievement,
    Attachment,
    AuditLog,
    FundRecord,
    Member,
    MemberEvent,
    Project,
    ReviewStatus,
    Role,
    RoleGrant,
    Studio,
    User,
)
from tests.factories import add_studio, union_named
from tests.harness import BotHarness

LEADER = Person(801, "岩温")
OFFICER = Person(802, "李强")
OTHER_LEADER = Person(803, "玉香")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


def document(name: str, mime: str = "application/pdf") -> dict[str, Any]:
    return {"document": {"file_id": f"id-{name}", "file_unique_id": f"u-{name}",
                         "file_name": name, "mime_type": mime, "file_size": 1000}}  # fmt: skip


async def setup(bot: BotHarness) -> tuple[int, int]:
    async with bot.session() as s:
        mine = await add_studio(s, "岩温", "景洪市总工会")
        theirs = await add_studio(s, "玉香", "勐海县总工会")
        union = await union_named(s, "景洪市总工会")
        for person in (LEADER, OFFICER, OTHER_LEADER):
            s.add(User(id=person.id, full_name=person.first_name))
        await s.flush()
        s.add(RoleGrant(user_id=LEADER.id, role=Role.STUDIO_LEADER, studio_id=mine.id))
        s.add(RoleGrant(user_id=OTHER_LEADER.id, role=Role.STUDIO_LEADER, studio_id=theirs.id))
        s.add(RoleGrant(user_id=OFFICER.id, role=Role.UNION_OFFICER, union_id=union.id))
        await s.commit()
        return mine.id, theirs.id


@pytest.mark.postgres
async def test_project_form_validates_and_goes_to_the_union(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/project")
    assert "项目（课题）名称" in bot.last(LEADER)
    assert "200 字以内" in (await bot.send(LEADER, "降" * 201))[0]
    await bot.send(LEADER, "配网降损 & <优化>")
    assert "2000 到 2027" in (await bot.send(LEADER, "1999"))[0]
    await bot.press(LEADER, "2026")
    await bot.press(LEADER, "技术攻关")
    assert "看不懂这个日期" in (await bot.send(LEADER, "2026-02-30"))[0]
    assert "还没到" in (await bot.send(LEADER, "2027-01-05"))[0]
    await bot.send(LEADER, "2026年3月5日")
    await bot.send(LEADER, "无")
    await bot.press(LEADER, "进行中")
    summary = bot.last(LEADER)
    assert "名称：配网降损 & <优化>" in summary and "立项日期：2026-03-05" in summary
    await bot.press(LEADER, "确认提交")
    assert "已记入攻关项目台帐" in bot.last(LEADER) and "已送所属工会确认" in bot.last(LEADER)
    assert "请确认新登记的攻关项目：配网降损 & <优化>" in bot.last(OFFICER)

    await bot.press(OFFICER, "确认")
    assert "已确认：配网降损" in bot.last(LEADER)
    assert "已经确认或退回过了" in (await bot.press(OFFICER, "确认"))[0]  # double press
    async with bot.session() as s:
        project = await s.scalar(select(Project))
    assert project is not None and project.review_status is ReviewStatus.ACKNOWLEDGED
    assert project.year == 2026 and project.approved_on is not None


async def test_achievement_with_attachments_returned_with_reason(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/achievement")
    await bot.send(LEADER, "带电作业新工法")
    await bot.press(LEADER, "科技创新")
    await bot.send(LEADER, "2026-06-01")
    await bot.send(LEADER, "云南省电力公司")
    await bot.press(LEADER, "省部级")
    assert "不小于 0" in (await bot.send(LEADER, "-3"))[0]
    await bot.send(LEADER, "12.5")
    await bot.send(LEADER, "减少停电时间")
    assert "不支持" in (await bot.send_other(LEADER, document("x.exe", "application/x-msdos")))[0]
    assert "第 1 个" in (await bot.send_other(LEADER, document("证书.pdf")))[0]
    assert "第 2 个" in (await bot.send_other(LEADER, document("鉴定.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")))[0]  # fmt: skip
    await bot.press(LEADER, "完成")
    summary = bot.last(LEADER)
    assert "经济效益：12.5 万元" in summary and "证书.pdf, 鉴定.docx" in summary
    await bot.press(LEADER, "确认提交")

    await bot.press(OFFICER, "退回")
    await bot.send(OFFICER, "请补充鉴定证书原件")
    await bot.press(OFFICER, "确认提交")
    assert "已退回：带电作业新工法" in bot.last(LEADER)
    assert "请补充鉴定证书原件" in bot.last(LEADER)
    async with bot.session() as s:
        achievement = await s.scalar(select(Achievement))
        files = await s.scalar(select(func.count()).select_from(Attachment))
    assert achievement is not None and achievement.economic_benefit_fen == 12_500_000
    assert achievement.review_status is ReviewStatus.RETURNED and files == 2


@pytest.mark.postgres
async def test_activity_member_and_funds_with_running_balance(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/activity")
    await bot.send(LEADER, "11月20日")
    await bot.press(LEADER, "高师带徒")
    assert "0 到 100000" in (await bot.send(LEADER, "-5"))[0]
    await bot.send(LEADER, "12")
    await bot.send(LEADER, "带 3 名徒弟学习带电作业")
    await bot.send(LEADER, "无")
    await bot.press(LEADER, "确认提交")
    assert "已记入创建活动台帐" in bot.last(LEADER)

    await bot.send(LEADER, "/member")
    await bot.press(LEADER, "新成员加入")
    await bot.send(LEADER, "玉罕")
    await bot.send(LEADER, "电气")
    await bot.press(LEADER, "本科")
    assert "出生年份不合理" in (await bot.send(LEADER, "2020"))[0]
    await bot.send(LEADER, "1990")
    await bot.send(LEADER, "2026-01-10")
    await bot.press(LEADER, "确认提交")

    await bot.send(LEADER, "/funds")
    await bot.press(LEADER, "收入")
    await bot.press(LEADER, "所在单位保障")
    await bot.send(LEADER, "2万")
    await bot.send(LEADER, "2026-01-05")
    await bot.send(LEADER, "年度专项经费")
    await bot.press(LEADER, "确认提交")
    assert "当前结余 20,000.00 元" in bot.last(LEADER)
    await bot.send(LEADER, "/funds")
    await bot.press(LEADER, "支出")
    assert "必须大于 0" in (await bot.send(LEADER, "-5"))[0]
    assert "看不懂这个金额" in (await bot.send(LEADER, "好多钱"))[0]
    await bot.send(LEADER, "5000.5")
    await bot.send(LEADER, "2026-02-01")
    await bot.send(LEADER, "购买检测仪器")
    await bot.press(LEADER, "确认提交")
    assert "当前结余 14,999.50 元" in bot.last(LEADER)
    async with bot.session() as s:
        member = await s.scalar(select(Member))
        spent = await s.scalar(select(FundRecord).where(FundRecord.source.is_(None)))
    assert member is not None and member.birth_year == 1990

    # Development events and leaving (Art. 11's member ledger).
    await bot.send(LEADER, "/member")
    await bot.press(LEADER, "成长记录")
    await bot.press(LEADER, "玉罕")
    await bot.press(LEADER, "证书")
    await bot.send(LEADER, "2026-09-01")
    await bot.send(LEADER, "高级技师证书")
    assert "成员：玉罕" in bot.last(LEADER) and "内容：高级技师证书" in bot.last(LEADER)
    await bot.press(LEADER, "确认提交")
    await bot.send(LEADER, "/member")
    await bot.press(LEADER, "成员离开")
    await bot.press(LEADER, "玉罕")
    await bot.send(LEADER, "2026-10-01")
    await bot.press(LEADER, "确认提交")
    assert "已记入成员发展台帐：玉罕" in bot.last(LEADER)
    await bot.send(LEADER, "/member")
    await bot.press(LEADER, "成员离开")
    assert "玉罕" not in bot.button_labels(LEADER)  # she has left
    await bot.send(LEADER, "/cancel")
    async with bot.session() as s:
        left = await s.get(Member, member.id)
        kinds = [
            e.kind.value for e in await s.scalars(select(MemberEvent).order_by(MemberEvent.id))
        ]
    assert left is not None and left.left_on is not None
    assert kinds == ["joined", "certificate", "left"]
    assert spent is not None and spent.amount_fen == 500_050


async def test_list_and_soft_delete_are_audited_and_guarded(bot: BotHarness) -> None:
    mine, _ = await setup(bot)
    await bot.send(LEADER, "/funds")
    await bot.press(LEADER, "收入")
    await bot.press(LEADER, "其他")
    for value in ("300", "2026-03-01", '=HYPERLINK("http://x")'):
        await bot.send(LEADER, value)
    await bot.press(LEADER, "确认提交")
    async with bot.session() as s:
        record = await s.scalar(select(FundRecord))
    assert record is not None

    # Another studio's leader can neither see nor delete it, even with forged buttons.
    assert "找不到这个工作室" in (await bot.press_data(OTHER_LEADER, f"lg:f:{mine}"))[0]
    assert "已经删除或不存在" in (await bot.press_data(OTHER_LEADER, f"ld:f:{record.id}"))[0]

    await bot.send(LEADER, "/ledger")
    await bot.press(LEADER, "经费")
    assert '+300.00 =HYPERLINK("http://x")' in bot.last(LEADER)
    await bot.send(LEADER, "/export")
    _, wb = _workbook(bot)
    assert wb["经费"]["F2"].value == '=HYPERLINK("http://x")'
    assert wb["经费"]["F2"].data_type == "s"  # text, never a live formula
    await bot.press(LEADER, "🗑 1")
    await bot.press(LEADER, "确认删除")
    assert "已从经费台帐删除" in bot.last(LEADER)
    assert "已经删除" in (await bot.press_data(LEADER, f"ld:f:{record.id}"))[0]
    await bot.send(LEADER, "/ledger")
    await bot.press(LEADER, "经费")
    assert "还是空的" in bot.last(LEADER)
    async with bot.session() as s:
        kept = await s.get(FundRecord, record.id)
        actions = set(await s.scalars(select(AuditLog.action)))
    assert kept is not None and kept.deleted_at is not None  # soft: kept for the record
    assert {"funds.add", "funds.delete"} <= actions


async def test_revoked_studio_can_no_longer_submit(bot: BotHarness) -> None:
    mine, _ = await setup(bot)
    # A form opened before the revocation is refused when it is submitted (Art. 17).
    await bot.send(LEADER, "/activity")
    for value in ("2026-11-01", "培训"):
        await bot.send(LEADER, value)
    await bot.press(LEADER, "技术培训")
    for value in ("8", "安全培训", "无"):
        await bot.send(LEADER, value)
    async with bot.session() as s:
        row = await s.get(Studio, mine)
        assert row is not None
        row.status = StudioStatus.REVOKED
        await s.commit()
    await bot.press(LEADER, "确认提交")
    assert "称号已于" in bot.last(LEADER) and "台帐只读，不能再登记" in bot.last(LEADER)
    assert "台帐只读，不能再登记" in (await bot.send(LEADER, "/project"))[0]


def _workbook(bot: BotHarness) -> Any:
    from io import BytesIO

    from openpyxl import load_workbook

    call = [c for c in bot.fake.calls if c.method == "sendDocument"][-1]
    payload = next(v for k, v in call.params.items() if k.startswith("_file_"))
    return call.params, load_workbook(BytesIO(payload[1]))


async def test_export_is_a_workbook_checked_cell_by_cell(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/funds")
    await bot.press(LEADER, "收入")
    await bot.press(LEADER, "所在单位保障")
    for value in ("2万", "2026-01-05", "年度专项经费"):
        await bot.send(LEADER, value)
    await bot.press(LEADER, "确认提交")
    await bot.send(LEADER, "/funds")
    await bot.press(LEADER, "支出")
    for value in ("5000.5", "2026-02-01", "购买检测仪器"):
        await bot.send(LEADER, value)
    await bot.press(LEADER, "确认提交")

    await bot.send(LEADER, "/export")
    params, wb = _workbook(bot)
    assert params["file_name"] == "岩温劳模创新工作室-2026-11-27.xlsx"
    assert wb.sheetnames == ["攻关项目", "创新成果", "创建活动", "成员发展", "成员发展记录", "经费"]
    funds = wb["经费"]
    assert [c.value for c in funds[1]] == [
        "日期",
        "收支",
        "来源",
        "收入（元）",
        "支出（元）",
        "用途",
    ]
    assert funds.freeze_panes == "A2"
    assert [c.value for c in funds[2]][1:] == ["收入", "所在单位保障", 20000, None, "年度专项经费"]
    assert funds["A2"].value.date().isoformat() == "2026-01-05"
    assert funds["D2"].number_format == "#,##0.00" and funds["E3"].value == 5000.5
    assert funds["A4"].value == "合计" and funds["D4"].value == "=SUM(D2:D3)"
    assert funds.column_dimensions["F"].width == 30

    # The officer gets the union's management ledger (Art. 11) over all their studios.
    await bot.send(OFFICER, "/export")
    params, wb = _workbook(bot)
    assert params["file_name"] == "管理台帐-2026-11-27.xlsx"
    overview = wb["管理台帐"]
    assert overview["A2"].value == "岩温劳模创新工作室" and overview["L2"].value == 14999.5
    assert overview.max_row == 3  # one studio (not 勐海's) and the totals row
    assert wb["经费"]["A2"].value == "岩温劳模创新工作室"


async def test_export_is_refused_outside_ones_studios(bot: BotHarness) -> None:
    _, theirs = await setup(bot)
    replies = await bot.press_data(LEADER, f"ex:{theirs}")
    assert "找不到这个工作室" in replies[0]
    assert not [c for c in bot.fake.calls if c.method == "sendDocument"]


async def test_edit_is_audited_and_sends_changed_work_back_to_the_union(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/project")
    await bot.send(LEADER, "配网降损")
    await bot.press(LEADER, "2026")
    await bot.press(LEADER, "技术攻关")
    await bot.send(LEADER, "2026-03-05")
    await bot.send(LEADER, "州科技局")
    await bot.press(LEADER, "进行中")
    await bot.press(LEADER, "确认提交")
    await bot.press(OFFICER, "确认")
    async with bot.session() as s:
        project = await s.scalar(select(Project))
    assert project is not None

    assert "已经删除或不存在" in (await bot.press_data(OTHER_LEADER, f"le:p:{project.id}"))[0]
    await bot.send(LEADER, "/ledger")
    await bot.press(LEADER, "攻关项目")
    await bot.press(LEADER, "✏ 1")
    await bot.press(LEADER, "立项日期")
    assert "还没到" in (await bot.send(LEADER, "2027-04-01"))[0]
    await bot.send(LEADER, "2026-04-01")
    assert "把「立项日期」改为：2026-04-01" in bot.last(LEADER)
    await bot.press(LEADER, "确认提交")
    assert "已修改攻关项目台帐" in bot.last(LEADER)
    assert "请确认新登记的攻关项目：配网降损" in bot.last(OFFICER)  # asked again

    await bot.send(LEADER, "/ledger")
    await bot.press(LEADER, "攻关项目")
    await bot.press(LEADER, "✏ 1")
    await bot.press(LEADER, "类别")
    await bot.press(LEADER, "发明")
    await bot.press(LEADER, "确认提交")
    async with bot.session() as s:
        edited = await s.get(Project, project.id)
        log = list(
            await s.scalars(
                select(AuditLog).where(AuditLog.action == "project.edit").order_by(AuditLog.id)
            )
        )
    assert edited is not None and edited.approved_on.isoformat() == "2026-04-01"
    assert edited.kind.value == "invention" and edited.review_status is ReviewStatus.PENDING
    assert log[0].before["approved_on"] == "2026-03-05"
    assert log[0].after["approved_on"] == "2026-04-01"


async def test_a_question_at_the_member_name_step_is_not_a_name(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/member")
    await bot.press(LEADER, "新成员加入")
    refusal = (await bot.send(LEADER, "一年要有几个项目？"))[0]
    assert "像是一个问题" in refusal and "/cancel" in refusal
    await bot.send(LEADER, "玉罕")  # the same step, still open
    await bot.send(LEADER, "电气")
    await bot.press(LEADER, "本科")
    await bot.send(LEADER, "1990")
    await bot.send(LEADER, "2026-01-10")
    assert "玉罕" in bot.last(LEADER) and "一年要有" not in bot.last(LEADER)
    await bot.press(LEADER, "确认提交")
    async with bot.session() as s:
        names = list(await s.scalars(select(Member.name)))
    assert names == ["玉罕"]
