"""The facts behind Art. 6 for a set of studios, read in a few set-based queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from policy.compliance import MemberInfo, StudioFacts
from policy.deadlines import REPORT_TZ
from storage.models import (
    Achievement,
    FundDirection,
    FundRecord,
    Member,
    Project,
    ReviewStatus,
    Studio,
    StudioStatusChange,
)
from storage.models import StudioStatus as S


async def facts_for(session: AsyncSession, studios: Sequence[Studio]) -> dict[int, StudioFacts]:
    ids = [s.id for s in studios]
    members: dict[int, list[MemberInfo]] = defaultdict(list)
    for studio_id, specialty, education, birth_year, left_on in await session.execute(
        select(
            Member.studio_id, Member.specialty, Member.education, Member.birth_year, Member.left_on
        ).where(Member.studio_id.in_(ids), Member.deleted_at.is_(None))
    ):
        members[studio_id].append(MemberInfo(specialty, education, birth_year, left_on is None))
    projects: dict[int, list[int]] = defaultdict(list)
    # Art. 6(3): only approved (立项) projects count, and not ones the union returned.
    for studio_id, year in await session.execute(
        select(Project.studio_id, Project.year).where(
            Project.studio_id.in_(ids),
            Project.deleted_at.is_(None),
            Project.approved_on.is_not(None),
            Project.review_status != ReviewStatus.RETURNED,
        )
    ):
        projects[studio_id].append(year)
    achievements: dict[int, list[date]] = defaultdict(list)
    # Art. 6(4): recognised by a relevant body; the union's return takes it off the count.
    for studio_id, achieved_on in await session.execute(
        select(Achievement.studio_id, Achievement.achieved_on).where(
            Achievement.studio_id.in_(ids),
            Achievement.deleted_at.is_(None),
            Achievement.review_status != ReviewStatus.RETURNED,
            Achievement.recognised_by != "",
        )
    ):
        achievements[studio_id].append(achieved_on)
    incomes: dict[int, list[str]] = defaultdict(list)
    for studio_id, source in await session.execute(
        select(FundRecord.studio_id, FundRecord.source).where(
            FundRecord.studio_id.in_(ids),
            FundRecord.deleted_at.is_(None),
            FundRecord.direction == FundDirection.INCOME,
        )
    ):
        incomes[studio_id].append(source.value if source else "other")
    applied: dict[int, date] = {}
    for studio_id, at in await session.execute(
        select(StudioStatusChange.studio_id, StudioStatusChange.at)
        .where(StudioStatusChange.studio_id.in_(ids), StudioStatusChange.to_status == S.APPLIED)
        .order_by(StudioStatusChange.at)
    ):
        applied.setdefault(studio_id, at.astimezone(REPORT_TZ).date())
    return {
        s.id: StudioFacts(
            leader_honour=s.leader_honour.value,
            members=tuple(members[s.id]),
            approved_project_years=tuple(projects[s.id]),
            achievement_dates=tuple(achievements[s.id]),
            named_on=s.named_on,
            applied_on=applied.get(s.id),
            venue=s.venue,
            income_sources=tuple(incomes[s.id]),
        )
        for s in studios
    }
