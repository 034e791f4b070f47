"""Existing records brought in at once (issue 13 item 5): studios named before the bot, with
their naming dates and documents, and their ledgers. The workbook is read and checked in the
bot layer; this writes what it found, all or nothing, after checking what only the database
knows: who may import which studio, and which studio names are taken."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.access import load_access, load_tree
from storage.errors import DomainError
from storage.models import (
    Achievement,
    Activity,
    Attachment,
    FundRecord,
    Honour,
    Member,
    MemberEvent,
    MemberEventKind,
    Project,
    Studio,
    StudioStatus,
)


@dataclass
class StudioImport:
    """One studio of the overview sheet, with its ledger rows (the models' columns)."""

    name: str
    leader_name: str
    leader_honour: Honour
    union_id: int
    status: StudioStatus
    named_on: date | None
    naming_document: str | None
    revoked_on: date | None
    where: tuple[str, int]  # its sheet and row, for an error about it
    # The application's facts, as Studio's columns: host_unit, specialty, venue,
    # funding_arrangement, plan (a studio named on paper may lack some).
    application: dict[str, str] = field(default_factory=dict)
    projects: list[dict[str, Any]] = field(default_factory=list)
    achievements: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    funds: list[dict[str, Any]] = field(default_factory=list)
    # (member's name, kind, date, description), in the order of the events sheet
    events: list[tuple[str, MemberEventKind, date, str]] = field(default_factory=list)


# In a ledger row's values: the names of its files (not a column of the record).
FILES = "_files"


@dataclass(frozen=True)
class ImportIssue:
    sheet: str
    row: int
    key: str  # catalog key of the reason
    params: dict[str, Any] = field(default_factory=dict)


_LEDGERS = (
    ("projects", Project),
    ("achievements", Achievement),
    ("activities", Activity),
    ("members", Member),
    ("funds", FundRecord),
)


class ImportService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def check(self, actor_id: int | None, studios: list[StudioImport]) -> list[ImportIssue]:
        """What the database refuses: a studio outside the importer's jurisdiction, a name
        already taken (refused, never merged). actor_id None: the prefecture (the CLI)."""
        errors: list[ImportIssue] = []
        if actor_id is not None:
            access = await load_access(self.session, actor_id)
            if not (access.is_admin or access.officer_unions):
                raise DomainError("errors.not_allowed")
            tree = await load_tree(self.session)
        names = [s.name for s in studios]
        taken = set(
            await self.session.scalars(
                select(Studio.name).where(func.lower(Studio.name).in_([n.lower() for n in names]))
            )
        ) if names else set()  # fmt: skip
        taken_lower = {n.lower() for n in taken}
        for studio in studios:
            sheet, row = studio.where
            if actor_id is not None and not access.governs_union(tree, studio.union_id):
                errors.append(ImportIssue(sheet, row, "import.err.jurisdiction"))
            if studio.name.lower() in taken_lower:
                errors.append(ImportIssue(sheet, row, "import.err.studio_exists"))
        return errors

    async def apply(
        self, actor_id: int | None, studios: list[StudioImport], *, now: datetime
    ) -> list[ImportIssue]:
        """Writes every studio and row in one transaction, or nothing (the errors returned)."""
        errors = await self.check(actor_id, studios)
        if errors:
            await self.session.rollback()
            return errors
        for item in studios:
            studio = Studio(
                name=item.name,
                leader_name=item.leader_name,
                leader_honour=item.leader_honour,
                host_unit=item.application.get("host_unit", ""),
                specialty=item.application.get("specialty", ""),
                venue=item.application.get("venue", ""),
                funding_arrangement=item.application.get("funding_arrangement", ""),
                plan=item.application.get("plan", ""),
                union_id=item.union_id,
                status=item.status,
                # Named before the bot: the naming date and document come from the file.
                named_on=item.named_on,
                naming_document=item.naming_document,
                revoked_on=item.revoked_on,
                created_by=actor_id,
                created_at=now,
                updated_at=now,
            )
            self.session.add(studio)
            await self.session.flush()
            audit.record(self.session, actor_id=actor_id, action="import.studio", entity=studio)
            members: dict[str, int] = {}
            for attr, model in _LEDGERS:
                for row in getattr(item, attr):
                    values = dict(row)
                    names: list[str] = values.pop(FILES, [])
                    extra: dict[str, Any] = {"created_at": now}
                    if model is not Member:
                        extra["created_by"] = actor_id
                    record: Any = model(studio_id=studio.id, **values, **extra)
                    self.session.add(record)
                    await self.session.flush()
                    if model is Member:
                        members.setdefault(record.name, record.id)
                    if names:  # achievements and activities keep files
                        self._files_by_name(model, record.id, names, actor_id, now)
            for name, kind, on_date, description in item.events:
                self.session.add(
                    MemberEvent(
                        member_id=members[name],
                        kind=kind,
                        on_date=on_date,
                        description=description,
                        created_by=actor_id,
                        created_at=now,
                    )
                )
            await self.session.flush()
        await self.session.commit()
        return []

    def _files_by_name(
        self, model: type, record_id: int, names: list[str], actor_id: int | None, now: datetime
    ) -> None:
        """Named in the workbook, not in Telegram: files known by their names only (on paper,
        or never uploaded), listed with the record and in its export, never sent."""
        owner = {"achievement_id" if model is Achievement else "activity_id": record_id}
        self.session.add_all(
            Attachment(file_id=None, file_unique_id=None, file_name=name, mime_type="",
                       uploaded_by=actor_id, created_at=now, **owner)
            for name in names
        )  # fmt: skip
