"""Inline keyboards. Buttons carry short ASCII ids; handlers re-check every press on the server."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

Button = tuple[str, str]  # (label, callback_data)


def rows(buttons: Sequence[Button], per_row: int = 1) -> InlineKeyboardMarkup:
    grid = [
        [
            InlineKeyboardButton(label, callback_data=data)
            for label, data in buttons[i : i + per_row]
        ]
        for i in range(0, len(buttons), per_row)
    ]
    return InlineKeyboardMarkup(grid)


def link(label: str, url: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])
