"""Benchmark: planning reminders for 500 unions and 5,000 studios on SQLite.

Prints figures; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from reminders.planner import plan
from reminders.schedule import ReminderSchedule
from storage.db import Base, make_engine, make_session_factory
from storage.models import (
    Achievement,
    AchievementCategory,
    AnnualAssessment,
    AnnualReport,
    AssessmentGrade,
    Honour,
    Project,
    ProjectKind,
    ReportStatus,
    Role,
    RoleGrant,
    Studio,
    StudioStatus,
    Union,
    UnionKind,
    User,
)
from storage.reminders import load_snapshot

TZ = ZoneInfo("Asia/Shanghai")
UNIONS, STUDIOS, REPORTING = 500, 5000, 60


async def populate(url: str) -> None:
    rnd = random.Random(7)
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with make_session_factory(engine)() as s:
        top = Union(id=1, name="州总工会", kind=UnionKind.PREFECTURE)
        s.add(top)
        reporting = [
            Union(id=2 + i, name=f"县级工会{i}", kind=UnionKind.COUNTY, parent_id=1)
            for i in range(REPORTING)
        ]
        grassroots = [
            Union(id=2 + REPORTING + i, name=f"基层工会{i}", kind=UnionKind.GRASSROOTS,
                  parent_id=rnd.choice(reporting).id)
            for i in range(UNIONS - REPORTING - 1)
        ]  # fmt: skip
        s.add_all(reporting + grassroots)
        users = [User(id=10_000 + i, full_name=f"u{i}") for i in range(UNIONS + STUDIOS + 5)]
        s.add_all(users)
        await s.flush()
        s.add_all(RoleGrant(user_id=1 + 10_000 + i, role=Role.PREFECTURE_ADMIN) for i in range(3))
        s.add_all(
            RoleGrant(user_id=10_010 + i, role=Role.UNION_OFFICER, union_id=u.id)
            for i, u in enumerate(reporting + grassroots)
        )
        studios = [
            Studio(id=1 + i, name=f"工作室{i}", leader_name=f"劳模{i}",
                   leader_honour=Honour.PROVINCIAL_MODEL_WORKER, host_unit="单位",
                   union_id=rnd.choice(grassroots).id, status=StudioStatus.NAMED,
                   named_on=date(2018 + rnd.randrange(8), 1 + rnd.randrange(12), 1))
            for i in range(STUDIOS)
        ]  # fmt: skip
        s.add_all(studios)
        await s.flush()
        s.add_all(
            RoleGrant(user_id=10_000 + UNIONS + i, role=Role.STUDIO_LEADER, studio_id=st.id)
            for i, st in enumerate(studios)
        )
        for st in studios:
            if rnd.random() < 0.5:
                s.add(AnnualAssessment(studio_id=st.id, union_id=st.union_id, year=2026,
                                       grade=AssessmentGrade.GOOD))  # fmt: skip
            if rnd.random() < 0.6:
                s.add(Project(studio_id=st.id, title="p", year=2026, kind=ProjectKind.OTHER,
                              approved_on=date(2026, 3, 1)))  # fmt: skip
            for _ in range(rnd.randrange(3)):
                s.add(Achievement(studio_id=st.id, title="a", category=AchievementCategory.SERVICE,
                                  achieved_on=date(2020 + rnd.randrange(7), 5, 1)))  # fmt: skip
        s.add_all(
            AnnualReport(union_id=u.id, year=2026, status=ReportStatus.SUBMITTED)
            for u in reporting[: REPORTING // 3]
        )
        await s.commit()
    await engine.dispose()


async def measure(url: str, moment: datetime, runs: int = 5) -> tuple[list[float], int]:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    schedule = ReminderSchedule()
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        async with sessions() as s:
            snapshot = await load_snapshot(s, (moment.year - 1, moment.year))
        count = len(plan(snapshot, moment, schedule))
        times.append(time.perf_counter() - start)
    await engine.dispose()
    return times, count


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        t0 = time.perf_counter()
        await populate(url)
        print(f"populated {UNIONS} unions, {STUDIOS} studios in {time.perf_counter() - t0:.1f} s")
        for label, moment in (
            ("24 Dec 09:00", datetime(2026, 12, 24, 9, tzinfo=TZ)),
            ("1 Oct 09:00", datetime(2026, 10, 1, 9, tzinfo=TZ)),
            ("1 Jan 09:00", datetime(2027, 1, 1, 9, tzinfo=TZ)),
        ):
            times, count = await measure(url, moment)
            median, worst = statistics.median(times) * 1000, max(times) * 1000
            print(
                f"plan at {label}: {count} reminders; median {median:.0f} ms,"
                f" max {worst:.0f} ms (budget 1000 ms)"
            )


if __name__ == "__main__":
    asyncio.run(main())
