"""Updates taken from Telegram and lost to a crash before handling: their senders are told."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from telegram import Update

from bot.offline import Person
from bot.runtime import StudioApplication, tell_lost_updates
from storage.db import utcnow
from tests.harness import BotHarness, Database

ANN, BO, CAT = Person(501, "安"), Person(502, "波"), Person(503, "Cat", language_code="en")


def _message(update_id: int, person: Person, text: str, chat_type: str = "private") -> Update:
    chat: dict[str, Any] = {"id": person.id, "type": chat_type, "first_name": person.first_name}
    if chat_type != "private":
        chat = {"id": -100, "type": chat_type, "title": "工会群"}
    data = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": chat,
            "from": person.as_json(),
            "text": text,
        },
    }
    return Update.de_json(data, None)


@pytest.mark.postgres
async def test_updates_lost_between_receipt_and_handling_are_told_once(
    database: Database,
) -> None:
    async with BotHarness.started(database) as first:
        await first.send(BO, "/start")  # Bo is known, with a language
        app = first.app
        assert isinstance(app, StudioApplication)
        # Telegram hands over four updates; they are queued (and so acknowledged)…
        for update in (
            _message(9001, ANN, "/me"),
            _message(9002, BO, "/help"),
            _message(9003, CAT, "hello"),
            _message(9004, ANN, "/me", chat_type="supergroup"),
        ):
            await app.update_queue.put(update)
        # …Bo's is handled, then the process is killed before the others.
        queued = [app.update_queue.get_nowait() for _ in range(4)]
        await app.process_update(queued[1])
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


async def test_updates_in_flight_on_a_live_instance_are_left_alone(database: Database) -> None:
    async with BotHarness.started(database) as bot:
        app = bot.app
        assert isinstance(app, StudioApplication)
        await app.update_queue.put(_message(9101, ANN, "/me"))
        # Received after this instance started, a few seconds ago: still being worked on.
        app.journal.clock = lambda: utcnow() + timedelta(seconds=5)
        assert await tell_lost_updates(app) == 0
        await app.process_update(app.update_queue.get_nowait())
        app.journal.clock = lambda: utcnow() + timedelta(hours=1)
        assert await tell_lost_updates(app) == 0  # handled, so never reported
        assert "你上一条消息" not in "\n".join(m["text"] for m in bot.fake.sent[ANN.id])
