"""Benchmark: a real prefecture's size (issue 13, "Scale first").

Seeds N studios (10 county unions, grassroots unions below them, five years of ledgers,
about 220 rows a studio) with bulk inserts into a fresh SQLite file, then times what people
do through the real Application and the offline Bot API: the prefecture's and an officer's
/export, the admin's /status and /assess, a leader opening /project. Beside each export, the
floor measured in the same run: openpyxl in write-only mode writing the same rows, unstyled.

Also the dashboard's overview and charts API (p50/p95), and, with BENCH_POSTGRES_URL set
(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test), the same API on PostgreSQL.

Prints figures; asserts nothing. Run with `make bench` (or `python scripts/bench_scale.py 100`).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from openpyxl import Workbook, load_workbook
from sqlalchemy import insert, text

from bot.app import build_application, on_shutdown, on_startup
from bot.config import Settings
from bot.offline import FakeTelegram, OfflineChat, OfflineRequest, Person
from bot.web import web_deps
from policy.lifecycle import Honour, StudioStatus
from policy.qa import QAEngine
from storage.db import Base, make_engine, make_session_factory
from storage.models import (
    Achievement,
    AchievementCategory,
    Activity,
    ActivityKind,
    AnnualAssessment,
    AssessmentGrade,
    FundDirection,
    FundRecord,
    FundSource,
    Member,
    MemberEvent,
    MemberEventKind,
    Project,
    ProjectKind,
    Role,
    RoleGrant,
    Studio,
    Union,
    UnionKind,
    User,
)
from web.initdata import sign
from web.server import create_app

COUNTIES, GRASSROOTS_PER_COUNTY = 10, 4
YEARS = range(2022, 2027)
ADMIN, OFFICER, LEADER = Person(900_001, "州管理员"), Person(900_002, "县工会"), Person(900_003)
ASKER = Person(900_004, "游客")


async def seed(url: str, studios: int, schema: str | None = None) -> int:
    """Bulk inserts (the services would take minutes for 220,000 rows); returns row count."""
    rnd = random.Random(13)
    engine = make_engine(url, schema)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    rows = 0
    async with make_session_factory(engine)() as s:

        async def put(model: Any, values: list[dict[str, Any]]) -> None:
            nonlocal rows
            for i in range(0, len(values), 20_000):
                await s.execute(insert(model), values[i : i + 20_000])
            rows += len(values)

        await put(Union, [{"id": 1, "name": "西双版纳州总工会", "kind": UnionKind.PREFECTURE}])
        await put(
            Union,
            [{"id": 2 + c, "name": f"县级工会{c}", "kind": UnionKind.COUNTY, "parent_id": 1}
             for c in range(COUNTIES)],
        )  # fmt: skip
        grassroots = [
            {"id": 100 + c * 10 + g, "name": f"基层工会{c}-{g}", "kind": UnionKind.GRASSROOTS,
             "parent_id": 2 + c}
            for c in range(COUNTIES) for g in range(GRASSROOTS_PER_COUNTY)
        ]  # fmt: skip
        await put(Union, grassroots)
        await put(User, [{"id": p.id, "full_name": p.first_name} for p in (ADMIN, OFFICER, LEADER)])
        await put(
            Studio,
            [
                {"id": i, "name": f"劳模{i}创新工作室", "leader_name": f"劳模{i}",
                 "leader_honour": Honour.PROVINCIAL_MODEL_WORKER, "host_unit": f"单位{i}",
                 "union_id": grassroots[(i - 1) % len(grassroots)]["id"],
                 "status": StudioStatus.NAMED, "venue": "三楼", "naming_document": f"西工发{i}",
                 "named_on": date(2019 + i % 5, 1 + i % 12, 1),
                 "leader_user_id": LEADER.id if i == 1 else None}
                for i in range(1, studios + 1)
            ],
        )  # fmt: skip
        await put(
            RoleGrant,
            [
                {"user_id": ADMIN.id, "role": Role.PREFECTURE_ADMIN},
                {"user_id": OFFICER.id, "role": Role.UNION_OFFICER, "union_id": 2},
                {"user_id": LEADER.id, "role": Role.STUDIO_LEADER, "studio_id": 1},
            ],
        )
        members, events, projects, achievements, activities, funds, grades = ([] for _ in range(7))
        member_id = 0
        for sid in range(1, studios + 1):
            for m in range(12):
                member_id += 1
                joined = date(2022, 1 + m, 1)
                members.append({"id": member_id, "studio_id": sid, "name": f"成员{m}",
                                "specialty": "电气", "education": "本科",
                                "birth_year": 1970 + m * 2, "joined_on": joined})  # fmt: skip
                events.append({"member_id": member_id, "kind": MemberEventKind.JOINED,
                               "on_date": joined, "description": ""})  # fmt: skip
                if m < 8:
                    events.append({"member_id": member_id, "kind": MemberEventKind.AWARD,
                                   "on_date": date(2024, 1 + m, 5),
                                   "description": "获州级技术能手称号"})  # fmt: skip
            for year in YEARS:
                for p in range(2):
                    projects.append({"studio_id": sid, "title": f"{year}年技术攻关{p}",
                                     "year": year, "kind": ProjectKind.BREAKTHROUGH,
                                     "approved_on": date(year, 3, 1 + p),
                                     "approving_body": "州总工会"})  # fmt: skip
                achievements.append({"studio_id": sid, "title": f"{year}年成果",
                                     "category": rnd.choice(list(AchievementCategory)),
                                     "achieved_on": date(year, 6, 1), "recognised_by": "州科技局",
                                     "recognition_level": "prefecture",
                                     "economic_benefit_fen": rnd.randrange(10**7),
                                     "social_benefit": "提高效率"})  # fmt: skip
                for a in range(24):
                    day = date(year, 1, 1) + timedelta(days=a * 15)
                    activities.append({"studio_id": sid, "held_on": day,
                                       "kind": ActivityKind.TRAINING,
                                       "people_reached": rnd.randrange(5, 60),
                                       "summary": f"第{a}次技能培训"})  # fmt: skip
                for f in range(10):
                    income = f < 2
                    funds.append({"studio_id": sid, "on_date": date(year, 1 + f, 10),
                                  "direction": FundDirection.INCOME if income
                                  else FundDirection.EXPENSE,
                                  "source": FundSource.HOST_UNIT if income else None,
                                  "amount_fen": rnd.randrange(10_000, 5_000_000),
                                  "purpose": "" if income else "购置设备"})  # fmt: skip
            if sid % 2:
                grades.append({"studio_id": sid, "union_id": 2 + ((sid - 1) % 40) // 4,
                               "year": 2026, "grade": AssessmentGrade.GOOD})  # fmt: skip
        for model, values in ((Member, members), (MemberEvent, events), (Project, projects),
                              (Achievement, achievements), (Activity, activities),
                              (FundRecord, funds), (AnnualAssessment, grades)):  # fmt: skip
            await put(model, values)
        await s.commit()
    await engine.dispose()
    return rows


def floor_seconds(payload: bytes) -> tuple[float, int]:
    """openpyxl write-only writing the same rows (read back from what the bot produced)."""
    source = load_workbook(BytesIO(payload), read_only=True)
    sheets = {ws.title: [tuple(c for c in r) for r in ws.iter_rows(values_only=True)]
              for ws in source.worksheets}  # fmt: skip
    count = sum(len(r) for r in sheets.values())
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(BytesIO())
    return time.perf_counter() - started, count


async def timed(
    label: str, action: Callable[[], Coroutine[Any, Any, list[dict[str, Any]]]]
) -> tuple[float, list[dict[str, Any]]]:
    started = time.perf_counter()
    replies = await action()
    elapsed = time.perf_counter() - started
    print(f"  {label:<34} {elapsed:8.3f} s   ({len(replies)} messages)")
    return elapsed, replies


async def overview_api(app: Any, settings: Settings) -> None:
    """The dashboard's overview and charts for the prefecture: p50 / p95 over 20 requests."""
    deps = web_deps(app, settings)
    deps.bot_token = "1:bench-token-for-signing-only-xxxxxxxx"
    fields = {"auth_date": str(int(time.time())),
              "user": json.dumps({"id": ADMIN.id, "first_name": "admin"})}  # fmt: skip
    auth = {"Authorization": "tma " + urlencode({**fields, "hash": sign(fields, deps.bot_token)})}
    transport = httpx.ASGITransport(app=create_app(deps))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for path in ("/api/overview", "/api/charts"):
            took = []
            for _ in range(20):
                started = time.perf_counter()
                response = await client.get(path, headers=auth)
                took.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
            took.sort()
            print(f"  web {path:<30} p50 {took[9] * 1000:6.0f} ms   p95 {took[18] * 1000:6.0f} ms"
                  f"   ({len(response.content) / 1000:.0f} kB)")  # fmt: skip


