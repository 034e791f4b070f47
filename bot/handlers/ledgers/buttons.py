"""The ledger buttons, one typed codec each (bot.callbacks): `pack()` refuses data Telegram
would refuse (over 64 bytes), `read()` answers the press and returns its typed arguments, or
raises StaleButton — an old layout, a forged or out-of-range id — which the error handler
answers like any other refusal. The wire format is the one the buttons always had."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot.callbacks import Codec, StaleButton
from bot.handlers.common import in_id_range

# One letter per ledger in button data.
KIND_CODES = {"p": "project", "a": "achievement", "v": "activity", "m": "member", "f": "funds"}
CODE_OF = {k: c for c, k in KIND_CODES.items()}


def _kind(code: str) -> str:
    return KIND_CODES[code]


def _id(text: str) -> int:
    # Ids are 64-bit in the database: a forged larger one is stale, not a driver overflow.
    number = int(text)
    if not in_id_range(number):
        raise ValueError("id out of range")
    return number


def _flag(text: str) -> bool:
    return bool(("0", "1").index(text))


def _grant(text: str) -> int | None:
    return None if text == "a" else _id(text)


def _unpack(codec: Codec, data: str, *convert: Callable[[str], Any]) -> list[Any]:
    if data.count(":") != len(convert):  # exactly the parts this button has, no more
        raise StaleButton
    return codec.unpack(data, *convert)


def _data(update: Update) -> str:
    query = update.callback_query
    assert query is not None and query.data is not None
    return query.data


@dataclass(frozen=True)
class LedgerButton:
    """<prefix>:<ledger code>:<id> — a ledger and a studio or record of it."""

    codec: Codec

    def pack(self, kind: str, ident: int) -> str:
        return self.codec.pack(CODE_OF[kind], ident)

    def unpack(self, data: str) -> tuple[str, int]:
        kind, ident = _unpack(self.codec, data, _kind, _id)
        return kind, ident

    async def read(self, update: Update) -> tuple[str, int]:
        args = self.unpack(_data(update))
        await _answered(update)
        return args


LIST = LedgerButton(Codec("lg"))  # lg:<ledger>:<studio> — the ledger listed
EDIT = LedgerButton(Codec("le"))  # le:<ledger>:<record> — change one field
DELETE = LedgerButton(Codec("ld"))  # ld:<ledger>:<record> — asks first
DELETE_YES = LedgerButton(Codec("lx"))  # lx:<ledger>:<record> — the confirmation
DELETE_NO = Codec("lx").pack("no")  # lx:no — keep it
DELETED = LedgerButton(Codec("lr"))  # lr:<ledger>:<studio> — what was deleted
RESTORE = LedgerButton(Codec("lu"))  # lu:<ledger>:<record>
REFILE = LedgerButton(Codec("lf"))  # lf:<ledger>:<record> — a returned entry's files again


@dataclass(frozen=True)
class AckButton:
    """ak:<ledger>:<record>:<1 acknowledge, 0 return> — the union's answer to a new entry."""

    codec: Codec

    def pack(self, kind: str, record_id: int, ok: bool) -> str:
        return self.codec.pack(CODE_OF[kind], record_id, int(ok))

    async def read(self, update: Update) -> tuple[str, int, bool]:
        kind, record_id, ok = _unpack(self.codec, _data(update), _kind, _id, _flag)
        await _answered(update)
        return kind, record_id, ok


@dataclass(frozen=True)
class PermissionButton:
    """mp:<studio>:<grant, or a for every member>:<1 allow, 0 withdraw>:<panel page> (older
    buttons have no page: the panel's first)."""

    codec: Codec

    def pack(self, studio_id: int, grant_id: int | None, allow: bool, page: int = 0) -> str:
        grant = "a" if grant_id is None else grant_id
        return self.codec.pack(studio_id, grant, int(allow), page)

    async def read(self, update: Update) -> tuple[int, int | None, bool, int]:
        data = _data(update)
        paged = data.count(":") == 4
        read = (_id, _grant, _flag, *((_id,) if paged else ()))
        studio_id, grant_id, allow, *page = _unpack(self.codec, data, *read)
        await _answered(update)
        return studio_id, grant_id, allow, page[0] if page else 0


@dataclass(frozen=True)
class ExportButton:
    """ex:<studio> — that studio's workbook."""

    codec: Codec

    def pack(self, studio_id: int) -> str:
        return self.codec.pack(studio_id)

    async def read(self, update: Update) -> int:
        (studio_id,) = _unpack(self.codec, _data(update), _id)
        await _answered(update)
        return int(studio_id)


ACK = AckButton(Codec("ak"))
PERMISSION = PermissionButton(Codec("mp"))
EXPORT = ExportButton(Codec("ex"))


async def _answered(update: Update) -> None:
    # Only a press that reads is answered here; a stale one is answered by the error handler
    # (Telegram refuses a second answer to the same press).
    query = update.callback_query
    assert query is not None
    await query.answer()
