"""Updates taken from Telegram and lost to a crash before handling: their senders are told."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Update

from bot.offline import Person
from bot.runtime import StudioApplication, tell_lost_updates
from storage.db import utcnow
from storage.models import ReceivedUpdate
from tests.harness import BotHarness, Database

ANN, BO, CAT = Person(501, "安"), Person(502, "波"), Person(503, "Cat", language_code="en")


def _data(update_id: int, person: Person, text: str, chat_type: str = "private") -> dict[str, Any]:
    chat: dict[str, Any] = {"id": person.id, "type": chat_type, "first_name": person.first_name}
    if chat_type != "private":
        chat = {"id": -100, "type": chat_type, "title": "工会群"}
    message = {"message_id": update_id, "date": 0, "chat": chat, "from": person.as_json()}
    return {"update_id": update_id, "message": {**message, "text": text}}


def _message(update_id: int, person: Person, text: str) -> Update:
    return Update.de_json(_data(update_id, person, text), None)


async def _journal(database: Database) -> list[int]:
    async with database.require_engine().connect() as conn:
        rows = await conn.execute(select(ReceivedUpdate.update_id).order_by("update_id"))
        return [r[0] for r in rows]


@pytest.mark.postgres
async def test_updates_lost_between_receipt_and_handling_are_told_once(
    database: Database,
) -> None:
    async with BotHarness.started(database) as first:
        await first.send(BO, "/start")  # Bo is known, with a language
        app = first.app
        assert isinstance(app, StudioApplication)
        # Telegram has four updates; PTB's Updater takes them into the queue…
        for update in (
            _data(9001, ANN, "/me"),
            _data(9002, BO, "/help"),
            _data(9003, CAT, "hello"),
            _data(9004, ANN, "/me", chat_type="supergroup"),
        ):
            first.fake.push_update(update)
        # …as PTB's Updater does: take a batch, queue it, then ask for more with the next
        # offset, which tells Telegram it may forget the batch.
        taken = await app.bot.get_updates(timeout=0)
        for update in taken:
            await app.update_queue.put(update)
        await app.bot.get_updates(offset=taken[-1].update_id + 1, timeout=0)
        # By then the batch is in the journal (one commit for all four).
        assert await _journal(database) == [9001, 9002, 9003, 9004]
        # Bo's is handled; then the process is killed before the others.
        queued = [app.update_queue.get_nowait() for _ in range(4)]
        assert isinstance(queued[1], Update)
        await app.process_update(queued[1])
        assert await _journal(database) == [9001, 9003, 9004]
        assert first.fake.sent.get(ANN.id) is None

    # The restarted bot, half a minute later.
    async with BotHarness.started(database) as second:
        app = second.app
        assert isinstance(app, StudioApplication)
        app.journal.clock = lambda: utcnow() + timedelta(seconds=30)
        before = {p.id: len(second.fake.sent.get(p.id, [])) for p in (ANN, BO, CAT)}
        assert await tell_lost_updates(app) == 2
        assert second.last(ANN) == "你上一条消息（或刚才按的按钮）我没来得及处理，请再发一次。"
        assert second.last(CAT).startswith("I could not handle your last message")
        assert len(second.fake.sent.get(BO.id, [])) == before[BO.id]  # handled: nothing to say
        assert second.fake.sent.get(-100) is None  # the group is not bothered
        # Told once, however often the job runs, on this instance or another.
        assert await tell_lost_updates(app) == 0
        assert await _journal(database) == []


async def test_updates_in_flight_on_a_live_instance_are_left_alone(database: Database) -> None:
    async with BotHarness.started(database) as bot:
        app = bot.app
        assert isinstance(app, StudioApplication)
        await app.update_queue.put(_message(9101, ANN, "/me"))
        await app.journal.settle()  # as the next getUpdates would
        assert await _journal(database) == [9101]
        # Received after this instance started, a few seconds ago: still being worked on.
        app.journal.clock = lambda: utcnow() + timedelta(seconds=5)
        assert await tell_lost_updates(app) == 0
        await app.process_update(app.update_queue.get_nowait())
        app.journal.clock = lambda: utcnow() + timedelta(hours=1)
        assert await tell_lost_updates(app) == 0  # handled, so never reported
        assert "你上一条消息" not in "\n".join(m["text"] for m in bot.fake.sent[ANN.id])
