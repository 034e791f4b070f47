"""/status: the five Art. 6 conditions for a studio as met / at risk / missing, with the
facts behind each; officers see every studio in their jurisdiction, worst first."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers.common import answer, pressed, private_only, studio_label
from bot.i18n import Raw
from bot.keyboards import rows
from policy.compliance import ConditionResult, Level, assess, worst_first
from policy.lifecycle import StudioStatus
from storage.compliance import facts_for
from storage.models import Studio
from storage.studios import StudioService

ICONS = {Level.MET: "✅", Level.AT_RISK: "⚠️", Level.MISSING: "❌"}
LISTED = 20


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
    if not studios:
        await answer(update, context, context.t("status.none"))
        return
    assessed = await assess_studios(context, studios)
    if len(assessed) == 1:
        await _detail(update, context, *assessed[0])
        return
    ordered = worst_first(assessed, name=lambda sr: sr[0].name, results=lambda sr: sr[1])
    lines = [
        context.t("status.summary_line", icons=_icons(context, studio, results),
                  studio=studio_label(studio))
        for studio, results in ordered[:LISTED]
    ]  # fmt: skip
    buttons = [(studio_label(studio), f"ss:{studio.id}") for studio, _ in ordered[:LISTED]]
    text = context.t("status.list_header", count=len(ordered), items=Raw("\n".join(lines)))
    await answer(update, context, text, rows(buttons))


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
