"""The whole programme's data model, designed once so later features add behaviour, not tables.

Money is integer fen; calendar dates are `date`; instants are aware UTC datetimes.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

# The studio's honours and states are rules of the regulation, so they live in policy/.
from policy.lifecycle import Honour, StudioStatus
from storage.db import Base, UTCDateTime, utcnow


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as short strings (not native PG enums) so adding a value needs no type migration.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def _ts(**kw: Any) -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=utcnow, **kw)


class UnionKind(enum.StrEnum):
    PREFECTURE = "prefecture"  # 州总工会
    COUNTY = "county"  # 县（市）总工会
    DISTRICT = "district"  # 区工会
    EDUCATION = "education"  # 教育工会
    PREFECTURE_UNIT = "prefecture_unit"  # 州直单位工会
    GRASSROOTS = "grassroots"  # 基层工会


class Role(enum.StrEnum):
    PREFECTURE_ADMIN = "prefecture_admin"
    UNION_OFFICER = "union_officer"
    STUDIO_LEADER = "studio_leader"
    STUDIO_MEMBER = "studio_member"


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    RETURNED = "returned"


class ProjectKind(enum.StrEnum):
    # Art. 6(3): 技术攻关、技术创新和发明项目
    BREAKTHROUGH = "breakthrough"
    TECH_INNOVATION = "tech_innovation"
    INVENTION = "invention"
    OTHER = "other"


class ProjectStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class AchievementCategory(enum.StrEnum):
    # Art. 7: 科技创新、管理创新、服务创新和机制创新
    TECHNOLOGY = "technology"
    MANAGEMENT = "management"
    SERVICE = "service"
    MECHANISM = "mechanism"


class ActivityKind(enum.StrEnum):
    # Art. 4: 技术培训、业务交流、高师带徒
    TRAINING = "training"
    EXCHANGE = "exchange"
    MENTORING = "mentoring"
    STUDY = "study"
    OTHER = "other"


class MemberEventKind(enum.StrEnum):
    JOINED = "joined"
    LEFT = "left"
    TITLE = "title"
    AWARD = "award"
    CERTIFICATE = "certificate"
    PROMOTION = "promotion"


class FundDirection(enum.StrEnum):
    INCOME = "income"
    EXPENSE = "expense"


class FundSource(enum.StrEnum):
    # Art. 9: one-time prefecture subsidy, support from unions at every level, host unit's budget.
    PREFECTURE_SUBSIDY = "prefecture_subsidy"
    OTHER_UNION = "other_union"
    HOST_UNIT = "host_unit"
    OTHER = "other"


class AssessmentGrade(enum.StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    PASS = "pass"
    FAIL = "fail"


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ReminderStatus(enum.StrEnum):
    PENDING = "pending"  # claimed, not yet handed to Telegram: safe to send
    SENDING = "sending"  # handed to Telegram; a crash here leaves the outcome unknown
    SENT = "sent"
    FAILED = "failed"  # certainly not delivered (refused, unreachable): retried with backoff
    UNKNOWN = "unknown"  # maybe delivered (timed out after the request went out): not resent
    SKIPPED = "skipped"  # blocked by the person, or a chat that does not exist


class Union(Base):
    __tablename__ = "unions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[UnionKind] = mapped_column(_enum(UnionKind, "union_kind"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unions.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = _ts()

    parent: Mapped[Union | None] = relationship(remote_side=[id])


class User(Base):
    __tablename__ = "users"

    # The Telegram user id; nothing else identifies a person.
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    telegram_language: Mapped[str | None] = mapped_column(String(16))
    # Chosen with /language; None means "follow Telegram's language".
    language: Mapped[str | None] = mapped_column(String(8))
    blocked_bot_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = _ts()
    last_seen_at: Mapped[datetime] = _ts()


class RoleGrant(Base):
    __tablename__ = "role_grants"
    __table_args__ = (
        CheckConstraint(
            "(role = 'prefecture_admin' AND union_id IS NULL AND studio_id IS NULL)"
            " OR (role = 'union_officer' AND union_id IS NOT NULL AND studio_id IS NULL)"
            " OR (role IN ('studio_leader', 'studio_member') AND studio_id IS NOT NULL)",
            name="scope_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    union_id: Mapped[int | None] = mapped_column(ForeignKey("unions.id"))
    studio_id: Mapped[int | None] = mapped_column(ForeignKey("studios.id"))
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))
    granted_at: Mapped[datetime] = _ts()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A studio member whom the leader allows to record activities (DESIGN: "when the leader
    # allows"); the studio-wide switch is Studio.members_record_activities.
    may_record_activities: Mapped[bool] = mapped_column(default=False, server_default=false())

    union: Mapped[Union | None] = relationship(foreign_keys=[union_id])
    studio: Mapped[Studio | None] = relationship(foreign_keys=[studio_id])


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the code: a leaked database does not leak usable invitations.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    union_id: Mapped[int | None] = mapped_column(ForeignKey("unions.id"))
    studio_id: Mapped[int | None] = mapped_column(ForeignKey("studios.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = _ts()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    union: Mapped[Union | None] = relationship(foreign_keys=[union_id])
    studio: Mapped[Studio | None] = relationship(foreign_keys=[studio_id])


class Studio(Base):
    __tablename__ = "studios"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Art. 3: named after the model worker, e.g. 张三劳模创新工作室.
    name: Mapped[str] = mapped_column(String(100))
    leader_name: Mapped[str] = mapped_column(String(50))
    leader_honour: Mapped[Honour] = mapped_column(_enum(Honour, "honour"))
    leader_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    host_unit: Mapped[str] = mapped_column(String(200))
    # The grassroots union that recommends it (Art. 8) and whose chain keeps its ledger (Art. 11).
    union_id: Mapped[int] = mapped_column(ForeignKey("unions.id"), index=True)
    specialty: Mapped[str] = mapped_column(String(200), default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    funding_arrangement: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[StudioStatus] = mapped_column(
        _enum(StudioStatus, "studio_status"), default=StudioStatus.DRAFT
    )
    named_on: Mapped[date | None] = mapped_column(Date)
    naming_document: Mapped[str | None] = mapped_column(String(100))
    revoked_on: Mapped[date | None] = mapped_column(Date)
    # Set while the application is in progress, None after: the unique constraint keeps one
    # pending application per person even when two instances take two /apply at once.
    pending_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    # The leader lets every member of the studio record activities.
    members_record_activities: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = _ts(onupdate=lambda: utcnow())

    union: Mapped[Union] = relationship()


class StudioStatusChange(Base):
    __tablename__ = "studio_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    studio_id: Mapped[int] = mapped_column(ForeignKey("studios.id"), index=True)
    from_status: Mapped[StudioStatus | None] = mapped_column(_enum(StudioStatus, "studio_status"))
    to_status: Mapped[StudioStatus] = mapped_column(_enum(StudioStatus, "studio_status"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = _ts()
    reason: Mapped[str] = mapped_column(Text, default="")
    document_number: Mapped[str | None] = mapped_column(String(100))
    effective_on: Mapped[date | None] = mapped_column(Date)


class LedgerRow:
    """The columns every ledger table shares (Art. 11): the studio it belongs to, when it was
    written, and the soft delete that /ledger's 「已删除」 view restores. Declared first in
    each table (sort_order), as the migrations have them."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-3)
    studio_id: Mapped[int] = mapped_column(ForeignKey("studios.id"), index=True, sort_order=-2)
    created_at: Mapped[datetime] = _ts()
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuthoredLedgerRow(LedgerRow):
    """A ledger row entered by someone, who may then change it (a member's own row records
    who it is, not who wrote it)."""

    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Member(LedgerRow, Base):
    __tablename__ = "members"

    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(50))
    specialty: Mapped[str] = mapped_column(String(100), default="")
    education: Mapped[str] = mapped_column(String(32), default="")
    birth_year: Mapped[int | None] = mapped_column(Integer)
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)


