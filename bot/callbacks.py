"""Button data as a tiny typed codec: `pack()` refuses what Telegram would refuse (over 64
bytes), `unpack()` turns anything unreadable — an old layout, a forged press — into a
StaleButton refusal that the error handler answers like any other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from storage.errors import DomainError

MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data


class StaleButton(DomainError):
    def __init__(self) -> None:
        super().__init__("errors.stale_button")


@dataclass(frozen=True)
class Codec:
    prefix: str

    def pack(self, *parts: object) -> str:
        data = ":".join([self.prefix, *(str(p) for p in parts)])
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    def unpack(self, data: str, *convert: Callable[[str], Any]) -> list[Any]:
        """The parts after the prefix, converted; exactly as many as converters given."""
        prefix, _, rest = data.partition(":")
        parts = rest.split(":") if rest else []
        if prefix != self.prefix or len(parts) < len(convert):
            raise StaleButton
        try:
            return [read(part) for read, part in zip(convert, parts, strict=False)]
        except (KeyError, ValueError, OverflowError):
            raise StaleButton from None

    def matches(self, data: str) -> bool:
        return data.split(":", 1)[0] == self.prefix
