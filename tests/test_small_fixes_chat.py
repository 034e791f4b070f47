"""Small things people saw: a question taken as a name, a prompt that did not match its
buttons, a doubled word, admins' missing help lines, and a used invitation opened again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.offline import Person
from tests.factories import add_studio
from tests.harness import BotHarness
from tests.test_invitations_chat import ADMIN as INVITER
from tests.test_invitations_chat import OFFICER, invite_officer, make_admin
from tests.test_lifecycle_chat import ADMIN, GRASSROOTS, LEADER, officers

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


async def test_a_question_at_the_name_step_is_not_a_name(bot: BotHarness) -> None:
    await bot.send(LEADER, "/apply")
    refusal = (await bot.send(LEADER, "一年要有几个项目？"))[0]
    assert "像是一个问题" in refusal and "/cancel" in refusal
    assert "像是一个问题" in (await bot.send(LEADER, "经费怎么报销"))[0]
    await bot.send(LEADER, "岩温")  # the same step, still open
    assert "岩温 获得的最高荣誉" in bot.last(LEADER)


async def test_the_union_prompt_matches_its_buttons(bot: BotHarness) -> None:
    await officers(bot)
    await bot.send(LEADER, "/apply")
    await bot.send(LEADER, "岩温")
    await bot.press(LEADER, "省级劳动模范")
    await bot.send(LEADER, "景洪市供电局")
    prompt, labels = bot.last(LEADER), bot.button_labels(LEADER)
    assert "景洪市供电局工会" in labels and "景洪市总工会" in labels  # grassroots and county
    assert "基层工会" in prompt and "县（市）" in prompt


async def test_admin_help_lists_assessment_report_and_ledgers(bot: BotHarness) -> None:
    await officers(bot)
    admin_help = (await bot.send(ADMIN, "/help"))[0]
    for command in ("/assess", "/report", "/ledger", "/reported"):
        assert command in admin_help, command


async def test_the_management_export_caption_says_ledger_once(bot: BotHarness) -> None:
    await officers(bot)
    async with bot.session() as s:
        await add_studio(s, "岩温", "景洪市供电局工会")
    await bot.send(GRASSROOTS, "/export")
    caption = bot.last(GRASSROOTS)
    assert caption.startswith("📊 管理台帐（1 个工作室") and "台帐台帐" not in caption


async def test_opening_ones_own_used_invitation_again(bot: BotHarness) -> None:
    await make_admin(bot, INVITER)
    code = await invite_officer(bot)
    await bot.send(OFFICER, f"/start {code}")
    assert "你已经有这个身份了" in (await bot.send(OFFICER, f"/start {code}"))[0]
    # Anyone else is still told it is spent.
    assert "已经用过了" in (await bot.send(Person(3009, "赵敏"), f"/start {code}"))[0]
