"""Policy Q&A in chat: /ask, free text outside a form, /article N and /regulation."""

from __future__ import annotations

import functools
from datetime import date, timedelta

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext, LastQuestion
from bot.handlers.common import answer
from bot.i18n import t
from bot.keyboards import rows
from policy.qa import Reply
from policy.regulation import Article, Regulation, parse_article_number
from policy.render import Rendered, render_reply

MAX_QUESTION = 500
# A short follow-up ("那成果呢？") refers to the question asked this long before, at most.
FOLLOW_UP_WINDOW = timedelta(minutes=5)


def _gist(article: Article, lang: str) -> str:
    return article.gist_en if lang == "en" else article.gist_zh


def _article_button(
    context: BotContext, article: Article, lang: str | None = None
) -> tuple[str, str]:
    gist = _gist(article, lang or context.lang)
    return (context.t("btn.article", heading=article.heading, gist=gist), f"art:{article.number}")


# Rendered replies, by the identity of the (remembered, immutable) reply and what else the
# text depends on; each entry keeps its reply and regulation alive and is checked against
# them, so an id reused after eviction can never return another reply's text.
_RENDERED: dict[tuple[int, int, date, str], tuple[Reply, Regulation, Rendered]] = {}
_RENDERED_MAX = 4096


def _render(reply: Reply, regulation: Regulation, today: date, lang: str) -> Rendered:
    key = (id(reply), id(regulation), today, lang)
    hit = _RENDERED.get(key)
    if hit is not None and hit[0] is reply and hit[1] is regulation:
        return hit[2]
    shown = render_reply(reply, regulation, today, lang)
    if len(_RENDERED) >= _RENDERED_MAX:
        _RENDERED.clear()
    _RENDERED[key] = (reply, regulation, shown)
    return shown


@functools.lru_cache(maxsize=512)
def _related_keyboard(
    articles: tuple[Article, ...], lang: str, ui_lang: str
) -> InlineKeyboardMarkup:
    """The related articles' buttons under an answer: built once per (articles, languages);
    a keyboard is immutable, so every answer citing the same articles shares it."""
    return rows(
        [
            (t(ui_lang, "btn.article", heading=a.heading, gist=_gist(a, lang)), f"art:{a.number}")
            for a in articles
        ]
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
    now = deps.clock()
    chat_id = update.effective_chat.id if update.effective_chat is not None else 0
    last = context.user_data.last_question if context.user_data is not None else None
    previous = None
    if last is not None and last.chat_id == chat_id and now - last.at <= FOLLOW_UP_WINDOW:
        previous = last.text
    reply = deps.qa.reply(question, previous)
    if context.user_data is not None:
        context.user_data.last_question = LastQuestion(chat_id, reply.question, now)
    # An English question is answered in English; an English-speaking user always is.
    lang = "en" if reply.lang == "en" or context.lang == "en" else "zh"
    shown = _render(reply, deps.regulation, context.today(), lang)
    keyboard: InlineKeyboardMarkup | None
    if shown.covered:
        related = tuple(deps.regulation.article(n) for n in shown.related)
        keyboard = _related_keyboard(related, lang, context.lang) if related else None
    else:
        keyboard = rows([(context.t("btn.regulation"), "reg")])
    await answer(update, context, shown.text, keyboard)


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
        "article.show",
        heading=article.heading,
        gist=_gist(article, context.lang),
        text=article.text,
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
