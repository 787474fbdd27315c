"""The lists of findings and notices as queries: what the reader may see, narrowed by the filters
(rectification.schemas FindingFilters, NoticeFilters), in their order; one page of it is read."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, case, select

from core.clock import local_midnight, local_today
from core.extensions import db
from inspections.models import Inspection
from inspections.policies import visible_inspections
from org.models import Outlet, User
from org.scope import outlets_in_scope
from rectification import lateness
from rectification.models import Finding, Notice
from rectification.policies import visible_findings, visible_notices
from rectification.tracking import ClosureFigures, closure_by_outlet_month


def findings(user: User, filters: dict) -> Select:
    query = visible_findings(user, select(Finding))
    for name in ("outlet_id", "status", "severity"):
        if filters.get(name):
            query = query.where(getattr(Finding, name) == filters[name])
    if filters.get("kind"):
        query = query.where(Finding.inspection.has(Inspection.kind == filters["kind"]))
    if filters.get("overdue"):
        query = query.where(lateness.outlet_overdue(local_today()))
    if filters.get("verification_overdue"):
        query = query.where(lateness.verification_overdue(local_today()))
    if filters.get("period"):
        query = query.where(Finding.created_at >= filters["period"].start, Finding.created_at < filters["period"].end)
    if filters.get("sort") == "deadline" and filters.get("verification_overdue"):  # the verifier's deadline
        return query.order_by(Finding.verification_due_date.asc(), Finding.id)
    if filters.get("sort") == "deadline":
        unclosed_first = case((Finding.status == "closed", 1), else_=0)
        return query.order_by(unclosed_first, Finding.due_date.asc().nulls_last(), Finding.id)
    return query.order_by(Finding.created_at.desc(), Finding.id.desc())


FIGURE_MONTHS = 3  # without a period chosen, the closure figures cover this month and the two before


def closure_figures(user: User, filters: dict) -> list[tuple[str, ClosureFigures]]:
    """(outlet name, figures) for the list's outlet and period (else the last FIGURE_MONTHS months),
    the latest month first."""
    if filters.get("period"):
        since, until = filters["period"].start, filters["period"].end
    else:
        month = local_today().replace(day=1)
        for _ in range(FIGURE_MONTHS - 1):
            month = (month - timedelta(days=1)).replace(day=1)
        since, until = local_midnight(month), None
    figures = closure_by_outlet_month(since, until, filters.get("outlet_id"), within=outlets_in_scope(user))
    names = dict(db.session.execute(select(Outlet.id, Outlet.name).where(
        Outlet.id.in_({f.outlet_id for f in figures}))).all()) if figures else {}
    by_outlet = sorted(figures, key=lambda f: names.get(f.outlet_id, ""))
    return [(names.get(f.outlet_id, "?"), f) for f in sorted(by_outlet, key=lambda f: f.month, reverse=True)]


def notices(user: User, filters: dict) -> Select:
    """Newest first; an inspection's notice only with an inspection the reader may see (a mystery visit's,
    once published); a complaint's unless a kind of inspection is asked for."""
    seen = visible_inspections(user, select(Inspection.id))
    if filters.get("kind"):
        seen = seen.where(Inspection.kind == filters["kind"])
    shown = Notice.inspection_id.in_(seen) if filters.get("kind") else \
        Notice.inspection_id.in_(seen) | Notice.complaint_id.isnot(None)
    query = visible_notices(user, select(Notice)).where(shown)
    if filters.get("outlet_id"):
        query = query.where(Notice.outlet_id == filters["outlet_id"])
    if filters.get("period"):
        query = query.where(Notice.issued_at >= filters["period"].start, Notice.issued_at < filters["period"].end)
    return query.order_by(Notice.issued_at.desc(), Notice.id.desc())
