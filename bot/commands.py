"""The command menu Telegram shows beside the text box, published per language."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.ext import ExtBot

from bot.i18n import CATALOGS, t

# In menu order; each one's description is the catalog's "cmd.<command>".
COMMANDS: tuple[str, ...] = (
    "start",
    "ask",
    "regulation",
    "article",
    "apply",
    "studio",
    "status",
    "project",
    "achievement",
    "activity",
    "member",
    "funds",
    "ledger",
    "export",
    "import",
    "dashboard",
    "web",
    "review",
    "assess",
    "report",
    "invite",
    "invites",
    "people",
    "reminders",
    "me",
    "language",
    "cancel",
    "help",
)


def menu(lang: str) -> list[BotCommand]:
    return [BotCommand(command, t(lang, f"cmd.{command}")) for command in COMMANDS]


async def publish_commands(bot: ExtBot[None]) -> None:
    scope = BotCommandScopeAllPrivateChats()
    # Default (no language code) is Chinese: most users' Telegram is set to zh or to nothing.
    await bot.set_my_commands(menu("zh"), scope=scope)
    for code in CATALOGS:
        await bot.set_my_commands(menu(code), scope=scope, language_code=code)
