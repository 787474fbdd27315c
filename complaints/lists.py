"""The ledger as a list: the reader's complaints, filtered, most urgent first — open ones by their step's deadline
(the overdue at the top), then the closed ones, newest first."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, case, select

from complaints import lifecycle
from complaints.models import CLOSED, Complaint
from complaints.policies import visible_complaints
from core.clock import local_today
from org.models import User


def complaints(user: User, filters: dict, today: date | None = None) -> Select:
    today = today or local_today()
    query = visible_complaints(user, select(Complaint))
    for field in ("level", "status", "outlet_id", "category", "channel", "handler_id", "staff_id"):
        if filters.get(field) is not None:
            query = query.where(getattr(Complaint, field) == filters[field])
    if filters.get("overdue"):
        query = query.where(Complaint.status.in_(lifecycle.OPEN_STATUSES), Complaint.step_due_on < today)
    if filters.get("received_from") is not None:
        query = query.where(Complaint.received_on >= filters["received_from"])
    if filters.get("received_to") is not None:
        query = query.where(Complaint.received_on <= filters["received_to"])
    closed = case((Complaint.status == CLOSED, 1), else_=0)
    return query.order_by(closed, case((Complaint.status == CLOSED, None), else_=Complaint.step_due_on),
                          Complaint.closed_at.desc(), Complaint.id.desc())
