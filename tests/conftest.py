"""Fixtures: a database per test on SQLite and PostgreSQL, and the bot wired to a fake Bot API."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Base, make_engine, make_session_factory
from storage.seed import ensure_seeded
from tests.harness import BotHarness, Database

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
_pg_state: dict[str, str | None] = {}


async def _postgres_unavailable() -> str | None:
    if "reason" not in _pg_state:
        dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
        try:
            conn = await asyncpg.connect(dsn, timeout=3)
            await conn.close()
            _pg_state["reason"] = None
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            _pg_state["reason"] = f"no PostgreSQL answers at {POSTGRES_URL}: {exc}"
    return _pg_state["reason"]


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[Database]:
    """An empty, migrated-equivalent schema of our own, dropped afterwards."""
    if request.param == "sqlite":
        db = Database(url=f"sqlite+aiosqlite:///{tmp_path}/test.db", schema=None)
    else:
        reason = await _postgres_unavailable()
        if reason:
            if os.environ.get("TEST_REQUIRE_POSTGRES"):
                pytest.fail(reason)
            pytest.skip(reason)
        db = Database(url=POSTGRES_URL, schema=f"t_{uuid.uuid4().hex[:12]}")
        admin = make_engine(POSTGRES_URL)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{db.schema}"'))
        await admin.dispose()
    engine = make_engine(db.url, db.schema)
    if request.node.get_closest_marker("empty_schema") is None:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with make_session_factory(engine)() as session:
            await ensure_seeded(session)
    db.engine = engine
    try:
        yield db
    finally:
        await engine.dispose()
        if db.schema:
            admin = make_engine(POSTGRES_URL)
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{db.schema}" CASCADE'))
            await admin.dispose()


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    async with make_session_factory(database.require_engine())() as s:
        yield s


@pytest.fixture
async def bot(database: Database) -> AsyncIterator[BotHarness]:
    async with BotHarness.started(database) as harness:
        yield harness


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "empty_schema: the database fixture creates no tables")