class MemberEvent(Base):
    # Art. 11: 成员发展台帐.
    __tablename__ = "member_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[MemberEventKind] = mapped_column(_enum(MemberEventKind, "member_event_kind"))
    on_date: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = _ts()
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Project(AuthoredLedgerRow, Base):
    # Art. 6(3): at least one approved (立项) project every calendar year.
    __tablename__ = "projects"

    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ProjectKind] = mapped_column(_enum(ProjectKind, "project_kind"))
    approved_on: Mapped[date | None] = mapped_column(Date)
    approving_body: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ProjectStatus] = mapped_column(
        _enum(ProjectStatus, "project_status"), default=ProjectStatus.PLANNED
    )
    review_status: Mapped[ReviewStatus] = mapped_column(
        _enum(ReviewStatus, "review_status"), default=ReviewStatus.PENDING
    )
    review_reason: Mapped[str] = mapped_column(Text, default="")


class Achievement(AuthoredLedgerRow, Base):
    # Art. 6(4) and Art. 7: recognised achievements, by category, with their benefits.
    __tablename__ = "achievements"
    __table_args__ = (
        CheckConstraint(
            "economic_benefit_fen IS NULL OR economic_benefit_fen >= 0", name="benefit_nonneg"
        ),
    )

    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[AchievementCategory] = mapped_column(
        _enum(AchievementCategory, "achievement_category")
    )
    achieved_on: Mapped[date] = mapped_column(Date)
    recognised_by: Mapped[str] = mapped_column(String(200), default="")
    recognition_level: Mapped[str] = mapped_column(String(50), default="")
    economic_benefit_fen: Mapped[int | None] = mapped_column(BigInteger)
    social_benefit: Mapped[str] = mapped_column(Text, default="")
    review_status: Mapped[ReviewStatus] = mapped_column(
        _enum(ReviewStatus, "review_status"), default=ReviewStatus.PENDING
    )
    review_reason: Mapped[str] = mapped_column(Text, default="")


