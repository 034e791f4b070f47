"""Reading what people type: dates in any common format, money in yuan."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

# Refused at intake (issue 11): control characters other than newline and tab, NUL, bidi
# overrides and isolates, zero-width characters, the BOM, non-characters and lone surrogates.
# They hide or reorder text in lists and reviews, and break exports and PostgreSQL.
_UNCLEAN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u2060\u202a-\u202e\u2066-\u2069"
    "\ufeff\ufffe\uffff\ud800-\udfff]"
)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９／．－", "0123456789/.-")
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MD = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")


def check_clean(text: str) -> str | None:
    """The first character refused at intake, as 'U+202E'; None when the text is clean."""
    found = _UNCLEAN.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def strip_unclean(text: str) -> str:
    """For text we do not ask for (a Telegram display name): keep it, minus those characters."""
    return _UNCLEAN.sub("", text)


def _normal(text: str) -> str:
    # NFKC folds full-width, superscript and circled digits (２０２６, ²⁰²⁶, ①⑨⑧⑤) to ASCII.
    return unicodedata.normalize("NFKC", text).strip().translate(_FULL_WIDTH)


def parse_int(text: str, *, max_digits: int = 9) -> int | None:
    """A whole number typed any common way ('2026', '２０２６', '²⁰²⁶', '①⑨⑧⑤');
    None unless it is plain digits (no sign, no separators) of at most `max_digits`."""
    value = _normal(text)
    # isdecimal: decimal digits of any script, which int() reads (isdigit would let through
    # digit-like characters int() refuses).
    if not value.isdecimal() or len(value) > max_digits:
        return None
    return int(value)


def parse_date(text: str, today: date) -> date | None:
    """2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, 20260305, or 3月5日 (this year)."""
    value = _normal(text)
    for pattern in (_YMD, _COMPACT):
        if m := pattern.match(value):
            return _safe(int(m[1]), int(m[2]), int(m[3]))
    if m := _MD.match(value):
        return _safe(today.year, int(m[1]), int(m[2]))
    return None


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_yuan_to_fen(text: str) -> int | None:
    """'1.5万' / '15000' / '15,000.50元' → fen; None if unreadable. Sign is kept for checks."""
    value = _normal(text).replace(",", "").replace("，", "")
    value = value.removesuffix("元").removeprefix("¥").removeprefix("￥").strip()
    scale = Decimal(1)
    if value.endswith("万"):
        value, scale = value[:-1].strip(), Decimal(10000)
    try:
        amount = Decimal(value) * scale
    except InvalidOperation:
        return None
    try:
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            return None
    except InvalidOperation:  # e.g. 1e30: too many digits to hold to the fen
        return None
    return int(amount * 100)


def format_fen(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f}"
