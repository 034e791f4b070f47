"""/status: the five Art. 6 conditions for a studio as met / at risk / missing, with the
facts behind each; officers see every studio in their jurisdiction, worst first."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import Codec
from bot.context import BotContext
from bot.handlers.common import answer, page_label, pressed, private_only, show, studio_label
from bot.handlers.web import with_dashboard
from bot.i18n import Raw
from bot.keyboards import rows
from bot.paging import number, paginate, read
from policy.compliance import ConditionResult, Level, assess, worst_first
from policy.lifecycle import StudioStatus
from storage.access import UnionTree, load_tree
from storage.compliance import facts_for
from storage.models import Studio
from storage.studios import StudioService

ICONS = {Level.MET: "✅", Level.AT_RISK: "⚠️", Level.MISSING: "❌"}
LISTED = 20
STATUS_LIST = Codec("sl")  # sl:<union, or 0 for all one sees>:<page>
UNIONS_PER_PAGE = 10
SEVERITY = {Level.MET: 0, Level.AT_RISK: 1, Level.MISSING: 2}


def _fact(context: BotContext, result: ConditionResult) -> str:
    params = dict(result.params)
    if "honour" in params:
        params["honour"] = Raw(context.t(f"honour.{params['honour']}"))
    return context.t(result.fact_key, **params)


async def assess_studios(
    context: BotContext, studios: list[Studio]
) -> list[tuple[Studio, tuple[ConditionResult, ...]]]:
    today = context.today()
    async with context.session() as session:
        facts = await facts_for(session, studios)
    return [(s, assess(facts[s.id], today)) for s in studios]


@private_only
async def status_command(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    async with context.session() as session:
        studios = await StudioService(session).visible(update.effective_user.id)
        tree = await load_tree(session)
    if not studios:
        await answer(update, context, context.t("status.none"))
        return
    assessed = await assess_studios(context, studios)
    if len(assessed) == 1:
        await _detail(update, context, *assessed[0])
        return
    groups = _by_union(tree, assessed)
    if len(assessed) > LISTED and len(groups) > 1:
        # A whole prefecture (or several counties): one line per union, paged; a union's
        # studios open from its button, worst first.
        await _summary(update, context, tree, groups, 0)
        return
    await _list(update, context, assessed, 0, 0)


Assessed = list[tuple[Studio, tuple[ConditionResult, ...]]]


def _by_union(tree: UnionTree, assessed: Assessed) -> dict[int, Assessed]:
    """Studios under the county/system union that reports for them (Art. 17)."""
    groups: dict[int, Assessed] = {}
    for item in assessed:
        union_id = tree.reporting_union(item[0].union_id) or item[0].union_id
        groups.setdefault(union_id, []).append(item)
    return dict(sorted(groups.items()))


async def _list(
    update: Update,
    context: BotContext,
    assessed: Assessed,
    union_id: int,
    page: int,
    turned: bool = False,
) -> None:
    """The studios (of one union, or all one sees), worst first, a page at a time:
    sl:<union or 0>:<page> turns it in place."""
    ordered = worst_first(assessed, name=lambda sr: sr[0].name, results=lambda sr: sr[1])
    lines = [
        context.t("status.summary_line", icons=_icons(context, studio, results),
                  studio=studio_label(studio))
        for studio, results in ordered
    ]  # fmt: skip
    shown = paginate(lines, page, per_page=LISTED)
    buttons = [(studio_label(studio), f"ss:{studio.id}") for studio, _ in ordered]
    text = context.t(
        "status.list_header",
        count=len(ordered),
        page=Raw(page_label(context, shown)),
        items=Raw("\n".join(lines[shown.start : shown.stop])),
    )
    grid = [
        *rows(buttons[shown.start : shown.stop]).inline_keyboard,
        *rows(shown.nav(lambda p: STATUS_LIST.pack(union_id, p)), 2).inline_keyboard,
    ]
    keyboard = with_dashboard(context, InlineKeyboardMarkup(grid))
    await (show if turned else answer)(update, context, text, keyboard)


async def status_list_button(update: Update, context: BotContext) -> None:
    union_id, page = await read(STATUS_LIST, update, number, number)
    async with context.session() as session:
        studios = await StudioService(session).visible(context.user_id)
        tree = await load_tree(session)
    assessed = await assess_studios(context, studios)
    if union_id:
        groups = _by_union(tree, assessed)
        if union_id not in groups:
            await answer(update, context, context.t("errors.not_allowed"))
            return
        assessed = groups[union_id]
    await _list(update, context, assessed, union_id, page, turned=True)


async def _summary(
    update: Update, context: BotContext, tree: UnionTree, groups: dict[int, Assessed], page: int
) -> None:
    lines, names = [], []
    for union_id, items in groups.items():
        worst = [max((r.level for r in results), key=SEVERITY.__getitem__) for _, results in items]
        names.append((union_id, tree.names.get(union_id, "?")))
        lines.append(context.t(
            "status.union_line", union=names[-1][1], count=len(items),
            met=worst.count(Level.MET), at_risk=worst.count(Level.AT_RISK),
            missing=worst.count(Level.MISSING),
        ))  # fmt: skip
    shown = paginate(lines, page, per_page=UNIONS_PER_PAGE)
    text = context.t(
        "status.prefecture",
        unions=len(groups),
        count=sum(len(items) for items in groups.values()),
        page=Raw(page_label(context, shown)),
        items=Raw("\n".join(lines[shown.start : shown.stop])),
    )
    keyboard = [
        [InlineKeyboardButton(name, callback_data=f"su:{union_id}")]
        for union_id, name in names[shown.start : shown.stop]
    ]
    if nav := shown.nav(lambda n: f"sg:{n}"):
        keyboard.append([InlineKeyboardButton(label, callback_data=data) for label, data in nav])
    await show(update, context, text, with_dashboard(context, InlineKeyboardMarkup(keyboard)))


async def status_page_button(update: Update, context: BotContext) -> None:
    """sg:<page> turns the union summary's page in place; su:<union> lists one union's
    studios. Both re-read what this person may see now."""
    query = update.callback_query
    assert query is not None and query.data is not None
    if (args := await pressed(update, context, int)) is None:
        return
    async with context.session() as session:
        studios = await StudioService(session).visible(context.user_id)
        tree = await load_tree(session)
    groups = _by_union(tree, await assess_studios(context, studios))
    if query.data.startswith("su:"):
        if args[0] not in groups:
            await answer(update, context, context.t("errors.not_allowed"))
            return
        await _list(update, context, groups[args[0]], args[0], 0)
        return
    await _summary(update, context, tree, groups, args[0])


async def status_button(update: Update, context: BotContext) -> None:
    if (args := await pressed(update, context, int)) is None:
        return
    async with context.session() as session:
        # card() re-checks that this person may see the studio.
        studio, _, _ = await StudioService(session).card(context.user_id, args[0])
    [(studio, results)] = await assess_studios(context, [studio])
    await _detail(update, context, studio, results)


def _icons(context: BotContext, studio: Studio, results: tuple[ConditionResult, ...]) -> str:
    if studio.status is StudioStatus.REVOKED:
        return context.t("status.revoked_icon")
    return "".join(ICONS[r.level] for r in results)


async def _detail(
    update: Update, context: BotContext, studio: Studio, results: tuple[ConditionResult, ...]
) -> None:
    today = context.today()
    if studio.status is StudioStatus.REVOKED:
        # Art. 17: a revoked studio is no longer held to Art. 6; say so instead of ticks.
        when = studio.revoked_on.isoformat() if studio.revoked_on else "-"
        text = context.t("status.revoked_detail", studio=studio.name, date=when)
        await answer(update, context, text)
        return
    lines = [
        context.t(
            "status.line",
            icon=ICONS[r.level],
            clause=Raw(context.t(f"status.clause.{r.clause}")),
            fact=Raw(_fact(context, r)),
        )
        for r in results
    ]
    text = context.t(
        "status.header", studio=studio.name, date=today.isoformat(), items=Raw("\n".join(lines))
    )
    await answer(update, context, text)
