"""A whole prefecture (issue 13, "Scale first"): workbooks built off the event loop with a
progress message, access read once per unit of work, the union tree cached, and chat views
of many unions summarised and paged instead of flooding the chat."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

import bot.handlers.ledgers.export as export_handler
from bot import exports
from bot.offline import Person
from storage.access import load_access, load_tree
from storage.models import Role, RoleGrant, UnionKind, User
from storage.unions import UnionService
from tests.factories import add_studio, union_named
from tests.harness import BotHarness

OFFICER = Person(802, "李强")
ASKER = Person(805, "岩罕")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW  # the bot's clock stops here (conftest's `bot` fixture reads this)


async def _officer(bot: BotHarness) -> None:
    async with bot.session() as s:
        await add_studio(s, "岩温", "景洪市总工会")
        union = await union_named(s, "景洪市总工会")
        s.add(User(id=OFFICER.id, full_name=OFFICER.first_name))
        await s.flush()
        s.add(RoleGrant(user_id=OFFICER.id, role=Role.UNION_OFFICER, union_id=union.id))
        await s.commit()


async def test_a_slow_workbook_says_it_is_coming_and_the_bot_keeps_answering(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _officer(bot)
    release = threading.Event()
    real = exports.build_workbook

    def slow_build(*args: Any, **kwargs: Any) -> bytes:
        kwargs["progress"](1, 4)
        release.wait(10)  # a prefecture's worth of rows, held until the test lets go
        return real(*args, **kwargs)

    monkeypatch.setattr(exports, "build_workbook", slow_build)
    monkeypatch.setattr(export_handler, "PATIENCE", 0.05)
    monkeypatch.setattr(export_handler, "PROGRESS_EVERY_S", 0.05)
    exporting = asyncio.create_task(bot.send(OFFICER, "/export"))

    def preparing() -> list[str]:
        sent = bot.fake.sent.get(OFFICER.id, [])
        return [m["text"] for m in sent if "正在生成" in (m.get("text") or "")]

    for _ in range(200):  # the message comes, then is edited with the share written
        await asyncio.sleep(0.02)
        if any("25%" in text for text in preparing()):
            break
    assert len(preparing()) == 1 and "25%" in preparing()[0]

    # Meanwhile another person's question is answered: the workbook is built in a thread.
    answer = await asyncio.wait_for(bot.send(ASKER, "/ask 每年什么时候报告考核结果"), 5)
    assert answer and "第" in answer[0] and "条" in answer[0]
    assert not [c for c in bot.fake.calls if c.method == "sendDocument"]

    release.set()
    await asyncio.wait_for(exporting, 10)
    documents = [c for c in bot.fake.calls if c.method == "sendDocument"]
    assert len(documents) == 1 and str(documents[0].params["chat_id"]) == str(OFFICER.id)
    # The progress message goes once the file is there.
    assert [c for c in bot.fake.calls if c.method == "deleteMessage"]


async def test_a_union_added_is_seen_at_once_and_grants_within_one_unit_of_work(
    bot: BotHarness,
) -> None:
    async with bot.session() as s:
        before = await load_tree(s)
        assert await load_tree(s) is before  # cached, not re-read
        added = await UnionService(s).add("景洪市供电局工会", UnionKind.GRASSROOTS, "景洪市总工会")
        after = await load_tree(s)
        assert added.id in after.names and added.id not in before.names

        s.add(User(id=OFFICER.id, full_name="李强"))
        await s.flush()
        assert not (await load_access(s, OFFICER.id)).officer_unions
        s.add(RoleGrant(user_id=OFFICER.id, role=Role.UNION_OFFICER, union_id=added.id))
        await s.flush()
        assert (await load_access(s, OFFICER.id)).officer_unions == {added.id}


ADMIN = Person(801, "州管理员")


async def _prefecture(bot: BotHarness, per_union: int) -> None:
    async with bot.session() as s:
        s.add(User(id=ADMIN.id, full_name=ADMIN.first_name))
        await s.flush()
        s.add(RoleGrant(user_id=ADMIN.id, role=Role.PREFECTURE_ADMIN))
        await s.commit()
        for union in ("景洪市总工会", "勐海县总工会", "勐腊县总工会", "区工会", "州教育工会"):
            for n in range(per_union):
                await add_studio(s, f"{union[:2]}{n}", union)


@pytest.mark.postgres
async def test_the_prefectures_assess_is_one_paged_summary_not_a_flood(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.handlers.assessments as assessments

    await _prefecture(bot, 12)
    monkeypatch.setattr(assessments, "UNIONS_PER_PAGE", 4)
    replies = await bot.send(ADMIN, "/assess")
    assert len(replies) == 1  # was a header and ten studios for every union
    assert "6 个县（系统）工会，已考核 0/60 个工作室" in replies[0]
    assert "（第 1/2 页）" in replies[0] and "⏳ 景洪市总工会：0/12" in replies[0]
    assert "州教育工会" not in replies[0]

    replies = await bot.press(ADMIN, "▶")
    assert replies == [] or len(replies) == 1  # edited in place
    assert "（第 2/2 页）" in bot.last(ADMIN) and "⏳ 州教育工会：0/12" in bot.last(ADMIN)
    assert "景洪市总工会" not in bot.last(ADMIN)

    # A union opens as one list of its studios (a page of them), each opening with 📝 n.
    replies = await bot.press(ADMIN, "州教育工会")
    assert len(replies) == 1 and "州教育工会" in replies[0] and "12. " in replies[0]
    await bot.press(ADMIN, "📝 1")
    await bot.press(ADMIN, "优秀")
    replies = await bot.send(ADMIN, "/assess")
    assert "已考核 1/60" in replies[0]
    # A page past the end, or a forged year, changes nothing.
    await bot.press_data(ADMIN, "ap:9:2026")
    assert "（第 2/2 页）" in bot.last(ADMIN)
    assert "已失效" in (await bot.press_data(ADMIN, "ap:0:2019"))[0]


async def test_the_prefectures_status_summarises_per_union_and_opens_one(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.handlers.status as status

    await _prefecture(bot, 5)
    monkeypatch.setattr(status, "UNIONS_PER_PAGE", 3)
    replies = await bot.send(ADMIN, "/status")
    assert len(replies) == 1
    assert "5 个县（系统）工会、25 个工作室" in replies[0] and "（第 1/2 页）" in replies[0]
    # Five studios with no team, projects or venue yet: all five have something missing.
    assert "景洪市总工会：5 个 · ✅0 ⚠️0 ❌5" in replies[0]
    await bot.press(ADMIN, "▶")
    assert "（第 2/2 页）" in bot.last(ADMIN) and "州教育工会" in bot.last(ADMIN)
    replies = await bot.press(ADMIN, "州教育工会")
    assert "辖区工作室（5 个" in replies[0] and "州教5劳模" not in replies[0]
    assert "州教0劳模创新工作室" in replies[0]
    # An officer of one county sees no other county's union, even with a forged button.
    async with bot.session() as s:
        s.add(User(id=OFFICER.id, full_name=OFFICER.first_name))
        await s.flush()
        union = await union_named(s, "勐海县总工会")
        s.add(RoleGrant(user_id=OFFICER.id, role=Role.UNION_OFFICER, union_id=union.id))
        jinghong = (await union_named(s, "景洪市总工会")).id
        await s.commit()
    replies = await bot.send(OFFICER, "/status")
    assert "辖区工作室（5 个" in replies[0] and "景洪" not in replies[0]
    assert "没有权限" in (await bot.press_data(OFFICER, f"su:{jinghong}"))[0]
