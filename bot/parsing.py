"""Reading what people type: dates in any common format, money in yuan."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

_FULL_WIDTH = str.maketrans("０１２３４５６７８９／．－", "0123456789/.-")
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MD = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")


def parse_date(text: str, today: date) -> date | None:
    """2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, 20260305, or 3月5日 (this year)."""
    value = text.strip().translate(_FULL_WIDTH)
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
    value = text.strip().translate(_FULL_WIDTH).replace(",", "").replace("，", "")
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
