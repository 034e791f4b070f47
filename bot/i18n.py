"""Message catalogs: Simplified Chinese by default, English second.

Handlers ask for a key; every placeholder value is HTML-escaped unless wrapped in `Raw`,
so user text can never break Telegram formatting.
"""

from __future__ import annotations

import html
import string
from typing import Any

from bot.texts import en, zh

DEFAULT_LANGUAGE = "zh"
CATALOGS: dict[str, dict[str, str]] = {"zh": zh.MESSAGES, "en": en.MESSAGES}


class Raw(str):
    """A placeholder value that is already safe HTML (built from catalog text)."""

    __slots__ = ()


def resolve_language(chosen: str | None, telegram_language: str | None) -> str:
    if chosen in CATALOGS:
        return chosen
    if telegram_language and telegram_language.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


class _Formatter(string.Formatter):
    """`{days:day|days}` is the word for that many: "1 day", "2 days" (English plurals)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return one if str(value).strip() in ("1", "-1") else many
        return str(super().format_field(value, format_spec))


_FORMATTER = _Formatter()


def t(lang: str, key: str, **params: Any) -> str:
    catalog = CATALOGS.get(lang, CATALOGS[DEFAULT_LANGUAGE])
    template = catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE][key]
    safe = {
        k: v if isinstance(v, Raw) else html.escape(str(v), quote=False) for k, v in params.items()
    }
    if "|" not in template:
        return template.format(**safe)  # no plural field: str.format is ~5x cheaper, same text
    return _FORMATTER.format(template, **safe)


def has(lang: str, key: str) -> bool:
    return key in CATALOGS.get(lang, {}) or key in CATALOGS[DEFAULT_LANGUAGE]
