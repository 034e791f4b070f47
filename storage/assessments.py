"""Annual assessment and report (Art. 17): each county/system union assesses every studio in
its area each year and reports to the prefecture federation by 31 December."""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.access import (
    REPORTING_KINDS,
    Access,
    admin_ids,
    load_access,
    load_tree,
    nearest_officers,
)
from storage.errors import DomainError
from storage.models import (
    AnnualAssessment,
    AnnualReport,
    AssessmentGrade,
    ReportStatus,
    Studio,
    StudioStatus,
    Union,
)

ASSESSED_STATUSES = (StudioStatus.NAMED, StudioStatus.UNDER_REREVIEW)


@dataclass
class UnionYear:
    union: Union
    studios: list[tuple[Studio, AnnualAssessment | None]]
    report: AnnualReport | None

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.status is ReportStatus.SUBMITTED

    @property
    def unassessed(self) -> list[Studio]:
        return [s for s, a in self.studios if a is None]

    @property
    def fingerprint(self) -> str:
        """Changes with any grade or report state: a confirmation carries the one it was
        shown with, so a stale confirmation cannot submit or re-open what was not seen."""
        report = self.report
        parts = [
            report.status.value if report else "",
            report.submitted_at.isoformat() if report and report.submitted_at else "",
            *(
                f"{s.id}={a.grade.value}@{a.assessed_at.isoformat()}" if a else f"{s.id}=-"
                for s, a in self.studios
            ),
        ]
        return f"{zlib.crc32('|'.join(parts).encode()):08x}"

    def counts(self) -> dict[AssessmentGrade, int]:
        counts = {g: 0 for g in AssessmentGrade}
        for _, a in self.studios:
            if a is not None:
                counts[a.grade] += 1
        return counts


@dataclass
class UnionProgress:
    union: Union
    total: int
    graded: int
    report: AnnualReport | None

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.status is ReportStatus.SUBMITTED


@dataclass(frozen=True)
class Graded:
    assessment: AnnualAssessment
    changed: bool  # False: that grade was already recorded (a second press)


