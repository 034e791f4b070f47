"""/web and /dashboard: into the dashboard (issue 13). Inside Telegram a 📊 button opens it
as a Mini App (its requests signed with initData); at a desk, /web sends a one-time link."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo

from bot.context import BotContext
from bot.handlers.common import answer, private_only
from storage.access import load_access
from storage.webauth import WebAuthService


def dashboard_button(context: BotContext) -> InlineKeyboardButton | None:
    """📊 under a list, where the dashboard is served over https (Telegram's rule)."""
    url = context.deps.settings.mini_app_url
    return InlineKeyboardButton(context.t("web.open_btn"), web_app=WebAppInfo(url)) if url else None


def with_dashboard(
    context: BotContext, keyboard: InlineKeyboardMarkup | None
) -> InlineKeyboardMarkup | None:
    button = dashboard_button(context)
    if button is None:
        return keyboard
    rows = [list(r) for r in keyboard.inline_keyboard] if keyboard else []
    return InlineKeyboardMarkup([*rows, [button]])


@private_only
async def web_command(update: Update, context: BotContext) -> None:
    settings = context.deps.settings
    if not settings.web_enabled:
        await answer(update, context, context.t("web.off"))
        return
    async with context.session() as session:
        code = await WebAuthService(session).issue_link(context.user_id, context.now())
    lang = "&lang=en" if context.lang == "en" else ""
    url = f"{settings.web_public_url}login?code={code}{lang}"
    await answer(update, context, context.t("web.link", url=url))


@private_only
async def dashboard_command(update: Update, context: BotContext) -> None:
    settings = context.deps.settings
    async with context.session() as session:
        access = await load_access(session, context.user_id)
    if not access.has_any_role:
        await answer(update, context, context.t("web.no_role"))
        return
    if not settings.web_enabled:
        await answer(update, context, context.t("web.off"))
        return
    button = dashboard_button(context)
    if button is None:  # no https address: a browser on this network, through /web
        await answer(update, context, context.t("web.no_mini_app"))
        return
    await answer(update, context, context.t("web.open"), InlineKeyboardMarkup([[button]]))
