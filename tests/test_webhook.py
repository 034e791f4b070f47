"""Webhook mode (issue 11, item 3): no start without a secret, and a POST without Telegram's
secret header is refused by the real web server on loopback, before any handler runs."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import pytest

from bot.app import build_application, on_shutdown, on_startup
from bot.config import ConfigError, load_settings
from bot.offline import FakeTelegram, OfflineRequest
from storage.accounts import AccountService
from storage.db import make_session_factory
from tests.harness import Database, settings_for

SECRET = "s3cret-for-the-webhook_0123456789"
ADMIN_ID = 1001


def test_webhook_mode_refuses_to_start_without_a_secret() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, webhook_url="https://bot.example.org/tg")
    message = str(caught.value)
    assert "WEBHOOK_SECRET" in message and "WEBHOOK_URL" in message


def test_a_secret_telegram_would_refuse_is_refused_here() -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        load_settings(
            _env_file=None, webhook_url="https://bot.example.org/tg", webhook_secret="a b;c"
        )
    ok = load_settings(_env_file=None, webhook_url="https://bot.example.org/tg",
                       webhook_secret=SECRET)  # fmt: skip
    assert ok.webhook_options()["secret_token"] == SECRET


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": user_id, "type": "private", "first_name": "王芳"},
            "from": {"id": user_id, "is_bot": False, "first_name": "王芳"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_a_forged_post_without_the_secret_header_is_refused(database: Database) -> None:
    port = _free_port()
    settings = settings_for(
        database,
        webhook_url=f"https://bot.example.org:{port}/",
        webhook_secret=SECRET,
        webhook_port=port,
    )
    async with make_session_factory(database.require_engine())() as session:
        await AccountService(session).grant_admin(ADMIN_ID)
    fake = FakeTelegram()
    app = build_application(settings, request=OfflineRequest(fake), rate_limit=False)
    async with app:
        await on_startup(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(**settings.webhook_options())
        try:
            registered = [c for c in fake.calls if c.method == "setWebhook"]
            assert registered and registered[-1].params["secret_token"] == SECRET
            url = f"http://127.0.0.1:{port}/"
            async with httpx.AsyncClient() as client:
                forged = await client.post(url, json=_update(1, ADMIN_ID, "/invite"))
                wrong = await client.post(
                    url,
                    json=_update(2, ADMIN_ID, "/invite"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "guessed-" + SECRET[8:]},
                )
                assert forged.status_code == 403 and wrong.status_code == 403
                await asyncio.sleep(0.2)
                assert ADMIN_ID not in fake.sent  # the forged /invite reached no handler

                genuine = await client.post(
                    url,
                    json=_update(3, ADMIN_ID, "/invite"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                assert genuine.status_code == 200
            for _ in range(100):
                if fake.sent.get(ADMIN_ID):
                    break
                await asyncio.sleep(0.05)
            assert "要邀请什么身份" in fake.sent[ADMIN_ID][-1]["text"]
        finally:
            await app.updater.stop()
            await app.stop()
            await on_shutdown(app)
