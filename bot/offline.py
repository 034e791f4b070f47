"""A Bot API that lives in memory: the console chat and the tests talk to it instead of Telegram.

`FakeTelegram` answers Bot API methods with real Bot API JSON and records every call. Like
Telegram, it refuses HTML it cannot parse, over-long texts and over-long button ids, so a
formatting bug fails a test instead of failing in front of a user. `OfflineRequest` plugs it
into python-telegram-bot as its transport; `OfflineChat` plays the human side.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import httpx
from telegram import Update
from telegram.error import NetworkError, TimedOut
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.telegram_html import MarkupError, to_plain

BOT_ID = 123456
BOT_USERNAME = "studio_assistant_bot"


class BadRequest(Exception):
    pass


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]


@dataclass
class FakeTelegram:
    username: str = BOT_USERNAME
    calls: list[ApiCall] = field(default_factory=list)
    # Sent messages by chat id, as Telegram would return them (plain "text", original "html").
    sent: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)  # chats whose user blocked the bot
    outages: int = 0  # the next N sends fail with 502, as during a network outage
    flood: int = 0  # the next N sends are refused with 429 "retry after 3", as when flooding
    # The next N sends are accepted (the message arrives) but the answer never comes back:
    # the sender sees a read timeout, as when the network drops after the request went out.
    accept_then_timeout: int = 0
    refuse: int = 0  # the next N requests find the connection refused: nothing reaches us
    # The next N sends are accepted, then the sending process dies (kill -9) before it hears.
    crash_after_accept: int = 0
    updates: list[dict[str, Any]] = field(default_factory=list)
    clock: Any = time.time
    # Every message sent or edited, in order: a reply may be a new message or an edit in place.
    touched: list[dict[str, Any]] = field(default_factory=list)
    # What a person's documents contain, by file_id: getFile and the download serve them.
    files: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._lock = threading.Condition()

    @property
    def me(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "劳模创新工作室助手",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def next_id(self) -> int:
        return next(self._ids)

    # -- the API --------------------------------------------------------------------------
    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        params = {k: _decode(v) for k, v in params.items()}
        with self._lock:
            self.calls.append(ApiCall(method, params))
        handler = getattr(self, f"_api_{method}", None)
        if self.outages > 0 and method.startswith("send"):
            self.outages -= 1
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        if self.flood > 0 and method.startswith("send"):
            self.flood -= 1
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3},
            }
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            return 200, {"ok": True, "result": handler(params)}
        except (BadRequest, MarkupError) as exc:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
        except PermissionError:
            return 403, {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            }

    def _api_getMe(self, _: dict[str, Any]) -> dict[str, Any]:
        return self.me

    def _api_getFile(self, p: dict[str, Any]) -> dict[str, Any]:
        file_id = str(p.get("file_id"))
        if file_id not in self.files:
            raise BadRequest("invalid file_id")
        size = len(self.files[file_id])
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size,
                "file_path": f"documents/{file_id}"}  # fmt: skip

    def _api_setMyCommands(self, p: dict[str, Any]) -> bool:
        scope = (p.get("scope") or {}).get("type", "default")
        self.commands[(scope, p.get("language_code", ""))] = p["commands"]
        return True

    def _api_deleteMyCommands(self, p: dict[str, Any]) -> bool:
        scope = (p.get("scope") or {}).get("type", "default")
        self.commands.pop((scope, p.get("language_code", "")), None)
        return True

    def _api_getMyCommands(self, p: dict[str, Any]) -> list[dict[str, str]]:
        scope = (p.get("scope") or {}).get("type", "default")
        return self.commands.get((scope, p.get("language_code", "")), [])

    def _api_deleteWebhook(self, _: dict[str, Any]) -> bool:
        return True

    def _api_setWebhook(self, _: dict[str, Any]) -> bool:
        return True

    def _api_getUpdates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(p.get("offset") or 0)
        deadline = time.monotonic() + min(float(p.get("timeout") or 0), 2.0)
        with self._lock:
            while True:
                pending = [u for u in self.updates if u["update_id"] >= offset]
                remaining = deadline - time.monotonic()
                if pending or remaining <= 0:
                    self.updates = pending
                    return pending
                self._lock.wait(remaining)

    def push_update(self, update: dict[str, Any]) -> None:
        with self._lock:
            self.updates.append(update)
            self._lock.notify_all()

    def _message(self, chat_id: int, extra: dict[str, Any]) -> dict[str, Any]:
        if chat_id in self.blocked:
            raise PermissionError
        chat = self.chats.get(chat_id) or {"id": chat_id, "type": "private", "first_name": "?"}
        message = {
            "message_id": self.next_id(),
            "date": int(self.clock()),
            "chat": chat,
            "from": {k: self.me[k] for k in ("id", "is_bot", "first_name", "username")},
            **extra,
        }
        with self._lock:
            self.sent.setdefault(chat_id, []).append(message)
            self.touched.append(message)
        return message

    def _api_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        extra = _text_fields(p)
        _check_markup(p)
        if "reply_markup" in p:
            extra["reply_markup"] = p["reply_markup"]
        return self._message(int(p["chat_id"]), extra)

    def _api_sendDocument(self, p: dict[str, Any]) -> dict[str, Any]:
        doc = {"file_id": f"doc{self.next_id()}", "file_unique_id": f"u{self.next_id()}"}
        extra: dict[str, Any] = {"document": {**doc, "file_name": p.get("file_name", "file")}}
        if p.get("caption"):
            extra["caption"] = to_plain(p["caption"])
        return self._message(int(p["chat_id"]), extra)

    def _api_sendPhoto(self, p: dict[str, Any]) -> dict[str, Any]:
        photo = [{"file_id": f"ph{self.next_id()}", "file_unique_id": "u", "width": 1, "height": 1}]
        return self._message(int(p["chat_id"]), {"photo": photo})

    def _api_editMessageText(self, p: dict[str, Any]) -> dict[str, Any]:
        message = self._find(int(p["chat_id"]), int(p["message_id"]))
        message.update(_text_fields(p))
        _check_markup(p)
        message.pop("reply_markup", None)
        if "reply_markup" in p:
            message["reply_markup"] = p["reply_markup"]
        self.touched.append(message)
        return message

    def _api_editMessageReplyMarkup(self, p: dict[str, Any]) -> dict[str, Any]:
        message = self._find(int(p["chat_id"]), int(p["message_id"]))
        message.pop("reply_markup", None)
        if p.get("reply_markup"):
            _check_markup(p)
            message["reply_markup"] = p["reply_markup"]
        return message

    def _api_deleteMessage(self, p: dict[str, Any]) -> bool:
        message = self._find(int(p["chat_id"]), int(p["message_id"]))
        self.sent[int(p["chat_id"])].remove(message)
        return True

    def _api_answerCallbackQuery(self, p: dict[str, Any]) -> bool:
        # Telegram takes one answer per press; a second is refused.
        if any(
            a.get("callback_query_id") == p.get("callback_query_id") for a in self.callback_answers
        ):
            raise BadRequest("query is too old and response timeout expired or query id is invalid")
        self.callback_answers.append(p)
        return True

    def _find(self, chat_id: int, message_id: int) -> dict[str, Any]:
        for message in self.sent.get(chat_id, []):
            if message["message_id"] == message_id:
                return message
        raise BadRequest("message to edit not found")


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _text_fields(p: dict[str, Any]) -> dict[str, Any]:
    text = str(p.get("text", ""))
    plain = to_plain(text) if p.get("parse_mode") == "HTML" else text
    if not plain.strip():
        raise BadRequest("message text is empty")
    if len(plain) > 4096:
        raise BadRequest("message is too long")
    return {"text": plain, "html": text}


def _check_markup(p: dict[str, Any]) -> None:
    markup = p.get("reply_markup")
    if not isinstance(markup, dict):
        return
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                raise BadRequest("BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise BadRequest("button text is empty")
            web_app = button.get("web_app")
            if web_app is not None and not str(web_app.get("url", "")).startswith("https://"):
                raise BadRequest("BUTTON_URL_INVALID")  # Mini Apps open over https only


class OfflineRequest(BaseRequest):
    """python-telegram-bot's transport, wired straight into a FakeTelegram."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        if "/file/bot" in url:  # a download of what getFile pointed at
            content = self.fake.files.get(api_method)
            return (200, content) if content is not None else (404, b"")
        if self.fake.refuse > 0:
            self.fake.refuse -= 1
            # What PTB's HTTPXRequest raises when the connection is refused.
            refused = httpx.ConnectError("[Errno 111] Connection refused")
            raise NetworkError(f"httpx.ConnectError: {refused}") from refused
        params: dict[str, Any] = dict(request_data.json_parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            for name, value in (request_data.multipart_data or {}).items():
                params.setdefault("file_name", value[0] if isinstance(value, tuple) else name)
                params[f"_file_{name}"] = value
        status, body = self.fake.handle(api_method, params)
        if status == 200 and api_method.startswith("send"):
            if self.fake.crash_after_accept > 0:
                self.fake.crash_after_accept -= 1
                raise SimulatedCrash(api_method)
            if self.fake.accept_then_timeout > 0:
                self.fake.accept_then_timeout -= 1
                raise TimedOut from httpx.ReadTimeout("timed out")  # as HTTPXRequest does
        return status, json.dumps(body).encode()


class SimulatedCrash(BaseException):
    """The process dying mid-request: not an Exception, so no handler catches it."""


@dataclass
class Person:
    id: int
    first_name: str = "张三"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "zh-hans"

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


class OfflineChat:
    """Plays the human side: turns what a person types or presses into real updates."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], fake: FakeTelegram) -> None:
        self.app = app
        self.fake = fake
        self._update_ids = itertools.count(1)

    def _private_chat(self, person: Person) -> dict[str, Any]:
        chat = {"id": person.id, "type": "private", "first_name": person.first_name}
        self.fake.chats[person.id] = chat
        return chat

    async def _process(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """The messages this update made the bot send, or edit in place (once each, in order)."""
        before = len(self.fake.touched)
        running = asyncio.all_tasks()
        with warnings.catch_warnings():
            # The offline app is never "running" (no update fetcher, no job queue), so PTB
            # warns that it will not await block=False handlers: we await them just below.
            warnings.filterwarnings("ignore", "Tasks created via `Application.create_task`")
            await self.app.process_update(Update.de_json(data, self.app.bot))
        # Handlers registered with block=False run as tasks: a person waits for their answer.
        if started := asyncio.all_tasks() - running - {asyncio.current_task()}:
            # (an error in one already went to the error handler; PTB re-raises it on the task)
            await asyncio.gather(*started, return_exceptions=True)
        seen: list[dict[str, Any]] = []
        for message in self.fake.touched[before:]:
            if not any(m is message for m in seen):
                seen.append(message)
        return seen

    async def send_message(
        self, person: Person, extra: dict[str, Any], chat: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        chat = chat or self._private_chat(person)
        message = {
            "message_id": self.fake.next_id(),
            "date": int(self.fake.clock()),
            "chat": chat,
            "from": person.as_json(),
            **extra,
        }
        return await self._process({"update_id": next(self._update_ids), "message": message})

    async def send(
        self, person: Person, text: str, chat: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        extra: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self.send_message(person, extra, chat)

    async def press_data(
        self, person: Person, message: dict[str, Any], data: str
    ) -> list[dict[str, Any]]:
        query = {
            "id": str(self.fake.next_id()),
            "from": person.as_json(),
            "chat_instance": str(person.id),
            "data": data,
            "message": message,
        }
        return await self._process({"update_id": next(self._update_ids), "callback_query": query})

    def buttons(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        markup = message.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    def last_with_buttons(self, chat_id: int) -> dict[str, Any] | None:
        for message in reversed(self.fake.sent.get(chat_id, [])):
            if self.buttons(message):
                return message
        return None
