"""The ledger page's filters: its level, status, outlet, category, overdue only and the period received in, read
from the query string and handed to the ledger's list (most urgent first, the closed ones last)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from complaints import lists
from complaints.models import CATEGORIES, LEVELS, STATUSES
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
    """The page's filters as the ledger's list takes them (complaints.lists, the API's too)."""
    wanted = {name: filters[name] for name in ("level", "status", "outlet_id", "category", "overdue")
              if filters.get(name)}
    if filters.get("period"):
        wanted.update(received_from=filters["period"].first, received_to=filters["period"].last)
    return lists.complaints(user, wanted)
