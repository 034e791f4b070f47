"""Annual assessment and report in chat (Art. 17): /assess grades each studio, pre-filled
with its Art. 6 status; /report submits the union's report; /reported shows the prefecture
who has reported."""

from __future__ import annotations

import asyncio
import contextlib
import html
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import forms
from bot.callbacks import Codec
from bot.context import BotContext
from bot.forms import Form, Step
from bot.handlers.common import (
    answer,
    language_of,
    local_time,
    page_label,
    pressed,
    private_only,
    show,
    tell,
)
from bot.handlers.status import ICONS, assess_studios
from bot.handlers.web import with_dashboard
from bot.i18n import Raw, t
from bot.keyboards import rows
from bot.paging import number, paginate, read
from bot.reports import build_report
from policy.deadlines import days_until, report_deadline
from storage.access import load_access
from storage.assessments import AssessmentService, Graded, UnionProgress, UnionYear
from storage.errors import DomainError
from storage.models import AssessmentGrade, User
from storage.reports import year_report

GRADE_CODES = {"e": AssessmentGrade.EXCELLENT, "g": AssessmentGrade.GOOD,
               "p": AssessmentGrade.PASS, "f": AssessmentGrade.FAIL}  # fmt: skip
CODE_OF = {g: c for c, g in GRADE_CODES.items()}
UNIONS_PER_PAGE = 10
ASSESS_PAGE = Codec("ag")  # ag:<union>:<year>:<page> — a union's studios still to grade
ASSESS_OPEN = Codec("ao")  # ao:<studio>:<year> — one studio with its grade buttons
PREFECTURE_PAGE = Codec("rpv")  # rpv:<page>:<year> — the prefecture's /report list
REPORTED_PAGE = Codec("rdp")  # rdp:<page>:<year> — /reported


def _year(context: BotContext) -> int:
    return context.today().year


@private_only
async def assess_command(update: Update, context: BotContext) -> None:
    year = _year(context)
    async with context.session() as session:
        progress = await AssessmentService(session).progress(context.user_id, year)
    if not progress:
        await answer(update, context, context.t("assess.not_officer"))
        return
    if len(progress) > 1:
        # The prefecture (or an officer of several unions): one summary, paged, not a
        # message per studio; a union's studios open from its button.
        await _assess_summary(update, context, progress, year, 0)
        return
    await _assess_union(update, context, progress[0].union.id, year)


async def _assess_union(
    update: Update, context: BotContext, union_id: int, year: int, page: int = 0,
    turned: bool = False,
) -> None:  # fmt: skip
    """The union's studios still to grade, one message a page at a time (ag:<union>:<year>:
    <page> turns it in place); 📝 n opens a studio with its grade buttons."""
    async with context.session() as session:
        overview = await AssessmentService(session).overview(context.user_id, year, union_id)
    for item in overview:
        done = len(item.studios) - len(item.unassessed)
        header = context.t("assess.header", union=item.union.name, year=year, done=done,
                           total=len(item.studios))  # fmt: skip
        if item.submitted:
            await answer(update, context, header + "\n" + context.t("assess.reported"))
            continue
        if not item.unassessed:
            await answer(update, context, header + "\n" + context.t("assess.all_done"))
            continue
        names = [f"{n}. {html.escape(s.name, quote=False)}" for n, s in
                 enumerate(item.unassessed, 1)]  # fmt: skip
        shown = paginate(names, page)
        # Art. 6 icons for the page shown only (a union may have hundreds of studios).
        assessed = await assess_studios(context, item.unassessed[shown.start : shown.stop])
        lines = [
            f"{name} " + "".join(ICONS[r.level] for r in results)
            for name, (_, results) in zip(names[shown.start : shown.stop], assessed, strict=True)
        ]
        text = context.t("assess.list", header=Raw(header), page=Raw(page_label(context, shown)),
                         items=Raw("\n".join(lines)))  # fmt: skip
        buttons = [
            (context.t("btn.assess_open", n=n), ASSESS_OPEN.pack(s.id, year))
            for n, s in enumerate(item.unassessed, 1)
        ][shown.start : shown.stop]
        nav = shown.nav(partial(ASSESS_PAGE.pack, item.union.id, year))
        await (show if turned else answer)(update, context, text, rows(buttons + nav, 4))
        if len(item.unassessed) == 1 and not turned:  # just one left: its buttons at once
            await _assess_one(update, context, item.unassessed[0].id, year)


