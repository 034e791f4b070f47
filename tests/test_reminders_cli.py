"""`python -m bot reminders --dry-run` shows who would get what, and sends nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.__main__ import main
from bot.app import build_application
from bot.config import Settings
from storage.db import make_engine, make_session_factory
from storage.models import ReminderLog, Role, RoleGrant, User
from tests.factories import union_named


async def _add_officer(url: str) -> None:
    engine = make_engine(url)
    async with make_session_factory(engine)() as s:
        union = await union_named(s, "勐腊县总工会")
        s.add(User(id=77, full_name="刀丽"))
        await s.flush()
        s.add(RoleGrant(user_id=77, role=Role.UNION_OFFICER, union_id=union.id))
        await s.commit()
    await engine.dispose()


async def _log_rows(url: str) -> int:
    engine = make_engine(url)
    async with make_session_factory(engine)() as s:
        count = await s.scalar(select(func.count()).select_from(ReminderLog))
    await engine.dispose()
    return int(count or 0)


def test_dry_run_prints_who_would_get_what(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/d.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["migrate"]) == 0
    asyncio.run(_add_officer(url))
    capsys.readouterr()

    assert main(["reminders", "--dry-run", "--at", "2026-12-24T09:00"]) == 0
    out = capsys.readouterr().out
    assert "1 reminder for 1 person" in out and "1 条提醒，发给 1 人" in out
    assert "77 刀丽: deadline/" in out and ":2026/12-24" in out
    assert "勐腊县总工会" in out and "还剩 7 天" in out
    assert asyncio.run(_log_rows(url)) == 0  # nothing claimed, nothing sent

    assert main(["reminders", "--dry-run", "--at", "2026-11-30T09:00"]) == 0
    assert "0 reminders for 0 people" in capsys.readouterr().out


def test_production_bot_sends_through_ptbs_rate_limiter() -> None:
    from telegram.ext import AIORateLimiter

    app = build_application(Settings(_env_file=None))  # type: ignore[call-arg]
    assert isinstance(app.bot.rate_limiter, AIORateLimiter)
