"""The command menu Telegram shows beside the text box, published per language."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.ext import ExtBot

COMMANDS: dict[str, list[tuple[str, str]]] = {
    "zh": [
        ("start", "开始 / 打开邀请"),
        ("ask", "问《办法》的问题"),
        ("regulation", "《办法》全部条款"),
        ("article", "查看某一条，如 /article 6"),
        ("apply", "申请创建工作室"),
        ("studio", "查看工作室"),
        ("status", "是否达到第六条基本条件"),
        ("project", "登记攻关项目"),
        ("achievement", "登记创新成果"),
        ("activity", "登记创建活动"),
        ("member", "登记团队成员"),
        ("funds", "登记经费收支"),
        ("ledger", "查看台帐"),
        ("export", "导出台帐 Excel"),
        ("dashboard", "📊 打开辖区看板"),
        ("web", "在电脑浏览器打开看板（一次性登录链接）"),
        ("review", "待我处理的申请"),
        ("assess", "年度考核"),
        ("report", "提交年度考核报告"),
        ("invite", "邀请工会干部、负责人或成员"),
        ("invites", "查看和撤销邀请"),
        ("people", "移除工会干部、负责人或成员"),
        ("reminders", "提醒安排"),
        ("me", "我的身份"),
        ("language", "切换语言 / Language"),
        ("cancel", "取消正在填写的表"),
        ("help", "帮助"),
    ],
    "en": [
        ("start", "Start / open an invitation"),
        ("ask", "Ask about the regulation"),
        ("regulation", "All articles of the regulation"),
        ("article", "Show one article, e.g. /article 6"),
        ("apply", "Apply for a studio"),
        ("studio", "View a studio"),
        ("status", "Art. 6 conditions met?"),
        ("project", "Add a project"),
        ("achievement", "Add an achievement"),
        ("activity", "Add an activity"),
        ("member", "Add a team member"),
        ("funds", "Record income or spending"),
        ("ledger", "View the ledgers"),
        ("export", "Export ledgers to Excel"),
        ("dashboard", "📊 Open the dashboard"),
        ("web", "Dashboard in a desk browser (one-time link)"),
        ("review", "What waits for me"),
        ("assess", "Annual assessment"),
        ("report", "Submit the annual report"),
        ("invite", "Invite officers, leaders or members"),
        ("invites", "List and revoke invitations"),
        ("people", "Remove officers, leaders or members"),
        ("reminders", "Reminder schedule"),
        ("me", "My roles"),
        ("language", "Change language / 语言"),
        ("cancel", "Cancel the form in progress"),
        ("help", "Help"),
    ],
}


async def publish_commands(bot: ExtBot[None]) -> None:
    scope = BotCommandScopeAllPrivateChats()
    # Default (no language code) is Chinese: most users' Telegram is set to zh or to nothing.
    await bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS["zh"]], scope=scope)
    for code in ("zh", "en"):
        await bot.set_my_commands(
            [BotCommand(c, d) for c, d in COMMANDS[code]], scope=scope, language_code=code
        )
