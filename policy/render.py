"""The one rendering of a Q&A reply: the chat sends it, the eval scores it.

Telegram HTML, in Chinese or English.  The frame's words live here as data
(``TEXTS``) rather than in the bot's catalogs so the eval, which sits below the
bot, scores exactly what a user reads.  The three kinds look different at a
glance: ✅ answered, 🟡 related but silent, ❔ not covered.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

from policy.answers import DIRECT, MISSING_EN, MISSING_ZH
from policy.deadlines import days_until, next_report_deadline
from policy.qa import NONE, SILENT, Answer, Reply
from policy.regulation import Regulation, chinese_numeral

TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "heading": "📖 <b>{heading}</b>（{gist}）",
        "heading_clause": "📖 <b>{heading}第（{clause}）项</b>（{gist}）",
        "quote": "「{quote}」",
        "answered": "✅ {direct}",
        "silent": "🟡 {heading}规定：{said}；但《办法》本身没有规定{missing}。",
        "silent_ask": "这一点请咨询所在工会或州总工会。",
        "notice": "📄 <b>关于通知本身</b>（《{title}》）",
        "not_covered": (
            "❔ 《办法》没有规定这个问题，我不能替它作答。\n"
            "可以发送 /regulation 浏览全部 19 条，或向所在工会、州总工会咨询。"
        ),
        "deadline": "⏰ 今年考核情况报州总工会的截止日是 <b>{date}</b>，还剩 <b>{days}</b> 天。",
        "deadline_today": "⏰ 今天（{date}）就是考核情况报州总工会的截止日！",
        "multi": "你这条消息里有 {count} 个问题，逐一回答：",
        "part": "<b>{n}. {question}</b>",
        "related": "相关条款，点开查看：",
    },
    "en": {
        "heading": "📖 <b>Article {number} ({heading})</b> · {gist}",
        "heading_clause": (
            "📖 <b>Article {number} ({heading}), condition ({clause_digit})</b> · {gist}"
        ),
        "quote": "「{quote}」",
        "answered": "✅ {direct}",
        "silent": (
            "🟡 Article {number} ({heading}) says: {said} "
            "The regulation itself does not specify {missing}."
        ),
        "silent_ask": (
            "Please ask your union or the prefecture federation (州总工会) about this point."
        ),
        "notice": "📄 <b>About the notice itself</b> (《{title}》)",
        "not_covered": (
            "❔ The regulation does not cover this question, so I won't guess.\n"
            "Send /regulation to browse all 19 articles, or ask your union or the prefecture"
            " federation (州总工会)."
        ),
        "deadline": (
            "⏰ This year's assessment report is due at the prefecture federation on"
            " <b>{date}</b>: <b>{days}</b> days left."
        ),
        "deadline_today": "⏰ Today ({date}) is the deadline for the assessment report!",
        "multi": "Your message has {count} questions; here they are one by one:",
        "part": "<b>{n}. {question}</b>",
        "related": "Related articles:",
    },
}

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Rendered:
    text: str  # Telegram HTML
    related: tuple[int, ...]  # articles to offer as buttons, best first
    covered: bool  # False when nothing in the reply cites the regulation


def to_plain(text: str) -> str:
    """What the user reads: the HTML without its tags."""
    return html.unescape(_TAG.sub("", text))


def article_heading(number: int) -> str:
    return f"第{chinese_numeral(number)}条"


def _direct(answer: Answer, lang: str) -> str:
    texts = [getattr(DIRECT[unit], lang) for unit in answer.units if unit in DIRECT]
    return " ".join(texts) if lang == "en" else "".join(texts)


def _heading(answer: Answer, regulation: Regulation, lang: str) -> str:
    assert answer.article is not None
    article = regulation.article(answer.article)
    gist = article.gist_en if lang == "en" else article.gist_zh
    key = "heading_clause" if answer.clause is not None else "heading"
    return TEXTS[lang][key].format(
        number=answer.article,
        heading=article.heading,
        gist=html.escape(gist),
        clause=chinese_numeral(answer.clause or 0),
        clause_digit=answer.clause,
    )


def _deadline(today: date, lang: str) -> str:
    deadline = next_report_deadline(today)
    left = days_until(deadline, today)
    key = "deadline_today" if left == 0 else "deadline"
    return TEXTS[lang][key].format(date=deadline.isoformat(), days=left)


def render_part(answer: Answer, regulation: Regulation, today: date, lang: str) -> str:
    texts = TEXTS[lang]
    if answer.kind == NONE or not answer.covered:
        return texts["not_covered"]
    quote = texts["quote"].format(quote=html.escape(answer.quote))
    if answer.about_notice:
        notice_lines = [
            texts["answered"].format(direct=html.escape(_direct(answer, lang))),
            texts["notice"].format(title=html.escape(regulation.notice.title)),
            quote,
        ]
        return "\n".join(notice_lines)
    assert answer.article is not None
    direct = html.escape(_direct(answer, lang))
    lines: list[str] = []
    if answer.kind == SILENT:
        missing = (MISSING_EN if lang == "en" else MISSING_ZH).get(answer.missing, "")
        said = direct.rstrip("。.") if lang == "zh" else direct
        heading = regulation.article(answer.article).heading
        if answer.clause is not None:
            heading += f"第（{chinese_numeral(answer.clause)}）项"
        lines.append(
            texts["silent"].format(
                heading=heading,
                number=answer.article,
                said=said,
                missing=missing,
            )
        )
        lines += [_heading(answer, regulation, lang), quote, texts["silent_ask"]]
        return "\n".join(lines)
    lines += [texts["answered"].format(direct=direct), _heading(answer, regulation, lang), quote]
    if answer.note:
        lines.append(html.escape(answer.note))
    if answer.asks_deadline:
        lines.append(_deadline(today, lang))
    return "\n".join(lines)


def render_reply(reply: Reply, regulation: Regulation, today: date, lang: str) -> Rendered:
    """The chat's text for a reply; ``lang`` is the language to answer in."""
    texts = TEXTS[lang]
    parts = reply.parts
    related: list[int] = []
    for part in parts:
        if part.article is not None and part.article not in related and len(parts) > 1:
            related.append(part.article)
    for part in parts:
        for number in part.related:
            if number not in related and number != part.article:
                related.append(number)
    related = related[:3] if len(parts) == 1 else related[: max(3, len(parts))]
    covered = any(p.kind != NONE for p in parts)
    if len(parts) == 1:
        body = render_part(parts[0], regulation, today, lang)
    else:
        blocks = [texts["multi"].format(count=len(parts))]
        for n, part in enumerate(parts, start=1):
            header = texts["part"].format(n=n, question=html.escape(part.question[:60]))
            blocks.append(header + "\n" + render_part(part, regulation, today, lang))
        body = "\n\n".join(blocks)
    if covered and related:
        body += "\n\n" + texts["related"]
    return Rendered(text=body, related=tuple(related) if covered else (), covered=covered)


def render_answer(answer: Answer, regulation: Regulation, today: date, lang: str = "zh") -> str:
    """Plain text of a single answer, as the chat would show it."""
    reply = Reply(parts=(answer,), lang=lang, question=answer.question)
    return to_plain(render_reply(reply, regulation, today, lang).text)