async def assess_list_button(update: Update, context: BotContext) -> None:
    """ag:<union>:<year>:<page> turns a union's list; ao:<studio>:<year> opens one studio."""
    query = update.callback_query
    assert query is not None and query.data is not None
    if ASSESS_PAGE.matches(query.data):
        union_id, year, page = await read(ASSESS_PAGE, update, number, number, number)
    else:
        studio_id, year = await read(ASSESS_OPEN, update, number, number)
    if year != _year(context):
        await answer(update, context, context.t("errors.stale_button"))
        return
    if ASSESS_PAGE.matches(query.data):
        await _assess_union(update, context, union_id, year, page, turned=True)
    else:
        await _assess_one(update, context, studio_id, year)


async def _assess_one(update: Update, context: BotContext, studio_id: int, year: int) -> None:
    async with context.session() as session:
        studio = await AssessmentService(session).check_grade(context.user_id, studio_id, year)
    [(studio, results)] = await assess_studios(context, [studio])
    icons = "".join(ICONS[r.level] for r in results)
    text = context.t("assess.studio", studio=studio.name, icons=icons)
    buttons = [
        InlineKeyboardButton(context.t(f"grade.{g.value}"),
                             callback_data=f"as:{studio.id}:{year}:{CODE_OF[g]}")
        for g in AssessmentGrade
    ]  # fmt: skip
    await answer(update, context, text, InlineKeyboardMarkup([buttons[:2], buttons[2:]]))


async def _assess_summary(
    update: Update, context: BotContext, progress: list[UnionProgress], year: int, page: int
) -> None:
    def mark(p: UnionProgress) -> str:
        return "✅" if p.submitted else "🟢" if p.graded == p.total else "⏳"

    lines = [
        context.t("assess.union_line", mark=mark(p), union=p.union.name, done=p.graded,
                  total=p.total)
        for p in progress
    ]  # fmt: skip
    shown = paginate(lines, page, per_page=UNIONS_PER_PAGE)
    text = context.t(
        "assess.prefecture",
        year=year,
        unions=len(progress),
        reported=sum(1 for p in progress if p.submitted),
        done=sum(p.graded for p in progress),
        total=sum(p.total for p in progress),
        page=Raw(page_label(context, shown)),
        items=Raw("\n".join(lines[shown.start : shown.stop])),
    )
    buttons = [(p.union.name, f"ay:{p.union.id}:{year}")
               for p in progress[shown.start : shown.stop]]  # fmt: skip
    nav = shown.nav(lambda n: f"ap:{n}:{year}")
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data)] for label, data in buttons]
        + ([[InlineKeyboardButton(label, callback_data=data) for label, data in nav]] if nav
           else [])
    )  # fmt: skip
    await show(update, context, text, keyboard)


async def assess_page_button(update: Update, context: BotContext) -> None:
    """ap:<page>:<year> turns the summary's page (in place); ay:<union>:<year> opens one."""
    query = update.callback_query
    assert query is not None and query.data is not None
    args = await pressed(update, context, int, int)
    if args is None:
        return
    if args[1] != _year(context):
        await answer(update, context, context.t("errors.stale_button"))
        return
    if query.data.startswith("ay:"):
        await _assess_union(update, context, args[0], args[1])
        return
    async with context.session() as session:
        progress = await AssessmentService(session).progress(context.user_id, args[1])
    if not progress:
        await answer(update, context, context.t("assess.not_officer"))
        return
    await _assess_summary(update, context, progress, args[1], args[0])


async def grade_button(update: Update, context: BotContext) -> None:
    """as:<studio>:<year>:<grade> grades; a 不合格 first asks why (a comment is required)."""
    args = await pressed(update, context, int, int, GRADE_CODES.__getitem__)
    if args is None:
        return
    studio_id, year, grade = args
    if year != _year(context):
        await answer(update, context, context.t("errors.stale_button"))
        return
    if grade is AssessmentGrade.FAIL:
        async with context.session() as session:
            studio = await AssessmentService(session).check_grade(context.user_id, studio_id, year)
        data = {"studio_id": studio_id, "year": year, "studio": studio.name}
        await forms.start(update, context, FAIL, data)
        return
    async with context.session() as session:
        graded = await AssessmentService(session).grade(
            context.user_id, studio_id, year, grade, now=context.now()
        )
    await _graded(update, context, graded, studio_id, year, grade)


