"""What the web dashboard shows, read with the same roles and jurisdiction as the chat: the
studios a person may see (StudioService.visible), their Art. 6 lights, this year's grade,
their union's report (Art. 17), charts' figures counted by the database, one studio's page.
Plain data out; wording and languages are the web layer's."""

from __future__ import annotations

import time
import weakref
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import event, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from policy.compliance import assess
from policy.cycles import next_rereview
from policy.deadlines import REPORT_TZ, report_deadline
from storage.access import REPORTING_KINDS, load_access, load_tree
from storage.compliance import facts_for
from storage.errors import DomainError
from storage.ledgers import LedgerService, StudioLedgers, export_ledgers
from storage.models import (
    Achievement,
    Activity,
    AnnualAssessment,
    AnnualReport,
    Attachment,
    FundDirection,
    FundRecord,
    Member,
    Project,
    ReportStatus,
    Studio,
    StudioStatus,
    StudioStatusChange,
)
from storage.studios import StudioService

ASSESSED = (StudioStatus.NAMED, StudioStatus.UNDER_REREVIEW)


@dataclass
class StudioLine:
    id: int
    name: str
    leader: str
    union_id: int
    union: str
    status: str
    lights: list[str]  # Art. 6(1)–(5): met / at_risk / missing
    grade: str | None


@dataclass
class UnionBlock:
    id: int
    name: str
    report: str  # on_time / late / missing / reopened / pending / none
    studios: list[StudioLine] = field(default_factory=list)


def report_state(report: AnnualReport | None, year: int, today: date) -> str:
    """Art. 17: reported to the prefecture by 31 December."""
    deadline = report_deadline(year)
    if report is not None and report.status is ReportStatus.SUBMITTED and report.submitted_at:
        on = report.submitted_at.astimezone(REPORT_TZ).date()
        return "on_time" if on <= deadline else "late"
    if report is not None and report.reopen_reason:
        return "reopened"
    return "missing" if today > deadline else "pending"


# The Art. 6 lights of every studio change only when its records do, yet the overview is
# opened again and again: keep them per engine and day, dropped whenever this process writes
# a record they depend on, and re-read at least every LIGHTS_TTL seconds for what another
# process wrote.
LIGHTS_TTL = 30.0
_FACT_MODELS = (Studio, Member, Project, Achievement, FundRecord, StudioStatusChange)
_lights: weakref.WeakKeyDictionary[Any, tuple[int, float, date, dict[int, list[str]]]] = (
    weakref.WeakKeyDictionary()
)
_generation = 0


def _forget_lights() -> None:
    global _generation
    _generation += 1


@event.listens_for(Session, "after_flush")
def _on_flush(session: Session, _context: Any) -> None:
    if any(isinstance(o, _FACT_MODELS) for o in (*session.new, *session.dirty, *session.deleted)):
        _forget_lights()


@event.listens_for(Session, "do_orm_execute")
def _on_bulk(state: Any) -> None:
    mapper = state.bind_mapper
    writes = state.is_insert or state.is_update or state.is_delete
    if writes and mapper is not None and issubclass(mapper.class_, _FACT_MODELS):
        _forget_lights()


async def lights_of(
    session: AsyncSession, studios: Sequence[Studio], today: date
) -> dict[int, list[str]]:
    """Art. 6(1)–(5) as met / at_risk / missing, for each studio (assessed ones only)."""
    engine = session.bind.sync_engine if session.bind is not None else None
    now = time.monotonic()
    cached = _lights.get(engine) if engine is not None else None
    if (
        cached is None
        or cached[0] != _generation
        or cached[2] != today
        or now - cached[1] > LIGHTS_TTL
    ):
        cached = (_generation, now, today, {})
        if engine is not None:
            _lights[engine] = cached
    known = cached[3]
    missing = [s for s in studios if s.id not in known and s.status in ASSESSED]
    if missing:
        generation = _generation
        facts = await facts_for(session, missing)
        fresh = {s.id: [r.level.value for r in assess(facts[s.id], today)] for s in missing}
        if generation == _generation:  # nothing was written meanwhile
            known.update(fresh)
        return {s.id: fresh.get(s.id) or known.get(s.id, []) for s in studios}
    return {s.id: known.get(s.id, []) for s in studios}


