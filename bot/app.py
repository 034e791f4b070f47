"""The composition root: settings → storage → services → handlers → error handler → lifecycle."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import forms
from bot.commands import publish_commands
from bot.config import Settings
from bot.context import BotContext, BotData, Deps, UserData, wall_clock
from bot.handlers import (
    assessments,
    fallback,
    files,
    imports,
    invite,
    ledgers,
    people,
    policy,
    reminders,
    start,
    status,
    studios,
    web,
)
from bot.handlers.common import chat_member_changed, private_only, remember_user
from bot.handlers.reminders import render_reminders
from bot.runtime import (
    Journal,
    JournalQueue,
    JournalRequest,
    StudioApplication,
    instrument,
    tell_lost_updates,
)
from bot.throttle import Throttle
from policy.qa import QAEngine
from policy.regulation import load_regulation
from reminders import jobs as reminder_jobs
from reminders.service import ReminderService
from storage import drafts
from storage.accounts import AccountService
from storage.db import make_engine, make_session_factory
from storage.seed import ensure_seeded

log = logging.getLogger(__name__)

# PTB insists on a token; offline runs (console, tests) talk to a fake Bot API that accepts this.
OFFLINE_TOKEN = "123456:offline-console-token-not-for-telegram"

BotApp = Application[Any, BotContext, UserData, dict[Any, Any], BotData, Any]


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Callable[[], datetime] = wall_clock,
    ticks: Callable[[], float] = time.monotonic,
    rate_limit: bool = True,
    qa: QAEngine | None = None,
) -> BotApp:
    """`qa`: an engine built elsewhere (it is read-only once warm), e.g. one per test session.
    `clock` is the wall clock (deadlines, reminders); `ticks` a monotonic one (flood control,
    caches): both injected by tests, never slept on."""
    engine = make_engine(settings.database_url, settings.database_schema)
    sessions = make_session_factory(engine)
    if qa is None:
        qa = QAEngine(load_regulation())
    deps = Deps(
        settings=settings,
        engine=engine,
        sessions=sessions,
        regulation=qa.regulation,
        qa=qa,
        reminders=ReminderService(sessions, settings.reminder_schedule(), render_reminders, clock),
        clock=clock,
        ticks=ticks,
    )

    # Updates are journalled on receipt and closed after handling (kill -9 loses none silently).
    journal = Journal()
    journal.open(
        make_engine(settings.database_url, settings.database_schema, survive_power_loss=False),
        clock,
    )
    builder = (
        ApplicationBuilder()
        .application_class(
            StudioApplication, kwargs={"journal": journal, "throttle": Throttle(clock=ticks)}
        )
        .update_queue(JournalQueue(journal))
        .token(settings.token or OFFLINE_TOKEN)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData, user_data=UserData))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz))
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    if rate_limit:
        # Telegram allows ~30 messages/s overall and 20/min per group; PTB queues to stay inside.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    # Each getUpdates call acknowledges the updates taken before it: the journal is settled
    # first (bot.runtime.JournalRequest). In webhook mode the 200 follows the put instead.
    journal.settle_each = bool(settings.webhook_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(JournalRequest(request, journal))
    else:
        if settings.telegram_base_url:
            base = settings.telegram_base_url.rstrip("/")
            builder = builder.base_url(base).base_file_url(base.removesuffix("/bot") + "/file/bot")
        if settings.telegram_proxy:
            builder = builder.proxy(settings.telegram_proxy)
        # What PTB would build for getUpdates itself: one connection, the same proxy.
        polling = HTTPXRequest(connection_pool_size=1, proxy=settings.telegram_proxy)
        builder = builder.get_updates_request(JournalRequest(polling, journal))
    app: BotApp = builder.build()
    app.bot_data.deps = deps
    _register_handlers(app)
    return app


def _register_handlers(app: BotApp) -> None:
    # Group -2: someone blocked or unblocked the bot (reminders skip blocked people).
    app.add_handler(
        ChatMemberHandler(chat_member_changed, ChatMemberHandler.MY_CHAT_MEMBER), group=-2
    )
    # Group -1, for every update: record the person and settle their language.
    app.add_handler(TypeHandler(Update, remember_user), group=-1)

    # Control, bidi and zero-width characters are refused before any command or form sees
    # the text: one answer, nothing stored (in groups only commands are answered).
    app.add_handler(
        MessageHandler(
            fallback.UNCLEAN & (filters.ChatType.PRIVATE | filters.COMMAND), fallback.unclean_text
        )
    )
    # An edited message is not re-run (it could repeat a command or a form answer).
    app.add_handler(
        MessageHandler(
            filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE, fallback.edited
        )
    )

    # Commands. Account and data commands are private-only (checked inside each handler).
    app.add_handler(CommandHandler("start", start.start))
    app.add_handler(CommandHandler("help", start.help_command))
    app.add_handler(CommandHandler("me", start.me))
    app.add_handler(CommandHandler("language", start.language))
    app.add_handler(CommandHandler("invite", invite.invite))
    app.add_handler(CommandHandler("invites", invite.invites))
    app.add_handler(CommandHandler("people", people.people_command))
    app.add_handler(CommandHandler("ask", policy.ask))
    app.add_handler(CommandHandler("article", policy.article_command))
    app.add_handler(CommandHandler("regulation", policy.regulation_command))
    app.add_handler(CommandHandler("reminders", reminders.reminders_command))
    app.add_handler(CommandHandler("delivery", reminders.delivery_command))
    app.add_handler(CommandHandler("apply", studios.apply_command))
    app.add_handler(CommandHandler("review", studios.review_command))
    app.add_handler(CommandHandler("studio", studios.studio_command))
    app.add_handler(CommandHandler("rereview", studios.rereview_command))
    app.add_handler(CommandHandler("status", status.status_command))
    for kind in ledgers.FORMS:
        app.add_handler(CommandHandler(kind, ledgers.command(kind)))
    app.add_handler(CommandHandler("ledger", ledgers.ledger_command))
    # Non-blocking: a prefecture's workbook takes a while; other updates go on meanwhile.
    app.add_handler(CommandHandler("export", ledgers.export_command, block=False))
    app.add_handler(CommandHandler("import", imports.import_command))
    app.add_handler(CommandHandler("assess", assessments.assess_command))
    app.add_handler(CommandHandler("report", assessments.report_command))
    app.add_handler(CommandHandler("reported", assessments.reported_command))
    app.add_handler(CommandHandler("web", web.web_command))
    app.add_handler(CommandHandler("dashboard", web.dashboard_command))
    app.add_handler(CommandHandler("cancel", private_only(fallback.cancel)))

    # Buttons: each pattern owns one prefix; the handler re-checks role and jurisdiction.
    app.add_handler(CallbackQueryHandler(start.language_chosen, pattern=r"^lang:(zh|en)$"))
    app.add_handler(CallbackQueryHandler(start.help_button, pattern=r"^help$"))
    app.add_handler(CallbackQueryHandler(start.me_page_button, pattern=r"^mep:"))
    app.add_handler(CallbackQueryHandler(invite.invite_button, pattern=r"^inv:"))
    app.add_handler(CallbackQueryHandler(people.people_button, pattern=r"^pp:"))
    app.add_handler(CallbackQueryHandler(policy.article_button, pattern=r"^art:\d{1,2}$"))
    app.add_handler(CallbackQueryHandler(policy.regulation_command, pattern=r"^reg$"))
    app.add_handler(CallbackQueryHandler(reminders.reminders_button, pattern=r"^rem:"))
    app.add_handler(CallbackQueryHandler(reminders.reminders_page_button, pattern=r"^rml:"))
    app.add_handler(CallbackQueryHandler(reminders.delivery_button, pattern=r"^dl:"))
    app.add_handler(CallbackQueryHandler(forms.on_button, pattern=r"^f:"))
    app.add_handler(CallbackQueryHandler(studios.studio_button, pattern=r"^st:"))
    app.add_handler(CallbackQueryHandler(studios.card_button, pattern=r"^sc:"))
    app.add_handler(CallbackQueryHandler(studios.studio_page_button, pattern=r"^scp:"))
    app.add_handler(CallbackQueryHandler(studios.review_button, pattern=r"^rv[po]:"))
    app.add_handler(CallbackQueryHandler(studios.rereview_button, pattern=r"^rr[po]:"))
    app.add_handler(CallbackQueryHandler(status.status_button, pattern=r"^ss:"))
    app.add_handler(CallbackQueryHandler(status.status_page_button, pattern=r"^s[gu]:"))
    app.add_handler(CallbackQueryHandler(status.status_list_button, pattern=r"^sl:"))
    app.add_handler(CallbackQueryHandler(ledgers.ack_button, pattern=r"^ak:"))
    app.add_handler(CallbackQueryHandler(ledgers.ledger_button, pattern=r"^lg:"))
    app.add_handler(CallbackQueryHandler(ledgers.entries_page_button, pattern=r"^lgp:"))
    app.add_handler(CallbackQueryHandler(ledgers.deleted_page_button, pattern=r"^lrp:"))
    app.add_handler(CallbackQueryHandler(ledgers.studios_button, pattern=r"^ls[pk]:"))
    app.add_handler(CallbackQueryHandler(ledgers.delete_button, pattern=r"^ld:"))
    app.add_handler(CallbackQueryHandler(ledgers.delete_confirmed, pattern=r"^lx:"))
    app.add_handler(CallbackQueryHandler(ledgers.deleted_button, pattern=r"^lr:"))
    app.add_handler(CallbackQueryHandler(ledgers.restore_button, pattern=r"^lu:"))
    app.add_handler(CallbackQueryHandler(ledgers.replace_files_button, pattern=r"^lf:"))
    app.add_handler(CallbackQueryHandler(ledgers.permission_button, pattern=r"^mp:"))
    app.add_handler(CallbackQueryHandler(ledgers.panel_page_button, pattern=r"^mpp:"))
    app.add_handler(CallbackQueryHandler(files.file_button, pattern=r"^af:"))
    app.add_handler(CallbackQueryHandler(ledgers.edit_button, pattern=r"^le:"))
    app.add_handler(CallbackQueryHandler(ledgers.export_button, pattern=r"^ex:", block=False))
    app.add_handler(CallbackQueryHandler(ledgers.export_page_button, pattern=r"^exp:"))
    app.add_handler(CallbackQueryHandler(assessments.grade_button, pattern=r"^as:"))
    app.add_handler(CallbackQueryHandler(assessments.comment_button, pattern=r"^ac:"))
    app.add_handler(CallbackQueryHandler(assessments.download_button, pattern=r"^rw:"))
    app.add_handler(CallbackQueryHandler(assessments.assess_page_button, pattern=r"^a[py]:"))
    app.add_handler(CallbackQueryHandler(assessments.submit_button, pattern=r"^rp:"))
    app.add_handler(CallbackQueryHandler(assessments.reopen_button, pattern=r"^ro:"))
    app.add_handler(CallbackQueryHandler(assessments.prefecture_page_button, pattern=r"^rpv:"))
    app.add_handler(CallbackQueryHandler(assessments.assess_list_button, pattern=r"^a[go]:"))
    app.add_handler(CallbackQueryHandler(assessments.reported_page_button, pattern=r"^rdp:"))

    # Last resort, so nothing goes unanswered: unknown commands, free text (a question),
    # anything else a person can send, and buttons no handler recognises (stale or forged).
    app.add_handler(MessageHandler(filters.COMMAND, private_only(fallback.unknown_command)))
    app.add_handler(
        MessageHandler(
            filters.TEXT & filters.ChatType.PRIVATE & ~filters.COMMAND, fallback.text_message
        )
    )
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, fallback.non_text)
    )
    app.add_handler(CallbackQueryHandler(fallback.stale_button))

    app.add_error_handler(fallback.on_error)
    # Each update's log line names the handler that ran (bot.runtime).
    instrument(app)


async def on_startup(app: BotApp) -> None:
    deps = app.bot_data.deps
    assert deps is not None
    deps.qa.warm()  # jieba's dictionary loads now, not on the first question
    async with deps.sessions() as session:
        if await ensure_seeded(session):
            log.info("seeded the prefecture's unions")
        accounts = AccountService(session)
        for admin_id in deps.settings.admin_ids:
            if await accounts.grant_admin(admin_id):
                log.info("granted prefecture admin to %s (ADMIN_IDS)", admin_id)
    if app.job_queue is not None:
        # Jobs are rebuilt from configuration at every start; what is due comes from the database.
        reminder_jobs.register(app.job_queue, deps.reminders)
        app.job_queue.run_repeating(_expire_drafts, 6 * 3600, first=60, name="drafts:expire")
        # Updates a crash took from Telegram but never handled: their senders are told.
        app.job_queue.run_repeating(_lost_updates, 300, first=30, name="updates:lost")
    settings = deps.settings
    if settings.health_port is not None and isinstance(app, StudioApplication):
        from bot import health

        app.health_server = await health.start(app, settings.health_listen, settings.health_port)
    try:
        await publish_commands(app.bot)
    except TelegramError as exc:  # a menu is a nicety; never fail start-up over it
        log.warning("could not publish the command menu: %s", exc)


async def _expire_drafts(context: BotContext) -> None:
    # Forms left untouched for two weeks are emptied; their owner is told when they return.
    deps = context.deps
    async with deps.sessions() as session:
        await drafts.expire_old(session, deps.clock())


async def _lost_updates(context: BotContext) -> None:
    await tell_lost_updates(context.application)


async def on_shutdown(app: BotApp) -> None:
    deps = app.bot_data.deps
    if deps is not None:
        await deps.engine.dispose()
    if isinstance(app, StudioApplication):
        await app.journal.close()
        if app.health_server is not None:
            app.health_server.close()
            await app.health_server.wait_closed()
