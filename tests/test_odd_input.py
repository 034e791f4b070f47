"""Odd input that used to crash a handler (issue 11, item 9): Unicode digits, ids beyond
64 bits in button data, an over-long Telegram language code. Each gets a plain answer."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.offline import Person
from bot.parsing import parse_date, parse_int, parse_yuan_to_fen
from storage.models import Member, Role, RoleGrant, User
from tests.factories import add_studio
from tests.harness import BotHarness

LEADER = Person(7001, "岩温")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
HUGE = "99999999999999999999999"


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2026", 2026),
        ("２０２６", 2026),
        ("²⁰²⁶", 2026),
        ("①⑨⑧⑤", 1985),
        (" 12 ", 12),
        ("١٢", 12),  # Arabic-Indic digits are digits too
        ("-5", None),
        ("1_000", None),
        ("½", None),
        ("9" * 10, None),  # too many digits for a count or a year
        ("", None),
    ],
)
def test_parse_int_reads_any_digits_and_nothing_else(text: str, number: int | None) -> None:
    assert parse_int(text) == number


def test_dates_and_amounts_accept_unicode_digits() -> None:
    today = date(2026, 11, 27)
    assert parse_date("²⁰²⁶-⁰³-⁰⁵", today) == date(2026, 3, 5)
    assert parse_date("②⓪②⑥年③月⑤日", today) == date(2026, 3, 5)
    assert parse_date("2026-03-05½", today) is None
    assert parse_yuan_to_fen("①⑤⓪⓪元") == 150000


async def _leader(bot: BotHarness) -> int:
    async with bot.session() as s:
        studio = await add_studio(s, "岩温", "景洪市总工会")
        s.add(User(id=LEADER.id, full_name=LEADER.first_name))
        await s.flush()
        s.add(RoleGrant(user_id=LEADER.id, role=Role.STUDIO_LEADER, studio_id=studio.id))
        await s.commit()
        return studio.id


async def test_a_birth_year_in_circled_digits_is_read_not_crashed_on(bot: BotHarness) -> None:
    await _leader(bot)
    await bot.send(LEADER, "/member")
    await bot.press(LEADER, "新成员加入")
    await bot.send(LEADER, "玉罕")
    await bot.send(LEADER, "电气")
    await bot.press(LEADER, "本科")
    reply = (await bot.send(LEADER, "①⑨⑧⑤"))[0]
    assert "抱歉" not in reply and "加入工作室的日期" in reply
    assert "抱歉" not in (await bot.send(LEADER, "²⁰²⁶-⁰¹-¹⁰"))[0]
    await bot.press(LEADER, "确认提交")
    async with bot.session() as s:
        member = await s.scalar(select(Member))
        assert member is not None
        assert (member.birth_year, member.joined_on) == (1985, date(2026, 1, 10))

    # A count in superscripts, and one that is not a number at all.
    await bot.send(LEADER, "/activity")
    await bot.send(LEADER, "11月20日")
    await bot.press(LEADER, "高师带徒")
    assert "0 到 100000" in (await bot.send(LEADER, "½"))[0]
    assert "抱歉" not in (await bot.send(LEADER, "¹²"))[0]


@pytest.mark.parametrize(
    "data",
    [f"sc:{HUGE}", f"ld:p:{HUGE}", f"le:a:{HUGE}", f"ex:{HUGE}", f"ss:{HUGE}",
     f"st:r:{HUGE}:1", f"inv:x:{HUGE}", f"inv:s:m:{HUGE}", f"pp:x:{HUGE}", f"ak:p:{HUGE}:1",
     f"sc:-{HUGE}"],
)  # fmt: skip
async def test_an_oversized_id_in_a_button_reads_as_a_stale_button(
    bot: BotHarness, data: str
) -> None:
    await _leader(bot)
    replies = await bot.press_data(LEADER, data)
    assert replies and "按钮已失效" in replies[0], replies


async def test_an_overlong_language_code_is_cut_to_fit(bot: BotHarness) -> None:
    person = Person(7002, "Ana", language_code="en-" + "x" * 60)
    replies = await bot.send(person, "/me")
    assert replies and "Sorry" not in replies[0] and "抱歉" not in replies[0]
    async with bot.session() as s:
        user = await s.get(User, person.id)
        assert user is not None and user.telegram_language == ("en-" + "x" * 60)[:16]
    assert "/ask" in (await bot.send(person, "/help"))[0]  # English, every update after too
