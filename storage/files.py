from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileData:
    """A Telegram file to keep with a record (an Attachment row's columns)."""

    file_id: str
    file_unique_id: str
    file_name: str
    file_size: int | None
    mime_type: str