class AssessmentService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _reporting_unions(self, access: Access, only: int | None = None) -> list[Union]:
        return [
            u
            for u in await self.session.scalars(
                select(Union).where(Union.active.is_(True)).order_by(Union.id)
            )
            if u.kind in REPORTING_KINDS
            and (access.is_admin or u.id in access.officer_unions)
            and (only is None or u.id == only)
        ]

    async def overview(
        self, actor_id: int, year: int, union_id: int | None = None
    ) -> list[UnionYear]:
        """The reporting unions this person answers for (or just `union_id`), with their
        studios and report. Reads only those unions' studios, not the prefecture's."""
        access = await load_access(self.session, actor_id)
        tree = await load_tree(self.session)
        unions = await self._reporting_unions(access, union_id)
        if not unions:
            return []
        scope = tree.below(u.id for u in unions)
        studios = list(
            await self.session.scalars(
                select(Studio)
                .where(Studio.status.in_(ASSESSED_STATUSES), Studio.union_id.in_(scope))
                .order_by(Studio.id)
            )
        )
        graded = {
            a.studio_id: a
            for a in await self.session.scalars(
                select(AnnualAssessment).where(
                    AnnualAssessment.year == year,
                    AnnualAssessment.studio_id.in_([s.id for s in studios]),
                )
            )
        }
        reports = {
            r.union_id: r
            for r in await self.session.scalars(
                select(AnnualReport).where(
                    AnnualReport.year == year, AnnualReport.union_id.in_([u.id for u in unions])
                )
            )
        }
        by_union: dict[int | None, list[tuple[Studio, AnnualAssessment | None]]] = defaultdict(list)
        for s in studios:
            by_union[tree.reporting_union(s.union_id)].append((s, graded.get(s.id)))
        return [UnionYear(u, by_union[u.id], reports.get(u.id)) for u in unions]

    async def progress(self, actor_id: int, year: int) -> list[UnionProgress]:
        """Per reporting union: studios to assess, how many graded, the report. Counted by
        the database (one row per union, not per studio): the prefecture's summary."""
        access = await load_access(self.session, actor_id)
        tree = await load_tree(self.session)
        unions = await self._reporting_unions(access)
        if not unions:
            return []
        scope = tree.below(u.id for u in unions)
        totals: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
        for union_id, studios, graded in await self.session.execute(
            select(Studio.union_id, func.count(Studio.id), func.count(AnnualAssessment.id))
            .outerjoin(
                AnnualAssessment,
                (AnnualAssessment.studio_id == Studio.id) & (AnnualAssessment.year == year),
            )
            .where(Studio.status.in_(ASSESSED_STATUSES), Studio.union_id.in_(scope))
            .group_by(Studio.union_id)
        ):
            line = totals[tree.reporting_union(union_id)]
            line[0] += studios
            line[1] += graded
        reports = {
            r.union_id: r
            for r in await self.session.scalars(
                select(AnnualReport).where(AnnualReport.year == year)
            )
        }
        return [
            UnionProgress(u, totals[u.id][0], totals[u.id][1], reports.get(u.id)) for u in unions
        ]

    async def grade(
        self,
        actor_id: int,
        studio_id: int,
        year: int,
        grade: AssessmentGrade,
        comment: str | None = None,
        *,
        now: datetime,
    ) -> Graded:
        """Record a studio's grade for the year. The same grade pressed again (or by two
        instances at once) is written and audited once; the other press is told so.
        `comment`: the officer's words on it (None keeps what was written); a 不合格 needs
        one, since the union's report must say why (Art. 17)."""
        comment = comment.strip()[:1000] if comment is not None else None
        if grade is AssessmentGrade.FAIL and not comment:
            raise DomainError("assess.comment_required")
        studio = await self.check_grade(actor_id, studio_id, year)
        reporting = (await load_tree(self.session)).reporting_union(studio.union_id)
        assert reporting is not None  # check_grade refused otherwise
        row = await self._assessment(studio.id, year)
        if row is None:
            row = AnnualAssessment(studio_id=studio.id, union_id=reporting, year=year, grade=grade,
                                   assessed_by=actor_id, assessed_at=now,
                                   comments=comment or "")  # fmt: skip
            self.session.add(row)
            try:
                await self.session.flush()
            except IntegrityError:
                # The same press on another instance inserted the (studio, year) row first
                # (and committed: that is what the unique key waited for). Nothing else was
                # written here, so start over from that row.
                await self.session.rollback()
                row = await self._assessment(studio_id, year)
                if row is None:
                    raise
            else:
                audit.record(self.session, actor_id=actor_id, action="assessment.grade",
                             entity=row)  # fmt: skip
                await self.session.commit()
                return Graded(row, changed=True)
        for _ in range(3):
            # A pass no longer carries the reason written for a 不合格.
            words = comment if comment is not None else (
                "" if row.grade is AssessmentGrade.FAIL else row.comments
            )  # fmt: skip
            if row.grade is grade and words == row.comments:
                await self.session.commit()  # nothing written: only the row lock ends
                return Graded(row, changed=False)
            before = audit.snapshot(row)
            # Compare-and-set on the grade that was read (where FOR UPDATE means nothing, as
            # on SQLite): a press that lost the race reads the winner's grade and decides again.
            moved = await self.session.execute(
                update(AnnualAssessment)
                .where(AnnualAssessment.id == row.id, AnnualAssessment.grade == row.grade)
                .values(grade=grade, assessed_by=actor_id, assessed_at=now, comments=words)
                .execution_options(synchronize_session=False)
            )
            if moved.rowcount == 1:  # type: ignore[attr-defined]
                await self.session.refresh(row)
                audit.record(self.session, actor_id=actor_id, action="assessment.grade",
                             entity=row, before=before)  # fmt: skip
                await self.session.commit()
                return Graded(row, changed=True)
            await self.session.rollback()
            row = await self._assessment(studio_id, year)
            if row is None:  # cannot happen: assessments are never deleted
                raise DomainError("studio.not_found")
        raise DomainError("form.moved_on")

    async def _assessment(self, studio_id: int, year: int) -> AnnualAssessment | None:
        # FOR UPDATE: two presses changing the same grade take turns, and the second one
        # sees the first one's grade (and writes nothing if it is the same).
        return await self.session.scalar(
            select(AnnualAssessment)
            .where(AnnualAssessment.studio_id == studio_id, AnnualAssessment.year == year)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def check_grade(self, actor_id: int, studio_id: int, year: int) -> Studio:
        """Refuse now (before asking for a comment) what `grade` would refuse."""
        studio = await self.session.get(Studio, studio_id)
        access = await load_access(self.session, actor_id)
        tree = await load_tree(self.session)
        reporting = tree.reporting_union(studio.union_id) if studio is not None else None
        # Rights before state, one answer for unseen and missing studios: a forged button
        # cannot tell which studios exist or are named.
        if studio is None or not access.governs_studio(tree, studio):
            raise DomainError("studio.not_found")
        # Art. 17: the county/system union assesses the studios in its area.
        if reporting is None or not access.reports_for(tree, studio.union_id):
            raise DomainError("errors.not_allowed")
        if studio.status not in ASSESSED_STATUSES:
            raise DomainError("studio.not_found")
        report = await self.session.scalar(
            select(AnnualReport).where(
                AnnualReport.union_id == reporting, AnnualReport.year == year
            )
        )
        if report is not None and report.status is ReportStatus.SUBMITTED:
            raise DomainError("assess.already_reported", year=year)
        return studio

    async def assessment_of(self, studio_id: int, year: int) -> AnnualAssessment | None:
        return await self.session.scalar(
            select(AnnualAssessment).where(
                AnnualAssessment.studio_id == studio_id, AnnualAssessment.year == year
            )
        )

    async def union_year(self, actor_id: int, union_id: int, year: int) -> UnionYear:
        mine = await self.overview(actor_id, year, union_id)
        if not mine:
            raise DomainError("errors.not_allowed")
        return mine[0]

    async def check_submit(
        self, actor_id: int, union_id: int, year: int, expected: str | None = None
    ) -> UnionYear:
        """Refuse now, before asking for confirmation, what `submit` would refuse later."""
        access = await load_access(self.session, actor_id)
        # Art. 17: each county/system union reports its own assessments; the prefecture
        # receives reports, it does not submit them for a union it does not run.
        if union_id not in access.officer_unions:
            raise DomainError("report.not_yours")
        item = await self.union_year(actor_id, union_id, year)
        if item.submitted:
            raise DomainError("report.already_submitted", union=item.union.name, year=year)
        if item.unassessed:
            raise DomainError("report.unassessed", count=len(item.unassessed))
        if expected is not None and item.fingerprint != expected:
            raise DomainError("report.changed")
        return item

    async def submit(
        self,
        actor_id: int,
        union_id: int,
        year: int,
        expected: str | None = None,
        *,
        now: datetime,
    ) -> tuple[UnionYear, list[int]]:
        """Mark the union's report for the year submitted (Art. 17); every studio assessed.
        A compare-and-set on the report's status: of two presses (or two instances) one
        submits, the other is told it already was."""
        item = await self.check_submit(actor_id, union_id, year, expected)
        union, counts = item.union.name, item.counts()
        summary = ", ".join(f"{g.value}={n}" for g, n in counts.items())
        values = {"status": ReportStatus.SUBMITTED, "summary": summary,
                  "submitted_by": actor_id, "submitted_at": now}  # fmt: skip
        before = audit.snapshot(item.report) if item.report else None
        if item.report is None:
            report = AnnualReport(union_id=union_id, year=year, **values)
            self.session.add(report)
            try:
                await self.session.flush()
            except IntegrityError as exc:
                # Another press created this union's report for the year a moment ago.
                await self.session.rollback()
                raise DomainError("report.already_submitted", union=union, year=year) from exc
        else:
            report = item.report
            moved = await self.session.execute(
                update(AnnualReport)
                .where(AnnualReport.id == report.id, AnnualReport.status == ReportStatus.DRAFT)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                await self.session.rollback()
                raise DomainError("report.already_submitted", union=union, year=year)
            await self.session.refresh(report)
        audit.record(self.session, actor_id=actor_id, action="report.submit", entity=report,
                     before=before)  # fmt: skip
        await self.session.commit()
        item.report = report
        return item, [a for a in await admin_ids(self.session) if a != actor_id]

    async def check_reopen(
        self, actor_id: int, union_id: int, year: int, expected: str | None = None
    ) -> UnionYear:
        if not (await load_access(self.session, actor_id)).is_admin:
            raise DomainError("errors.not_allowed")
        item = await self.union_year(actor_id, union_id, year)
        if not item.submitted:
            raise DomainError("report.not_submitted", union=item.union.name, year=year)
        if expected is not None and item.fingerprint != expected:
            raise DomainError("report.changed")
        return item

    async def reopen(
        self, actor_id: int, union_id: int, year: int, reason: str, expected: str | None = None
    ) -> tuple[UnionYear, list[int]]:
        """The prefecture sends a submitted report back with a reason (Art. 17); the union's
        officers are told, may change grades again, and submit anew."""
        reason = reason.strip()
        if not reason:
            raise DomainError("studio.reason_required")
        item = await self.check_reopen(actor_id, union_id, year, expected)
        report = item.report
        assert report is not None
        before = audit.snapshot(report)
        report.status, report.reopen_reason = ReportStatus.DRAFT, reason[:500]
        report.submitted_at, report.submitted_by = None, None
        await self.session.flush()
        audit.record(self.session, actor_id=actor_id, action="report.reopen", entity=report,
                     before=before)  # fmt: skip
        await self.session.commit()
        officers = await nearest_officers(self.session, [union_id])
        return item, [o for o in officers if o != actor_id]
