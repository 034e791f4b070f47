"""Policy questions in chat: cite the article first, quote it, offer related ones, never guess."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.offline import Person
from tests.harness import BotHarness

ASKER = Person(9009, "玉香")


@pytest.mark.postgres
async def test_free_text_question_cites_and_quotes_the_article(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "工作室每年要有几个立项的项目？")
    assert replies[0].startswith("📖 第六条")
    assert "每年至少有1个立项的创新课题或攻关项目" in replies[0]
    assert "有劳模领衔" not in replies[0]  # only the condition asked about, not all five
    labels = bot.button_labels(ASKER)
    assert 1 <= len(labels) <= 3 and all(label.startswith("第") for label in labels)
    opened = await bot.press(ASKER, labels[0])
    assert opened[0].startswith(labels[0].split()[0])


async def test_ask_command_and_an_uncovered_question(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "/ask 职工生病请假怎么算工资？")
    assert "没有规定" in replies[0]
    assert "第" not in replies[0].split("\n")[0]  # cites no article
    assert bot.button_labels(ASKER) == ["📖 《办法》目录"]
    assert "/ask 后面写上" in (await bot.send(ASKER, "/ask"))[0]


async def test_deadline_question_says_how_many_days_are_left(bot: BotHarness) -> None:
    # 2026-12-24 09:00 in Shanghai
    bot.clock.at = datetime(2026, 12, 24, 1, 0, tzinfo=UTC)
    replies = await bot.send(ASKER, "考核情况几月几号前上报？")
    assert replies[0].startswith("📖 第十七条")
    assert "2026-12-31" in replies[0] and "还剩 7 天" in replies[0]


async def test_notice_question_is_answered_from_the_header(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "这份通知的文号是多少？")
    assert "西工发〔2018〕56号" in replies[0]


async def test_article_command_takes_digits_and_chinese_numerals(bot: BotHarness) -> None:
    for arg in ("17", "十七", "第十七条"):
        replies = await bot.send(ASKER, f"/article {arg}")
        assert replies[0].startswith("第十七条") and "12月31日前" in replies[0], arg
    assert "第一条到第十九条" in (await bot.send(ASKER, "/article 20"))[0]
    assert "第一条到第十九条" in (await bot.send(ASKER, "/article <b>x"))[0]
    assert "例如 /article 6" in (await bot.send(ASKER, "/article"))[0]


async def test_regulation_lists_nineteen_articles_as_buttons(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "/regulation")
    assert "西工发〔2018〕56号" in replies[0]
    labels = bot.button_labels(ASKER)
    assert (
        len(labels) == 19 and labels[0].startswith("第一条") and labels[-1].startswith("第十九条")
    )
    opened = await bot.press(ASKER, "第九条")
    assert "一次性补助" in opened[0]


async def test_over_long_question_is_refused_politely(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "工作室" * 400)
    assert "太长" in replies[0] and "500" in replies[0]


async def test_policy_commands_work_in_groups_too(bot: BotHarness) -> None:
    replies = await bot.send_in_group(ASKER, "/ask 复核不达标怎么处理？")
    assert replies[0].startswith("📖 第十七条")


async def test_english_user_gets_english_frame(bot: BotHarness) -> None:
    anna = Person(9010, "Anna", language_code="en")
    replies = await bot.send(anna, "工作室的日常经费由谁承担？")
    assert "第九条" in replies[0] and "subsidy" in replies[0].lower()
