"""A local chat in the terminal that runs the very same handlers and storage, with no Telegram.

Inline buttons are shown as numbered choices: type the number to press one.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app import BotApp, build_application, on_shutdown, on_startup
from bot.config import Settings
from bot.offline import FakeTelegram, OfflineChat, OfflineRequest, Person

INTRO = """\
──────── 劳模创新工作室助手 · 本地对话 (console) ────────
这是不连 Telegram 的本地演示，处理逻辑和数据库与正式机器人完全相同。
· 直接输入文字提问，或输入命令，如 /start /help /regulation
· 消息下面的按钮显示为 [1] [2]…，输入数字即可点按
· 想体验管理员功能：先运行  python -m bot admin grant {user_id}
· 输入 /quit 或按 Ctrl-D 退出
"""


def render(chat: OfflineChat, message: dict[str, Any]) -> str:
    lines = [message.get("text") or message.get("caption") or "📎 " + _attachment(message)]
    for n, button in enumerate(chat.buttons(message), 1):
        target = button.get("url")
        lines.append(f"  [{n}] {button['text']}" + (f"  → {target}" if target else ""))
    return "\n".join(lines)


def _attachment(message: dict[str, Any]) -> str:
    if "document" in message:
        return str(message["document"].get("file_name", "file"))
    return "photo" if "photo" in message else "?"


async def run_console(settings: Settings, user_id: int, name: str) -> None:
    fake = FakeTelegram()
    app = build_application(settings, request=OfflineRequest(fake), rate_limit=False)
    async with app:
        await on_startup(app)
        server, serving = None, None
        if settings.web_enabled:  # the dashboard beside the console chat, same loop
            from bot.web import web_server

            server = web_server(app, settings, signals=False)
            serving = asyncio.create_task(server.serve())
            print(f"看板 / dashboard: {settings.web_local_url}（发送 /web 获取登录链接）")
        try:
            await _chat_loop(app, fake, user_id, name)
        finally:
            if server is not None and serving is not None:
                server.should_exit = True
                await serving
            await on_shutdown(app)
    print("再见！")


async def _chat_loop(app: BotApp, fake: FakeTelegram, user_id: int, name: str) -> None:
    chat = OfflineChat(app, fake)
    person = Person(id=user_id, first_name=name)
    print(INTRO.format(user_id=user_id))
    for message in await chat.send(person, "/start"):
        print("助手> " + render(chat, message) + "\n")
    while True:
        try:
            line = (await asyncio.to_thread(input, "你> ")).strip()
        except EOFError:
            break
        if line in ("/quit", "/exit"):
            break
        if not line:
            continue
        keyboard = chat.last_with_buttons(person.id)
        buttons = chat.buttons(keyboard) if keyboard else []
        if line.isascii() and line.isdigit() and keyboard and 1 <= int(line) <= len(buttons):
            button = buttons[int(line) - 1]
            if "callback_data" not in button:
                print(f"（这是一个链接：{button.get('url')}）\n")
                continue
            replies = await chat.press_data(person, keyboard, button["callback_data"])
        else:
            replies = await chat.send(person, line)
        for message in replies:
            if message["chat"]["id"] == person.id:
                print("助手> " + render(chat, message) + "\n")
            else:
                print(f"（发给用户 {message['chat']['id']} 的消息）\n" + render(chat, message))