async def _graded(
    update: Update, context: BotContext, graded: Graded, studio_id: int, year: int,
    grade: AssessmentGrade,
) -> None:  # fmt: skip
    union_id = graded.assessment.union_id
    async with context.session() as session:
        overview = await AssessmentService(session).overview(context.user_id, year, union_id)
    item = overview[0] if overview else None
    left = len(item.unassessed) if item else 0
    studio = next((s.name for s, _ in item.studios if s.id == studio_id), "") if item else ""
    query = update.callback_query
    if query is not None and query.data and query.data.startswith("as:"):
        # The graded studio's buttons go; /assess shows it again to change (already gone
        # after a double press, or on the other instance's message: fine).
        with contextlib.suppress(TelegramError):
            await query.edit_message_reply_markup(None)
    if not graded.changed:  # a second press of the same grade (here or on another instance)
        key = "assess.already_graded"
    else:
        key = "assess.graded_last" if left == 0 else "assess.graded"
    keyboard = rows([(context.t("assess.comment_btn"), f"ac:{studio_id}:{year}")])
    await answer(update, context, context.t(key, studio=studio,
                 grade=Raw(context.t(f"grade.{grade.value}")), left=left), keyboard)  # fmt: skip


async def _comment_summary(context: BotContext, data: dict[str, Any]) -> str:
    grade = context.t(f"grade.{data.get('grade', 'fail')}")
    return context.t("assess.comment_summary", studio=data["studio"], year=data["year"],
                     grade=grade, comment=data["comment"])  # fmt: skip


async def _fail_submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    studio_id, year = int(data["studio_id"]), int(data["year"])
    graded = await AssessmentService(session).grade(
        context.user_id, studio_id, year, AssessmentGrade.FAIL, data["comment"], now=context.now()
    )
    await _graded(update, context, graded, studio_id, year, AssessmentGrade.FAIL)


async def _comment_submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    studio_id, year = int(data["studio_id"]), int(data["year"])
    grade = AssessmentGrade(data["grade"])
    await AssessmentService(session).grade(
        context.user_id, studio_id, year, grade, data["comment"], now=context.now()
    )
    await answer(update, context, context.t("assess.comment_saved", studio=data["studio"]))


FAIL = forms.register(
    Form(
        name="grade_fail",
        title="assess.fail_title",
        steps=(Step("comment", "assess.ask.fail_comment", parse=forms.text(1000)),),
        summary=_comment_summary,
        submit=_fail_submit,
    )
)
COMMENT = forms.register(
    Form(
        name="grade_comment",
        title="assess.comment_title",
        steps=(Step("comment", "assess.ask.comment", parse=forms.text(1000)),),
        summary=_comment_summary,
        submit=_comment_submit,
    )
)


async def comment_button(update: Update, context: BotContext) -> None:
    """ac:<studio>:<year> — a comment on a grade already given (optional but for 不合格)."""
    args = await pressed(update, context, int, int)
    if args is None:
        return
    studio_id, year = args
    if year != _year(context):
        await answer(update, context, context.t("errors.stale_button"))
        return
    async with context.session() as session:
        service = AssessmentService(session)
        studio = await service.check_grade(context.user_id, studio_id, year)
        row = await service.assessment_of(studio_id, year)
    if row is None:
        await answer(update, context, context.t("errors.stale_button"))
        return
    await forms.start(update, context, COMMENT, {"studio_id": studio_id, "year": year,
                      "studio": studio.name, "grade": row.grade.value})  # fmt: skip


@private_only
async def report_command(update: Update, context: BotContext) -> None:
    year = _year(context)
    async with context.session() as session:
        access = await load_access(session, context.user_id)
        overview = await AssessmentService(session).overview(context.user_id, year)
    if not overview:
        await answer(update, context, context.t("assess.not_officer"))
        return
    if access.is_admin:
        await _prefecture_view(update, context, overview, year, 0)
    today = context.today()
    # Art. 17: each union submits its own report; the prefecture views and can re-open.
    for item in (u for u in overview if u.union.id in access.officer_unions):
        if item.submitted and item.report and item.report.submitted_at:
            when = local_time(context, item.report.submitted_at)
            done = context.t("report.done", union=item.union.name, year=year, when=when)
            await answer(update, context, done, _download(context, item.union.id, year))
            continue
        text = context.t("report.ready" if not item.unassessed else "report.not_ready",
                         union=item.union.name, year=year, total=len(item.studios),
                         left=len(item.unassessed),
                         days=days_until(report_deadline(year), today))  # fmt: skip
        if item.report and item.report.reopen_reason:
            text += context.t("report.reopened_line", reason=item.report.reopen_reason)
        buttons = [(context.t("report.submit_btn", year=year), f"rp:{item.union.id}:{year}")]
        buttons = buttons if not item.unassessed else []
        download = (context.t("report.download_btn", year=year), f"rw:{item.union.id}:{year}")
        await answer(update, context, text, rows([*buttons, download]))


