"""Issue 13 item 5: existing records come in from a workbook in /export's layout, checked row
by row, all or nothing; export → import into an empty database → export gives the same cells."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.__main__ import main
from bot.exports import build_workbook
from bot.handlers import imports as import_chat
from bot.i18n import t
from bot.imports import describe, read_workbook
from bot.offline import Person
from storage.db import make_engine, make_session_factory
from storage.imports import ImportService
from storage.ledgers import export_ledgers
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
    Honour,
    Member,
    MemberEvent,
    MemberEventKind,
    Project,
    ProjectKind,
    ProjectStatus,
    ReviewStatus,
    Role,
    RoleGrant,
    Studio,
    StudioStatus,
    StudioStatusChange,
    Union,
    User,
)
from tests.factories import add_grassroots, union_named
from tests.harness import BotHarness, Database

ADMIN, OFFICER = 1, 2
NOW = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)
TODAY = date(2026, 11, 29)


def _label(lang: str) -> Any:
    return lambda key, **kw: t(lang, key, **kw)


async def _people(session: AsyncSession) -> None:
    session.add_all([User(id=ADMIN, full_name="州管理员"), User(id=OFFICER, full_name="刀丽")])
    await session.flush()
    mengla = await union_named(session, "勐腊县总工会")
    session.add_all([
        RoleGrant(user_id=ADMIN, role=Role.PREFECTURE_ADMIN),
        RoleGrant(user_id=OFFICER, role=Role.UNION_OFFICER, union_id=mengla.id),
    ])  # fmt: skip
    await session.commit()


async def _records(session: AsyncSession) -> None:
    """Two studios named before the bot (one since revoked), every ledger filled."""
    grassroots = await add_grassroots(session, "勐腊县供电局工会", "勐腊县总工会")
    jinghong = await union_named(session, "景洪市总工会")
    first = Studio(
        name="玉罕劳模创新工作室", leader_name="玉罕", leader_honour=Honour.NATIONAL_MODEL_WORKER,
        host_unit="勐腊县供电局", union_id=grassroots.id, status=StudioStatus.NAMED,
        named_on=date(2019, 5, 1), naming_document="西州工发〔2019〕12号",
        specialty="配电运维", venue="供电局二楼 120 平方米", funding_arrangement="单位每年 5 万元",
        plan="三年内完成\n配网自动化改造",
    )  # fmt: skip
    second = Studio(
        name="岩温劳模创新工作室", leader_name="岩温",
        leader_honour=Honour.PROVINCIAL_MODEL_WORKER, host_unit="", union_id=jinghong.id,
        status=StudioStatus.REVOKED, named_on=date(2018, 3, 8),
        naming_document="西州工发〔2018〕3号", revoked_on=date(2025, 12, 20),
    )  # fmt: skip
    session.add_all([first, second])
    await session.flush()
    for studio in (first, second):
        sid = studio.id
        session.add_all([
            Project(studio_id=sid, title="=降损改造", year=2025, kind=ProjectKind.BREAKTHROUGH,
                    approved_on=date(2025, 2, 1), approving_body="州总工会",
                    status=ProjectStatus.COMPLETED, review_status=ReviewStatus.ACKNOWLEDGED),
            Project(studio_id=sid, title="配网自动化", year=2026, kind=ProjectKind.OTHER,
                    approved_on=None, approving_body="", status=ProjectStatus.PLANNED),
            Achievement(studio_id=sid, title="带电作业工具",
                        category=AchievementCategory.TECHNOLOGY,
                        achieved_on=date(2025, 6, 30), recognised_by="国家知识产权局",
                        recognition_level="national", economic_benefit_fen=12_345_000,
                        social_benefit="减少停电", review_status=ReviewStatus.RETURNED),
            Achievement(studio_id=sid, title="班组管理法", category=AchievementCategory.MANAGEMENT,
                        achieved_on=date(2024, 1, 2), recognised_by="州总工会",
                        recognition_level="prefecture", economic_benefit_fen=None),
            Activity(studio_id=sid, held_on=date(2025, 9, 9), kind=ActivityKind.TRAINING,
                     people_reached=40, summary="安全培训"),
            FundRecord(studio_id=sid, direction=FundDirection.INCOME,
                       source=FundSource.PREFECTURE_SUBSIDY, amount_fen=5_000_000,
                       on_date=date(2025, 3, 1), purpose="州补助"),
            FundRecord(studio_id=sid, direction=FundDirection.EXPENSE, source=None,
                       amount_fen=123_456, on_date=date(2025, 1, 15), purpose="培训材料"),
        ])  # fmt: skip
        await session.flush()
        if studio is first:  # files kept in Telegram, listed by name in the workbook
            tool = await session.scalar(select(Achievement.id).where(
                Achievement.studio_id == sid, Achievement.title == "带电作业工具"))  # fmt: skip
            training = await session.scalar(select(Activity.id).where(Activity.studio_id == sid))
            session.add_all([
                Attachment(file_id="tg-cert", file_unique_id="u-cert", file_name="证书.pdf",
                           mime_type="application/pdf", file_size=2048, achievement_id=tool),
                Attachment(file_id="tg-group", file_unique_id="u-group",
                           file_name="现场照片、合影.jpg", mime_type="image/jpeg",
                           file_size=4096, achievement_id=tool),
                Attachment(file_id="tg-photo", file_unique_id="u-photo", file_name="photo.jpg",
                           mime_type="image/jpeg", file_size=1024, activity_id=training),
            ])  # fmt: skip
        a = Member(studio_id=sid, name="岩罕", specialty="配电", education="本科",
                   birth_year=1985, joined_on=date(2020, 1, 1))  # fmt: skip
        b = Member(studio_id=sid, name="玉香", specialty="营销", education="大专",
                   birth_year=1990, joined_on=date(2021, 4, 1),
                   left_on=date(2025, 8, 1))  # fmt: skip
        session.add_all([a, b])
        await session.flush()
        session.add_all([
            MemberEvent(member_id=a.id, kind=MemberEventKind.JOINED, on_date=date(2020, 1, 1)),
            MemberEvent(member_id=a.id, kind=MemberEventKind.AWARD, on_date=date(2024, 5, 1),
                        description="五一劳动奖章"),
            MemberEvent(member_id=b.id, kind=MemberEventKind.LEFT, on_date=date(2025, 8, 1)),
        ])  # fmt: skip
    await session.commit()


async def _export(session: AsyncSession, lang: str = "zh") -> bytes:
    ledgers = await export_ledgers(session, ADMIN, None)
    return build_workbook(ledgers, _label(lang), TODAY, management=True)


async def _wipe(session: AsyncSession) -> None:
    """The studios and their ledgers gone: the empty database an import starts from."""
    for model in (MemberEvent, Attachment, Member, Project, Achievement, Activity, FundRecord,
                  StudioStatusChange, Studio):  # fmt: skip
        await session.execute(delete(model))
    await session.commit()


async def _unions(session: AsyncSession) -> dict[str, int]:
    return {u.name: u.id for u in await session.scalars(select(Union))}


def _cells(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(BytesIO(content))
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


async def _studios(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Studio)) or 0)


@pytest.mark.postgres
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_round_trip_gives_the_same_workbook(session: AsyncSession, lang: str) -> None:
    await _people(session)
    await _records(session)
    before = await _export(session, lang)
    await _wipe(session)

    plan = read_workbook(before, today=TODAY, unions=await _unions(session))
    assert plan.issues == []
    assert plan.rows == {"project": 4, "achievement": 4, "activity": 2, "member": 4, "funds": 4}
    assert await ImportService(session).apply(ADMIN, plan.studios, now=NOW) == []

    after = await _export(session, lang)
    assert _cells(after) == _cells(before)
    revoked = await session.scalar(select(Studio).where(Studio.name == "岩温劳模创新工作室"))
    assert revoked is not None and revoked.named_on == date(2018, 3, 8)
    assert revoked.naming_document == "西州工发〔2018〕3号"
    # The studio's own facts come back too: host unit, field, venue, funding, plan.
    named = await session.scalar(select(Studio).where(Studio.name == "玉罕劳模创新工作室"))
    assert named is not None and named.host_unit == "勐腊县供电局"
    assert (named.specialty, named.venue, named.funding_arrangement, named.plan) == (
        "配电运维", "供电局二楼 120 平方米", "单位每年 5 万元",
        "三年内完成\n配网自动化改造")  # fmt: skip
    assert revoked.host_unit == "" and revoked.venue == ""
    audited = list(
        await session.scalars(select(AuditLog).where(AuditLog.action == "import.studio"))
    )
    assert {a.actor_id for a in audited} == {ADMIN}
    assert sorted(a.after["name"] for a in audited if a.after) == [
        "岩温劳模创新工作室", "玉罕劳模创新工作室"]  # fmt: skip


def _edit(content: bytes, changes: dict[str, dict[str, Any]]) -> bytes:
    wb = load_workbook(BytesIO(content))
    for sheet, cells in changes.items():
        for ref, value in cells.items():
            wb[sheet][ref] = value
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


async def test_errors_in_several_sheets_are_all_listed_and_nothing_is_written(
    session: AsyncSession,
) -> None:
    await _people(session)
    await _records(session)
    good = await _export(session)
    await _wipe(session)
    bad = _edit(good, {
        "管理台帐": {"C2": "劳模", "D2": "不存在的工会", "A3": "岩温劳模创新工作室",
                     "N2": "单" * 101, "R2": "计划\u202e"},
        "攻关项目": {"B2": "明年", "D3": "突破"},
        "创建活动": {"E2": "安全\u202e培训"},
        "经费": {"E2": 10, "F2": 10},
        "成员发展记录": {"B2": "不认识的人"},
    })  # fmt: skip
    plan = read_workbook(bad, today=TODAY, unions=await _unions(session))
    where = {(i.sheet, i.row, i.key) for i in plan.issues}
    assert ("管理台帐", 2, "import.err.choice") in where  # honour
    assert ("管理台帐", 2, "import.err.union") in where
    assert ("管理台帐", 3, "import.err.duplicate_studio") in where
    # The host unit and the plan by /apply's own checks: its length limit, its clean text.
    assert ("管理台帐", 2, "form.too_long") in where
    assert ("管理台帐", 2, "errors.unclean_text") in where
    assert ("攻关项目", 2, "ledger.bad_year") in where
    assert ("攻关项目", 3, "import.err.choice") in where
    assert ("创建活动", 2, "errors.unclean_text") in where
    assert ("经费", 2, "import.err.amount_column") in where
    assert ("成员发展记录", 2, "import.err.unknown_member") in where
    lines = describe(plan.issues, "zh")
    assert "管理台帐 第 2 行：工会「不存在的工会」不存在" in "\n".join(lines)
    assert "U+202E" in "\n".join(lines)
    assert await _studios(session) == 0  # nothing was written


async def test_an_officer_cannot_import_outside_their_union_nor_over_a_studio(
    session: AsyncSession,
) -> None:
    await _people(session)
    await _records(session)
    content = await _export(session)
    plan = read_workbook(content, today=TODAY, unions=await _unions(session))
    assert plan.issues == []
    # Both names are taken: refused, not merged.
    issues = await ImportService(session).apply(ADMIN, plan.studios, now=NOW)
    assert {(i.row, i.key) for i in issues} == {
        (2, "import.err.studio_exists"), (3, "import.err.studio_exists")}  # fmt: skip
    await _wipe(session)
    # 岩温's studio is in 景洪市, outside the 勐腊县 officer's jurisdiction: none is written.
    issues = await ImportService(session).apply(OFFICER, plan.studios, now=NOW)
    assert [(i.sheet, i.row, i.key) for i in issues] == [
        ("管理台帐", 2, "import.err.jurisdiction")]  # fmt: skip
    assert await _studios(session) == 0
    # Their own studio alone comes in.
    mine = [s for s in plan.studios if s.name == "玉罕劳模创新工作室"]
    assert await ImportService(session).apply(OFFICER, mine, now=NOW) == []
    assert await _studios(session) == 1


async def _prepare(url: str, with_records: bool) -> bytes | None:
    engine = make_engine(url)
    async with make_session_factory(engine)() as session:
        await _people(session)
        content = None
        if with_records:
            await _records(session)
            content = await _export(session)
    await engine.dispose()
    return content


async def _add_union(url: str) -> None:
    engine = make_engine(url)
    async with make_session_factory(engine)() as session:
        await add_grassroots(session, "勐腊县供电局工会", "勐腊县总工会")
    await engine.dispose()


async def _count(url: str) -> int:
    engine = make_engine(url)
    async with make_session_factory(engine)() as session:
        count = await _studios(session)
    await engine.dispose()
    return count


def test_cli_imports_as_the_prefecture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    source, target = f"sqlite+aiosqlite:///{tmp_path}/a.db", f"sqlite+aiosqlite:///{tmp_path}/b.db"
    monkeypatch.setenv("DATABASE_URL", source)
    assert main(["migrate"]) == 0
    content = asyncio.run(_prepare(source, True))
    assert content is not None
    file = tmp_path / "ledgers.xlsx"
    file.write_bytes(content)
    monkeypatch.setenv("DATABASE_URL", target)
    assert main(["migrate"]) == 0
    capsys.readouterr()

    # The grassroots union the studio belongs to is not in this database yet: nothing comes in.
    assert main(["import", str(file)]) == 1
    assert "管理台帐 第 3 行：工会「勐腊县供电局工会」不存在" in capsys.readouterr().err
    assert asyncio.run(_count(target)) == 0
    asyncio.run(_add_union(target))

    assert main(["import", str(file)]) == 0
    assert "已导入 2 个工作室" in capsys.readouterr().out
    assert asyncio.run(_count(target)) == 2
    # Again: the names are taken, nothing is merged or doubled.
    assert main(["import", str(file)]) == 1
    err = capsys.readouterr().err
    assert "2 处问题，什么都没有写入" in err and "已有同名工作室" in err
    assert asyncio.run(_count(target)) == 2


# ------------------------------------------------------------------------------ in chat
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _send_file(bot: BotHarness, person: Person, content: bytes, file_id: str) -> list[str]:
    bot.fake.files[file_id] = content
    doc = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": "台帐.xlsx",
           "mime_type": XLSX, "file_size": len(content)}  # fmt: skip
    return await bot.send_other(person, {"document": doc})


async def test_import_in_chat_summary_then_confirm(bot: BotHarness) -> None:
    admin, officer, visitor = Person(ADMIN, "州管理员"), Person(OFFICER, "刀丽"), Person(9, "游客")
    async with bot.session() as session:
        await _people(session)
        await _records(session)
        content = await _export(session)
        await _wipe(session)

    assert "没有权限" in (await bot.send(visitor, "/import"))[0]
    # The officer of 勐腊县 sees, before confirming, that 岩温's studio is not theirs.
    assert "Excel" in (await bot.send(officer, "/import"))[0]
    summary = (await _send_file(bot, officer, content, "doc-o"))[-1]
    assert "工作室：2 个" in summary
    assert "管理台帐 第 2 行：这个工作室的工会不在您的管辖范围内" in summary
    await bot.press(officer, "确认提交")
    assert "没有导入任何内容" in bot.last(officer)
    async with bot.session() as session:
        assert await _studios(session) == 0

    await bot.send(admin, "/import")
    assert "请把 .xlsx 文件本身发来" in (await bot.send(admin, "无"))[0]  # typed, not a file
    summary = (await _send_file(bot, admin, content, "doc-a"))[-1]
    assert "工作室：2 个" in summary and "攻关项目 4" in summary and "问题" not in summary
    replies = await bot.press(admin, "确认提交")
    assert "已导入 2 个工作室" in "".join(replies)
    async with bot.session() as session:
        assert await _studios(session) == 2

    # The files the workbook named are kept by name only: listed as such, never offered.
    async with bot.session() as session:
        studio_id = await session.scalar(
            select(Studio.id).where(Studio.name == "玉罕劳模创新工作室"))  # fmt: skip
        paper = list(await session.scalars(select(Attachment).order_by(Attachment.id)))
    assert [(a.file_name, a.file_id) for a in paper] == [
        ("证书.pdf", None), ("现场照片、合影.jpg", None), ("photo.jpg", None)]  # fmt: skip
    listing = (await bot.press_data(admin, f"lg:a:{studio_id}"))[-1]
    assert (
        "📎 证书.pdf（纸质/未上传）" in listing
        and "📎 现场照片、合影.jpg（纸质/未上传）" in listing
    )
    assert "点 📎 取回附件" not in listing
    assert not [b for b in bot.button_labels(admin) if b.startswith("📎")]
    # An old or forged 📎 press gets a clear answer, and nothing is sent.
    sent = len([c for c in bot.fake.calls if c.method in ("sendDocument", "sendPhoto")])
    reply = (await bot.press_data(admin, f"af:{paper[0].id}"))[-1]
    assert "「证书.pdf」只登记了文件名（纸质件或没有上传）" in reply
    assert len([c for c in bot.fake.calls if c.method in ("sendDocument", "sendPhoto")]) == sent


async def test_blank_template_on_request(bot: BotHarness) -> None:
    async with bot.session() as session:
        await _people(session)
    await bot.send(Person(ADMIN, "州管理员"), "/import 模板")
    call = next(c for c in reversed(bot.fake.calls) if c.method == "sendDocument")
    payload = next(v for k, v in call.params.items() if k.startswith("_file_"))
    plan = read_workbook(payload[1], today=TODAY, unions={})
    assert plan.issues == [] and plan.studios == []


async def test_a_long_list_of_problems_comes_as_a_file(bot: BotHarness) -> None:
    admin = Person(ADMIN, "州管理员")
    async with bot.session() as session:
        await _people(session)
        await _records(session)
        content = await _export(session)
        await _wipe(session)
    wrong_years = {f"B{row}": "去年" for row in range(2, 6)}
    wrong_dates = {f"C{row}": "不详" for row in range(2, 6)}
    wrong_days = {f"B{row}": "聚会" for row in range(2, 4)}
    wrong_people = {f"D{row}": "很多" for row in range(2, 4)}
    bad = _edit(content, {"攻关项目": wrong_years, "创新成果": wrong_dates,
                          "创建活动": {**wrong_days, **wrong_people},
                          "经费": {f"B{row}": "捐款" for row in range(2, 6)}})  # fmt: skip
    await bot.send(admin, "/import")
    summary = (await _send_file(bot, admin, bad, "doc-long"))[-1]
    assert "发现 16 处问题" in summary and "还有 1 处" in summary
    call = next(c for c in reversed(bot.fake.calls) if c.method == "sendDocument")
    listing = next(v for k, v in call.params.items() if k.startswith("_file_"))[1].decode()
    assert len(listing.splitlines()) == 16
    assert "经费 第 5 行" in listing and "攻关项目 第 2 行" in listing


async def test_the_workbook_is_read_once_and_an_old_confirm_imports_once(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, officer = Person(ADMIN, "州管理员"), Person(OFFICER, "刀丽")
    async with bot.session() as session:
        await _people(session)
        await _records(session)
        content = await _export(session)
        await _wipe(session)
    reads: list[int] = []
    read = import_chat.read_workbook
    monkeypatch.setattr(import_chat, "read_workbook",
                        lambda *a, **kw: reads.append(1) or read(*a, **kw))  # fmt: skip

    # The summary shown again (✏ then ↩, a refused confirm, again) reads nothing again.
    await bot.send(officer, "/import")
    assert (
        "这个工作室的工会不在您的管辖范围内" in (await _send_file(bot, officer, content, "o"))[-1]
    )
    await bot.press(officer, "✏ 文件")
    again = (await bot.press(officer, "保持不变"))[-1]
    assert "工作室：2 个" in again and "管辖范围" in again
    await bot.press(officer, "确认提交")
    assert "没有导入任何内容" in bot.last(officer)
    await bot.press(officer, "确认提交")
    assert "没有导入任何内容" in bot.last(officer)
    assert len(reads) == 1
    await bot.send(officer, "/cancel")

    await bot.send(admin, "/import")
    summary = (await _send_file(bot, admin, content, "a"))[-1]
    assert "工作室：2 个" in summary and "问题" not in summary
    assert len(reads) == 2
    confirm = next(b["callback_data"] for b in bot.chat.buttons(bot.last_message(admin))
                   if "确认提交" in b["text"])  # fmt: skip
    # A restart forgets what was read: confirming reads the file again, from Telegram, once.
    import_chat.PLANS.clear()
    assert "已导入 2 个工作室" in "".join(await bot.press_data(admin, confirm))
    assert len(reads) == 3
    # The same (old) confirm pressed again imports nothing more.
    assert "已经提交或取消过了" in "".join(await bot.press_data(admin, confirm))
    async with bot.session() as session:
        assert await _studios(session) == 2
    assert len(reads) == 3


@pytest.mark.postgres
async def test_two_instances_confirming_the_same_import_import_once(database: Database) -> None:
    admin = Person(ADMIN, "州管理员")
    async with (
        BotHarness.started(database) as first,
        BotHarness.started(database) as second,
    ):
        async with first.session() as session:
            await _people(session)
            await _records(session)
            content = await _export(session)
            await _wipe(session)
        await first.send(admin, "/import")
        await _send_file(first, admin, content, "doc-twice")
        message = first.last_message(admin)
        confirm = next(b["callback_data"] for b in first.chat.buttons(message)
                       if "确认提交" in b["text"])  # fmt: skip
        # The other instance never read the file: it fetches it from Telegram itself.
        import_chat.PLANS.clear()
        second.fake.files["doc-twice"] = content
        second.fake.chats[admin.id] = first.fake.chats[admin.id]
        second.fake.sent[admin.id] = [message]
        results = await asyncio.gather(
            first.chat.press_data(admin, message, confirm),
            second.chat.press_data(admin, message, confirm),
        )
        texts = [m.get("text", "") for replies in results for m in replies]
        assert sum("已导入 2 个工作室" in text for text in texts) == 1, texts
        assert sum("已经提交" in text or "有了变化" in text for text in texts) == 1, texts
        async with first.session() as session:
            assert await _studios(session) == 2


async def test_a_crash_mid_import_writes_nothing_and_keeps_the_form(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = Person(ADMIN, "州管理员")
    async with bot.session() as session:
        await _people(session)
        await _records(session)
        content = await _export(session)
        await _wipe(session)
    await bot.send(admin, "/import")
    await _send_file(bot, admin, content, "doc-crash")
    real_apply = ImportService.apply

    async def dies_half_way(self: ImportService, *args: Any, **kwargs: Any) -> Any:
        async def connection_lost() -> None:  # every row written and flushed, none committed
            raise ConnectionError("database went away mid-import")

        monkeypatch.setattr(self.session, "commit", connection_lost)
        return await real_apply(self, *args, **kwargs)

    monkeypatch.setattr(ImportService, "apply", dies_half_way)
    replies = await bot.press(admin, "确认提交")
    assert any("没有保存成功" in r for r in replies), replies
    async with bot.session() as session:
        assert await _studios(session) == 0
    monkeypatch.setattr(ImportService, "apply", real_apply)
    assert "已导入 2 个工作室" in "".join(await bot.press(admin, "确认提交"))
    async with bot.session() as session:
        assert await _studios(session) == 2
