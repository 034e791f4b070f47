"""What is due at a given moment: pure functions over a storage Snapshot.

Each reminder has a key (kind, recipient, period, stage). When several stages of the same
reminder have passed (the bot was down), only the latest is due: a catch-up sends one
message, not a backlog.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from policy.cycles import achievement_window, next_rereview
from policy.deadlines import days_until, report_deadline
from reminders.schedule import (
    ACHIEVEMENT_WINDOW,
    DEADLINE,
    MANDATORY,
    NO_PROJECT,
    OVERDUE,
    OVERDUE_SUMMARY,
    REREVIEW,
    ReminderSchedule,
)
from storage.access import UnionTree
from storage.reminders import Snapshot


@dataclass(frozen=True)
class Due:
    kind: str
    recipient_id: int
    period: str
    stage: str
    fires_at: datetime
    payload: dict[str, Any] = field(compare=False)

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.kind, self.recipient_id, self.period, self.stage)


def years_needed(now: datetime, schedule: ReminderSchedule) -> tuple[int, ...]:
    year = now.astimezone(schedule.tz).year
    return (year - 1, year)


def plan(
    snapshot: Snapshot,
    now: datetime,
    schedule: ReminderSchedule,
    moments: set[datetime] | None = None,
) -> list[Due]:
    """What is due at `now`. `moments` collects every moment a stage of the reminders looked
    at fires, past or future: where `upcoming` asks next."""
    seen = moments if moments is not None else set()
    dues = [
        *_deadline(snapshot, now, schedule, seen),
        *_overdue(snapshot, now, schedule, seen),
        *_no_project(snapshot, now, schedule, seen),
        *_achievement(snapshot, now, schedule, seen),
        *_rereview(snapshot, now, schedule, seen),
    ]
    return [
        d
        for d in dues
        if d.recipient_id not in snapshot.blocked
        and (d.kind in MANDATORY or (d.recipient_id, d.kind) not in snapshot.muted)
    ]


def upcoming(
    snapshot: Snapshot, recipient: int, now: datetime, until: datetime, schedule: ReminderSchedule
) -> list[Due]:
    """What `plan` will give this person after `now` and up to `until`, soonest first (on the
    facts known now): the planner is asked at each moment one of its stages fires, and what
    first fires at that moment is kept.

    A union's reminders are asked about at every day's reminder hour; a studio's (few moments,
    but possibly thousands of studios for an admin) at the moments its own stages name, and at
    each new year, when the yearly ones start over.
    """
    mine = _only(snapshot, recipient)
    found: dict[tuple[str, int, str, str], Due] = {}

    def ask(part: Snapshot, moment: datetime, seen: set[datetime]) -> None:
        for d in plan(part, moment, schedule, seen):
            if d.recipient_id == recipient and d.fires_at == moment:
                found.setdefault(d.key, d)

    start = now.astimezone(schedule.tz).date()
    days = [start + timedelta(days=n) for n in range((until - now).days + 2)]
    moments = [m for m in map(schedule.at, days) if now < m <= until]
    year_starts = [m for m in moments if m.month == 1 and m.day == 1]

    unions_only = replace(mine, studios=[])
    for moment in moments:
        ask(unions_only, moment, set())
    for studio in mine.studios:
        part = replace(mine, studios=[studio], unions=[], officers={}, tree=UnionTree({}, {}))
        seen: set[datetime] = set()
        plan(part, now, schedule, seen)
        pending, asked = sorted({*seen, *year_starts}), set()
        while pending:
            moment = pending.pop(0)
            if moment in asked or not now < moment <= until:
                continue
            asked.add(moment)
            before = set(seen)
            ask(part, moment, seen)
            pending = sorted({*pending, *(seen - before)})
    return sorted(found.values(), key=lambda d: (d.fires_at, d.kind))


def _only(snapshot: Snapshot, recipient: int) -> Snapshot:
    """The snapshot as far as one person's reminders go."""
    is_admin = recipient in snapshot.admins
    return replace(
        snapshot,
        officers={u: [recipient] for u, ids in snapshot.officers.items() if recipient in ids},
        admins=[recipient] if is_admin else [],
        studios=[
            replace(s, leaders=(recipient,) if recipient in s.leaders else ())
            for s in snapshot.studios
            if is_admin or recipient in s.leaders
        ],
    )


def _latest_passed(
    stages: Iterable[tuple[str, datetime]], now: datetime
) -> tuple[str, datetime] | None:
    passed = [(s, at) for s, at in stages if at <= now]
    return max(passed, key=lambda p: p[1]) if passed else None


def _unassessed(snapshot: Snapshot, union_id: int, year: int) -> list[str]:
    return sorted(
        s.name
        for s in snapshot.studios_reporting_to(union_id)
        if (s.id, year) not in snapshot.assessed
        and (s.named_on is None or s.named_on <= report_deadline(year))
    )


def _reporting_unions(snapshot: Snapshot) -> list[int]:
    return [u.id for u in snapshot.unions if snapshot.tree.reporting_union(u.id) == u.id]


