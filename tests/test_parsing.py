from datetime import date

import pytest

from bot.parsing import format_fen, is_question, parse_date, parse_yuan_to_fen

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-05", date(2026, 3, 5)),
        ("2026/3/5", date(2026, 3, 5)),
        ("2026.3.5", date(2026, 3, 5)),
        ("2026年3月5日", date(2026, 3, 5)),
        ("2026 年 3 月 5 号", date(2026, 3, 5)),
        ("20260305", date(2026, 3, 5)),
        ("３月５日", date(2026, 3, 5)),
        ("2024-02-29", date(2024, 2, 29)),
        ("2026-02-29", None),  # not a leap year
        ("2026-13-01", None),
        ("3月32日", None),
        ("昨天", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("15000", 1_500_000),
        ("1.5万", 1_500_000),
        ("15,000.50元", 1_500_050),
        ("￥20", 2000),
        ("-5", -500),
        ("0.001", None),
        ("abc", None),
        ("NaN", None),
        ("1e30", None),
    ],
)
def test_parse_yuan(text: str, fen: int | None) -> None:
    assert parse_yuan_to_fen(text) == fen


def test_format_fen() -> None:
    assert format_fen(1_500_050) == "15,000.50"


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("一年要有几个项目？", True),
        ("经费怎么报销", True),
        ("可以申请吗", True),
        ("What is Art. 6?", True),
        ("how many projects", True),
        ("岩温", False),
        ("玉香", False),
        ("欧阳娜娜", False),
        ("Can Li", False),
        ("Isabel", False),
    ],
)
def test_a_question_is_told_from_a_name(text: str, question: bool) -> None:
    assert is_question(text) is question
