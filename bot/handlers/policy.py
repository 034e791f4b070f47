"""Policy Q&A in chat: /ask, free text outside a form, /article N and /regulation."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.handlers.common import answer
from bot.i18n import Raw
from bot.keyboards import rows
from policy.deadlines import days_until, next_report_deadline
from policy.regulation import Article, parse_article_number

MAX_QUESTION = 500


def _gist(context: BotContext, article: Article) -> Raw:
    return Raw(context.t(f"article.gist.{article.number}"))


def _article_button(context: BotContext, article: Article) -> tuple[str, str]:
    return (
        context.t("btn.article", heading=article.heading, gist=_gist(context, article)),
        f"art:{article.number}",
    )


async def ask(update: Update, context: BotContext) -> None:
    question = " ".join(context.args or []).strip()
    if not question:
        await answer(update, context, context.t("ask.empty"))
        return
    await _answer_question(update, context, question)


async def free_text(update: Update, context: BotContext) -> None:
    assert update.message is not None and update.message.text is not None
    await _answer_question(update, context, update.message.text.strip())


async def _answer_question(update: Update, context: BotContext, question: str) -> None:
    if len(question) > MAX_QUESTION:
        await answer(
            update, context, context.t("ask.too_long", length=len(question), max=MAX_QUESTION)
        )
        return
    deps = context.deps
    result = deps.qa.answer(question)
    regulation = deps.regulation
    if not result.covered:
        menu = rows([(context.t("btn.regulation"), "reg")])
        await answer(update, context, context.t("ask.not_covered"), menu)
        return
    parts: list[str] = []
    if result.about_notice or result.article is None:
        parts.append(context.t("ask.notice", quote=result.quote))
    else:
        article = regulation.article(result.article)
        parts.append(
            context.t(
                "ask.answer",
                heading=article.heading,
                gist=_gist(context, article),
                quote=result.quote,
            )
        )
    if result.asks_deadline:
        today = context.today()
        deadline = next_report_deadline(today)
        left = days_until(deadline, today)
        key = "ask.deadline_today" if left == 0 else "ask.deadline"
        parts.append(context.t(key, date=deadline.isoformat(), days=left))
    related = [regulation.article(n) for n in result.related[:3]]
    keyboard: InlineKeyboardMarkup | None = None
    if related:
        parts.append(context.t("ask.related"))
        keyboard = rows([_article_button(context, a) for a in related])
    await answer(update, context, "\n\n".join(parts), keyboard)


async def article_command(update: Update, context: BotContext) -> None:
    raw = " ".join(context.args or []).strip()
    if not raw:
        await answer(update, context, context.t("article.usage"))
        return
    number = parse_article_number(raw)
    if number is None:
        await answer(update, context, context.t("article.not_found", text=raw[:40]))
        return
    await _show_article(update, context, number)


async def article_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    number = parse_article_number(query.data.removeprefix("art:"))
    if number is None:
        await answer(update, context, context.t("errors.stale_button"))
        return
    await _show_article(update, context, number)


async def _show_article(update: Update, context: BotContext, number: int) -> None:
    regulation = context.deps.regulation
    article = regulation.article(number)
    text = context.t(
        "article.show", heading=article.heading, gist=_gist(context, article), text=article.text
    )
    neighbours = [regulation.article(n) for n in (number - 1, number + 1) if 1 <= n <= 19]
    keyboard = rows(
        [_article_button(context, a) for a in neighbours] + [(context.t("btn.regulation"), "reg")]
    )
    await answer(update, context, text, keyboard)


async def regulation_command(update: Update, context: BotContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    regulation = context.deps.regulation
    text = context.t("regulation.list", title=regulation.title, doc=regulation.notice.doc_number)
    buttons = [_article_button(context, a) for a in regulation.articles]
    await answer(update, context, text, rows(buttons, 2))
