"""The dashboard beside the bot: the same process, the same asyncio loop (python-telegram-bot's
documented pattern for a custom web server, examples/customwebhookbot/starlettebot.py):
the Application is started by hand and uvicorn serves the Starlette app until a signal.
In webhook mode that same server takes Telegram's webhook; otherwise the bot polls."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any
from urllib.parse import urlparse

from telegram import Update

from bot import health
from bot.app import BotApp, build_application, on_shutdown, on_startup
from bot.config import DEFAULT_WEB_PORT, Settings
from bot.exports import build_workbook
from bot.i18n import t
from bot.reports import build_report
from bot.runtime import StudioApplication
from storage.ledgers import StudioLedgers
from storage.reports import YearReport
from web.server import WebDeps, create_app

log = logging.getLogger(__name__)


def web_deps(app: BotApp, settings: Settings) -> WebDeps:
    deps = app.bot_data.deps
    assert deps is not None

    def workbook(ledgers: Sequence[StudioLedgers], lang: str, today: date, many: bool) -> bytes:
        return build_workbook(ledgers, partial(t, lang), today, management=many)

    def report_workbook(report: YearReport, lang: str) -> bytes:
        return build_report(report, partial(t, lang))

    async def fetch_file(file_id: str) -> bytes:
        # Attachments stay in Telegram; the bot fetches them by file_id for the browser.
        telegram_file = await app.bot.get_file(file_id)
        return bytes(await telegram_file.download_as_bytearray())

    async def on_update(data: Any) -> None:
        await app.update_queue.put(Update.de_json(data, app.bot))

    webhook = settings.webhook_url is not None and settings.webhook_secret is not None
    return WebDeps(
        sessions=deps.sessions,
        clock=deps.clock,
        tz=settings.tz,
        label=t,
        workbook=workbook,
        report_workbook=report_workbook,
        bot_token=settings.token,
        fetch_file=fetch_file,
        secure_cookies=settings.web_public_url.startswith("https://"),
        webhook_path=(str(urlparse(settings.webhook_url or "").path) or "/") if webhook else None,
        webhook_secret=settings.webhook_secret.get_secret_value()
        if webhook and settings.webhook_secret
        else None,
        on_update=on_update if webhook else None,
        health=(lambda: health.check(app)) if isinstance(app, StudioApplication) else None,
    )


def web_server(app: BotApp, settings: Settings, *, signals: bool = True) -> Any:
    """A uvicorn server for the dashboard; `signals=False` leaves Ctrl-C to the caller."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(
            create_app(web_deps(app, settings)),
            host=settings.web_listen,
            port=settings.web_port or DEFAULT_WEB_PORT,
            lifespan="off",
            log_level="info" if signals else "warning",
        )
    )
    if not signals:
        server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
    return server


async def run_with_web(settings: Settings) -> None:
    app = build_application(settings)
    server = web_server(app, settings)
    webhook = settings.webhook_url is not None
    async with app:
        await on_startup(app)
        await app.start()
        if webhook:
            options = settings.webhook_options()
            await app.bot.set_webhook(
                options["webhook_url"], secret_token=options["secret_token"],
                allowed_updates=Update.ALL_TYPES,
            )  # fmt: skip
        else:
            assert app.updater is not None
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        print(f"看板 / dashboard: {settings.web_local_url}", flush=True)
        try:
            await server.serve()  # until SIGINT/SIGTERM
        finally:
            if not webhook and app.updater is not None:
                await app.updater.stop()
            await app.stop()
            await on_shutdown(app)
