"""The lists of meetings and of action items as queries, narrowed by the filters and in their order; one
page of each is read (core.paging)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, case, select

from core.clock import local_today
from meetings.models import DONE, NOT_DONE, ActionItem, Meeting
from meetings.policies import visible_items
from org.models import User


def meetings() -> Select:
    """The newest quarter first."""
    return select(Meeting).order_by(Meeting.quarter.desc(), Meeting.id.desc())


def overdue(today: date):
    """The owner's lateness as SQL: not done and past the deadline."""
    return and_(ActionItem.status.in_(NOT_DONE), ActionItem.deadline < today)


def items(user: User, filters: dict) -> Select:
    """The items the user may see, the most urgent first: overdue, then the nearest deadline; done items
    last."""
    today = local_today()
    query = visible_items(user, select(ActionItem).join(Meeting))
    status = filters.get("status")
    if status == "open":
        query = query.where(ActionItem.status.in_(NOT_DONE))
    elif status == "overdue":
        query = query.where(overdue(today))
    elif status == "done":
        query = query.where(ActionItem.status == DONE)
    if filters.get("owner_user_id"):
        query = query.where(ActionItem.owner_user_id == filters["owner_user_id"])
    if filters.get("outlet_id"):
        query = query.where(ActionItem.owner_outlet_id == filters["outlet_id"])
    if filters.get("quarter"):
        query = query.where(Meeting.quarter == filters["quarter"])
    urgency = case((overdue(today), 0), (ActionItem.status.in_(NOT_DONE), 1), else_=2)
    return query.order_by(urgency, ActionItem.deadline.asc(), ActionItem.id)
