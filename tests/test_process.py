"""The real entry points as separate processes: the bot against a Bot API server over HTTP,
the console chat, and the admin CLI. Slower than the in-process scenarios, so kept few."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from bot.offline import FakeTelegram

TOKEN = "123456789:AAFakeTokenForTestsOnly_xxxxxxxxxxxx"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bot_api() -> Iterator[tuple[FakeTelegram, str]]:
    """A Bot API server on loopback, backed by the same FakeTelegram as the other tests."""
    fake = FakeTelegram()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            kind = self.headers.get("Content-Type", "")
            params: dict[str, Any] = (
                json.loads(body) if "json" in kind and body else dict(parse_qsl(body))
            )
            status, answer = fake.handle(self.path.rsplit("/", 1)[-1], params)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
        server.server_close()


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/bot.db", ADMIN_IDS="", PYTHONUNBUFFERED="1"
    )
    env.update(extra)
    return env


def wait_for(predicate: Any, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the bot")


def push_text(fake: FakeTelegram, update_id: int, user_id: int, text: str) -> None:
    message: dict[str, Any] = {
        "message_id": 1000 + update_id,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "王芳"},
        "from": {"id": user_id, "is_bot": False, "first_name": "王芳", "language_code": "zh"},
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    fake.push_update({"update_id": update_id, "message": message})


def test_bot_answers_through_a_bot_api_server_and_stops_on_sigterm(
    bot_api: tuple[FakeTelegram, str], tmp_path: Path
) -> None:
    fake, base_url = bot_api
    env = env_for(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=base_url, ADMIN_IDS="1001")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        for n, text in enumerate(["/start", "/help", "/me", "/invite"], 1):
            push_text(fake, n, 1001, text)
        wait_for(lambda: len(fake.sent.get(1001, [])) >= 4)
        texts = [m["text"] for m in fake.sent[1001]]
        assert "州总工会管理员（全州）" in texts[0]  # ADMIN_IDS made them admin at start-up
        assert "/invite" in texts[1]
        assert "1001" in texts[2]
        assert "要邀请什么身份" in texts[3]
        assert ("all_private_chats", "zh") in fake.commands
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "Traceback" not in output
    assert TOKEN not in output  # the secret never reaches the log


def test_bad_configuration_is_explained(tmp_path: Path) -> None:
    env = env_for(tmp_path, TELEGRAM_BOT_TOKEN="oops", TIMEZONE="Nowhere/City")
    done = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in done.stderr and "TIMEZONE" in done.stderr
    assert "Traceback" not in done.stderr


def test_console_chat_runs_the_same_handlers(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    grant = subprocess.run(
        [sys.executable, "-m", "bot", "admin", "grant", "1"], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert grant.returncode == 0 and "管理员" in grant.stdout
    script = "/help\n/invite\n2\n1\n/article 十七\n/quit\n"
    done = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, input=script,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "没有设置 TELEGRAM_BOT_TOKEN" in out  # explains how to get a token
    assert "[1] 州总工会管理员" in out  # buttons shown as numbered choices
    assert "https://t.me/studio_assistant_bot?start=" in out  # pressed 2 (officer) then 1
    assert "12月31日前报州总工会备案" in out
    assert "再见" in out