def _download(context: BotContext, union_id: int, year: int) -> InlineKeyboardMarkup:
    return rows([(context.t("report.download_btn", year=year), f"rw:{union_id}:{year}")])


async def download_button(update: Update, context: BotContext) -> None:
    """rw:<union>:<year> — the union's year-end report as a workbook; rw:0:<year> the
    prefecture's over all unions. Rights are checked again by the service."""
    args = await pressed(update, context, int, int)
    if args is None or update.effective_chat is None:
        return
    union_id, year = args
    async with context.session() as session:
        report = await year_report(session, context.user_id, union_id or None, year,
                                   context.today())  # fmt: skip
    content = await asyncio.to_thread(build_report, report, context.t)
    who = report.union or context.t("report.book.prefecture")
    await context.bot.send_document(
        update.effective_chat.id,
        document=content,
        filename=context.t("report.book.file", union=Raw(who), year=year) + ".xlsx",
        caption=context.t("report.book.caption", union=who, year=year, count=len(report.rows)),
    )


async def _admin_year_page(
    update: Update, context: BotContext, codec: Codec
) -> tuple[int, int] | None:
    """A page press on the prefecture's view of a year: (page, year); None, after saying so,
    when the year has turned since the page was shown. Rights are re-checked on every press."""
    page, year = await read(codec, update, number, number)
    if year != _year(context):
        await answer(update, context, context.t("errors.stale_button"))
        return None
    async with context.session() as session:
        if not (await load_access(session, context.user_id)).is_admin:
            raise DomainError("errors.not_allowed")
    return page, year


async def prefecture_page_button(update: Update, context: BotContext) -> None:
    """rpv:<page>:<year> turns the prefecture's report list in place."""
    if (pressed_page := await _admin_year_page(update, context, PREFECTURE_PAGE)) is None:
        return
    page, year = pressed_page
    async with context.session() as session:
        overview = await AssessmentService(session).overview(context.user_id, year)
    await _prefecture_view(update, context, overview, year, page)


async def _prefecture_view(
    update: Update, context: BotContext, overview: list[UnionYear], year: int, page: int
) -> None:
    lines: list[str] = []
    buttons: list[list[tuple[str, str]]] = []  # each union's buttons, beside its line
    for item in overview:
        if item.submitted and item.report and item.report.submitted_at:
            lines.append(context.t("report.line_done", union=item.union.name,
                                   when=local_time(context, item.report.submitted_at)))  # fmt: skip
            buttons.append([(context.t("report.reopen_btn", union=item.union.name),
                             f"ro:{item.union.id}:{year}:{item.fingerprint}")])  # fmt: skip
        else:
            done = len(item.studios) - len(item.unassessed)
            lines.append(context.t("report.line_waiting", union=item.union.name, done=done,
                                   total=len(item.studios)))  # fmt: skip
            buttons.append([])
    shown = paginate(lines, page, per_page=UNIONS_PER_PAGE)
    text = context.t("report.prefecture", year=year, page=Raw(page_label(context, shown)),
                     items=Raw("\n".join(lines[shown.start : shown.stop])),
                     done=sum(1 for u in overview if u.submitted), total=len(overview))  # fmt: skip
    on_page = [b for union in buttons[shown.start : shown.stop] for b in union]
    on_page.append((context.t("report.download_btn", year=year), f"rw:0:{year}"))
    nav = rows(shown.nav(lambda n: PREFECTURE_PAGE.pack(n, year)), 2).inline_keyboard
    keyboard = InlineKeyboardMarkup([*rows(on_page).inline_keyboard, *nav])
    await show(update, context, text, with_dashboard(context, keyboard))


