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


_CN_DIGITS = dict(
    zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> int | None:
    """三十 → 30, 两万 → 20000, 一千二百 → 1200, 十五 → 15; None if it is not one."""
    if not text or text == "万":
        return None
    high, _, low = text.partition("万")
    if "万" in low:
        return None
    if _:
        upper = _below_10000(high) if high else 1
        # 一万二 is 12,000 in speech: a lone digit after 万 counts thousands.
        lower = _CN_DIGITS[low] * 1000 if low in _CN_DIGITS else (_below_10000(low) if low else 0)
        return None if upper is None or lower is None else upper * 10000 + lower
    return _below_10000(text)


def _below_10000(text: str) -> int | None:
    total, digit, unit = 0, None, 1
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            total += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    if digit and text[-1] in _CN_DIGITS and len(text) > 1 and text[-2] in _CN_UNITS:
        return total + digit * max(unit // 10, 1)  # 一千二 is 1,200, 三百五 is 350
    return total + (digit or 0)


_COUNT_UNITS = ("人次", "人", "名", "位", "个", "次")
_ABOUT = ("大约", "大概", "约", "共", "一共")


def parse_count(text: str) -> int | None:
    """A head count as people type it: 30, 30人, ３０ 人, 约30人, 三十人; None if unreadable."""
    value = _normal(text).replace(" ", "")
    for prefix in _ABOUT:
        value = value.removeprefix(prefix)
    for unit in _COUNT_UNITS:
        value = value.removesuffix(unit)
    number = parse_int(value)
    return number if number is not None else chinese_number(value)


_MONEY_SUFFIXES = ("块钱", "块", "元整", "元", "人民币")


def parse_yuan_to_fen(text: str) -> int | None:
    """'1.5万' / '15000' / '15,000.50元' / '两万块' → fen; None if unreadable. Sign is kept."""
    value = _normal(text).replace(",", "").replace("，", "")
    value = value.removeprefix("¥").removeprefix("￥").removeprefix("人民币").strip()
    for suffix in _MONEY_SUFFIXES:
        value = value.removesuffix(suffix).strip()
    scale = Decimal(1)
    if value.endswith("万") and value[:-1].strip().replace(".", "", 1).isdigit():
        value, scale = value[:-1].strip(), Decimal(10000)
    try:
        amount = Decimal(value) * scale
    except InvalidOperation:
        spoken = chinese_number(value)
        if spoken is None:
            return None
        amount = Decimal(spoken)
    try:
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            return None
    except InvalidOperation:  # e.g. 1e30: too many digits to hold to the fen
        return None
    return int(amount * 100)


def format_fen(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f}"


# Words that make a typed line a question, not a person's name ("一年要有几个项目？").
_QUESTION_WORDS = ("什么", "怎么", "怎样", "多少", "几个", "几年", "几项", "几次", "几天",
                   "为什么", "如何", "是否", "能否", "能不能", "可不可以", "要不要", "吗", "呢",
                   "哪")  # fmt: skip
_ENGLISH_QUESTION = re.compile(r"^(how|what|why|when|where|which)\b", re.IGNORECASE)


def is_question(text: str) -> bool:
    """A question typed where a name is asked: it ends with ？/? or asks something."""
    value = text.strip()
    return (
        value.endswith(("?", "？"))
        or any(word in value for word in _QUESTION_WORDS)
        or bool(_ENGLISH_QUESTION.match(value))
    )
