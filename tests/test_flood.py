"""One person cannot stall everyone: flood control, per-update cost, the application cap."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.offline import Person
from storage.models import Studio
from tests.harness import BotHarness, Database, ManualClock
from tests.test_lifecycle_chat import GRASSROOTS, LEADER, apply, officers

FLOODER, BYSTANDER = Person(701, "刷屏"), Person(702, "路人")


async def test_a_flood_beside_a_bystander(database: Database) -> None:
    clock = ManualClock()  # no time passes during the flood unless we say so
    async with BotHarness.started(database, ticks=clock) as bot:
        await bot.send(BYSTANDER, "/start")
        started = time.perf_counter()
        flood = [await bot.send(FLOODER, "/ask 工作室的经费由谁承担?") for _ in range(1000)]
        me = await bot.send(BYSTANDER, "/me")
        waited = time.perf_counter() - started
        # The bystander is answered, and everything ahead of them drained in under a second.
        assert len(me) == 1 and "路人" in me[0]
        assert waited < 1.0, f"the bystander waited {waited:.2f} s"
        answered = [r for r in flood if r]
        assert len(answered) == 21  # 20 handled, then one "slow down", then nothing
        assert "发得太快" in answered[-1][0] and "30 秒" in answered[-1][0]
        assert all(r == answered[0] and "发得太快" not in r[0] for r in answered[:20])
        # The pause ends; the flooder is served again.
        clock.advance(31)
        assert (await bot.send(FLOODER, "/ask 工作室的经费由谁承担?"))[0] == answered[0][0]


async def test_a_flooder_pressing_buttons_is_told_once_in_an_alert(database: Database) -> None:
    clock = ManualClock()
    async with BotHarness.started(database, ticks=clock) as bot:
        await bot.send(FLOODER, "/language")
        for _ in range(30):
            await bot.press_data(FLOODER, "help")
        assert sum("发得太快" in a for a in bot.alerts()) == 1


async def test_an_unchanged_person_is_not_rewritten(database: Database) -> None:
    clock = ManualClock()
    async with BotHarness.started(database, ticks=clock) as bot:
        deps = bot.app.bot_data.deps
        assert deps is not None
        writes: list[str] = []

        @event.listens_for(deps.engine.sync_engine, "before_cursor_execute")
        def _count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.lstrip().upper().startswith(("UPDATE USERS", "INSERT INTO USERS")):
                writes.append(statement)

        for text in ("/start", "/help", "/me", "/regulation", "第六条"):
            await bot.send(BYSTANDER, text)
        assert len(writes) == 1  # the first sight of them
        await bot.send(Person(BYSTANDER.id, "路人甲"), "/me")  # a new name is written at once
        assert len(writes) == 2
        clock.advance(121)  # and an unchanged person now and then (their last-seen time)
        await bot.send(Person(BYSTANDER.id, "路人甲"), "/me")
        assert len(writes) == 3
        # A chosen language is used at once, not after the cache expires.
        await bot.send(Person(BYSTANDER.id, "路人甲"), "/language")
        await bot.press(Person(BYSTANDER.id, "路人甲"), "English")
        assert "roles" in (await bot.send(Person(BYSTANDER.id, "路人甲"), "/me"))[0].lower()


async def _withdraw(bot: BotHarness) -> None:
    await bot.send(LEADER, "/apply")
    await bot.press(LEADER, "撤回申请")
    await bot.press(LEADER, "确认撤回申请")
    assert "已撤回申请" in bot.last(LEADER)


@pytest.mark.postgres
async def test_a_visitor_files_at_most_three_applications_a_month(bot: BotHarness) -> None:
    now = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    bot.clock.at = now
    await officers(bot)
    for _ in range(3):
        await apply(bot)
        await _withdraw(bot)
    notices = [m for m in bot.fake.sent[GRASSROOTS.id] if "待你处理" in m["text"]]
    assert len(notices) == 3
    replies = await bot.send(LEADER, "/apply")
    assert "30 天内已经提交了 3 份申请" in replies[0]
    assert "第 1/" not in bot.last(LEADER)  # no form was started
    bot.clock.at = now + timedelta(days=31)
    await apply(bot)
    async with bot.session() as s:
        assert await s.scalar(select(func.count()).select_from(Studio)) == 4
