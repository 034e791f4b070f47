"""The regulation (西工发〔2018〕56号) as data, parsed from ``policy/data/regulation.md``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

ARTICLE_COUNT = 19

_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Clause:
    """One of Art. 6's five basic conditions."""

    number: int
    text: str

    @property
    def label(self) -> str:
        return f"({chinese_numeral(self.number)})"


@dataclass(frozen=True)
class Article:
    number: int
    text: str
    clauses: tuple[Clause, ...]

    @property
    def heading(self) -> str:
        return f"第{chinese_numeral(self.number)}条"

    def clause(self, number: int) -> Clause:
        for clause in self.clauses:
            if clause.number == number:
                return clause
        raise KeyError(number)


@dataclass(frozen=True)
class Notice:
    doc_number: str
    title: str
    addressees: str
    body: str
    issuer: str
    issued_on: date


@dataclass(frozen=True)
class Regulation:
    notice: Notice
    title: str
    articles: tuple[Article, ...]

    def article(self, number: int) -> Article:
        if 1 <= number <= len(self.articles):
            article = self.articles[number - 1]
            if article.number == number:
                return article
        for article in self.articles:
            if article.number == number:
                return article
        raise KeyError(number)


def chinese_numeral(n: int) -> str:
    """Chinese numeral for 0..99 as written in article headings (17 -> 十七)."""
    if not 0 <= n <= 99:
        raise ValueError(f"out of range: {n}")
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "")


def _parse_chinese_numeral(text: str) -> int | None:
    values = {c: i for i, c in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
    if not text or any(c not in values and c != "十" for c in text):
        return None
    if "十" not in text:
        return values[text] if len(text) == 1 else None
    head, _, tail = text.partition("十")
    if "十" in tail or len(head) > 1 or len(tail) > 1:
        return None
    tens = values[head] if head else 1
    ones = values[tail] if tail else 0
    if head and tens == 0:
        return None
    return tens * 10 + ones


_ARTICLE_REF = re.compile(r"^第?\s*([0-9]+|[零〇一二两三四五六七八九十]+)\s*条?$")


def parse_article_number(text: str) -> int | None:
    """'17', '十七', '第十七条', '第17条', ' 6 ' -> the number; None if not an article."""
    if not isinstance(text, str):
        return None
    match = _ARTICLE_REF.match(text.strip().translate(_FULLWIDTH_DIGITS))
    if match is None:
        return None
    token = match.group(1)
    if token.isdigit():
        if len(token) > 3:
            return None
        number: int | None = int(token)
    else:
        number = _parse_chinese_numeral(token)
    if number is None or not 1 <= number <= ARTICLE_COUNT:
        return None
    return number


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

_ARTICLE_LINE = re.compile(r"^第([零一二三四五六七八九十]+)条\s*(.*)$")
_CLAUSE_LINE = re.compile(r"^[(（]([一二三四五])[)）]")
_SIGNATURE = re.compile(r"^(\S+)\s+(\d{4})年(\d{1,2})月(\d{1,2})日$")


class RegulationFormatError(ValueError):
    pass


def parse_regulation(source: str) -> Regulation:
    lines = [line.rstrip() for line in source.splitlines()]
    doc_number = ""
    headings: list[str] = []
    notice_lines: list[str] = []
    article_parts: dict[int, list[str]] = {}
    current: int | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            headings.append(line[3:].strip())
            current = None
            continue
        if line.startswith("# "):
            doc_number = line[2:].strip()
            continue
        match = _ARTICLE_LINE.match(line)
        if match:
            number = _parse_chinese_numeral(match.group(1))
            if number is None or number in article_parts:
                raise RegulationFormatError(f"bad article heading: {line}")
            current = number
            article_parts[number] = [match.group(2).strip()]
        elif current is not None:
            article_parts[current].append(line)
        elif len(headings) == 1:
            notice_lines.append(line)
        else:
            raise RegulationFormatError(f"unexpected line: {line}")

    if len(headings) != 2 or not doc_number:
        raise RegulationFormatError("expected a doc number and two '##' headings")
    if len(notice_lines) < 3:
        raise RegulationFormatError("notice header is incomplete")
    signature = _SIGNATURE.match(notice_lines[-1])
    if signature is None:
        raise RegulationFormatError(f"bad notice signature: {notice_lines[-1]}")
    notice = Notice(
        doc_number=doc_number,
        title=headings[0],
        addressees=notice_lines[0].rstrip(":："),
        body="\n".join(notice_lines[1:-1]),
        issuer=signature.group(1),
        issued_on=date(int(signature.group(2)), int(signature.group(3)), int(signature.group(4))),
    )
    if sorted(article_parts) != list(range(1, ARTICLE_COUNT + 1)):
        raise RegulationFormatError(f"expected articles 1..{ARTICLE_COUNT}")

    articles: list[Article] = []
    for number in range(1, ARTICLE_COUNT + 1):
        parts = article_parts[number]
        clauses: list[Clause] = []
        for part in parts[1:]:
            clause_match = _CLAUSE_LINE.match(part)
            if clause_match is None:
                raise RegulationFormatError(f"unexpected continuation in article {number}")
            clauses.append(Clause(number=len(clauses) + 1, text=part))
        articles.append(Article(number=number, text="\n".join(parts), clauses=tuple(clauses)))
    return Regulation(notice=notice, title=headings[1], articles=tuple(articles))


@lru_cache(maxsize=1)
def load_regulation() -> Regulation:
    source = resources.files("policy").joinpath("data/regulation.md").read_text(encoding="utf-8")
    return parse_regulation(source)
