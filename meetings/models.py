"""A quarter's meeting record and the action items it decided. An item is owned by a user account, an
outlet, or both; it is open until its owner (or the admin) closes it with a note, and the admin may
reopen it with a reason. An item not done is carried over to the later meetings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import local_today
from core.db import Model, utcnow
from org.models import Outlet, User

DRAFT, RECORDED = "draft", "recorded"
MEETING_STATUSES = (DRAFT, RECORDED)
OPEN, DONE, REOPENED = "open", "done", "reopened"
ITEM_STATUSES = (OPEN, DONE, REOPENED)
NOT_DONE = (OPEN, REOPENED)


class Meeting(Model):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), unique=True)  # 2026-Q3: the quarter reviewed
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(100), default="")
    chair: Mapped[str] = mapped_column(String(60), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")  # one name a line: people outside the system too
    points: Mapped[str] = mapped_column(Text, default="")  # what was reviewed
    decisions: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User | None] = relationship()
    items: Mapped[list[ActionItem]] = relationship(back_populates="meeting", order_by="ActionItem.id")

    __table_args__ = (CheckConstraint("status IN ('draft', 'recorded')", name="status"),)

    @property
    def attendee_names(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class ActionItem(Model):
    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    owner_outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"), index=True)
    deadline: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    closing_note: Mapped[str | None] = mapped_column(Text)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None]
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reopened_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    owner_outlet: Mapped[Outlet | None] = relationship()
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    reopened_by: Mapped[User | None] = relationship(foreign_keys=[reopened_by_id])

    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'reopened')", name="status"),
        CheckConstraint("owner_user_id IS NOT NULL OR owner_outlet_id IS NOT NULL", name="has_owner"),
    )

    @property
    def done(self) -> bool:
        return self.status == DONE

    @property
    def overdue(self) -> bool:
        return self.overdue_on(local_today())

    def overdue_on(self, today: date) -> bool:
        """The owner's lateness: not done and past the deadline."""
        return self.status != DONE and self.deadline < today