async def run(studios: int, qa: QAEngine, postgres: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url, schema = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", None
        if postgres:
            url, schema = postgres, f"bench_{int(time.time())}"
            admin = make_engine(url)
            async with admin.begin() as conn:
                await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            await admin.dispose()
        started = time.perf_counter()
        rows = await seed(url, studios, schema)
        backend = "PostgreSQL" if postgres else "SQLite"
        print(f"\n{studios} studios ({backend}): seeded {rows:,} rows"
              f" in {time.perf_counter() - started:.1f} s")  # fmt: skip
        settings = Settings(_env_file=None, database_url=url, database_schema=schema,  # type: ignore[call-arg]
                            telegram_bot_token=None)  # fmt: skip
        fake = FakeTelegram()
        app = build_application(settings, request=OfflineRequest(fake), rate_limit=False, qa=qa)
        chat = OfflineChat(app, fake)
        async with app:
            await on_startup(app)
            try:
                await overview_api(app, settings)
                if postgres:
                    return
                await chat.send(LEADER, "/start")
                await timed("leader /project (first step)", lambda: chat.send(LEADER, "/project"))
                await chat.send(LEADER, "/cancel")
                await timed("admin /status", lambda: chat.send(ADMIN, "/status"))
                await timed("admin /assess", lambda: chat.send(ADMIN, "/assess"))
                await timed("officer /status", lambda: chat.send(OFFICER, "/status"))
                for who, person in (("officer", OFFICER), ("prefecture", ADMIN)):
                    took, _ = await timed(
                        f"{who} /export", lambda p=person: chat.send(p, "/export")
                    )  # type: ignore[misc]
                    document = next(c for c in reversed(fake.calls) if c.method == "sendDocument")
                    payload = next(
                        v[1] for k, v in document.params.items() if k.startswith("_file_")
                    )
                    floor, cells_rows = floor_seconds(payload)
                    print(f"    floor (openpyxl write-only, {cells_rows:,} rows) {floor:8.3f} s"
                          f"   ratio {took / floor:5.1f}×")  # fmt: skip
                # Another person's question while the prefecture's workbook is being built.
                exporting = asyncio.create_task(chat.send(ADMIN, "/export"))
                await asyncio.sleep(1.0)
                await timed("/ask during the prefecture export",
                            lambda: chat.send(ASKER, "/ask 年度考核什么时候报送"))  # fmt: skip
                await exporting
            finally:
                await on_shutdown(app)
                if postgres:
                    admin = make_engine(url)
                    async with admin.begin() as conn:
                        await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                    await admin.dispose()


async def main(sizes: list[int]) -> None:
    qa = QAEngine()
    qa.warm()
    for n in sizes:
        await run(n, qa)
    if postgres := os.environ.get("BENCH_POSTGRES_URL"):
        await run(max(sizes), qa, postgres)


if __name__ == "__main__":
    asyncio.run(main([int(a) for a in sys.argv[1:]] or [100, 1000]))
