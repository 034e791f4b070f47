"""Plain-text Chinese rendering of an Answer, shared by the bot and the eval."""

from __future__ import annotations

from datetime import date

from policy.deadlines import days_until, next_report_deadline
from policy.qa import Answer
from policy.regulation import Regulation, chinese_numeral

NOT_COVERED_ZH = "《办法》没有规定这个问题。"
REGULATION_POINTER_ZH = "发送 /regulation 可查看全部19条的要点。"


def article_heading(number: int) -> str:
    return f"第{chinese_numeral(number)}条"


def deadline_line_zh(today: date) -> str:
    deadline = next_report_deadline(today)
    left = days_until(deadline, today)
    stamp = f"{deadline.year}年{deadline.month}月{deadline.day}日"
    if left == 0:
        return f"今天（{stamp}）就是报送截止日，距离 {stamp} 报送截止还有 0 天"
    return f"距离 {stamp} 报送截止还有 {left} 天"


def render_answer_zh(answer: Answer, regulation: Regulation, today: date) -> str:
    if not answer.covered:
        return f"{NOT_COVERED_ZH}\n{REGULATION_POINTER_ZH}"
    lines: list[str] = []
    if answer.about_notice:
        notice = regulation.notice
        lines.append(f"《{notice.title}》（{notice.doc_number}）")
    elif answer.article is not None:
        heading = article_heading(answer.article)
        if answer.clause is not None:
            heading += f"第（{chinese_numeral(answer.clause)}）项"
        lines.append(heading)  # the article's short title is the bot's (its catalogs)
    lines.append(answer.quote)
    if answer.note:
        lines.append(answer.note)
    if answer.asks_deadline:
        lines.append(deadline_line_zh(today))
    if answer.related:
        lines.append("相关：" + "、".join(article_heading(n) for n in answer.related))
    return "\n".join(lines)
