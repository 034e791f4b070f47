"""Words said once, in the catalogs (issue 12, item 3): the command menu and the articles'
short titles come from bot/texts in the reader's language."""

from __future__ import annotations

from bot.i18n import t
from bot.offline import Person
from tests.harness import BotHarness

YUXIANG = Person(9101, "玉香")
ANNA = Person(9102, "Anna", language_code="en")


async def test_the_command_menu_is_published_from_the_catalogs(bot: BotHarness) -> None:
    menus = {lang: bot.fake.commands[("all_private_chats", code)]
             for lang, code in (("zh", ""), ("zh", "zh"), ("en", "en"))}  # fmt: skip
    for (_, code), commands in bot.fake.commands.items():
        lang = "en" if code == "en" else "zh"
        assert {"command": "ask", "description": t(lang, "cmd.ask")} in commands
    assert {"command": "status", "description": "Art. 6 conditions met?"} in menus["en"]
    assert {"command": "status", "description": "是否达到第六条基本条件"} in menus["zh"]


async def test_articles_are_listed_with_their_short_titles_in_the_readers_language(
    bot: BotHarness,
) -> None:
    await bot.send(YUXIANG, "/regulation")
    assert "第六条 五项基本条件" in bot.button_labels(YUXIANG)
    await bot.send(ANNA, "/regulation")
    assert "第六条 The five basic conditions" in bot.button_labels(ANNA)
    shown = (await bot.press(ANNA, "第六条"))[0]
    assert shown.startswith("第六条 (The five basic conditions)\n")  # the text, without markup