async def overview(
    session: AsyncSession, actor_id: int, year: int, today: date
) -> list[UnionBlock]:
    """Unions (each studio under the county/system union that reports for it) → studios."""
    studios = await StudioService(session).visible(actor_id)
    tree = await load_tree(session)
    lights = await lights_of(session, studios, today)
    ids = [s.id for s in studios]
    grades = dict(
        (
            await session.execute(
                select(AnnualAssessment.studio_id, AnnualAssessment.grade).where(
                    AnnualAssessment.year == year, AnnualAssessment.studio_id.in_(ids)
                )
            )
        ).all()
    )
    blocks: dict[int, UnionBlock] = {}
    reporting = {s.id: tree.reporting_union(s.union_id) or s.union_id for s in studios}
    reports = {
        r.union_id: r
        for r in await session.scalars(
            select(AnnualReport).where(
                AnnualReport.year == year, AnnualReport.union_id.in_(set(reporting.values()))
            )
        )
    }
    for s in studios:
        union_id = reporting[s.id]
        if union_id not in blocks:
            blocks[union_id] = UnionBlock(
                union_id,
                tree.names.get(union_id, ""),
                report_state(reports.get(union_id), year, today)
                if tree.kinds.get(union_id) in REPORTING_KINDS
                else "none",
            )
        grade = grades.get(s.id)
        blocks[union_id].studios.append(
            StudioLine(
                s.id,
                s.name,
                s.leader_name,
                s.union_id,
                tree.names.get(s.union_id, ""),
                s.status.value,
                lights[s.id],
                grade.value if grade is not None else None,
            )
        )
    return [blocks[k] for k in sorted(blocks)]


async def charts(session: AsyncSession, actor_id: int, year: int, today: date) -> dict[str, Any]:
    """The figures behind the charts, over the studios this person may see."""
    studios = await StudioService(session).visible(actor_id)
    tree = await load_tree(session)
    ids = [s.id for s in studios]
    by_union: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    grades = dict(
        (
            await session.execute(
                select(AnnualAssessment.studio_id, AnnualAssessment.grade).where(
                    AnnualAssessment.year == year, AnnualAssessment.studio_id.in_(ids)
                )
            )
        ).all()
    )
    for s in studios:
        if s.status in ASSESSED:
            union = tree.names.get(tree.reporting_union(s.union_id) or s.union_id, "")
            grade = grades.get(s.id)
            by_union[union][grade.value if grade is not None else "none"] += 1

    def per_year(rows: Any) -> dict[int, int]:
        return {int(y): n for y, n in rows if y is not None}

    projects = per_year(
        await session.execute(
            select(Project.year, func.count())
            .where(Project.studio_id.in_(ids), Project.deleted_at.is_(None),
                   Project.approved_on.is_not(None))
            .group_by(Project.year)
        )
    )  # fmt: skip
    achieved = extract("year", Achievement.achieved_on)
    achievements = per_year(
        await session.execute(
            select(achieved, func.count())
            .where(Achievement.studio_id.in_(ids), Achievement.deleted_at.is_(None))
            .group_by(achieved)
        )
    )
    categories = {
        c.value: n
        for c, n in await session.execute(
            select(Achievement.category, func.count())
            .where(Achievement.studio_id.in_(ids), Achievement.deleted_at.is_(None))
            .group_by(Achievement.category)
        )
    }
    fund_year = extract("year", FundRecord.on_date)
    funds: dict[int, dict[str, float]] = defaultdict(lambda: {"income": 0.0, "expense": 0.0})
    sources: dict[str, float] = defaultdict(float)
    for y, direction, source, fen in await session.execute(
        select(fund_year, FundRecord.direction, FundRecord.source, func.sum(FundRecord.amount_fen))
        .where(FundRecord.studio_id.in_(ids), FundRecord.deleted_at.is_(None))
        .group_by(fund_year, FundRecord.direction, FundRecord.source)
    ):
        funds[int(y)][direction.value] += int(fen) / 100
        if direction is FundDirection.INCOME:
            sources[source.value if source else "other"] += int(fen) / 100
    # Art. 17: re-reviews due within the next twelve months, by month.
    due: dict[str, int] = defaultdict(int)
    for s in studios:
        if s.status is StudioStatus.NAMED and s.named_on is not None:
            when = next_rereview(s.named_on, today)
            if (when - today).days <= 365:
                due[when.strftime("%Y-%m")] += 1
    return {
        "by_union": {u: dict(g) for u, g in sorted(by_union.items())},
        "projects": dict(sorted(projects.items())),
        "achievements": dict(sorted(achievements.items())),
        "categories": categories,
        "funds": {y: funds[y] for y in sorted(funds)},
        "sources": dict(sources),
        "rereviews": dict(sorted(due.items())),
    }


