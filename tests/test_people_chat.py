"""Taking roles away (issue 11, item 5): an invitation dies with its issuer's right to grant
it, and the admin or the officer above removes a person with a reason, audited and told."""

from __future__ import annotations

from sqlalchemy import select

from bot.offline import Person
from storage.accounts import AccountService
from storage.db import utcnow
from storage.models import AuditLog, Invitation, Role, RoleGrant, Studio, User
from tests.factories import add_grassroots, add_studio, union_named
from tests.harness import BotHarness
from tests.test_invitations_chat import code_in

ADMIN = Person(6001, "王芳")
OFFICER = Person(6002, "李强")  # 景洪市总工会
PEER = Person(6003, "赵敏")  # also 景洪市总工会
SUB = Person(6004, "刀文")  # the grassroots union below it
LEADER = Person(6005, "岩温")
MEMBER = Person(6006, "玉罕")
STRANGER = Person(6007, "陌生人")


async def setup(bot: BotHarness) -> dict[str, int]:
    async with bot.session() as s:
        county = await union_named(s, "景洪市总工会")
        grassroots = await add_grassroots(s, "景洪市供电局工会", "景洪市总工会")
        studio = await add_studio(s, "岩温", "景洪市供电局工会")
        for p in (ADMIN, OFFICER, PEER, SUB, LEADER, MEMBER, STRANGER):
            s.add(User(id=p.id, full_name=p.first_name))
        await s.flush()
        grants = {
            "officer": RoleGrant(user_id=OFFICER.id, role=Role.UNION_OFFICER, union_id=county.id),
            "peer": RoleGrant(user_id=PEER.id, role=Role.UNION_OFFICER, union_id=county.id),
            "sub": RoleGrant(user_id=SUB.id, role=Role.UNION_OFFICER, union_id=grassroots.id),
            "leader": RoleGrant(user_id=LEADER.id, role=Role.STUDIO_LEADER, studio_id=studio.id),
            "member": RoleGrant(user_id=MEMBER.id, role=Role.STUDIO_MEMBER, studio_id=studio.id),
        }
        s.add_all(grants.values())
        await s.commit()
        await AccountService(s).grant_admin(ADMIN.id)
        return {k: g.id for k, g in grants.items()} | {"studio": studio.id}


