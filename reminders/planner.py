"""What is due at a given moment: pure functions over a storage Snapshot.

Each reminder has a key (kind, recipient, period, stage). When several stages of the same
reminder have passed (the bot was down), only the latest is due: a catch-up sends one
message, not a backlog.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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


def plan(snapshot: Snapshot, now: datetime, schedule: ReminderSchedule) -> list[Due]:
    dues = [
        *_deadline(snapshot, now, schedule),
        *_overdue(snapshot, now, schedule),
        *_no_project(snapshot, now, schedule),
        *_achievement(snapshot, now, schedule),
        *_rereview(snapshot, now, schedule),
    ]
    return [
        d
        for d in dues
        if d.recipient_id not in snapshot.blocked
        and (d.kind in MANDATORY or (d.recipient_id, d.kind) not in snapshot.muted)
    ]


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


def _deadline(snapshot: Snapshot, now: datetime, schedule: ReminderSchedule) -> list[Due]:
    # Art. 17: each county/system union reports the year's assessments by 31 December.
    today = now.astimezone(schedule.tz).date()
    year = today.year
    deadline = report_deadline(year)
    stages = [
        (f"{m:02d}-{d:02d}", schedule.at(date(year, m, d))) for m, d in schedule.deadline_days
    ]
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


def _overdue(snapshot: Snapshot, now: datetime, schedule: ReminderSchedule) -> list[Due]:
    local = now.astimezone(schedule.tz)
    year = local.year - 1
    fires_at = schedule.at(date(local.year, 1, 1))
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


def _no_project(snapshot: Snapshot, now: datetime, schedule: ReminderSchedule) -> list[Due]:
    # Art. 6(3): at least one approved project every calendar year.
    year = now.astimezone(schedule.tz).year
    fires_at = schedule.at(date(year, *schedule.duty_day))
    if now < fires_at:
        return []
    stage = f"{schedule.duty_day[0]:02d}-{schedule.duty_day[1]:02d}"
    return [
        Due(NO_PROJECT, leader, f"{s.id}:{year}", stage, fires_at, {"studio": s.name, "year": year})
        for s in snapshot.studios
        if (s.id, year) not in snapshot.approved_projects
        for leader in s.leaders
    ]


def _achievement(snapshot: Snapshot, now: datetime, schedule: ReminderSchedule) -> list[Due]:
    # Art. 6(4): a recognised achievement in every two-year window; warn before it closes.
    today = now.astimezone(schedule.tz).date()
    dues = []
    for s in snapshot.studios:
        if s.named_on is None or not s.leaders:
            continue
        start, end = achievement_window(s.named_on, today)
        fires_at = schedule.at(end - timedelta(days=schedule.achievement_lead_days))
        if now < fires_at:
            continue
        if any(start <= d < end for d in snapshot.achievements.get(s.id, [])):
            continue
        last_day = end - timedelta(days=1)
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


def _rereview(snapshot: Snapshot, now: datetime, schedule: ReminderSchedule) -> list[Due]:
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
