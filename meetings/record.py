"""The meeting record as other packages read it (the quarterly pack): the meeting of a quarter, its
action items, and the items of earlier meetings still not done. Plain ORM objects, read-only."""
from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from meetings.models import NOT_DONE, ActionItem, Meeting


def for_quarter(quarter: str) -> Meeting | None:
    """The meeting that reviewed `quarter` (2026-Q3), or None."""
    return db.session.execute(select(Meeting).where(Meeting.quarter == quarter)).scalar()


def items_of(meeting: Meeting) -> list[ActionItem]:
    """The action items the meeting decided, in the order they were added."""
    return list(db.session.execute(select(ActionItem).where(ActionItem.meeting_id == meeting.id)
                                   .order_by(ActionItem.id)).scalars())


def open_items_before(quarter: str) -> list[ActionItem]:
    """Action items of the meetings on earlier quarters that are not done (open or reopened): those a
    meeting on `quarter` carries over. The nearest deadline first."""
    return list(db.session.execute(
        select(ActionItem).join(Meeting).where(Meeting.quarter < quarter, ActionItem.status.in_(NOT_DONE))
        .order_by(ActionItem.deadline, ActionItem.id)).scalars())