async def test_a_revoked_admins_links_no_longer_grant_admin(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(ADMIN, "/invite")
    await bot.press(ADMIN, "州总工会管理员")
    code = code_in(bot.last(ADMIN))
    async with bot.session() as s:
        # as `python -m bot admin revoke` does
        assert await AccountService(s).revoke_admin(ADMIN.id, now=utcnow())
        invitation = await s.scalar(select(Invitation))
        assert invitation is not None and invitation.revoked_at is not None

    replies = await bot.send(STRANGER, f"/start {code}")
    assert "已被撤销" in replies[0]
    assert "还没有身份" in (await bot.send(STRANGER, "/me"))[0]


async def test_an_invitation_is_rechecked_against_its_issuer_at_acceptance(
    bot: BotHarness,
) -> None:
    await setup(bot)
    await bot.send(SUB, "/invite")
    await bot.press(SUB, "工作室成员")
    await bot.press(SUB, "岩温劳模创新工作室")
    code = code_in(bot.last(SUB))
    # The issuer's role ends some other way than /people (e.g. edited by hand): the link
    # still refuses, because acceptance asks whether the issuer may grant it today.
    async with bot.session() as s:
        grant = await s.scalar(select(RoleGrant).where(RoleGrant.user_id == SUB.id))
        assert grant is not None
        grant.revoked_at = utcnow()
        await s.commit()
    replies = await bot.send(STRANGER, f"/start {code}")
    assert "已不再有权授予" in replies[0]
    async with bot.session() as s:
        assert await s.scalar(select(RoleGrant).where(RoleGrant.user_id == STRANGER.id)) is None


async def test_the_officer_above_removes_an_officer_with_a_reason(bot: BotHarness) -> None:
    ids = await setup(bot)
    await bot.send(SUB, "/invite")
    await bot.press(SUB, "工作室成员")
    await bot.press(SUB, "岩温劳模创新工作室")
    code = code_in(bot.last(SUB))

    listing = (await bot.send(OFFICER, "/people"))[0]
    assert "刀文 — 工会干部（景洪市供电局工会）" in listing
    assert "岩温 — 工作室负责人" in listing and "玉罕 — 工作室成员" in listing
    assert "李强 —" not in listing and "赵敏 —" not in listing  # not themselves, not a peer

    await bot.press(OFFICER, "移除 1")
    assert "请写明理由" in bot.last(OFFICER)
    await bot.send(OFFICER, "调离工会岗位")
    assert "确认移除 刀文 的身份" in bot.last(OFFICER)
    async with bot.session() as s:  # nothing happens before the confirmation
        assert (await s.get(RoleGrant, ids["sub"])).revoked_at is None  # type: ignore[union-attr]
    replies = await bot.press(OFFICER, "确认提交")
    assert "已移除 刀文" in replies[0] and "1 个未使用邀请已随之作废" in replies[0]
    told = bot.last(SUB)
    assert "已被 李强 移除" in told and "调离工会岗位" in told
    assert "还没有身份" in (await bot.send(SUB, "/me"))[0]

    async with bot.session() as s:
        audit = await s.scalar(
            select(AuditLog).where(
                AuditLog.action == "role.revoke", AuditLog.entity_id == str(ids["sub"])
            )
        )
        assert audit is not None and audit.actor_id == OFFICER.id
        assert audit.after is not None and audit.after["reason"] == "调离工会岗位"
    assert "已被撤销" in (await bot.send(STRANGER, f"/start {code}"))[0]

    # The old button again, and the removed officer forging a press: one plain refusal.
    assert "无权移除" in (await bot.press_data(OFFICER, f"pp:x:{ids['sub']}"))[0]
    assert "无权移除" in (await bot.press_data(SUB, f"pp:x:{ids['member']}"))[0]
    assert "无权移除" in (await bot.press_data(PEER, f"pp:x:{ids['officer']}"))[0]
    assert "无权移除" in (await bot.press_data(STRANGER, "pp:x:999999"))[0]


async def test_a_leader_removes_a_member_and_cancelling_changes_nothing(bot: BotHarness) -> None:
    ids = await setup(bot)
    listing = (await bot.send(LEADER, "/people"))[0]
    assert "玉罕 — 工作室成员" in listing and "岩温 —" not in listing
    await bot.press(LEADER, "移除 1")
    await bot.send(LEADER, "离开团队")
    await bot.press(LEADER, "取消")
    async with bot.session() as s:
        assert (await s.get(RoleGrant, ids["member"])).revoked_at is None  # type: ignore[union-attr]

    await bot.press_data(LEADER, f"pp:x:{ids['member']}")
    await bot.send(LEADER, "离开团队")
    await bot.press(LEADER, "确认提交")
    assert "已被 岩温 移除" in bot.last(MEMBER)
    assert "没有你可以移除的人员" in (await bot.send(MEMBER, "/people"))[0]
    assert "没有你可以移除的人员" in (await bot.send(LEADER, "/people"))[0]


async def test_the_admin_removes_anyone_below_but_no_admin(bot: BotHarness) -> None:
    await setup(bot)
    listing = (await bot.send(ADMIN, "/people"))[0]
    for name in ("李强", "赵敏", "刀文", "岩温", "玉罕"):
        assert name in listing
    assert "王芳 —" not in listing


async def test_a_removed_leader_loses_the_ledgers_too(bot: BotHarness) -> None:
    ids = await setup(bot)
    async with bot.session() as s:
        studio = await s.get(Studio, ids["studio"])
        assert studio is not None
        studio.leader_user_id = LEADER.id  # they applied for it themselves
        await s.commit()
    assert "登记哪类成员变动" in (await bot.send(LEADER, "/member"))[-1]
    await bot.send(LEADER, "/cancel")

    await bot.press_data(ADMIN, f"pp:x:{ids['leader']}")
    await bot.send(ADMIN, "不再担任负责人")
    await bot.press(ADMIN, "确认提交")
    assert "已被 王芳 移除" in bot.last(LEADER)
    assert "还没有可以登记台帐的工作室" in (await bot.send(LEADER, "/member"))[0]
    assert "找不到这个工作室" in (await bot.press_data(LEADER, f"lg:m:{ids['studio']}"))[0]
    async with bot.session() as s:
        studio = await s.get(Studio, ids["studio"])
        assert studio is not None and studio.leader_user_id is None
