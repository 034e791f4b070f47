"""Fixtures: a seeded database per test, and the bot wired to a fake Bot API.

Every test that touches storage runs on SQLite. Tests marked ``postgres`` run on PostgreSQL
too: the ones whose behaviour depends on the backend (races, ``ON CONFLICT``, ``FOR UPDATE``,
migrations, claims) and one representative chat scenario per feature. ``TEST_ALL_BACKENDS=1``
runs every storage test on both, as before.

Set-up is shared where it is safe: SQLite copies a migrated, seeded template file; PostgreSQL
creates its schema once per session and empties it (``TRUNCATE … RESTART IDENTITY``) before each
test. Tests marked ``empty_schema`` get a fresh empty database of their own.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.db import Base, make_engine, make_session_factory
from storage.seed import ensure_seeded
from tests.harness import BotHarness, Database

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")
_pg_state: dict[str, str | None] = {}
_shared: dict[str, str] = {}  # "sqlite": template file, "postgresql": session schema


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "empty_schema: the database fixture creates no tables")
    config.addinivalue_line(
        "markers", "postgres: run on PostgreSQL as well as SQLite (backend-dependent behaviour)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" not in metafunc.fixturenames:
        return
    both = os.environ.get("TEST_ALL_BACKENDS") or metafunc.definition.get_closest_marker("postgres")
    metafunc.parametrize("database", BACKENDS if both else BACKENDS[:1], indirect=True)


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


async def _create_schema(name: str) -> None:
    admin = make_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{name}"'))
    await admin.dispose()


async def _drop_schema(name: str) -> None:
    admin = make_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    await admin.dispose()


async def _migrate_and_seed(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with make_session_factory(engine)() as session:
        await ensure_seeded(session)


async def _sqlite(tmp_path: Path, basetemp: Path, empty: bool) -> Database:
    db = Database(url=f"sqlite+aiosqlite:///{tmp_path}/test.db", schema=None)
    if empty:
        return db
    if "sqlite" not in _shared:
        template = basetemp / "template.db"
        engine = make_engine(f"sqlite+aiosqlite:///{template}")
        await _migrate_and_seed(engine)
        await engine.dispose()  # the last connection checkpoints the WAL into the file
        _shared["sqlite"] = str(template)
    shutil.copyfile(_shared["sqlite"], tmp_path / "test.db")
    return db


async def _postgresql(empty: bool) -> Database:
    reason = await _postgres_unavailable()
    if reason:
        if os.environ.get("TEST_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    if empty:
        db = Database(url=POSTGRES_URL, schema=f"t_{uuid.uuid4().hex[:12]}")
        await _create_schema(db.require_schema())
        return db
    if "postgresql" not in _shared:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        await _create_schema(schema)
        _shared["postgresql"] = schema
        engine = make_engine(POSTGRES_URL, schema)
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        await engine.dispose()
    return Database(url=POSTGRES_URL, schema=_shared["postgresql"])


async def _empty_tables(engine: AsyncEngine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    async with make_session_factory(engine)() as session:
        await ensure_seeded(session)


@pytest.fixture
async def database(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    """A migrated-equivalent, seeded database of this test's own (or an empty one)."""
    backend = getattr(request, "param", "sqlite")
    empty = request.node.get_closest_marker("empty_schema") is not None
    if backend == "sqlite":
        db = await _sqlite(tmp_path, tmp_path_factory.getbasetemp(), empty)
    else:
        db = await _postgresql(empty)
    engine = make_engine(db.url, db.schema)
    db.engine = engine
    try:
        if backend == "postgresql" and not empty:
            await _empty_tables(engine)
        yield db
    finally:
        await engine.dispose()
        if backend == "postgresql" and empty:
            await _drop_schema(db.require_schema())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    schema = _shared.pop("postgresql", None)
    if schema:
        asyncio.run(_drop_schema(schema))


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    async with make_session_factory(database.require_engine())() as s:
        yield s


@pytest.fixture
def now() -> datetime | None:
    """Where the bot's injected clock stands; a test module overrides this fixture to stop
    it at a moment of its own (None: wall time)."""
    return None


@pytest.fixture
async def bot(database: Database, now: datetime | None) -> AsyncIterator[BotHarness]:
    async with BotHarness.started(database, now) as harness:
        yield harness
