"""The list of inspections as a query: what the reader may see, narrowed by the filters
(inspections.schemas InspectionFilters), the latest change first; one page of it is read."""
from __future__ import annotations

from sqlalchemy import Select, select

from inspections.models import Inspection
from inspections.policies import visible_inspections
from org.models import User


def inspections(user: User, filters: dict) -> Select:
    query = visible_inspections(user, select(Inspection))
    for name in ("status", "outlet_id", "kind"):
        if filters.get(name):
            query = query.where(getattr(Inspection, name) == filters[name])
    if filters.get("period"):
        query = query.where(Inspection.submitted_at >= filters["period"].start,
                            Inspection.submitted_at < filters["period"].end)
    return query.order_by(Inspection.updated_at.desc(), Inspection.id.desc())