class Activity(AuthoredLedgerRow, Base):
    # Art. 11: 创建活动台帐.
    __tablename__ = "activities"

    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[ActivityKind] = mapped_column(_enum(ActivityKind, "activity_kind"))
    people_reached: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")


class FundRecord(AuthoredLedgerRow, Base):
    # Art. 9: earmarked and transparent; every subsidy and expense is a record.
    __tablename__ = "fund_records"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    direction: Mapped[FundDirection] = mapped_column(_enum(FundDirection, "fund_direction"))
    source: Mapped[FundSource | None] = mapped_column(_enum(FundSource, "fund_source"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    on_date: Mapped[date] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(Text, default="")


class Attachment(Base):
    # A Telegram file kept with the record it documents; exactly one owner is set.
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: a file known by its name only, brought in from a workbook (issue 13 item 5): on
    # paper or never uploaded; listed, never offered for download.
    file_id: Mapped[str | None] = mapped_column(String(255))
    file_unique_id: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_size: Mapped[int | None] = mapped_column(Integer)
    mime_type: Mapped[str] = mapped_column(String(100), default="")
    achievement_id: Mapped[int | None] = mapped_column(ForeignKey("achievements.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"), index=True)
    status_change_id: Mapped[int | None] = mapped_column(ForeignKey("studio_status_changes.id"))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = _ts()
    # Set when the leader replaces a returned entry's files: kept, no longer shown.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AnnualAssessment(Base):
    # Art. 17: each county/system union assesses every studio in its area each year.
    __tablename__ = "annual_assessments"
    __table_args__ = (UniqueConstraint("studio_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    studio_id: Mapped[int] = mapped_column(ForeignKey("studios.id"))
    union_id: Mapped[int] = mapped_column(ForeignKey("unions.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    grade: Mapped[AssessmentGrade] = mapped_column(_enum(AssessmentGrade, "assessment_grade"))
    comments: Mapped[str] = mapped_column(Text, default="")
    assessed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessed_at: Mapped[datetime] = _ts()


class AnnualReport(Base):
    # Art. 17: reported to the prefecture federation by 31 December.
    __tablename__ = "annual_reports"
    __table_args__ = (UniqueConstraint("union_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    union_id: Mapped[int] = mapped_column(ForeignKey("unions.id"))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[ReportStatus] = mapped_column(
        _enum(ReportStatus, "report_status"), default=ReportStatus.DRAFT
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The prefecture re-opened a submitted report, and why (the union submits it again).
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = _ts()


class ReminderLog(Base):
    # The unique key makes every reminder at-most-once across restarts and instances.
    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("kind", "recipient_id", "period", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    period: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20))
    status: Mapped[ReminderStatus] = mapped_column(
        _enum(ReminderStatus, "reminder_status"), default=ReminderStatus.PENDING
    )
    # What to say, kept with the claim so a retry sends exactly what was planned.
    payload: Mapped[Any] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = _ts()
    # A claim (pending) or a failure is retried from this moment on.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReceivedUpdate(Base):
    # An update taken from Telegram (acknowledged to it) but not yet handled. The row goes
    # when handling ends; one left behind was lost to a crash, and its sender is told.
    __tablename__ = "received_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    # Telegram's language for the sender, who may never have been seen before the crash.
    language: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = _ts()


class ReminderMute(Base):
    __tablename__ = "reminder_mutes"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = _ts()


class FormDraft(Base):
    """A half-filled form. One per form a person has open; at most one is active (takes their
    typed answers), the others are set aside until they resume them. Buttons carry the token,
    so a button of one form can never answer another; `version` makes each step a
    compare-and-set, so two instances handling the same press cannot both apply it."""

    __tablename__ = "form_drafts"

    token: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    form: Mapped[str] = mapped_column(String(40))
    state: Mapped[Any] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set by the clean-up job when the draft outlived its time; the person is told once.
    expired: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = _ts(index=True)


class WebLogin(Base):
    """A one-time link into the dashboard, sent in the chat (/web): single use, ten minutes,
    only its SHA-256 kept."""

    __tablename__ = "web_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = _ts()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A browser signed in through a login link, for a working day; the cookie holds the
    token, the database only its SHA-256. Ended by logout, by the person, or by time."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = _ts()
    last_seen_at: Mapped[datetime] = _ts()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = _ts(index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
