"""What a mystery visit keeps beyond its inspection, the bank's review of the reports, and admins'
confirmations that a visit's findings about a person may put them on the black list."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Model, utcnow

if TYPE_CHECKING:
    from org.models import User


class MysteryVisit(Model):
    """A mystery visit's own record beside its inspection: the validation flags its last submit found,
    the bank's reason for sending it back, the items the bank found attributable to no one person, and
    when the bank accepted and published it. Made at the visit's first submit; a draft never submitted
    has none."""

    __tablename__ = "mystery_visit"

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), primary_key=True)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    revision_reason: Mapped[str] = mapped_column(Text, default="")
    # Keys of failed or marked-down items the bank attributes to no one person (the rest name their staff).
    not_attributable: Mapped[list] = mapped_column(JSON, default=list)
    reviewed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]


class MysteryReview(Model):
    """The bank's QA decision on a mystery visit report: accept, request a revision, or reject."""

    __tablename__ = "mystery_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    flags_seen: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reviewer: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("decision IN ('accept', 'revise', 'reject', 'publish')", name="decision"),)


class MysteryConfirmation(Model):
    """An admin's confirmation that a published mystery visit's findings about a person stand on their
    own, so that the visit alone may put the person on the black list: given at publication for
    everyone the visit names, or later for one person (from a red/black list that holds them)."""

    __tablename__ = "mystery_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)

    inspection = relationship("Inspection")
    staff = relationship("Staff")
    confirmed_by = relationship("User")

    __table_args__ = (UniqueConstraint("inspection_id", "staff_id"),)
