"""Storage on both backends: migrations match the models, seeding, single-use invitations."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.accounts import AccountService
from storage.db import Base, make_session_factory, utcnow
from storage.errors import DomainError
from storage.invitations import InvitationService
from storage.migrate import downgrade, upgrade
from storage.models import (
    AuditLog,
    FundDirection,
    FundRecord,
    ReminderLog,
    Role,
    RoleGrant,
    Union,
    User,
)
from storage.seed import PREFECTURE_UNION, SEED_UNIONS, ensure_seeded
from tests.factories import add_studio
from tests.harness import Database

# Constraints, unique keys, races and migrations are what differ between backends.
pytestmark = pytest.mark.postgres


@pytest.mark.empty_schema
async def test_migrations_build_exactly_the_models_and_roll_back(database: Database) -> None:
    engine = database.require_engine()
    await upgrade(engine)

    def diff(sync_conn: object) -> list[object]:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})  # type: ignore[arg-type]
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []
    await downgrade(engine, "base")
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
    assert set(tables) <= {"alembic_version"}
    await upgrade(engine)  # and forward again


@pytest.mark.empty_schema
async def test_a_file_known_by_name_survives_a_downgrade_and_upgrade(database: Database) -> None:
    engine = database.require_engine()
    await upgrade(engine)
    now = utcnow()
    async with engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO attachments (file_id, file_unique_id, file_name, mime_type, created_at) "
            "VALUES (NULL, NULL, '证书.pdf', '', :now), ('tg', 'u', 'photo.jpg', 'image/jpeg', "
            ":now)"), {"now": now})  # fmt: skip

    async def files() -> list[tuple[object, ...]]:
        async with engine.connect() as conn:
            query = "SELECT file_name, file_id, file_unique_id FROM attachments ORDER BY id"
            rows = await conn.execute(text(query))
            return [tuple(r) for r in rows]

    await downgrade(engine, "0006")  # the older schema has no name-only file: ids left empty
    assert await files() == [("证书.pdf", "", ""), ("photo.jpg", "tg", "u")]
    await upgrade(engine)
    assert await files() == [("证书.pdf", None, None), ("photo.jpg", "tg", "u")]


async def test_seed_is_the_prefecture_hierarchy_and_idempotent(session: AsyncSession) -> None:
    unions = list(await session.scalars(select(Union).order_by(Union.id)))
    top = unions[0]
    assert top.name == PREFECTURE_UNION and top.parent_id is None
    assert {(u.name, u.parent_id) for u in unions[1:]} == {(n, top.id) for n, _ in SEED_UNIONS}
    assert await ensure_seeded(session) is False
    assert await session.scalar(select(func.count()).select_from(Union)) == len(unions)


async def test_grant_admin_is_idempotent_and_audited(session: AsyncSession) -> None:
    accounts = AccountService(session)
    assert await accounts.grant_admin(42) is True
    assert await accounts.grant_admin(42) is False
    assert [u.id for u in await accounts.admins()] == [42]
    assert await accounts.revoke_admin(42, now=utcnow()) is True
    assert await accounts.admins() == []
    actions = list(await session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions == ["role.grant", "role.revoke"]


async def test_role_scope_is_enforced_by_the_database(session: AsyncSession) -> None:
    session.add(User(id=7))
    await session.flush()
    session.add(RoleGrant(user_id=7, role=Role.UNION_OFFICER))  # an officer of no union
    with pytest.raises(IntegrityError):
        await session.commit()


async def test_money_must_be_positive(session: AsyncSession) -> None:
    studio = await add_studio(session, "岩温", "景洪市总工会")
    session.add(
        FundRecord(
            studio_id=studio.id,
            direction=FundDirection.EXPENSE,
            amount_fen=-100,
            on_date=studio.created_at.date(),
        )
    )
    with pytest.raises(IntegrityError):
        await session.commit()


async def test_reminder_log_key_is_unique(session: AsyncSession) -> None:
    session.add(User(id=9))
    await session.flush()
    key = {"kind": "deadline", "recipient_id": 9, "period": "2026", "stage": "12-24"}
    session.add(ReminderLog(**key))
    await session.commit()
    session.add(ReminderLog(**key))
    with pytest.raises(IntegrityError):
        await session.commit()


async def test_two_people_racing_for_one_code_get_one_role(database: Database) -> None:
    sessions = make_session_factory(database.require_engine())
    async with sessions() as s:
        await AccountService(s).grant_admin(1)
        new = await InvitationService(s).create(1, Role.PREFECTURE_ADMIN, now=utcnow())

    async def accept(user_id: int) -> str:
        async with sessions() as s:
            try:
                await InvitationService(s).accept(user_id, new.code, now=utcnow())
                return "ok"
            except DomainError as exc:
                return exc.key

    results = await asyncio.gather(*(accept(uid) for uid in (101, 102, 103)))
    assert sorted(results) == ["invite.used", "invite.used", "ok"]
    async with sessions() as s:
        grants = await s.scalar(
            select(func.count()).select_from(RoleGrant).where(RoleGrant.user_id > 100)
        )
    assert grants == 1


async def test_invitation_lifetime_is_configurable(session: AsyncSession) -> None:
    await AccountService(session).grant_admin(1)
    new = await InvitationService(session).create(
        1, Role.PREFECTURE_ADMIN, ttl=timedelta(days=2), now=utcnow()
    )
    lifetime = new.invitation.expires_at - new.invitation.created_at
    assert lifetime == timedelta(days=2)
    assert new.invitation.expires_at.tzinfo is not None  # aware on both backends


async def test_dates_are_the_callers_today_not_the_wall_clocks(session: AsyncSession) -> None:
    # The bot's clock (injected, Asia/Shanghai) decides what "today" is, never wall time.
    from policy.lifecycle import Action, StudioStatus
    from storage.ledgers import LedgerService
    from storage.models import MemberEvent
    from storage.studios import Details, StudioService

    today = date(2031, 5, 20)
    studio = await add_studio(session, "岩温", "景洪市总工会", status=StudioStatus.DECLARED)
    await AccountService(session).grant_admin(1)
    session.add_all([User(id=2, full_name="岩温")])
    await session.flush()
    session.add(RoleGrant(user_id=2, role=Role.STUDIO_LEADER, studio_id=studio.id))
    await session.commit()

    named = await StudioService(session).act(
        1,
        studio.id,
        Action.NAME,
        today=today,
        now=utcnow(),
        details=Details(document="西工发〔2031〕1号"),
    )
    assert named.studio.named_on == today
    await LedgerService(session).add(2, studio.id, "member", {"name": "玉香"}, today=today)
    assert await session.scalar(select(MemberEvent.on_date)) == today