async def submit_button(update: Update, context: BotContext) -> None:
    """rp:<union>:<year> asks first; rp:<union>:<year>:<fingerprint> submits what was shown."""
    query = update.callback_query
    assert query is not None and query.data is not None
    if query.data == "rp:no":
        await query.answer()
        await query.edit_message_reply_markup(None)
        await answer(update, context, context.t("confirm.cancelled"))
        return
    confirming = query.data.count(":") == 3
    args = await pressed(update, context, int, int, *([str] if confirming else []))
    if args is None:
        return
    union_id, year = args[0], args[1]
    if year != _year(context):
        await answer(update, context, context.t("errors.stale_button"))
        return
    if not confirming:
        async with context.session() as session:
            item = await AssessmentService(session).check_submit(context.user_id, union_id, year)
        counts = item.counts()
        text = context.t("report.confirm", union=item.union.name, year=year,
                         total=len(item.studios),
                         **{g.value: n for g, n in counts.items()})  # fmt: skip
        keyboard = rows(
            [
                (context.t("report.confirm_btn"), f"rp:{union_id}:{year}:{item.fingerprint}"),
                (context.t("confirm.no"), "rp:no"),
            ],
            2,
        )
        await answer(update, context, text, keyboard)
        return
    with contextlib.suppress(TelegramError):  # already gone after a double press
        await query.edit_message_reply_markup(None)
    async with context.session() as session:
        item, admins = await AssessmentService(session).submit(
            context.user_id, union_id, year, args[2], now=context.now()
        )
        users = [await session.get(User, a) for a in admins]
    await answer(update, context, context.t("report.submitted", union=item.union.name, year=year,
                                            total=len(item.studios)))  # fmt: skip
    for user in users:
        if user is None:
            continue
        notice = t(language_of(user), "report.notice", union=item.union.name, year=year,
                   total=len(item.studios))  # fmt: skip
        await tell(context, user.id, notice)


async def _reopen_summary(context: BotContext, data: dict[str, Any]) -> str:
    return context.t("report.reopen_summary", union=data["union"], year=data["year"],
                     reason=data["reason"])  # fmt: skip


async def _reopen_submit(
    update: Update, context: BotContext, session: AsyncSession, data: dict[str, Any]
) -> None:
    union_id, year = int(data["union_id"]), int(data["year"])
    item, officers = await AssessmentService(session).reopen(
        context.user_id, union_id, year, data["reason"], data["fingerprint"]
    )
    users = [await session.get(User, o) for o in officers]
    await answer(update, context, context.t("report.reopened", union=item.union.name, year=year,
                                            count=len(users)))  # fmt: skip
    for user in users:
        if user is None:
            continue
        notice = t(language_of(user), "report.reopened_notice", union=item.union.name,
                   year=year, reason=data["reason"])  # fmt: skip
        await tell(context, user.id, notice)


REOPEN = forms.register(
    Form(
        name="reopen",
        title="report.reopen_title",
        steps=(Step("reason", "report.ask.reopen_reason", parse=forms.text(500)),),
        summary=_reopen_summary,
        submit=_reopen_submit,
    )
)


async def reopen_button(update: Update, context: BotContext) -> None:
    """ro:<union>:<year>:<fingerprint> — the prefecture re-opens a submitted report."""
    args = await pressed(update, context, int, int, str)
    if args is None:
        return
    union_id, year, fingerprint = args
    async with context.session() as session:
        item = await AssessmentService(session).check_reopen(
            context.user_id, union_id, year, fingerprint
        )
    data = {"union_id": union_id, "year": year, "fingerprint": fingerprint,
            "union": item.union.name}  # fmt: skip
    await forms.start(update, context, REOPEN, data)


@private_only
async def reported_command(update: Update, context: BotContext) -> None:
    year = _year(context)
    async with context.session() as session:
        if not (await load_access(session, context.user_id)).is_admin:
            raise DomainError("errors.not_allowed")
        overview = await AssessmentService(session).progress(context.user_id, year)
    await _reported(update, context, overview, year, 0)


async def reported_page_button(update: Update, context: BotContext) -> None:
    """rdp:<page>:<year> turns /reported's page in place."""
    if (pressed_page := await _admin_year_page(update, context, REPORTED_PAGE)) is None:
        return
    page, year = pressed_page
    async with context.session() as session:
        overview = await AssessmentService(session).progress(context.user_id, year)
    await _reported(update, context, overview, year, page)


async def _reported(
    update: Update, context: BotContext, overview: list[UnionProgress], year: int, page: int
) -> None:
    today = context.today()
    lines = [
        ("✅ " if u.submitted else "⏳ ") + html.escape(u.union.name, quote=False)
        + (context.t("reported.when", when=local_time(context, u.report.submitted_at))
           if u.submitted and u.report and u.report.submitted_at else "")
        for u in overview
    ]  # fmt: skip
    done = sum(1 for u in overview if u.submitted)
    shown = paginate(lines, page)
    text = context.t("reported.list", year=year, done=done, total=len(overview),
                     days=days_until(report_deadline(year), today),
                     page=Raw(page_label(context, shown)),
                     items=Raw("\n".join(lines[shown.start : shown.stop])))  # fmt: skip
    nav = shown.nav(lambda n: REPORTED_PAGE.pack(n, year))
    await show(update, context, text, with_dashboard(context, rows(nav, 2) if nav else None))
