"""The bank's review of mystery visit reports."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Model, utcnow

if TYPE_CHECKING:
    from org.models import User


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
