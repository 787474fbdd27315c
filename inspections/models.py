"""Plans, assignments, inspections with their answers, photos and score rows."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, and_, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from core.db import Model, TimestampMixin, utcnow
from core.partitions import month_of

if TYPE_CHECKING:
    from checklists.models import ChecklistTemplate, ChecklistVersion
    from org.models import Branch, Outlet, Staff, User, Vendor

DRAFT, SUBMITTED, REVIEWED, PUBLISHED, REJECTED = "draft", "submitted", "reviewed", "published", "rejected"
INSPECTION_STATES = (DRAFT, SUBMITTED, REVIEWED, PUBLISHED, REJECTED)
OPEN, DONE, CANCELLED = "open", "done", "cancelled"


class Plan(TimestampMixin, Model):
    """A recurring rule that generates assignments, e.g. monthly 7S at every outlet."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id"))
    # monthly: visits_per_period per outlet each month; cycle: every teller each cycle_days;
    # quarterly: visits_per_period per outlet each quarter (mystery visits).
    cadence: Mapped[str] = mapped_column(String(10))
    visits_per_period: Mapped[int] = mapped_column(default=1)
    cycle_days: Mapped[int] = mapped_column(default=2)
    window_days: Mapped[int] = mapped_column(default=7)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # Set at a node of the tree, a plan schedules the outlets below it; none: the whole bank.
    # Loaded when asked for: most readers never look (the phone's checklist, a plan's assignments).
    node_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True, deferred=True)
    node: Mapped[Branch | None] = relationship(foreign_keys=[node_id])

    template: Mapped[ChecklistTemplate] = relationship()
    assignee: Mapped[User | None] = relationship()
    vendor: Mapped[Vendor | None] = relationship()

    __table_args__ = (
        CheckConstraint("cadence IN ('monthly', 'cycle', 'quarterly')", name="cadence"),
        CheckConstraint("visits_per_period BETWEEN 1 AND 12", name="visits"),
        CheckConstraint("cycle_days BETWEEN 1 AND 31", name="cycle_days"),
    )


class Assignment(TimestampMixin, Model):
    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    period: Mapped[str] = mapped_column(String(24))
    sequence: Mapped[int] = mapped_column(default=1)
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    instructions: Mapped[str] = mapped_column(Text, default="")

    outlet: Mapped[Outlet] = relationship()
    staff: Mapped[Staff | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    template: Mapped[ChecklistTemplate] = relationship()

    __table_args__ = (
        UniqueConstraint("plan_id", "outlet_id", "staff_id", "period", "sequence"),
        CheckConstraint("status IN ('open', 'done', 'cancelled')", name="status"),
        CheckConstraint("window_start <= window_end", name="window"),
    )


class Inspection(TimestampMixin, Model):
    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_version.id"), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignment.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT, index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    narrative: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    percent: Mapped[float | None]
    grade: Mapped[str | None] = mapped_column(String(10))
    critical_failed: Mapped[bool] = mapped_column(default=False)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    receipt: Mapped[dict | None] = mapped_column(JSON)
    # Counts the changes to a draft (answers, photos, its own fields): a submit that scored what it
    # read writes only if nothing changed since.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")

    checklist_version: Mapped[ChecklistVersion] = relationship()
    outlet: Mapped[Outlet] = relationship()
    inspector: Mapped[User] = relationship()
    staff: Mapped[Staff | None] = relationship()
    assignment: Mapped[Assignment | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="inspection", order_by="Answer.id",
                                                 cascade="all, delete-orphan")
    photos: Mapped[list[Photo]] = relationship(back_populates="inspection", order_by="Photo.id")
    section_scores: Mapped[list[SectionScore]] = relationship(order_by="SectionScore.position")

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted', 'reviewed', 'published', 'rejected')", name="status"),
        Index("ix_inspection_outlet_submitted", "outlet_id", "submitted_at"),
    )


def _month_of_inspection(context) -> date:
    """For the inserts that do not name it (the drafts' own do): the month the inspection was opened."""
    inspection_id = context.get_current_parameters()["inspection_id"]
    opened = context.connection.execute(select(Inspection.created_at).where(Inspection.id == inspection_id)).scalar_one()
    return month_of(opened)


