"""The bot token never reaches a log or the console (issue 11, item 11): not in Telegram's
'token rejected' error, not in a Bot API URL, not in a traceback."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from telegram.error import InvalidToken

from bot.logs import install_token_filter, mask

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = TOKEN.partition(":")[2]
ROOT = Path(__file__).resolve().parent.parent


def test_mask_keeps_the_bot_id_and_drops_the_secret() -> None:
    assert mask(f"https://api.telegram.org/bot{TOKEN}/getMe", TOKEN) == (
        "https://api.telegram.org/bot123456789:***/getMe"
    )
    other = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # any token-shaped text
    assert SECRET[:10] not in mask(f"token {other}") and "987654321:***" in mask(other)
    assert mask("2026-11-27 12:30:45 nothing secret") == "2026-11-27 12:30:45 nothing secret"


def test_a_rejected_token_is_masked_in_messages_urls_and_tracebacks() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger = logging.getLogger("telegram.ext.Updater.test")
    logger.addHandler(handler)
    logger.propagate = False
    install_token_filter(TOKEN, [handler])
    try:
        logger.error("HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
        except InvalidToken:
            logger.exception("error while polling")
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert SECRET not in text
    assert "bot123456789:***/getMe" in text and "The token `123456789:***`" in text


@pytest.fixture
def rejecting_bot_api() -> Iterator[str]:
    """A Bot API on loopback that rejects every token, as Telegram does a revoked one."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            data = json.dumps(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}
            ).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
        server.server_close()


def test_the_bot_started_with_a_rejected_token_never_prints_it(
    rejecting_bot_api: str, tmp_path: Path
) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=rejecting_bot_api,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        ADMIN_IDS="",
        PYTHONUNBUFFERED="1",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert SECRET not in output
    assert "TELEGRAM_BOT_TOKEN was rejected" in output and "123456789" in output
