"""The two-level ledger of financial-consumer complaints (金融消费者投诉受理登记二级台账): each complaint with its
lifecycle, the events that moved it, the A/B contacts who handle them and the reminders already sent.

The customer's name and phone are kept as given, and only the complaint's handler reads them whole; every
other page, export and PDF shows them masked (complaints.masking)."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Model, TimestampMixin, utcnow

if TYPE_CHECKING:
    from org.models import Outlet, Staff, User

OUTLET, BRANCH = "outlet", "branch"
LEVELS = (OUTLET, BRANCH)
CHANNELS = ("hotline", "walk_in", "letter", "online", "regulator")
CATEGORIES = ("attitude", "handling", "waiting", "fees", "sales", "facilities", "privacy", "other")
SEVERITIES = ("general", "serious")
RECEIVED, ACKNOWLEDGED, INVESTIGATED, RESOLVED, CALLED_BACK, CLOSED = (
    "received", "acknowledged", "investigated", "resolved", "called_back", "closed")
STATUSES = (RECEIVED, ACKNOWLEDGED, INVESTIGATED, RESOLVED, CALLED_BACK, CLOSED)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Complaint(TimestampMixin, Model):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(40), unique=True)
    # The phone's own name for the complaint: a retry of the same intake over a weak network is the same complaint.
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    # Whose ledger it stands in: the outlet's, or the sub-branch's once received there or escalated to it.
    level: Mapped[str] = mapped_column(String(10), default=OUTLET, index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    channel: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(12), index=True)
    severity: Mapped[str] = mapped_column(String(10), default="general")
    customer_name: Mapped[str] = mapped_column(String(40))
    customer_phone: Mapped[str] = mapped_column(String(20), default="")
    description: Mapped[str] = mapped_column(Text)
    request: Mapped[str] = mapped_column(Text, default="")  # what the customer asks for
    photo_ids: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default=RECEIVED, index=True)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    # The current step's deadline and the whole complaint's (办结期限), both counted in working days.
    step_due_on: Mapped[date] = mapped_column(Date, index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Set at the investigation: whether the complaint was found to be justified (属实). Only an upheld
    # complaint attributed to a person counts against their scorecard.
    upheld: Mapped[bool | None]
    findings_text: Mapped[str] = mapped_column(Text, default="")  # what the investigation found
    resolution: Mapped[str] = mapped_column(Text, default="")
    escalated_at: Mapped[datetime | None]
    reopen_count: Mapped[int] = mapped_column(default=0)
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    outlet: Mapped[Outlet] = relationship()
    staff: Mapped[Staff | None] = relationship()
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
    events: Mapped[list[ComplaintEvent]] = relationship(back_populates="complaint", order_by="ComplaintEvent.id")

    __table_args__ = (
        UniqueConstraint("branch_id", "year", "sequence"),
        CheckConstraint(_in("level", LEVELS), name="level"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint(_in("severity", SEVERITIES), name="severity"),
        CheckConstraint(_in("status", STATUSES), name="status"),
    )

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED


class ComplaintEvent(Model):
    """One step of a complaint's life, with who took it and what they wrote: the ledger's history."""

    __tablename__ = "complaint_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ContactPair(TimestampMixin, Model):
    """One line of the complaint contact table (AB角): for an outlet, or the sub-branch itself (outlet empty),
    A handles its complaints and B takes over while A is away."""

    __tablename__ = "complaint_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"), index=True)
    scope_key: Mapped[str] = mapped_column(String(30), unique=True)  # "branch:<id>" or "outlet:<id>"
    a_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    a_phone: Mapped[str] = mapped_column(String(20), default="")
    b_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    b_phone: Mapped[str] = mapped_column(String(20), default="")
    a_away_until: Mapped[date | None] = mapped_column(Date)

    outlet: Mapped[Outlet | None] = relationship()
    a_user: Mapped[User] = relationship(foreign_keys=[a_user_id])
    b_user: Mapped[User | None] = relationship(foreign_keys=[b_user_id])


class ComplaintReminder(Model):
    """A reminder mail sent about a complaint to one person, so that the daily run does not repeat it."""

    __tablename__ = "complaint_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    sent_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (CheckConstraint("reason IN ('due_soon', 'overdue', 'escalated')", name="reason"),)


class ComplaintPhoto(Model):
    """Evidence of a complaint, stored and checked like inspection photos (inspections.photostore); uploaded first
    under the phone's UUID, then named by the complaint it belongs to."""

    __tablename__ = "complaint_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    mime_type: Mapped[str] = mapped_column(String(20))
    byte_size: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    captured_at: Mapped[datetime | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    original_key: Mapped[str] = mapped_column(String(200))
    display_key: Mapped[str | None] = mapped_column(String(200))
    thumb_key: Mapped[str | None] = mapped_column(String(200))
    dhash: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
