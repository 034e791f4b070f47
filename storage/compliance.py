"""The facts behind Art. 6 for a set of studios, read in a few set-based queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from policy.compliance import ComplianceFacts, MemberInfo
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

# Which records count towards Art. 6, said once: /status and the reminders both ask this.
# Art. 6(3): a project counts once approved (立项), unless deleted or returned by the union.
COUNTED_PROJECT: ColumnElement[bool] = and_(
    Project.deleted_at.is_(None),
    Project.approved_on.is_not(None),
    Project.review_status != ReviewStatus.RETURNED,
)
# Art. 6(4): an achievement counts once recognised by a relevant body, unless deleted or
# returned by the union.
COUNTED_ACHIEVEMENT: ColumnElement[bool] = and_(
    Achievement.deleted_at.is_(None),
    Achievement.review_status != ReviewStatus.RETURNED,
    Achievement.recognised_by != "",
)


async def facts_for(session: AsyncSession, studios: Sequence[Studio]) -> dict[int, ComplianceFacts]:
    ids = [s.id for s in studios]
    # The database counts: one row per distinct fact, not per record (a prefecture's
    # overview reads 1,000 studios' facts at once).
    members: dict[int, list[MemberInfo]] = defaultdict(list)
    active = Member.left_on.is_(None)
    for studio_id, specialty, education, birth_year, is_active, n in await session.execute(
        select(Member.studio_id, Member.specialty, Member.education, Member.birth_year, active,
               func.count())
        .where(Member.studio_id.in_(ids), Member.deleted_at.is_(None))
        .group_by(Member.studio_id, Member.specialty, Member.education, Member.birth_year, active)
        .order_by(func.min(Member.id))  # as entered: the team's words appear in that order
    ):  # fmt: skip
        members[studio_id] += [MemberInfo(specialty, education, birth_year, bool(is_active))] * n
    projects: dict[int, list[int]] = defaultdict(list)
    for studio_id, year, n in await session.execute(
        select(Project.studio_id, Project.year, func.count())
        .where(Project.studio_id.in_(ids), COUNTED_PROJECT)
        .group_by(Project.studio_id, Project.year)
        .order_by(func.min(Project.id))
    ):
        projects[studio_id] += [year] * n
    achievements: dict[int, list[date]] = defaultdict(list)
    for studio_id, achieved_on, n in await session.execute(
        select(Achievement.studio_id, Achievement.achieved_on, func.count())
        .where(Achievement.studio_id.in_(ids), COUNTED_ACHIEVEMENT)
        .group_by(Achievement.studio_id, Achievement.achieved_on)
        .order_by(func.min(Achievement.id))
    ):
        achievements[studio_id] += [achieved_on] * n
    incomes: dict[int, list[str]] = defaultdict(list)
    for studio_id, source, n in await session.execute(
        select(FundRecord.studio_id, FundRecord.source, func.count())
        .where(
            FundRecord.studio_id.in_(ids),
            FundRecord.deleted_at.is_(None),
            FundRecord.direction == FundDirection.INCOME,
        )
        .group_by(FundRecord.studio_id, FundRecord.source)
        .order_by(func.min(FundRecord.id))
    ):
        incomes[studio_id] += [source.value if source else "other"] * n
    applied: dict[int, date] = {}
    for studio_id, at in await session.execute(
        select(StudioStatusChange.studio_id, StudioStatusChange.at)
        .where(StudioStatusChange.studio_id.in_(ids), StudioStatusChange.to_status == S.APPLIED)
        .order_by(StudioStatusChange.at)
    ):
        applied.setdefault(studio_id, at.astimezone(REPORT_TZ).date())
    return {
        s.id: ComplianceFacts(
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
