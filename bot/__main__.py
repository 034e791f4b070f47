"""Entry point: ``python -m bot [run|console|migrate|admin …|union …]``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from telegram.error import InvalidToken

from bot.config import ConfigError, Settings, load_settings
from bot.logs import install_token_filter
from storage.accounts import AccountService
from storage.db import make_engine, make_session_factory
from storage.errors import DomainError
from storage.migrate import upgrade
from storage.models import UnionKind
from storage.seed import ensure_seeded
from storage.unions import UnionService

log = logging.getLogger("bot")

NO_TOKEN = """\
没有设置 TELEGRAM_BOT_TOKEN，现在启动本地对话（console），不连 Telegram。
要连接 Telegram：
  1. 在 Telegram 里找 @BotFather，发送 /newbot，按提示取名，得到 token；
  2. 把 TELEGRAM_BOT_TOKEN=<token> 写进项目目录下的 .env（参考 .env.example）；
  3. 再次运行 make run。
No TELEGRAM_BOT_TOKEN set: starting the local console chat instead (see README).
"""


async def prepare_database(settings: Settings) -> None:
    """Apply migrations and seed the union hierarchy; safe to run on every start."""
    settings.ensure_data_dir()
    engine = make_engine(settings.database_url, settings.database_schema)
    try:
        await upgrade(engine)
        async with make_session_factory(engine)() as session:
            await ensure_seeded(session)
    finally:
        await engine.dispose()


def run_bot(settings: Settings) -> None:
    from telegram import Update

    from bot.app import build_application
    from bot.backup import run_lock

    # Held while running, so `restore` will not swap the SQLite file under a live bot.
    with run_lock(settings) as held:
        if not held:
            log.warning("another process holds the database lock (a second bot on one SQLite?)")
        if settings.web_enabled:
            # The dashboard runs in this process and loop; in webhook mode it takes the webhook.
            from bot.web import run_with_web

            asyncio.run(run_with_web(settings))
            return
        app = build_application(settings)
        if settings.webhook_url:
            app.run_webhook(**settings.webhook_options(), allowed_updates=Update.ALL_TYPES)
        else:
            # run_polling stops cleanly on SIGINT/SIGTERM: the update in hand finishes first.
            app.run_polling(allowed_updates=Update.ALL_TYPES)


async def admin_command(settings: Settings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.database_url, settings.database_schema)
    try:
        async with make_session_factory(engine)() as session:
            accounts = AccountService(session)
            if args.action == "grant":
                changed = await accounts.grant_admin(args.user_id)
                print(f"{args.user_id}: {'已设为州总工会管理员' if changed else '已经是管理员'}")
            elif args.action == "revoke":
                changed = await accounts.revoke_admin(args.user_id, now=datetime.now(UTC))
                print(f"{args.user_id}: {'已撤销管理员' if changed else '不是管理员'}")
            else:
                for user in await accounts.admins():
                    print(f"{user.id}\t{user.full_name}")
    finally:
        await engine.dispose()
    return 0


async def union_command(settings: Settings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.database_url, settings.database_schema)
    try:
        async with make_session_factory(engine)() as session:
            unions = UnionService(session)
            if args.action == "add":
                union = await unions.add(args.name, UnionKind(args.kind), args.parent)
                print(f"已添加 {union.id}\t{union.name}")
            else:
                tree = await unions.tree()
                for union in await unions.all():
                    parent = tree.names.get(union.parent_id or 0, "")
                    print(f"{union.id}\t{union.name}\t{union.kind.value}\t{parent}")
    finally:
        await engine.dispose()
    return 0


async def reminders_command(settings: Settings, args: argparse.Namespace) -> int:
    from collections import defaultdict

    from bot.handlers.reminders import render_reminders
    from bot.telegram_html import to_plain
    from reminders.service import ReminderService
    from storage.models import User

    tz = settings.tz
    if args.at:
        at = datetime.fromisoformat(args.at)
        at = at.replace(tzinfo=tz) if at.tzinfo is None else at
    else:
        at = datetime.now(tz)
    engine = make_engine(settings.database_url, settings.database_schema)
    try:
        sessions = make_session_factory(engine)
        service = ReminderService(
            sessions, settings.reminder_schedule(), render_reminders, lambda: at
        )
        planned = await service.dry_run(at)
        by_recipient: dict[int, list[tuple[Any, bool]]] = defaultdict(list)
        for due, done in planned:
            by_recipient[due.recipient_id].append((due, done))
        count, people = len(planned), len(by_recipient)
        print(
            f"试运行 {at.astimezone(tz):%Y-%m-%d %H:%M %Z}："
            f"{count} 条提醒，发给 {people} 人（不会发送）\n"
            f"dry run: {count} {'reminder' if count == 1 else 'reminders'} for {people} "
            f"{'person' if people == 1 else 'people'} (nothing is sent)"
        )
        async with sessions() as session:
            for recipient, items in by_recipient.items():
                user = await session.get(User, recipient)
                fresh = [d for d, done in items if not done]
                keys = ", ".join(
                    f"{d.kind}/{d.period}/{d.stage}" + (" (already sent)" if done else "")
                    for d, done in items
                )
                print(f"\n→ {recipient} {user.full_name if user else ''}: {keys}")
                if fresh:
                    text = render_reminders(
                        [(d.kind, d.payload) for d in fresh],
                        user.language if user else None,
                        user.telegram_language if user else None,
                    )
                    print("  " + to_plain(text).replace("\n", "\n  "))
    finally:
        await engine.dispose()
    return 0


async def import_command(settings: Settings, args: argparse.Namespace) -> int:
    """Existing records from a workbook in /export's layout, as the prefecture: all or none."""
    from pathlib import Path

    from bot.i18n import DEFAULT_LANGUAGE, t
    from bot.imports import describe, read_workbook
    from bot.telegram_html import to_plain
    from storage.imports import ImportService
    from storage.models import Union

    lang = DEFAULT_LANGUAGE
    content = await asyncio.to_thread(Path(args.file).read_bytes)
    now = datetime.now(UTC)
    engine = make_engine(settings.database_url, settings.database_schema)
    try:
        async with make_session_factory(engine)() as session:
            unions = {u.name: u.id for u in await session.scalars(select(Union))}
            plan = await asyncio.to_thread(
                read_workbook, content, today=now.astimezone(settings.tz).date(), unions=unions
            )
            issues = plan.issues or await ImportService(session).apply(None, plan.studios, now=now)
    finally:
        await engine.dispose()
    if issues:
        print(to_plain(t(lang, "import.failed", count=len(issues))), file=sys.stderr)
        for line in describe(issues, lang):
            print("  " + line, file=sys.stderr)
        return 1
    print(to_plain(t(lang, "import.done", studios=len(plan.studios))))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="劳模创新工作室助手")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="start the bot (default; console if no token)")
    console = sub.add_parser("console", help="local chat in the terminal, no Telegram")
    console.add_argument("--user-id", type=int, default=1)
    console.add_argument("--name", default="访客")
    sub.add_parser("migrate", help="apply database migrations")
    admin = sub.add_parser("admin", help="prefecture admins")
    admin_sub = admin.add_subparsers(dest="action", required=True)
    for action in ("grant", "revoke"):
        a = admin_sub.add_parser(action)
        a.add_argument("user_id", type=int, help="Telegram user id")
    admin_sub.add_parser("list")
    union = sub.add_parser("union", help="the union hierarchy")
    union_sub = union.add_subparsers(dest="action", required=True)
    add = union_sub.add_parser("add")
    add.add_argument("name")
    add.add_argument("--kind", choices=[k.value for k in UnionKind], default="grassroots")
    add.add_argument("--parent", help="parent union's name")
    union_sub.add_parser("list")
    backup = sub.add_parser("backup", help="copy the database (SQLite) or show the pg_dump command")
    backup.add_argument("--to", default="data/backups", help="folder for the copy")
    restore = sub.add_parser("restore", help="replace the SQLite database with a backup")
    restore.add_argument("file")
    restore.add_argument("--force", action="store_true", help="even if the bot is running")
    rem = sub.add_parser("reminders", help="show who would get which reminder (no sending)")
    rem.add_argument("--dry-run", action="store_true", required=True)
    rem.add_argument("--at", help="moment to plan for, e.g. 2026-12-24T09:00 (local time)")
    imp = sub.add_parser("import", help="bring in existing records from an /export workbook")
    imp.add_argument("file", help="the .xlsx, in the layout /export produces")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    install_token_filter(None)  # any token-shaped text, before the settings are even read
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    install_token_filter(settings.token)
    command = args.command or "run"
    if command in ("backup", "restore"):
        from pathlib import Path

        from bot.backup import BackupError, backup, restore

        try:
            if command == "backup":
                print(backup(settings, Path(args.to)))
            else:
                print(restore(settings, Path(args.file), args.force))
        except BackupError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0
    try:
        asyncio.run(prepare_database(settings))
        if command == "migrate":
            print("数据库已是最新 / database is up to date")
            return 0
        if command == "admin":
            return asyncio.run(admin_command(settings, args))
        if command == "union":
            return asyncio.run(union_command(settings, args))
        if command == "reminders":
            return asyncio.run(reminders_command(settings, args))
        if command == "import":
            return asyncio.run(import_command(settings, args))
        if command == "console" or settings.token is None:
            from bot.console import run_console

            if command != "console":
                print(NO_TOKEN)
            asyncio.run(
                run_console(settings, getattr(args, "user_id", 1), getattr(args, "name", "访客"))
            )
            return 0
        run_bot(settings)
        return 0
    except InvalidToken:
        # PTB's message quotes the token: say what to do, and never print the token.
        log.error(
            "TELEGRAM_BOT_TOKEN was rejected by Telegram (bot id %s): check it with @BotFather"
            " (/token), or that TELEGRAM_BASE_URL points at the right Bot API server",
            (settings.token or "").partition(":")[0],
        )
        return 2
    except DomainError as exc:
        from bot.i18n import DEFAULT_LANGUAGE, t
        from bot.telegram_html import to_plain

        print(to_plain(t(DEFAULT_LANGUAGE, exc.key, **exc.params)), file=sys.stderr)
        return 1
    except Exception:
        # Through logging, so the traceback is masked too (a URL in it carries the token).
        log.critical("the bot stopped on an unexpected error", exc_info=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
