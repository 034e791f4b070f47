"""Roles come only from invitations: the whole path in chat, and every way it can be abused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.offline import Person
from storage.accounts import AccountService
from storage.models import AuditLog, Invitation, Role, RoleGrant
from tests.factories import add_grassroots, add_studio, union_named
from tests.harness import BotHarness

ADMIN = Person(1001, "王芳")
OFFICER = Person(2002, "李强")
OTHER = Person(3003, "赵敏")
LEADER = Person(4004, "岩温")

LINK = re.compile(r"https://t\.me/studio_assistant_bot\?start=([A-Za-z0-9_-]+)")


def code_in(text: str) -> str:
    match = LINK.search(text)
    assert match, f"no invitation link in: {text}"
    return match.group(1)


async def make_admin(bot: BotHarness, person: Person) -> None:
    async with bot.session() as session:
        await AccountService(session).grant_admin(person.id)


async def invite_officer(bot: BotHarness, union: str = "景洪市总工会") -> str:
    await bot.send(ADMIN, "/invite")
    await bot.press(ADMIN, "工会干部")
    await bot.press(ADMIN, union)
    return code_in(bot.last(ADMIN))


@pytest.mark.postgres
async def test_admin_invites_an_officer_who_joins_by_deep_link(bot: BotHarness) -> None:
    await make_admin(bot, ADMIN)
    await bot.send(ADMIN, "/invite")
    assert "要邀请什么身份" in bot.last(ADMIN)
    assert bot.button_labels(ADMIN) == ["州总工会管理员", "工会干部", "工作室负责人", "工作室成员"]

    await bot.press(ADMIN, "工会干部")
    assert "景洪市总工会" in bot.button_labels(ADMIN)
    await bot.press(ADMIN, "景洪市总工会")
    created = bot.last(ADMIN)
    assert "工会干部（景洪市总工会）" in created and "只能用一次" in created
    code = code_in(created)
    assert len(code) >= 22  # 128 random bits, url-safe

    replies = await bot.send(OFFICER, f"/start {code}")
    assert "已开通身份：工会干部（景洪市总工会）" in replies[0]
    assert "/invite" in replies[0]  # says what to do next
    assert "李强 已接受你的邀请" in bot.last(ADMIN)

    me = await bot.send(OFFICER, "/me")
    assert "工会干部（景洪市总工会）" in me[0]

    async with bot.session() as session:
        stored = await session.scalar(select(Invitation))
        assert stored is not None and code not in stored.code_hash  # only the hash is kept
        actions = set(await session.scalars(select(AuditLog.action)))
        assert {"invite.create", "role.grant"} <= actions


@pytest.mark.postgres
async def test_a_code_works_once(bot: BotHarness) -> None:
    await make_admin(bot, ADMIN)
    code = await invite_officer(bot)
    await bot.send(OFFICER, f"/start {code}")
    replies = await bot.send(OTHER, f"/start {code}")
    assert "已经用过了" in replies[0]
    assert "还没有身份" in (await bot.send(OTHER, "/me"))[0]


async def test_forged_codes_are_refused(bot: BotHarness) -> None:
    await make_admin(bot, ADMIN)
    code = await invite_officer(bot)
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    for attempt in (forged, "x", "<script>", "A" * 64):
        replies = await bot.send(OTHER, f"/start {attempt}")
        assert replies, attempt
        assert "无效" in replies[0] or "看不懂" in replies[0]
    async with bot.session() as session:
        grants = await session.scalar(
            select(func.count()).select_from(RoleGrant).where(RoleGrant.user_id == OTHER.id)
        )
    assert grants == 0


async def test_expired_code_is_refused(bot: BotHarness) -> None:
    await make_admin(bot, ADMIN)
    code = await invite_officer(bot)
    bot.clock.shift(timedelta(days=7, minutes=1))
    replies = await bot.send(OFFICER, f"/start {code}")
    assert "已过期" in replies[0]


async def test_revoked_code_is_refused(bot: BotHarness) -> None:
    await make_admin(bot, ADMIN)
    code = await invite_officer(bot)
    await bot.send(ADMIN, "/invites")
    assert "工会干部（景洪市总工会）" in bot.last(ADMIN)
    await bot.press(ADMIN, "撤销 1")
    assert "已撤销" in bot.last(ADMIN)
    replies = await bot.send(OFFICER, f"/start {code}")
    assert "已被撤销" in replies[0]
    assert "没有尚未使用的邀请" in (await bot.send(ADMIN, "/invites"))[0]


async def test_non_admin_cannot_invite(bot: BotHarness) -> None:
    replies = await bot.send(OTHER, "/invite")
    assert "没有邀请他人的权限" in replies[0]
    # Pressing a button they were never shown changes nothing either.
    async with bot.session() as session:
        union = await union_named(session, "景洪市总工会")
    replies = await bot.press_data(OTHER, f"inv:u:o:{union.id}")
    assert "没有权限" in replies[0]
    async with bot.session() as session:
        assert await session.scalar(select(func.count()).select_from(Invitation)) == 0


async def test_officer_cannot_invite_for_another_union(bot: BotHarness) -> None:
    await make_admin(bot, ADMIN)
    await bot.send(OFFICER, f"/start {await invite_officer(bot, '景洪市总工会')}")
    async with bot.session() as session:
        own = await add_grassroots(session, "景洪市供电局工会", "景洪市总工会")
        other = await union_named(session, "勐海县总工会")
        foreign_studio = await add_studio(session, "玉香", "勐海县总工会")

    # Only the officer's own union and those below it are offered.
    await bot.send(OFFICER, "/invite")
    assert "州总工会管理员" not in bot.button_labels(OFFICER)
    await bot.press(OFFICER, "工会干部")
    assert set(bot.button_labels(OFFICER)) == {"景洪市总工会", own.name}

    # A forged button for another county's union or studio is refused on the server.
    for data in (f"inv:u:o:{other.id}", f"inv:s:l:{foreign_studio.id}", "inv:r:a:0"):
        replies = await bot.press_data(OFFICER, data)
        assert "没有权限" in replies[0], data
    async with bot.session() as session:
        made = await session.scalar(
            select(func.count()).select_from(Invitation).where(Invitation.created_by == OFFICER.id)
        )
    assert made == 0


async def test_officer_invites_a_studio_leader_in_their_jurisdiction(bot: BotHarness) -> None:
    await make_admin(bot, ADMIN)
    await bot.send(OFFICER, f"/start {await invite_officer(bot)}")
    async with bot.session() as session:
        await add_grassroots(session, "景洪市供电局工会", "景洪市总工会")
        await add_studio(session, "岩温", "景洪市供电局工会")
        await add_studio(session, "玉香", "勐海县总工会")

    await bot.send(OFFICER, "/invite")
    await bot.press(OFFICER, "工作室负责人")
    assert bot.button_labels(OFFICER) == ["岩温劳模创新工作室"]  # not 勐海's studio
    await bot.press(OFFICER, "岩温劳模创新工作室")
    code = code_in(bot.last(OFFICER))
    replies = await bot.send(LEADER, f"/start {code}")
    assert "工作室负责人（岩温劳模创新工作室）" in replies[0]

    # The leader can now invite members of their own studio, and nothing else.
    await bot.send(LEADER, "/invite")
    assert bot.button_labels(LEADER) == ["岩温劳模创新工作室"]
    await bot.press(LEADER, "岩温")
    member_code = code_in(bot.last(LEADER))
    replies = await bot.send(OTHER, f"/start {member_code}")
    assert "工作室成员（岩温劳模创新工作室）" in replies[0]


async def test_officer_without_studios_is_told_what_to_do(bot: BotHarness) -> None:
    await make_admin(bot, ADMIN)
    await bot.send(OFFICER, f"/start {await invite_officer(bot)}")
    await bot.send(OFFICER, "/invite")
    await bot.press(OFFICER, "工作室负责人")
    assert "还没有工作室" in bot.last(OFFICER) and "/help" in bot.last(OFFICER)


async def test_accepting_a_role_twice_keeps_the_code(bot: BotHarness) -> None:
    await make_admin(bot, ADMIN)
    await bot.send(OFFICER, f"/start {await invite_officer(bot)}")
    second = await invite_officer(bot)
    replies = await bot.send(OFFICER, f"/start {second}")
    assert "已经有这个身份" in replies[0]
    assert "已开通" in (await bot.send(OTHER, f"/start {second}"))[0]


async def test_admin_invites_another_admin(bot: BotHarness) -> None:
    await make_admin(bot, ADMIN)
    await bot.send(ADMIN, "/invite")
    await bot.press(ADMIN, "州总工会管理员")
    replies = await bot.send(OTHER, f"/start {code_in(bot.last(ADMIN))}")
    assert "州总工会管理员（全州）" in replies[0]
    async with bot.session() as session:
        roles = list(
            await session.scalars(select(RoleGrant.role).where(RoleGrant.user_id == OTHER.id))
        )
    assert roles == [Role.PREFECTURE_ADMIN]


async def test_invite_belongs_in_private_chat(bot: BotHarness) -> None:
    await make_admin(bot, ADMIN)
    replies = await bot.send_in_group(ADMIN, "/invite")
    assert "私聊" in replies[0]
    assert bot.fake.sent[-100][-1]["reply_markup"]["inline_keyboard"][0][0]["url"].startswith(
        "https://t.me/"
    )
    async with bot.session() as session:
        assert await session.scalar(select(func.count()).select_from(Invitation)) == 0
