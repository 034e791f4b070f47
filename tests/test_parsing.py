from datetime import date

import pytest

from bot.parsing import format_fen, is_question, parse_count, parse_date, parse_yuan_to_fen

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
    ("typed", "fen"),
    [("两万块", 2_000_000), ("2万元", 2_000_000), ("三千五百元", 350_000), ("一万二", 1_200_000),
     ("万", None), ("五百块钱", 50_000), ("1.5万", 1_500_000)],
)  # fmt: skip
def test_amounts_as_people_say_them(typed: str, fen: int | None) -> None:
    # 一万二 is 12,000 in speech, as 三百五 is 350.
    assert parse_yuan_to_fen(typed) == fen


@pytest.mark.parametrize(
    ("typed", "count"),
    [("30人", 30), ("约 30 人", 30), ("三十人", 30), ("３０", 30), ("一百二十人次", 120),
     ("很多", None), ("-3", None)],
)  # fmt: skip
def test_head_counts_with_their_units(typed: str, count: int | None) -> None:
    assert parse_count(typed) == count


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
