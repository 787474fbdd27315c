"""Findings, the notices sent to outlets, their printed editions, outlets' responses and inspectors'
verifications."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Model, TimestampMixin, utcnow

if TYPE_CHECKING:
    from inspections.models import Inspection
    from org.models import Outlet, Staff, User


ONE_SOURCE = "(inspection_id IS NULL) <> (complaint_id IS NULL)"


class Finding(TimestampMixin, Model):
    """A failed item of a submitted inspection, opened when it reaches the outlet, or a fault a complaint
    brought to light, opened by the complaint's handler; the rectification loop works on these. Exactly one
    of the two is its source."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    # Who opened a complaint's finding (an inspection's is the inspection's inspector's): reminded to verify it.
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(60))
    section_key: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(300))
    requirement: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    photo_ids: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    published: Mapped[bool] = mapped_column(default=True)
    responded_at: Mapped[datetime | None]
    # The outlet's lateness is judged on its answer (rectification.lateness): whether the answer standing
    # now came after the deadline; the verifier's by the day the answer is to be verified by.
    responded_late: Mapped[bool] = mapped_column(default=False, server_default="0")
    verification_due_date: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None]

    inspection: Mapped[Inspection | None] = relationship()
    outlet: Mapped[Outlet] = relationship()
    staff: Mapped[Staff | None] = relationship()
    opened_by: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("inspection_id", "item_key"),  # a complaint's findings have no inspection: not bound
        CheckConstraint(ONE_SOURCE, name="one_source"),
        CheckConstraint("severity IN ('minor', 'major', 'critical')", name="severity"),
        CheckConstraint("status IN ('open', 'responded', 'closed')", name="status"),
    )


class Notice(Model):
    """整改通知书: one per inspection with findings, or per complaint with findings, numbered per branch and
    year in one series. A complaint's notice keeps what it prints of its source (number, category, day
    received; never the customer), as the complaint ledger gave it."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), unique=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), unique=True)
    source: Mapped[dict | None] = mapped_column(JSON)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(80), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    inspection: Mapped[Inspection | None] = relationship()
    outlet: Mapped[Outlet] = relationship()
    editions: Mapped[list[NoticeEdition]] = relationship(order_by="NoticeEdition.edition")

    __table_args__ = (UniqueConstraint("branch_id", "year", "sequence"),
                      CheckConstraint(ONE_SOURCE, name="one_source"))


class NoticeEdition(Model):
    """A printed state of a notice. Its content hash is in its QR code; the file's hash is kept so
    that any copy can be checked byte for byte."""

    __tablename__ = "notice_edition"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    edition: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    pdf_key: Mapped[str] = mapped_column(String(200))
    byte_size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    notice: Mapped[Notice] = relationship(back_populates="editions")

    __table_args__ = (UniqueConstraint("notice_id", "edition"),)


class Response(Model):
    __tablename__ = "finding_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(Text)
    photo_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()


class Verification(Model):
    __tablename__ = "finding_verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("finding_response.id"))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    accepted: Mapped[bool]
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    inspector: Mapped[User] = relationship()


class Reminder(Model):
    """A reminder mail sent about a finding to one person, so that the daily run does not repeat it
    every day."""

    __tablename__ = "finding_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str] = mapped_column(String(24))
    sent_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("reason IN ('due_soon', 'overdue', 'verification_overdue')", name="reason"),
    )


# Read by the reports: findings grouped by the month they were raised in.
Index("ix_finding_created_at", Finding.created_at)
