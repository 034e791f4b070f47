"""The bot's clock, not the wall's, dates what it records (issue 12, item 1): with the injected
clock years away from wall time, what the services write follows the clock the handler passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storage.models import Invitation, RoleGrant, Studio, StudioStatusChange, User
from tests.harness import BotHarness
from tests.test_invitations_chat import ADMIN, OFFICER, code_in, make_admin
from tests.test_lifecycle_chat import LEADER, apply, officers

FAR = datetime(2031, 5, 20, 2, 0, tzinfo=UTC)  # 10:00 in Xishuangbanna, years from wall time


@pytest.fixture
def now() -> datetime:
    return FAR


async def test_an_application_is_dated_by_the_bots_clock(bot: BotHarness) -> None:
    await officers(bot)
    await apply(bot)
    async with bot.session() as s:
        studio = await s.scalar(select(Studio))
        assert studio is not None and studio.created_at == FAR
        history = list(await s.scalars(select(StudioStatusChange.at)))
        assert history == [FAR]
        leader = await s.get(User, LEADER.id)
        assert leader is not None and leader.last_seen_at == FAR
    bot.clock.shift(timedelta(days=1))
    card = (await bot.send(LEADER, "/studio"))[0]
    assert "2031-05-20 10:00" in card  # the history's date, from the clock


async def test_an_invitation_lives_from_the_bots_clock(bot: BotHarness) -> None:
    await make_admin(bot, ADMIN)
    await bot.send(ADMIN, "/invite")
    await bot.press(ADMIN, "工会干部")
    await bot.press(ADMIN, "景洪市总工会")
    code = code_in(bot.last(ADMIN))
    await bot.send(ADMIN, "/invites")
    assert "2031-05-27" in bot.last(ADMIN)  # seven days from the clock's today
    bot.clock.shift(timedelta(hours=1))
    assert "已开通身份" in (await bot.send(OFFICER, f"/start {code}"))[0]
    async with bot.session() as s:
        invitation = await s.scalar(select(Invitation))
        assert invitation is not None
        assert (invitation.created_at, invitation.expires_at) == (FAR, FAR + timedelta(days=7))
        assert invitation.used_at == FAR + timedelta(hours=1)
        grant = await s.scalar(select(RoleGrant).where(RoleGrant.user_id == OFFICER.id))
        assert grant is not None and grant.granted_at == FAR + timedelta(hours=1)
    bot.clock.shift(timedelta(days=7))
    await bot.send(ADMIN, "/invite")
    await bot.press(ADMIN, "工会干部")
    await bot.press(ADMIN, "景洪市总工会")
    await bot.send(ADMIN, "/invites")
    assert "2031-06-03" in bot.last(ADMIN)  # and the list is filtered by it too
