"""/reminders, mute buttons, and the words of every reminder the scheduler sends."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.callbacks import Codec
from bot.context import BotContext
from bot.handlers.common import answer, local_time, pressed, private_only, show
from bot.i18n import Raw, resolve_language, t
from bot.keyboards import rows
from bot.paging import number, page_label, paginate, read
from reminders.schedule import KINDS, MANDATORY, OPTIONAL
from storage.access import load_access
from storage.errors import DomainError
from storage.models import ReminderStatus

REMINDERS_PAGE = Codec("rml")  # rml:<page> — a page of /reminders
LISTED = 30  # names per list in one reminder


def render_reminders(
    items: Sequence[tuple[str, dict[str, Any]]], language: str | None, telegram: str | None
) -> str:
    """One message per recipient, whatever number of reminders fell due for them."""
    lang = resolve_language(language, telegram)
    parts = [_render_one(lang, kind, payload) for kind, payload in items]
    parts.append(t(lang, "rem.footer"))
    return "\n\n".join(parts)


def _render_one(lang: str, kind: str, p: dict[str, Any]) -> str:
    if kind == "deadline":
        key = "rem.deadline_today" if p["days"] == 0 else "rem.deadline"
        head = t(
            lang, key, union=p["union"], year=p["year"], deadline=p["deadline"], days=p["days"]
        )
        studios = p.get("studios") or []
        tail = (
            t(lang, "rem.unassessed", count=len(studios), names=_bullets(lang, studios))
            if studios
            else t(lang, "rem.all_assessed")
        )
        return head + "\n" + tail
    if kind == "overdue":
        return t(lang, "rem.overdue", union=p["union"], year=p["year"], deadline=p["deadline"])
    if kind == "overdue_summary":
        return t(
            lang,
            "rem.overdue_summary",
            year=p["year"],
            deadline=p["deadline"],
            count=len(p["unions"]),
            names=_bullets(lang, p["unions"]),
        )
    if kind == "delivery":
        return t(
            lang,
            "rem.delivery",
            sent=p["sent"],
            unknown=p["unknown"],
            failed=p["failed"],
            blocked=p["blocked"],
            names=_bullets(lang, p["names"]),
        )
    return t(lang, f"rem.{kind}", **p)


def _bullets(lang: str, names: Sequence[str]) -> Raw:
    # Long lists are cut so one reminder always fits in a Telegram message.
    lines = ["· " + html.escape(n, quote=False) for n in names[:LISTED]]
    if len(names) > LISTED:
        lines.append(t(lang, "rem.more", count=len(names)))
    return Raw("\n".join(lines))


@private_only
async def reminders_command(update: Update, context: BotContext) -> None:
    await _reminders(update, context, 0)


async def reminders_page_button(update: Update, context: BotContext) -> None:
    (page,) = await read(REMINDERS_PAGE, update, number)
    await _reminders(update, context, page)


async def _reminders(update: Update, context: BotContext, page: int) -> None:
    """What will be sent to this person, a page at a time (rml:<page> turns it in place)."""
    user = update.effective_user
    assert user is not None
    service = context.deps.reminders
    upcoming = await service.upcoming(user.id)
    muted = await service.muted(user.id)
    async with context.session() as session:
        access = await load_access(session, user.id)
    lines = [
        context.t(
            "reminders.item",
            when=local_time(context, u.fires_at),
            kind=Raw(context.t(f"reminders.kind.{u.kind}")),
            subject=Raw(context.t("reminders.subject", subject=u.subject)) if u.subject else "",
        )
        for u in upcoming
        if u.kind not in muted
    ]
    shown = paginate(lines, page)
    if lines:
        text = context.t(
            "reminders.list",
            page=Raw(page_label(context, shown)),
            items=Raw("\n".join(lines[shown.start : shown.stop])),
        )
    else:
        text = context.t("reminders.none")
    if muted:
        kinds = context.t("list.sep").join(
            context.t(f"reminders.kind.{k}") for k in KINDS if k in muted
        )
        text += "\n\n" + context.t("reminders.muted", kinds=kinds)
    if access.officer_unions:
        text += "\n\n" + context.t("reminders.mandatory")
    relevant = [k for k in OPTIONAL if _relevant(k, access.is_admin, bool(access.leader_studios))]
    buttons = [
        (
            context.t(
                "btn.unmute" if k in muted else "btn.mute", kind=context.t(f"reminders.kind.{k}")
            ),
            f"rem:{'u' if k in muted else 'm'}:{k}",
        )
        for k in relevant
    ]
    grid = [
        *rows(buttons).inline_keyboard,
        *rows(shown.nav(REMINDERS_PAGE.pack), 2).inline_keyboard,
    ]
    await show(update, context, text, InlineKeyboardMarkup(grid) if grid else None)


def _relevant(kind: str, is_admin: bool, is_leader: bool) -> bool:
    if kind in ("no_project", "achievement_window"):
        return is_leader
    return is_admin


async def reminders_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    await query.answer()
    _, action, kind = [*query.data.split(":"), "", ""][:3]
    if kind in MANDATORY:
        await answer(update, context, context.t("reminders.cannot_mute"))
        return
    if action not in ("m", "u") or kind not in OPTIONAL:
        await answer(update, context, context.t("errors.stale_button"))
        return
    await context.deps.reminders.set_muted(update.effective_user.id, kind, action == "m")
    key = "reminders.muted_ok" if action == "m" else "reminders.unmuted_ok"
    await answer(update, context, context.t(key, kind=context.t(f"reminders.kind.{kind}")))


DELIVERY_DAYS = 30


@private_only
async def delivery_command(update: Update, context: BotContext) -> None:
    await _show_delivery(update, context, 0)


async def delivery_button(update: Update, context: BotContext) -> None:
    args = await pressed(update, context, int)
    if args is not None:
        await _show_delivery(update, context, args[0])


async def _show_delivery(update: Update, context: BotContext, page: int) -> None:
    """What became of the reminders of the last 30 days: the admins' delivery report."""
    async with context.session() as session:
        if not (await load_access(session, context.user_id)).is_admin:
            raise DomainError("errors.not_allowed")
    found = await context.deps.reminders.delivery_report(
        context.now() - timedelta(days=DELIVERY_DAYS)
    )
    c = found.counts
    text = context.t(
        "delivery.head",
        days=DELIVERY_DAYS,
        sent=c[ReminderStatus.SENT],
        unknown=c[ReminderStatus.UNKNOWN],
        failed=c[ReminderStatus.FAILED],
        blocked=c[ReminderStatus.SKIPPED],
        pending=c[ReminderStatus.PENDING] + c[ReminderStatus.SENDING],
    )
    lines = [
        context.t(
            "delivery.line",
            status=Raw(context.t(f"delivery.status.{d.status.value}")),
            when=local_time(context, d.claimed_at),
            name=d.name or str(d.recipient_id),
            kind=Raw(context.t(f"reminders.kind.{d.kind}")),
        )
        for d in found.problems
    ]
    keyboard = None
    if lines:
        shown = paginate(lines, page)
        text += "\n\n" + "\n".join(lines[shown.start : shown.stop])
        text += "\n\n" + context.t("delivery.unknown_help")
        nav = shown.nav(lambda n: f"dl:{n}")
        keyboard = rows(nav) if nav else None
    await show(update, context, text, keyboard)
