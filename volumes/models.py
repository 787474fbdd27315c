"""One count per teller, month and line of the core banking report: transactions of a business type, or
errors of a kind. The types and kinds are the report's own labels, kept as given."""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Model
from org.models import Staff

TRANSACTIONS, ERRORS = "transactions", "errors"
MEASURES = (TRANSACTIONS, ERRORS)


class TellerCount(Model):
    __tablename__ = "teller_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(index=True)  # the first day of the month
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    measure: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(60))
    count: Mapped[int]

    staff: Mapped[Staff] = relationship()

    __table_args__ = (
        UniqueConstraint("month", "staff_id", "measure", "label"),
        CheckConstraint("measure IN ('transactions', 'errors')", name="measure"),
        CheckConstraint("count >= 0", name="count"),
    )
