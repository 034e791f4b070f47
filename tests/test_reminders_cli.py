"""`python -m bot reminders --dry-run` shows who would get what, and sends nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from bot.__main__ import main
from bot.app import build_application
from bot.config import Settings
from bot.offline import FakeTelegram, OfflineRequest
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


def test_cli_mistakes_are_explained_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/d.db")
    assert main(["union", "add", "景洪市总工会", "--kind", "county"]) == 1
    assert capsys.readouterr().err.strip() == "已经有叫「景洪市总工会」的工会了。"
    assert main(["union", "add", "勐仑镇工会", "--parent", "没有这个工会"]) == 1
    assert "找不到上级工会「没有这个工会」" in capsys.readouterr().err
    assert main(["admin", "grant", "0"]) == 1
    assert "正整数" in capsys.readouterr().err


async def test_production_bot_waits_when_telegram_says_slow_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Telegram answers 429 "retry after 3": the production bot waits that long and sends again,
    and whoever sent the message (a handler, a reminder run) sees no error."""
    from telegram.ext import _aioratelimiter

    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB 22 warns about RetryAfter's old float type
    waited: list[float] = []

    async def sleep(seconds: float) -> None:  # time is not slept on in tests
        waited.append(seconds)

    monkeypatch.setattr(
        _aioratelimiter, "asyncio", SimpleNamespace(**{**vars(asyncio), "sleep": sleep})
    )
    fake = FakeTelegram(flood=1)
    app = build_application(Settings(_env_file=None), request=OfflineRequest(fake))  # type: ignore[call-arg]
    async with app:
        await app.bot.send_message(5005, "你好")
    assert [round(w) for w in waited] == [3]
    assert [m["text"] for m in fake.sent[5005]] == ["你好"]
    assert sum(c.method == "sendMessage" for c in fake.calls) == 2  # refused once, then sent
