"""Art. 6: the five basic conditions of a studio, assessed as pure functions.

`assess()` turns the facts on record into five results (met / at risk / missing),
each with a message key and the parameters the bot's catalogs need to state the
fact behind it. Callers (storage/bot/reminders) build `ComplianceFacts` from their own
models; nothing here knows about the database or Telegram.

Where the regulation gives no number (Art. 6(2) "相对合理"), the thresholds below
are the programme's working thresholds, not the regulation's words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from policy.cycles import achievement_window
from policy.lifecycle import leader_qualifies

T = TypeVar("T")


class Level(StrEnum):
    MET = "met"
    AT_RISK = "at_risk"
    MISSING = "missing"


@dataclass(frozen=True)
class ConditionResult:
    clause: int  # the item of Art. 6, 1..5
    level: Level
    fact_key: str  # message key, e.g. "status.leader.ok"
    params: dict[str, str | int] = field(default_factory=dict)  # named placeholders for it


@dataclass(frozen=True)
class MemberInfo:
    specialty: str
    education: str
    birth_year: int | None
    active: bool = True


@dataclass(frozen=True)
class ComplianceFacts:
    """What `assess()` reads about one studio: its Art. 6 record, not the studio itself."""

    leader_honour: str  # an Honour value, e.g. "provincial_model_worker"
    members: tuple[MemberInfo, ...] = ()  # the team besides the leader
    approved_project_years: tuple[int, ...] = ()  # one entry per approved (立项) project
    achievement_dates: tuple[date, ...] = ()  # recognised achievements only
    named_on: date | None = None
    applied_on: date | None = None
    venue: str = ""
    income_sources: tuple[str, ...] = ()  # one FundSource value per income record


# Art. 3 / Art. 6(1): provincial (ministerial) level or above, including persons
# recognised as enjoying model-worker treatment. Prefecture/county honours do not count.

# Art. 6(2) working thresholds (the programme's, not the regulation's words).
MIN_TEAM_SIZE = 3  # active members besides the leader; fewer is "missing"
MIN_AGE_SPREAD_YEARS = 10  # oldest minus youngest birth year; less is "at risk"

# Art. 6(3) working threshold: from 1 October a year without an approved project
# is "missing" rather than "at risk" — too late to get one approved in the year.
# The leader's reminder goes out that day (reminders.schedule).
PROJECT_LATE_FROM = (10, 1)

# Art. 6(4) working threshold: a window with no achievement and this few days
# left (or fewer) is "missing"; the leader's reminder goes out that day (reminders.schedule).
ACHIEVEMENT_WARNING_DAYS = 90

HOST_UNIT = "host_unit"


def assess(facts: ComplianceFacts, today: date) -> tuple[ConditionResult, ...]:
    """The five Art. 6 conditions, in clause order, as of `today` (Asia/Shanghai)."""
    return (
        _leader(facts),
        _team(facts, today),
        _projects(facts, today),
        _achievements(facts, today),
        _venue_and_funds(facts),
    )


def _leader(facts: ComplianceFacts) -> ConditionResult:
    # Art. 6(1): 有劳模领衔. An honour is qualifying or not; there is no "at risk".
    honour = str(facts.leader_honour)
    if leader_qualifies(honour):
        return ConditionResult(1, Level.MET, "status.leader.ok", {"honour": honour})
    return ConditionResult(1, Level.MISSING, "status.leader.not_qualified", {"honour": honour})


def _distinct(values: Iterable[str]) -> list[str]:
    # First-appearance order, so "本科/大专" reads in the order the ledger lists people.
    seen: dict[str, str] = {}
    for v in values:
        text = v.strip()
        if text:
            seen.setdefault(text.casefold(), text)
    return list(seen.values())


def _team(facts: ComplianceFacts, today: date) -> ConditionResult:
    # Art. 6(2): 专业技术结构、学历结构、年龄结构相对合理. Former members do not count.
    active = [m for m in facts.members if m.active]
    specialties = _distinct(m.specialty for m in active)
    educations = _distinct(m.education for m in active)
    births = [m.birth_year for m in active if m.birth_year is not None]
    incomplete = sum(
        1
        for m in active
        if not m.specialty.strip() or not m.education.strip() or m.birth_year is None
    )
    # Ages as reached this calendar year; 0/0 when no birth year is on record.
    age_min = today.year - max(births) if births else 0
    age_max = today.year - min(births) if births else 0
    params: dict[str, str | int] = {
        "size": len(active),
        "min_size": MIN_TEAM_SIZE,
        "specialties": len(specialties),
        "educations": "/".join(educations),
        "age_min": age_min,
        "age_max": age_max,
        "incomplete": incomplete,
        "min_age_spread": MIN_AGE_SPREAD_YEARS,
    }
    if len(active) < MIN_TEAM_SIZE:
        return ConditionResult(2, Level.MISSING, "status.team.too_small", params)
    # One key per result: the first shortfall in this order. Missing data comes first
    # because the structure cannot be judged fairly without it.
    if incomplete:
        key = "status.team.incomplete"
    elif len(specialties) < 2:
        key = "status.team.one_specialty"
    elif len(educations) < 2:
        key = "status.team.one_education"
    elif age_max - age_min < MIN_AGE_SPREAD_YEARS:
        key = "status.team.narrow_ages"
    else:
        return ConditionResult(2, Level.MET, "status.team.ok", params)
    return ConditionResult(2, Level.AT_RISK, key, params)


def _projects(facts: ComplianceFacts, today: date) -> ConditionResult:
    # Art. 6(3): 每年至少有1个立项的创新课题或攻关项目 — per calendar year.
    year = today.year
    count = sum(1 for y in facts.approved_project_years if y == year)
    if count:
        return ConditionResult(3, Level.MET, "status.project.ok", {"year": year, "count": count})
    params: dict[str, str | int] = {
        "year": year,
        "count": 0,
        "days_left": (date(year, 12, 31) - today).days,
        "late_from": date(year, *PROJECT_LATE_FROM).isoformat(),
    }
    if today < date(year, *PROJECT_LATE_FROM):
        return ConditionResult(3, Level.AT_RISK, "status.project.pending", params)
    return ConditionResult(3, Level.MISSING, "status.project.none", params)


def _achievements(facts: ComplianceFacts, today: date) -> ConditionResult:
    # Art. 6(4): 每两年至少有1-2项成果得到有关方面的认可或认定.
    # Windows count from naming; before naming, from the application (the clock
    # the studio is judged by once named starts when it applies).
    recognised = sorted(d for d in facts.achievement_dates if d <= today)
    anchor = facts.named_on or facts.applied_on
    if anchor is None:
        # No date to count from: the window's end cannot be stated.
        return ConditionResult(
            4, Level.AT_RISK, "status.achievement.no_window", {"count": len(recognised)}
        )
    start, end = achievement_window(anchor, today)
    # "Ends on" and "days left" name the window's last day, as the reminders do.
    last_day = end - timedelta(days=1)
    params: dict[str, str | int] = {
        "start": start.isoformat(),
        "end": last_day.isoformat(),
        "days": (last_day - today).days,
    }
    in_window = [d for d in recognised if start <= d < end]
    if in_window:
        params |= {"last": in_window[-1].isoformat(), "count": len(in_window)}
        return ConditionResult(4, Level.MET, "status.achievement.ok", params)
    if start > anchor:
        # A window that closed empty stays a failure until the new one is satisfied;
        # otherwise the status would flip from missing back to at risk overnight.
        prev_start, prev_end = achievement_window(anchor, start - timedelta(days=1))
        if not any(prev_start <= d < prev_end for d in recognised):
            params["lapsed_end"] = (prev_end - timedelta(days=1)).isoformat()
            return ConditionResult(4, Level.MISSING, "status.achievement.lapsed", params)
    if (last_day - today).days <= ACHIEVEMENT_WARNING_DAYS:
        return ConditionResult(4, Level.MISSING, "status.achievement.closing", params)
    return ConditionResult(4, Level.AT_RISK, "status.achievement.pending", params)


def _venue_and_funds(facts: ComplianceFacts) -> ConditionResult:
    # Art. 6(5): 有相对固定的活动场所及专项经费.
    # Art. 9: every fund recorded; the host unit bears daily costs (any income counts here).
    venue = facts.venue.strip()
    params: dict[str, str | int] = {
        "venue": venue,
        "incomes": len(facts.income_sources),
        "host_unit_incomes": sum(1 for s in facts.income_sources if s == HOST_UNIT),
    }
    if venue and facts.income_sources:
        return ConditionResult(5, Level.MET, "status.venue_funds.ok", params)
    if venue:
        return ConditionResult(5, Level.AT_RISK, "status.venue_funds.no_funds", params)
    if facts.income_sources:
        return ConditionResult(5, Level.AT_RISK, "status.venue_funds.no_venue", params)
    return ConditionResult(5, Level.MISSING, "status.venue_funds.none", params)


def overall(results: Iterable[ConditionResult]) -> Level:
    """The worst level among `results` (met when there are none)."""
    levels = {r.level for r in results}
    if Level.MISSING in levels:
        return Level.MISSING
    if Level.AT_RISK in levels:
        return Level.AT_RISK
    return Level.MET


def severity(results: Iterable[ConditionResult]) -> tuple[int, int]:
    """Sort key for the officer view: more ❌ first, then more ⚠️."""
    levels = [r.level for r in results]
    return (-levels.count(Level.MISSING), -levels.count(Level.AT_RISK))


def worst_first(
    items: Iterable[T],
    *,
    name: Callable[[T], str] = lambda item: item[0],  # type: ignore[index]
    results: Callable[[T], Sequence[ConditionResult]] = lambda item: item[1],  # type: ignore[index]
) -> list[T]:
    """Officer view: most ❌ first, then most ⚠️, then by name; ties keep input order.

    Items are (name, results) pairs unless `name` and `results` say how to read them.
    Names compare in Unicode order (radical-stroke order for 汉字), not by pinyin.
    """
    return sorted(items, key=lambda item: (*severity(results(item)), name(item)))
