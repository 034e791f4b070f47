"""Logging that never shows the bot token: Telegram's error for a rejected token quotes it,
and every Bot API URL (``…/bot<token>/getMe``) carries it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# Any bot token, not only ours: '123456789:AA…' (35 characters after the colon in practice).
_TOKEN_SHAPE = re.compile(r"\b(\d{5,})(:)[A-Za-z0-9_-]{20,}")
NAMED_LOGGERS = ("telegram", "httpx", "httpcore", "apscheduler")


def mask(text: str, token: str | None = None) -> str:
    """The token's bot id stays (it is public: it is the bot's user id), the secret goes."""
    if token:
        head = token.partition(":")[0]
        text = text.replace(token, f"{head}:***")
    return _TOKEN_SHAPE.sub(r"\1\2***", text)


class TokenFilter(logging.Filter):
    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: show its parts, masked
            message = f"{record.msg} {record.args}"
        masked = mask(message, self.token)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text, self.token)
        if record.stack_info:
            record.stack_info = mask(record.stack_info, self.token)
        return True


def install_token_filter(
    token: str | None, handlers: Iterable[logging.Handler] | None = None
) -> TokenFilter:
    """On every handler of the root logger (filters on a logger do not see its children's
    records, handlers see them all), and on the loggers that print URLs."""
    token_filter = TokenFilter(token)
    for handler in handlers if handlers is not None else logging.getLogger().handlers:
        handler.addFilter(token_filter)
    for name in NAMED_LOGGERS:
        logging.getLogger(name).addFilter(token_filter)
    return token_filter
