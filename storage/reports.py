"""The year-end report as a document (Art. 17): for a county/system union, or for the whole
prefecture, every studio's grade with the officer's comment and the facts behind it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import load_access, load_tree
from storage.assessments import AssessmentService
from storage.compliance import COUNTED_ACHIEVEMENT, COUNTED_PROJECT
from storage.dashboard import lights_of, report_state
from storage.errors import DomainError
from storage.models import (
    Achievement,
    AnnualAssessment,
    AssessmentGrade,
    FundDirection,
    FundRecord,
    Project,
)


@dataclass
class ReportRow:
    studio: str
    union: str  # the studio's own (grassroots) union
    leader: str
    grade: str | None
    comment: str
    lights: list[str]
    projects: int  # approved this year (Art. 6(3))
    achievements: int  # recognised this year (Art. 6(4))
    income_fen: int
    expense_fen: int
    failed_twice: bool  # 不合格 this year and last: flagged for re-review


@dataclass
class UnionReport:
    union: str
    state: str  # on_time / late / missing / reopened / pending
    rows: list[ReportRow] = field(default_factory=list)


@dataclass
class YearReport:
    year: int
    union: str | None  # None: the prefecture's, over every union
    unions: list[UnionReport]

    @property
    def rows(self) -> list[ReportRow]:
        return [r for u in self.unions for r in u.rows]


async def year_report(
    session: AsyncSession, actor_id: int, union_id: int | None, year: int, today: date
) -> YearReport:
    """A union's report (its officers, or the prefecture), or (union_id None) the
    prefecture's over all unions (admins only)."""
    service = AssessmentService(session)
    if union_id is None:
        if not (await load_access(session, actor_id)).is_admin:
            raise DomainError("errors.not_allowed")
        items = await service.overview(actor_id, year)
    else:
        items = [await service.union_year(actor_id, union_id, year)]
    studios = [s for item in items for s, _ in item.studios]
    ids = [s.id for s in studios]
    tree = await load_tree(session)
    lights = await lights_of(session, studios, today)
    projects = dict(
        (
            await session.execute(
                select(Project.studio_id, func.count())
                .where(Project.studio_id.in_(ids), Project.year == year, COUNTED_PROJECT)
                .group_by(Project.studio_id)
            )
        ).all()
    )
    achievements = dict(
        (
            await session.execute(
                select(Achievement.studio_id, func.count())
                .where(
                    Achievement.studio_id.in_(ids),
                    extract("year", Achievement.achieved_on) == year,
                    COUNTED_ACHIEVEMENT,
                )
                .group_by(Achievement.studio_id)
            )
        ).all()
    )
    funds: dict[int, dict[FundDirection, int]] = defaultdict(lambda: defaultdict(int))
    for studio_id, direction, fen in await session.execute(
        select(FundRecord.studio_id, FundRecord.direction, func.sum(FundRecord.amount_fen))
        .where(
            FundRecord.studio_id.in_(ids),
            FundRecord.deleted_at.is_(None),
            extract("year", FundRecord.on_date) == year,
        )
        .group_by(FundRecord.studio_id, FundRecord.direction)
    ):
        funds[studio_id][direction] = int(fen)
    failed_last_year = set(
        await session.scalars(
            select(AnnualAssessment.studio_id).where(
                AnnualAssessment.studio_id.in_(ids),
                AnnualAssessment.year == year - 1,
                AnnualAssessment.grade == AssessmentGrade.FAIL,
            )
        )
    )
    unions = []
    for item in items:
        block = UnionReport(item.union.name, report_state(item.report, year, today))
        for s, a in item.studios:
            block.rows.append(
                ReportRow(
                    studio=s.name,
                    union=tree.names.get(s.union_id, ""),
                    leader=s.leader_name,
                    grade=a.grade.value if a else None,
                    comment=a.comments if a else "",
                    lights=lights.get(s.id, []),
                    projects=projects.get(s.id, 0),
                    achievements=achievements.get(s.id, 0),
                    income_fen=funds[s.id][FundDirection.INCOME],
                    expense_fen=funds[s.id][FundDirection.EXPENSE],
                    # Art. 17: a studio failing two years running goes to re-review.
                    failed_twice=bool(a and a.grade is AssessmentGrade.FAIL)
                    and s.id in failed_last_year,
                )
            )
        unions.append(block)
    return YearReport(year, items[0].union.name if union_id is not None else None, unions)