@dataclass
class StudioPage:
    studio: Studio
    union: str
    members: list[Any]
    history: list[tuple[Any, str]]
    lights: list[tuple[str, str, dict[str, Any]]]  # level, fact key, params
    ledgers: StudioLedgers
    files: dict[tuple[str, int], list[Attachment]]
    grades: dict[int, str]


async def studio_page(
    session: AsyncSession, actor_id: int, studio_id: int, today: date
) -> StudioPage:
    """Card, history, ledgers with their files, Art. 6 facts; refused as in the chat."""
    studio, members, history = await StudioService(session).card(actor_id, studio_id)
    [ledgers] = await export_ledgers(session, actor_id, studio_id)
    facts = (await facts_for(session, [studio]))[studio.id]
    files: dict[tuple[str, int], list[Attachment]] = defaultdict(list)
    for a in await session.scalars(
        select(Attachment)
        .outerjoin(Achievement, Achievement.id == Attachment.achievement_id)
        .outerjoin(Activity, Activity.id == Attachment.activity_id)
        .where(
            Attachment.deleted_at.is_(None),
            func.coalesce(Achievement.studio_id, Activity.studio_id) == studio.id,
        )
        .order_by(Attachment.id)
    ):
        key = ("achievement", a.achievement_id) if a.achievement_id else ("activity", a.activity_id)
        files[key].append(a)  # type: ignore[index]
    grades = {
        y: g.value
        for y, g in await session.execute(
            select(AnnualAssessment.year, AnnualAssessment.grade).where(
                AnnualAssessment.studio_id == studio.id
            )
        )
    }
    return StudioPage(
        studio,
        studio.union.name if studio.union else "",
        members,
        history,
        [(r.level.value, r.fact_key, dict(r.params)) for r in assess(facts, today)],
        ledgers,
        dict(files),
        grades,
    )


async def attachment_for(session: AsyncSession, actor_id: int, attachment_id: int) -> Attachment:
    """A file, if this person may read the ledgers of the studio it belongs to."""
    row = await session.get(Attachment, attachment_id)
    if row is None or row.deleted_at is not None:
        raise DomainError("studio.not_found")
    owner: Any = await session.get(Achievement, row.achievement_id) if row.achievement_id else (
        await session.get(Activity, row.activity_id) if row.activity_id else None
    )  # fmt: skip
    if owner is None:
        raise DomainError("studio.not_found")
    await LedgerService(session).studio_for_read(actor_id, owner.studio_id)
    return row


async def management_ledgers(
    session: AsyncSession, actor_id: int, studio_id: int | None
) -> list[StudioLedgers]:
    """The workbook /export makes: a studio's, or everything the officer governs."""
    access = await load_access(session, actor_id)
    if studio_id is None and not (access.is_admin or access.officer_unions):
        raise DomainError("errors.not_allowed")
    return await export_ledgers(session, actor_id, studio_id)
