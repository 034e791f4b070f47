"""Reminders with frozen time: exactly who receives what, once, across restarts and instances."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.handlers.reminders import render_reminders
from bot.offline import Person
from reminders import jobs as reminder_jobs
from reminders.schedule import ReminderSchedule
from reminders.service import ReminderService
from storage.accounts import AccountService
from storage.db import make_engine, make_session_factory
from storage.models import (
    Achievement,
    AchievementCategory,
    AnnualAssessment,
    AnnualReport,
    AssessmentGrade,
    Project,
    ProjectKind,
    ReminderLog,
    ReminderStatus,
    ReportStatus,
    ReviewStatus,
    Role,
    RoleGrant,
    User,
)
from tests.factories import add_grassroots, add_studio, union_named
from tests.harness import BotHarness

TZ = ZoneInfo("Asia/Shanghai")
ADMIN, JH_1, JH_2, MH, LEADER = 1, 21, 22, 31, 41


def at(y: int, m: int, d: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=TZ)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class World:
    """Jinghong (two officers, one assessed and one unassessed studio), Menghai (one officer),
    Mengla (no officer), a prefecture admin, and a studio leader."""

    def __init__(self, bot: BotHarness, clock: Clock) -> None:
        self.bot = bot
        self.clock = clock
        self.service = ReminderService(
            make_session_factory(bot.db.require_engine()),
            ReminderSchedule(),
            render_reminders,
            clock,
        )

    async def build(self, year: int = 2026) -> None:
        async with self.bot.session() as s:
            await AccountService(s).grant_admin(ADMIN)
            jh = await union_named(s, "景洪市总工会")
            mh = await union_named(s, "勐海县总工会")
            for uid, union in ((JH_1, jh), (JH_2, jh), (MH, mh)):
                s.add(User(id=uid, full_name=f"officer{uid}"))
                await s.flush()
                s.add(RoleGrant(user_id=uid, role=Role.UNION_OFFICER, union_id=union.id))
            s.add(User(id=LEADER, full_name="岩温"))
            await s.commit()
            await add_grassroots(s, "景洪市供电局工会", "景洪市总工会")
            self.done = await add_studio(s, "玉罕", "景洪市供电局工会")
            self.todo = await add_studio(s, "岩温", "景洪市供电局工会")
            self.todo.named_on = date(year - 1, 3, 1)
            self.done.named_on = date(year - 3, 6, 1)
            s.add(RoleGrant(user_id=LEADER, role=Role.STUDIO_LEADER, studio_id=self.todo.id))
            s.add(AnnualAssessment(studio_id=self.done.id, union_id=jh.id, year=year,
                                   grade=AssessmentGrade.GOOD))  # fmt: skip
            await s.commit()

    async def run(self, when: datetime) -> None:
        self.clock.now = when
        await self.service.run_due(self.bot.app.bot)

    def received(self, user_id: int) -> list[str]:
        return [m["text"] for m in self.bot.fake.sent.get(user_id, [])]


@pytest.fixture
async def world(bot: BotHarness) -> AsyncIterator[World]:
    w = World(bot, Clock(at(2026, 11, 30)))
    await w.build()
    yield w


@pytest.mark.postgres
async def test_year_end_walk_sends_each_stage_once(world: World) -> None:
    day = at(2026, 11, 30)
    while day <= at(2027, 1, 2):
        await world.run(day)  # the 09:00 job
        await world.run(day + timedelta(hours=6))  # a second run the same day sends nothing
        if day.date() == date(2026, 12, 20):  # Menghai reports on 20 December
            async with world.bot.session() as s:
                mh = await union_named(s, "勐海县总工会")
                s.add(AnnualReport(union_id=mh.id, year=2026, status=ReportStatus.SUBMITTED))
                await s.commit()
        day += timedelta(days=1)

    jinghong = world.received(JH_1)
    assert world.received(JH_2) == jinghong
    assert len(jinghong) == 6  # 1, 15, 24, 29, 31 December, and the overdue notice
    assert "还剩 30 天" in jinghong[0] and "还剩 16 天" in jinghong[1]
    assert "还剩 7 天" in jinghong[2] and "还剩 2 天" in jinghong[3]
    assert "今天截止" in jinghong[4]
    assert "已逾期" in jinghong[5]
    assert "岩温劳模创新工作室" in jinghong[0] and "玉罕劳模创新工作室" not in jinghong[0]

    menghai = world.received(MH)
    assert len(menghai) == 2 and all("勐海县总工会" in m for m in menghai)

    summary = [m for m in world.received(ADMIN) if "考核报送情况" in m]
    assert len(summary) == 1
    assert "景洪市总工会" in summary[0] and "勐腊县总工会" in summary[0]
    assert "勐海县总工会" not in summary[0]


@pytest.mark.postgres
async def test_restart_catches_up_with_the_latest_stage_only(world: World) -> None:
    await world.run(at(2026, 12, 1))
    # Down from 2 to 26 December; the start-up catch-up runs at 10:17.
    await world.run(at(2026, 12, 26, 10, 17))
    await world.run(at(2026, 12, 27))
    texts = world.received(JH_1)
    assert len(texts) == 2
    assert "还剩 30 天" in texts[0] and "还剩 5 天" in texts[1]


@pytest.mark.postgres
async def test_two_instances_at_once_send_once(world: World) -> None:
    world.clock.now = at(2026, 12, 15)
    other_engine = make_engine(world.bot.db.url, world.bot.db.schema)
    other = ReminderService(
        make_session_factory(other_engine), ReminderSchedule(), render_reminders, world.clock
    )
    try:
        await asyncio.gather(
            world.service.run_due(world.bot.app.bot), other.run_due(world.bot.app.bot)
        )
    finally:
        await other_engine.dispose()
    assert [len(world.received(u)) for u in (JH_1, JH_2, MH)] == [1, 1, 1]


@pytest.mark.postgres
async def test_blocked_user_is_marked_and_not_retried(world: World) -> None:
    world.bot.fake.blocked.add(JH_1)
    await world.run(at(2026, 12, 1))
    await world.run(at(2026, 12, 15))
    for minute in range(1, 200, 30):
        world.clock.now = at(2026, 12, 15) + timedelta(minutes=minute)
        await world.service.retry(world.bot.app.bot)
    async with world.bot.session() as s:
        rows = list(await s.scalars(select(ReminderLog).where(ReminderLog.recipient_id == JH_1)))
        user = await s.get(User, JH_1)
    assert [r.status for r in rows] == [ReminderStatus.SKIPPED]  # 15 Dec was not even tried
    assert user is not None and user.blocked_bot_at is not None
    assert len(world.received(JH_2)) == 2
    # Writing to the bot again lifts the mark.
    world.bot.fake.blocked.discard(JH_1)
    await world.bot.send(Person(JH_1, "officer"), "/start")
    await world.run(at(2026, 12, 24))
    assert any("还剩 7 天" in t for t in world.received(JH_1))


@pytest.mark.postgres
async def test_failed_send_is_retried_with_backoff_and_delivered_once(world: World) -> None:
    world.bot.fake.outages = 10  # everything fails for a while
    await world.run(at(2026, 12, 1))
    assert world.received(JH_1) == []
    world.bot.fake.outages = 0
    world.clock.now = at(2026, 12, 1) + timedelta(seconds=30)
    assert (await world.service.retry(world.bot.app.bot)).due == 0  # backoff not over yet
    world.clock.now = at(2026, 12, 1) + timedelta(minutes=2)
    report = await world.service.retry(world.bot.app.bot)
    assert report.sent >= 3
    world.clock.now = at(2026, 12, 1) + timedelta(minutes=30)
    await world.service.retry(world.bot.app.bot)
    await world.run(at(2026, 12, 1, 15))
    assert len(world.received(JH_1)) == 1 and len(world.received(MH)) == 1


@pytest.mark.postgres
async def test_crash_after_claim_is_retried_after_the_lease(world: World) -> None:
    world.clock.now = at(2026, 12, 1)
    async with world.bot.session() as s:
        from storage.reminders import Claim, claim

        jinghong = (await union_named(s, "景洪市总工会")).id
        payload = {"union": "景洪市总工会", "year": 2026, "deadline": "2026-12-31", "days": 30,
                   "studios": []}  # fmt: skip
        await claim(
            s, [Claim("deadline", JH_1, f"{jinghong}:2026", "12-01", payload)], world.clock.now
        )
    await world.run(at(2026, 12, 1, 9, 1))
    assert world.received(JH_1) == []  # claimed by the "crashed" run: not sent twice
    world.clock.now = at(2026, 12, 1, 9, 12)
    await world.service.retry(world.bot.app.bot)
    assert len(world.received(JH_1)) == 1


async def test_studio_duties_on_1_october_and_the_achievement_window(world: World) -> None:
    await world.run(at(2026, 9, 30))
    assert world.received(LEADER) == []
    await world.run(at(2026, 10, 1))
    [october] = world.received(LEADER)
    assert "2026 年还没有登记立项" in october and "第六条（三）" in october
    # Named 2025-03-01: the first two-year window's last day is 2027-02-28; 90 days before
    # it is 30 November, the day /status turns the condition "missing".
    await world.run(at(2026, 11, 29))
    assert len(world.received(LEADER)) == 1
    await world.run(at(2026, 11, 30))
    assert "到 2027-02-28 结束（还剩 90 天）" in world.received(LEADER)[-1]
    await world.run(at(2026, 12, 1))
    assert len(world.received(LEADER)) == 2


async def test_recorded_project_and_achievement_silence_the_duties(world: World) -> None:
    async with world.bot.session() as s:
        s.add(
            Project(
                studio_id=world.todo.id,
                title="变压器降损",
                year=2026,
                kind=ProjectKind.BREAKTHROUGH,
                approved_on=date(2026, 4, 1),
            )
        )
        s.add(
            Achievement(
                studio_id=world.todo.id,
                title="降损法",
                achieved_on=date(2026, 6, 1),
                category=AchievementCategory.TECHNOLOGY,
                recognised_by="云南省电力公司",
                review_status=ReviewStatus.ACKNOWLEDGED,
            )
        )
        await s.commit()  # fmt: skip
    await world.run(at(2026, 10, 1))
    await world.run(at(2026, 12, 1))
    assert world.received(LEADER) == []


async def test_an_unrecognised_achievement_counts_neither_for_status_nor_reminders(
    world: World,
) -> None:
    # Art. 6(4) asks for achievements "recognised or certified by a relevant body": one with
    # no recognising body is on record but does not count, for /status and reminders alike.
    async with world.bot.session() as s:
        s.add(
            Achievement(
                studio_id=world.todo.id,
                title="自己总结的降损法",
                achieved_on=date(2026, 6, 1),
                category=AchievementCategory.TECHNOLOGY,
                recognised_by="",
                review_status=ReviewStatus.ACKNOWLEDGED,
            )
        )
        await s.commit()
    deps = world.bot.app.bot_data.deps
    assert deps is not None
    deps.clock = world.clock
    world.clock.now = at(2026, 12, 1)
    [status] = await world.bot.send(Person(LEADER, "岩温"), "/status")
    assert "只剩 89 天，还没有认可成果" in status
    await world.run(at(2026, 12, 1))
    assert "到 2027-02-28 结束" in world.received(LEADER)[-1]


async def test_the_reminders_list_is_what_the_dry_run_will_say(world: World) -> None:
    async with world.bot.session() as s:  # the leader's window already has its achievement
        s.add(Achievement(studio_id=world.todo.id, title="降损法", achieved_on=date(2026, 6, 1),
                          category=AchievementCategory.TECHNOLOGY, recognised_by="州科技局",
                          review_status=ReviewStatus.ACKNOWLEDGED))  # fmt: skip
        await s.commit()
    world.clock.now = at(2026, 9, 1)
    leader = await world.service.upcoming(LEADER)
    assert [(u.kind, u.fires_at) for u in leader] == [("no_project", at(2026, 10, 1))]
    officer = await world.service.upcoming(JH_1)
    assert [(u.kind, u.fires_at.date(), u.subject) for u in officer] == [
        *[("deadline", date(2026, 12, d), "景洪市总工会") for d in (1, 15, 24, 29, 31)],
        ("overdue", date(2027, 1, 1), "景洪市总工会"),
    ]
    for person in (LEADER, JH_1, ADMIN):
        for item in await world.service.upcoming(person):
            planned = await world.service.dry_run(item.fires_at)
            assert [
                d for d, done in planned
                if (d.recipient_id, d.kind, d.fires_at) == (person, item.kind, item.fires_at)
                and not done
            ], item  # fmt: skip


async def test_rereview_reminders_in_a_leap_year(world: World) -> None:
    async with world.bot.session() as s:
        studio = await add_studio(s, "刀建华", "勐腊县总工会")
        studio.named_on = date(2024, 2, 29)
        await s.commit()
    # Fifth anniversary: 2029-02-28; 90 days before is 2028-11-30, 30 days before 2029-01-29.
    await world.run(at(2028, 11, 29))
    assert not [t for t in world.received(ADMIN) if "刀建华" in t]
    await world.run(at(2028, 11, 30))
    await world.run(at(2028, 12, 1))
    await world.run(at(2029, 1, 29))
    rereview = [t for t in world.received(ADMIN) if "刀建华" in t and "满五年" in t]
    assert len(rereview) == 2
    assert "还剩 90 天" in rereview[0] and "还剩 30 天" in rereview[1]
    assert "2029-02-28" in rereview[0]


async def test_leader_can_mute_optional_reminders_but_officers_not_the_deadline(
    world: World,
) -> None:
    leader, officer = Person(LEADER, "岩温"), Person(JH_1, "officer")
    world.bot.app.bot_data.deps.reminders.clock = world.clock  # type: ignore[union-attr]
    world.clock.now = at(2026, 9, 1)
    replies = await world.bot.send(leader, "/reminders")
    assert "年度项目提醒（岩温劳模创新工作室）" in replies[0] and "2026-10-01 09:00" in replies[0]
    await world.bot.press(leader, "关闭年度项目提醒")
    assert "已关闭「年度项目提醒」" in world.bot.last(leader)
    await world.run(at(2026, 10, 1))
    assert world.received(LEADER)[-1].startswith("已关闭")  # no reminder arrived

    replies = await world.bot.send(officer, "/reminders")
    assert "2026-12-01 09:00" in replies[0] and "不能关闭" in replies[0]
    assert world.bot.button_labels(officer) == []
    replies = await world.bot.press_data(officer, "rem:m:deadline")
    assert "不能关闭" in replies[0]
    await world.run(at(2026, 12, 1))
    assert "还剩 30 天" in world.received(JH_1)[-1]


async def test_jobs_registered_at_startup_catch_up_send_daily_and_retry(world: World) -> None:
    app, queue = world.bot.app, world.bot.app.job_queue
    deps = app.bot_data.deps
    assert queue is not None and deps is not None
    deps.reminders.clock = world.clock
    # A restart registers the jobs again: they are replaced, not doubled.
    reminder_jobs.register(queue, deps.reminders)
    live = [j for j in queue.jobs() if not j.removed]
    jobs = {j.name: j for j in live}
    assert len(jobs) == len(live)

    # The bot was down at 09:00 on 1 December and came back at 10:17: the catch-up sends it…
    world.bot.fake.outages = 1  # …and the first of those sends fails.
    world.clock.now = at(2026, 12, 1, 10, 17)
    await jobs["reminders:catch-up"].run(app)
    assert sorted(len(world.received(u)) for u in (JH_1, JH_2, MH)) == [0, 1, 1]

    # The retry job delivers it once the backoff has passed; the daily job, run again the
    # same day, sends nothing new.
    world.clock.now = at(2026, 12, 1, 10, 19)
    await jobs["reminders:retry"].run(app)
    await jobs["reminders:daily"].run(app)
    assert [len(world.received(u)) for u in (JH_1, JH_2, MH)] == [1, 1, 1]

    # And the daily job fires at 09:00 Asia/Shanghai.
    trigger = jobs["reminders:daily"].job.trigger
    assert trigger.get_next_fire_time(None, world.clock.now) == at(2026, 12, 2, 9)


async def test_an_officer_of_two_unions_hears_about_both(world: World) -> None:
    async with world.bot.session() as s:
        mengla = await union_named(s, "勐腊县总工会")
        s.add(RoleGrant(user_id=JH_1, role=Role.UNION_OFFICER, union_id=mengla.id))
        await s.commit()
    await world.run(at(2026, 12, 1))
    [message] = world.received(JH_1)  # one message, both unions in it
    assert "景洪市总工会" in message and "勐腊县总工会" in message


async def test_a_long_list_is_cut_and_every_message_fits(world: World) -> None:
    async with world.bot.session() as s:
        for n in range(45):
            studio = await add_studio(s, f"劳模{n:02d}", "勐海县总工会")
            studio.named_on = date(2024, 5, 1)
        await s.commit()
    await world.run(at(2026, 12, 1))
    [message] = world.received(MH)
    assert "劳模00劳模创新工作室" in message and "等共 45 个" in message
    assert "劳模44劳模创新工作室" not in message
    assert all(len(m["text"]) <= 4096 for ms in world.bot.fake.sent.values() for m in ms)


def test_leaders_are_reminded_the_day_status_turns_missing() -> None:
    from policy.compliance import ComplianceFacts, Level, assess
    from reminders.planner import plan
    from storage.access import UnionTree
    from storage.reminders import ReminderStudio, Snapshot

    schedule, named = ReminderSchedule(), date(2025, 3, 1)
    facts = ComplianceFacts(leader_honour="provincial_model_worker", named_on=named)
    snapshot = Snapshot(unions=[], officers={}, admins=[], submitted=set(), assessed=set(),
                        studios=[ReminderStudio(7, "岩温劳模创新工作室", 1, named, (LEADER,))],
                        approved_projects=set(), achievements={}, muted=set(), blocked=set(),
                        tree=UnionTree({}, {}))  # fmt: skip
    first_missing: dict[int, date] = {}
    first_reminded: dict[str, date] = {}
    day = date(2026, 9, 1)
    while day < date(2027, 1, 1):
        for result in assess(facts, day):
            if result.level is Level.MISSING:
                first_missing.setdefault(result.clause, day)
        for due in plan(snapshot, schedule.at(day), schedule):
            first_reminded.setdefault(due.kind, day)
        day += timedelta(days=1)
    assert first_reminded["no_project"] == first_missing[3] == date(2026, 10, 1)
    assert first_reminded["achievement_window"] == first_missing[4] == date(2026, 11, 30)


def test_split_message_keeps_reminders_whole() -> None:
    from reminders.service import split_message

    parts = ["a" * 1500, "b" * 1500, "c" * 1500, "d" * 10]
    chunks = split_message("\n\n".join(parts))
    assert chunks == ["a" * 1500 + "\n\n" + "b" * 1500, "c" * 1500 + "\n\n" + "d" * 10]


async def _statuses(world: World) -> dict[int, list[ReminderStatus]]:
    async with world.bot.session() as s:
        rows = await s.scalars(select(ReminderLog).order_by(ReminderLog.id))
        out: dict[int, list[ReminderStatus]] = {}
        for r in rows:
            out.setdefault(r.recipient_id, []).append(r.status)
        return out


async def _retry_for_hours(world: World, start: datetime, hours: int = 4) -> None:
    for minute in range(0, hours * 60, 7):
        world.clock.now = start + timedelta(minutes=minute)
        await world.service.retry(world.bot.app.bot)


@pytest.mark.postgres
async def test_a_send_that_times_out_after_telegram_accepted_it_is_not_resent(
    world: World,
) -> None:
    # Telegram took the first message, but the answer never came back (read timeout).
    world.bot.fake.accept_then_timeout = 1
    await world.run(at(2026, 12, 1))
    statuses = await _statuses(world)
    unsure = [u for u, s in statuses.items() if s == [ReminderStatus.UNKNOWN]]
    assert len(unsure) == 1
    await _retry_for_hours(world, at(2026, 12, 1))
    await world.run(at(2026, 12, 1, 15))
    # It did arrive, once, and nothing was resent on the strength of a timeout.
    assert [len(world.received(u)) for u in (JH_1, JH_2, MH)] == [1, 1, 1]
    assert (await _statuses(world))[unsure[0]] == [ReminderStatus.UNKNOWN]


@pytest.mark.postgres
async def test_a_refused_connection_is_certain_and_retried(world: World) -> None:
    world.bot.fake.refuse = 1  # nothing reached Telegram
    await world.run(at(2026, 12, 1))
    assert sorted(len(world.received(u)) for u in (JH_1, JH_2, MH)) == [0, 1, 1]
    assert [ReminderStatus.FAILED] in (await _statuses(world)).values()
    await _retry_for_hours(world, at(2026, 12, 1))
    assert [len(world.received(u)) for u in (JH_1, JH_2, MH)] == [1, 1, 1]


@pytest.mark.postgres
async def test_a_crash_after_the_send_leaves_it_unknown_not_resent(world: World) -> None:
    from bot.offline import SimulatedCrash

    world.bot.fake.crash_after_accept = 1  # kill -9 right after Telegram took the message
    with pytest.raises(SimulatedCrash):
        await world.run(at(2026, 12, 1))
    statuses = await _statuses(world)
    crashed = [u for u, s in statuses.items() if s == [ReminderStatus.SENDING]]
    assert len(crashed) == 1 and len(world.received(crashed[0])) == 1
    # The restarted bot: a catch-up run, then the retry job past the lease.
    await world.run(at(2026, 12, 1, 10, 30))
    await _retry_for_hours(world, at(2026, 12, 1, 10, 30))
    assert [len(world.received(u)) for u in (JH_1, JH_2, MH)] == [1, 1, 1]
    assert (await _statuses(world))[crashed[0]] == [ReminderStatus.UNKNOWN]


@pytest.mark.postgres
async def test_admins_see_the_delivery_report(world: World) -> None:
    world.bot.fake.blocked.add(MH)
    world.bot.fake.accept_then_timeout = 1
    world.bot.fake.outages = 0
    await world.run(at(2026, 12, 1))
    statuses = await _statuses(world)
    unsure = next(u for u, s in statuses.items() if s == [ReminderStatus.UNKNOWN])
    # The next morning the admin hears about it once, with the day's deadline reminder run.
    await world.run(at(2026, 12, 2))
    await world.run(at(2026, 12, 2, 15))
    summaries = [t for t in world.received(ADMIN) if "送达情况" in t]
    assert len(summaries) == 1
    assert "不确定 1" in summaries[0] and "已屏蔽 1" in summaries[0]
    assert f"officer{unsure}" in summaries[0] and f"officer{MH}" in summaries[0]
    # No problems that day: no summary the day after.
    await world.run(at(2026, 12, 3))
    assert len([t for t in world.received(ADMIN) if "送达情况" in t]) == 1

    admin = Person(ADMIN, "州管理员")
    report = "\n".join(await world.bot.send(admin, "/delivery"))
    assert "❔ 不确定 1" in report and "🚫 已屏蔽 1" in report
    assert f"officer{unsure}" in report and f"officer{MH}" in report
    assert "不自动重发" in report
    officer = Person(JH_2, "officer")
    assert "没有权限" in "\n".join(await world.bot.send(officer, "/delivery"))
