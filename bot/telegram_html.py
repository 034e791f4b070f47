"""Telegram's HTML subset (parse_mode=HTML): what it accepts, and the plain text it shows.

The fake Bot API refuses what Telegram refuses with this; the reminders dry run prints
messages as a person would read them with it.
"""

from __future__ import annotations

import html
import re

TELEGRAM_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip

_TOKEN = re.compile(r"<(/?)([a-zA-Z-]+)(?:\s[^<>]*)?>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


class MarkupError(ValueError):
    """Text Telegram would refuse with "can't parse entities"."""


def to_plain(text: str) -> str:
    """Parse text the way Telegram's parse_mode=HTML does, or refuse it like Telegram would."""
    stack: list[str] = []
    plain: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        plain.append(text[pos : match.start()])
        pos = match.end()
        token = match.group(0)
        if token.startswith("&"):
            plain.append(html.unescape(token))
            continue
        closing, tag = match.group(1), match.group(2).lower()
        if tag not in TELEGRAM_TAGS:
            raise MarkupError(f'can\'t parse entities: unsupported start tag "{tag}"')
        if not closing:
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            raise MarkupError(f'can\'t parse entities: unexpected end tag "{tag}"')
    plain.append(text[pos:])
    if stack:
        raise MarkupError(f'can\'t parse entities: unclosed start tag "{stack[-1]}"')
    result = "".join(plain)
    # Every <, > and & outside a tag or an entity must have been escaped.
    stray = "".join(_TOKEN.sub("", text))
    if any(ch in stray for ch in "<>&"):
        raise MarkupError("can't parse entities: unescaped <, > or &")
    return result
