"""A whole prefecture (issue 13, "Scale first"): workbooks built off the event loop with a
progress message, access read once per unit of work, the union tree cached, and chat views
of many unions summarised and paged instead of flooding the chat."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

import bot.handlers.ledgers.export as export_handler
from bot.offline import Person
from storage.access import load_access, load_tree
from storage.models import Role, RoleGrant, UnionKind, User
from storage.unions import UnionService
from tests.factories import add_studio, union_named
from tests.harness import BotHarness

OFFICER = Person(802, "李强")
ASKER = Person(805, "岩罕")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=True):
        yield


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
    real = export_handler.build_workbook

    def slow_build(*args: Any, **kwargs: Any) -> bytes:
        kwargs["progress"](1, 4)
        release.wait(10)  # a prefecture's worth of rows, held until the test lets go
        return real(*args, **kwargs)

    monkeypatch.setattr(export_handler, "build_workbook", slow_build)
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
