from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user should read: `key` names a message in the bot's catalogs.

    Raised by services before anything is written, or after a rollback, so a refused
    action never leaves half a change behind.
    """

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