class Answer(Model):
    __tablename__ = "answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    # The month its inspection was opened, never changed: on PostgreSQL the answers are partitioned by it
    # (core.partitions), and naming it lets a query read one month's partition only.
    inspection_month: Mapped[date] = mapped_column(Date, default=_month_of_inspection)
    item_key: Mapped[str] = mapped_column(String(60))
    value: Mapped[object | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    staff_description: Mapped[str] = mapped_column(String(200), default="")
    photo_ids: Mapped[list] = mapped_column(JSON, default=list)
    client_updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Filled at submit from the scoring engine; reports read these and never re-score.
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    failed: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str | None] = mapped_column(String(12))

    inspection: Mapped[Inspection] = relationship(back_populates="answers")
    staff: Mapped[Staff | None] = relationship()

    __table_args__ = (UniqueConstraint("inspection_id", "item_key", "inspection_month"),)

    @classmethod
    def of(cls, inspection: Inspection):
        """The condition for an inspection's answers, naming its month: one partition on PostgreSQL."""
        return and_(cls.inspection_id == inspection.id, cls.inspection_month == month_of(inspection.created_at))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        # The ORM names the month beside the id, so its updates of an answer touch one partition.
        return {"primary_key": [cls.__table__.c.id, cls.__table__.c.inspection_month]}


class Photo(Model):
    __tablename__ = "photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    # Empty only for the after-photo of a finding that no inspection raised (a complaint's).
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    mime_type: Mapped[str] = mapped_column(String(20))
    byte_size: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    original_key: Mapped[str] = mapped_column(String(200))
    # The display copy and thumbnail; empty until they are made, which for a large HEIC is after
    # the upload's response (see inspections.photostore).
    display_key: Mapped[str | None] = mapped_column(String(200))
    thumb_key: Mapped[str | None] = mapped_column(String(200))
    # Why no display copy could be made: the file passed the checks on upload but would not decode.
    unreadable: Mapped[str | None] = mapped_column(String(300))
    captured_at: Mapped[datetime | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # "evidence" (taken during the inspection) or "after" (an outlet's proof of rectification).
    purpose: Mapped[str] = mapped_column(String(10), default="evidence", server_default="evidence")
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"), index=True)
    # Difference hash (64-bit, hex) for spotting the same picture reused across reports.
    dhash: Mapped[str | None] = mapped_column(String(16), index=True)

    inspection: Mapped[Inspection | None] = relationship(back_populates="photos")

    __table_args__ = (CheckConstraint("inspection_id IS NOT NULL OR finding_id IS NOT NULL", name="owner"),)


class SectionScore(Model):
    __tablename__ = "section_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    position: Mapped[int]
    section_key: Mapped[str] = mapped_column(String(60), index=True)
    score: Mapped[float]
    max_score: Mapped[float]
    percent: Mapped[float | None]
    zeroed: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (UniqueConstraint("inspection_id", "section_key"),)


# Read by the reports: on PostgreSQL a month of score rows comes from the index alone.
Index("ix_inspection_report_window", Inspection.submitted_at,
      postgresql_include=["kind", "status", "outlet_id", "staff_id", "percent"])


ABSENT, ON_LEAVE, WINDOW_CLOSED = "absent", "on_leave", "window_closed"
EXCUSE_REASONS = (ABSENT, ON_LEAVE, WINDOW_CLOSED)


class Excuse(TimestampMixin, Model):
    """Why a teller could not be checked remotely on some days of a cycle (absent, on leave, window
    closed): the teller counts as excused for that cycle unless checked after all. Withdrawn, never deleted."""

    __tablename__ = "remote_excuse"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    assignment: Mapped[Assignment] = relationship()
    staff: Mapped[Staff] = relationship()
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])

    __table_args__ = (
        CheckConstraint("reason IN ('absent', 'on_leave', 'window_closed')", name="reason"),
        CheckConstraint("first_day <= last_day", name="days"),
    )