def _deadline(
    snapshot: Snapshot, now: datetime, schedule: ReminderSchedule, seen: set[datetime]
) -> list[Due]:
    # Art. 17: each county/system union reports the year's assessments by 31 December.
    today = now.astimezone(schedule.tz).date()
    year = today.year
    deadline = report_deadline(year)
    stages = [
        (f"{m:02d}-{d:02d}", schedule.at(date(year, m, d))) for m, d in schedule.deadline_days
    ]
    seen.update(at for _, at in stages)
    latest = _latest_passed(stages, now)
    if latest is None or today > deadline:
        return []
    stage, fires_at = latest
    dues = []
    for union_id in _reporting_unions(snapshot):
        if (union_id, year) in snapshot.submitted:
            continue
        payload = {
            "union": snapshot.names[union_id],
            "year": year,
            "deadline": deadline.isoformat(),
            "days": days_until(deadline, today),
            "studios": _unassessed(snapshot, union_id, year),
        }
        dues += [
            Due(DEADLINE, officer, f"{union_id}:{year}", stage, fires_at, payload)
            for officer in snapshot.officers.get(union_id, [])
        ]
    return dues


def _overdue(
    snapshot: Snapshot, now: datetime, schedule: ReminderSchedule, seen: set[datetime]
) -> list[Due]:
    local = now.astimezone(schedule.tz)
    year = local.year - 1
    fires_at = schedule.at(date(local.year, 1, 1))
    seen.add(fires_at)
    until = date(local.year, *schedule.overdue_until)
    if now < fires_at or local.date() > until:
        return []
    late = [u for u in _reporting_unions(snapshot) if (u, year) not in snapshot.submitted]
    dues = []
    for union_id in late:
        payload = {
            "union": snapshot.names[union_id],
            "year": year,
            "deadline": report_deadline(year).isoformat(),
        }
        dues += [
            Due(OVERDUE, officer, f"{union_id}:{year}", "overdue", fires_at, payload)
            for officer in snapshot.officers.get(union_id, [])
        ]
    if late:
        summary = {
            "year": year,
            "deadline": report_deadline(year).isoformat(),
            "unions": [snapshot.names[u] for u in late],
        }
        dues += [
            Due(OVERDUE_SUMMARY, admin, str(year), "overdue", fires_at, summary)
            for admin in snapshot.admins
        ]
    return dues


def _no_project(
    snapshot: Snapshot, now: datetime, schedule: ReminderSchedule, seen: set[datetime]
) -> list[Due]:
    # Art. 6(3): at least one approved project every calendar year.
    year = now.astimezone(schedule.tz).year
    fires_at = schedule.at(date(year, *schedule.duty_day))
    seen.add(fires_at)
    if now < fires_at:
        return []
    stage = f"{schedule.duty_day[0]:02d}-{schedule.duty_day[1]:02d}"
    return [
        Due(NO_PROJECT, leader, f"{s.id}:{year}", stage, fires_at, {"studio": s.name, "year": year})
        for s in snapshot.studios
        if (s.id, year) not in snapshot.approved_projects
        for leader in s.leaders
    ]


def _achievement(
    snapshot: Snapshot, now: datetime, schedule: ReminderSchedule, seen: set[datetime]
) -> list[Due]:
    # Art. 6(4): a recognised achievement in every two-year window; warn before it closes.
    today = now.astimezone(schedule.tz).date()
    dues = []
    for s in snapshot.studios:
        if s.named_on is None or not s.leaders:
            continue
        start, end = achievement_window(s.named_on, today)
        # Counted to the window's last day, as /status counts its days left: the reminder
        # goes out the day /status turns "missing" ("90 days left").
        last_day = end - timedelta(days=1)
        fires_at = schedule.at(last_day - timedelta(days=schedule.achievement_lead_days))
        seen.add(fires_at)
        if now < fires_at:
            continue
        if any(start <= d < end for d in snapshot.achievements.get(s.id, [])):
            continue
        payload = {
            "studio": s.name,
            "end": last_day.isoformat(),
            "days": days_until(last_day, today),
        }
        stage = f"d{schedule.achievement_lead_days}"
        dues += [
            Due(ACHIEVEMENT_WINDOW, leader, f"{s.id}:{end.isoformat()}", stage, fires_at, payload)
            for leader in s.leaders
        ]
    return dues


def _rereview(
    snapshot: Snapshot, now: datetime, schedule: ReminderSchedule, seen: set[datetime]
) -> list[Due]:
    # Art. 17: the prefecture re-reviews every named studio every five years.
    today = now.astimezone(schedule.tz).date()
    dues = []
    for s in snapshot.studios:
        if s.named_on is None:
            continue
        anniversary = next_rereview(s.named_on, today)
        stages = [
            (f"d{lead}", schedule.at(anniversary - timedelta(days=lead)))
            for lead in schedule.rereview_lead_days
        ]
        seen.update(at for _, at in stages)
        latest = _latest_passed(stages, now)
        if latest is None:
            continue
        stage, fires_at = latest
        payload = {
            "studio": s.name,
            "named_on": s.named_on.isoformat(),
            "anniversary": anniversary.isoformat(),
            "days": days_until(anniversary, today),
        }
        dues += [
            Due(REREVIEW, admin, f"{s.id}:{anniversary.isoformat()}", stage, fires_at, payload)
            for admin in snapshot.admins
        ]
    return dues
