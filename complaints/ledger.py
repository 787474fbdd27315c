"""The ledger as a query: the complaints this reader may see, narrowed by the page's filters, most urgent first
(the open ones by their step's deadline, so the overdue lead; the closed ones after them, newest first)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, select

from complaints.models import CATEGORIES, CLOSED, LEVELS, STATUSES, Complaint
from complaints.policies import visible_complaints
from core.clock import local_today
from core.paging import PageArgs, choice, whole_number, yes_or_no
from core.period_filter import PeriodField
from core.schemas import Schema
from org.models import User


class LedgerFilters(Schema):
    level = choice(LEVELS, _l("Ledger"))
    status = choice(STATUSES, _l("Status"))
    outlet_id = whole_number(_l("Outlet"))
    category = choice(CATEGORIES, _l("Category"))
    overdue = yes_or_no(_l("Overdue only"))
    period = PeriodField(metadata={"label": _l("Received in"),
                                   "description": "received in: a day (2026-11-30), month (2026-11) or quarter (2026Q4)"})


class LedgerPageArgs(LedgerFilters, PageArgs):
    pass


def complaints(user: User, filters: dict) -> Select:
    query = visible_complaints(user, select(Complaint))
    for name in ("level", "status", "outlet_id", "category"):
        if filters.get(name):
            query = query.where(getattr(Complaint, name) == filters[name])
    if filters.get("overdue"):
        query = query.where(Complaint.status != CLOSED, Complaint.step_due_on < local_today())
    if filters.get("period"):
        query = query.where(Complaint.received_on >= filters["period"].first,
                            Complaint.received_on <= filters["period"].last)
    is_closed = Complaint.status == CLOSED
    return query.order_by(case((is_closed, 1), else_=0), case((~is_closed, Complaint.step_due_on)).asc(),
                          Complaint.received_on.desc(), Complaint.id.desc())
