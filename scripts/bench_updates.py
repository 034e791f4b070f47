"""Benchmark: updates per second through our Application, beside a bare PTB echo bot.

Both run python-telegram-bot's real Updater (getUpdates polling) on the same offline
transport (bot.offline.FakeTelegram), fed the same burst of messages from many people: ours
answers `/ask …` (journal, flood control, person cache, Q&A, catalog reply on SQLite), the
echo bot sends the text back. Prints figures; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, MessageHandler, filters  # noqa: E402

from bot.app import OFFLINE_TOKEN, build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.offline import FakeTelegram, OfflineRequest, Person  # noqa: E402
from bot.runtime import StudioApplication  # noqa: E402
from storage.db import Base, make_engine, make_session_factory  # noqa: E402
from storage.seed import ensure_seeded  # noqa: E402

QUESTION = "/ask 考核什么时候报?"


def burst(count: int, people: int, first: int = 1) -> list[dict[str, Any]]:
    updates = []
    for i in range(count):
        person = Person(10_000 + i % people, f"职工{i % people}")
        chat = {"id": person.id, "type": "private", "first_name": person.first_name}
        message = {
            "message_id": first + i,
            "date": 0,
            "chat": chat,
            "from": person.as_json(),
            "text": QUESTION,
            "entities": [{"type": "bot_command", "offset": 0, "length": 4}],
        }
        updates.append({"update_id": first + i, "message": message})
    return updates


async def drain(
    app: Application[Any, Any, Any, Any, Any, Any], fake: FakeTelegram, n: int, first: int = 1
) -> float:
    """Seconds from the burst's arrival at Telegram until the n-th reply was sent."""
    for update in burst(n, people=max(1, n // 10), first=first):
        fake.push_update(update)
    before = sum(len(v) for v in fake.sent.values())
    started = time.perf_counter()
    assert app.updater is not None
    # timeout=0: the fake answers getUpdates at once (its long poll would block the loop).
    await app.updater.start_polling(poll_interval=0.01, timeout=0)
    deadline = started + 120
    while sum(len(v) for v in fake.sent.values()) - before < n:
        if time.perf_counter() > deadline:
            got = sum(len(v) for v in fake.sent.values()) - before
            raise RuntimeError(f"only {got} of {n} replies after 120 s")
        await asyncio.sleep(0.005)
    elapsed = time.perf_counter() - started
    await app.updater.stop()
    return elapsed


async def echo_rate(n: int) -> float:
    fake = FakeTelegram()

    async def echo(update: Update, context: Any) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    request = OfflineRequest(fake)
    app = (
        ApplicationBuilder()
        .token(OFFLINE_TOKEN)
        .request(request)
        .get_updates_request(request)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, echo))
    async with app:
        await app.start()
        # The same people wrote a minute ago: the timed burst is the steady state (the first
        # sight of a person costs a database write).
        await drain(app, fake, n)
        elapsed = await drain(app, fake, n, first=n + 1)
        await app.stop()
    return n / elapsed


async def our_rate(n: int, url: str, journal: bool = True) -> float:
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with make_session_factory(engine)() as session:
        await ensure_seeded(session)
    await engine.dispose()
    fake = FakeTelegram()
    settings = Settings(_env_file=None, database_url=url, telegram_bot_token=None)  # type: ignore[call-arg]
    app = build_application(settings, request=OfflineRequest(fake), rate_limit=False)
    assert isinstance(app, StudioApplication)
    assert app.bot_data.deps is not None
    app.bot_data.deps.qa.warm()
    if not journal:
        await app.journal.close()
        app.journal.engine = None
    async with app:
        await app.start()
        # The same people wrote a minute ago: the timed burst is the steady state (the first
        # sight of a person costs a database write).
        await drain(app, fake, n)
        elapsed = await drain(app, fake, n, first=n + 1)
        await app.stop()
        assert app.bot_data.deps is not None
        await app.bot_data.deps.engine.dispose()
    return n / elapsed


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs; medians shown")
    args = parser.parse_args()
    rates: dict[str, list[float]] = {"ours": [], "bare": [], "echo": []}
    # Alternated, and medians taken: the machine's load changes from one second to the next.
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            rates["ours"].append(await our_rate(args.updates, url))
        rates["echo"].append(await echo_rate(args.updates))
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            rates["bare"].append(await our_rate(args.updates, url, False))
    ours, bare, echo = (statistics.median(rates[k]) for k in ("ours", "bare", "echo"))
    print(
        f"updates/s, {args.updates} '/ask' from {max(1, args.updates // 10)} people, offline"
        f" transport, SQLite: ours {ours:.0f} ({ours / echo:.2f}× the echo bot; aim ≥ 0.5×),"
        f" ours without the update journal {bare:.0f} ({bare / echo:.2f}×),"
        f" bare PTB echo bot {echo:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
