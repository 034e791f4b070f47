"""GET /healthz on a port of its own: is the database reachable, is the scheduler running,
how long since an update was last handled.

Its own tiny server (asyncio, no framework) rather than a route in PTB's webhook server,
so it works the same in polling and webhook mode. Answers 200 when the database answers and
the scheduler runs, 503 otherwise, with the facts as JSON either way. A quiet bot is not an
unhealthy one, so the age of the last update is reported, not judged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from sqlalchemy import text

from bot.runtime import StudioApplication

log = logging.getLogger(__name__)

DB_TIMEOUT = 3.0


async def check(app: StudioApplication) -> tuple[bool, dict[str, Any]]:
    deps = app.bot_data.deps
    database = False
    if deps is not None:
        try:
            async with asyncio.timeout(DB_TIMEOUT):
                async with deps.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
            database = True
        except Exception as exc:  # any failure to answer is "unreachable"
            log.warning("health: database unreachable: %s", type(exc).__name__)
    queue = app.job_queue
    scheduler = bool(queue is not None and queue.scheduler.running)
    age = None
    if app.last_handled_at is not None:
        age = round((app.journal.clock() - app.last_handled_at).total_seconds(), 1)
    facts = {
        "database": "ok" if database else "unreachable",
        "scheduler": "running" if scheduler else "stopped",
        "last_update_seconds_ago": age,
    }
    return database and scheduler, facts


async def start(app: StudioApplication, host: str, port: int) -> asyncio.Server:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            method, path, *_ = request.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
            if method in ("GET", "HEAD") and path.split("?")[0] in ("/healthz", "/health"):
                healthy, facts = await check(app)
                status = "200 OK" if healthy else "503 Service Unavailable"
                body = json.dumps({"healthy": healthy, **facts}).encode()
            else:
                status, body = "404 Not Found", b'{"error": "try GET /healthz"}'
            head = (
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + (b"" if method == "HEAD" else body))
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, host, port)
    log.info("health endpoint on http://%s:%s/healthz", host, port)
    return server
