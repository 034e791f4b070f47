"""Running it: one log line per update, alerts for errors, the health endpoint."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from bot import health
from bot.config import ConfigError, load_settings
from bot.offline import Person
from bot.runtime import StudioApplication
from storage.accounts import AccountService
from storage.db import make_engine
from tests.harness import BotHarness, Database

ANN = Person(801, "安")


def update_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "bot.updates"]


async def test_one_log_line_per_update_without_personal_text(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.updates")
    await bot.send(ANN, "/me")
    await bot.send(ANN, "/ask 我的秘密问题：工资怎么算")
    await bot.press_data(ANN, "zz:forged")
    lines = update_lines(caplog)
    assert [(x["user"], x["kind"], x["handler"], x["outcome"]) for x in lines] == [
        (ANN.id, "message", "start.me", "ok"),
        (ANN.id, "message", "policy.ask", "ok"),
        (ANN.id, "callback_query", "fallback.stale_button", "ok"),
    ]
    assert all(isinstance(x["ms"], float) for x in lines)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "秘密" not in logged and "安" not in logged


async def test_an_unhandled_error_is_logged_and_alerted_in_short(
    database: Database, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO, logger="bot.updates")
    async with BotHarness.started(database, error_chat_id=-1009) as bot:

        async def broken(self: AccountService, user_id: int) -> Any:
            raise RuntimeError(f"no profile for 岩温 ({user_id})")

        monkeypatch.setattr(AccountService, "profile", broken)
        replies = await bot.send(ANN, "/me")
        assert "出了点问题" in replies[0]
        alerts = [m["text"] for m in bot.fake.sent[-1009]]
        assert len(alerts) == 1
        assert "RuntimeError in start.me" in alerts[0] and f"user {ANN.id}" in alerts[0]
        assert "岩温" not in alerts[0]  # the exception's message named someone: not sent
        assert update_lines(caplog)[-1]["outcome"] == "error"


def test_error_chat_and_health_port_are_validated() -> None:
    for name, value in (("error_chat_id", "@ops"), ("health_port", "http"), ("error_chat_id", "0")):
        with pytest.raises(ConfigError) as err:
            load_settings(_env_file=None, **{name: value})
        assert name.upper() in str(err.value)
    ok = load_settings(_env_file=None, error_chat_id="-1001234567890", health_port="8080")
    assert ok.error_chat_id == -1001234567890 and ok.health_port == 8080


async def _get(port: int, path: str = "/healthz") -> tuple[int, dict[str, Any]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


async def test_health_endpoint_on_a_loopback_port(bot: BotHarness) -> None:
    app = bot.app
    assert isinstance(app, StudioApplication) and app.job_queue is not None
    server = await health.start(app, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        # Before the scheduler runs: unhealthy, and says why.
        status, body = await _get(port)
        assert status == 503 and body["scheduler"] == "stopped" and body["database"] == "ok"
        assert body["last_update_seconds_ago"] is None
        await app.job_queue.start()
        await bot.send(ANN, "/me")
        status, body = await _get(port)
        assert status == 200 and body["healthy"] is True
        assert 0 <= body["last_update_seconds_ago"] < 60
        # The database goes away.
        deps = app.bot_data.deps
        assert deps is not None
        real = deps.engine
        deps.engine = make_engine("sqlite+aiosqlite:////nonexistent/dir/x.db")
        try:
            status, body = await _get(port)
        finally:
            await deps.engine.dispose()
            deps.engine = real
        assert status == 503 and body["database"] == "unreachable"
        assert (await _get(port, "/"))[0] == 404
    finally:
        await app.job_queue.stop()
        server.close()
        await server.wait_closed()


async def test_the_dashboard_server_answers_healthz_too(database: Database) -> None:
    import httpx

    from bot.web import web_deps
    from web.server import create_app

    async with BotHarness.started(database, web_port=8080) as bot:
        deps = bot.app.bot_data.deps
        assert deps is not None and bot.app.job_queue is not None
        transport = httpx.ASGITransport(app=create_app(web_deps(bot.app, deps.settings)))
        async with httpx.AsyncClient(transport=transport, base_url="http://dash.test") as web:
            reply = await web.get("/healthz")
            assert reply.status_code == 503 and reply.json()["scheduler"] == "stopped"
            await bot.app.job_queue.start()
            try:
                reply = await web.get("/healthz")
                assert reply.status_code == 200 and reply.json()["database"] == "ok"
            finally:
                await bot.app.job_queue.stop()
