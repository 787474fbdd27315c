"""Findings overdue, the outlet's and the verifier's apart (rectification.lateness), and closure
figures per outlet and month."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, case, select

from core.clock import local_today, local_zone
from core.extensions import db
from org.models import Outlet
from rectification import lateness
from rectification.models import Finding


def _by_outlet(condition: ColumnElement[bool], order) -> dict[Outlet, list[Finding]]:
    rows = db.session.execute(select(Finding).where(Finding.published.is_(True), condition)
                              .order_by(Finding.outlet_id, order, Finding.id)).scalars().all()
    result: dict[Outlet, list[Finding]] = defaultdict(list)
    for finding in rows:
        result[finding.outlet].append(finding)
    return dict(result)


def overdue_by_outlet(today: date) -> dict[Outlet, list[Finding]]:
    """Findings overdue for the outlet (not answered in time), the longest overdue first."""
    return _by_outlet(lateness.outlet_overdue(today), Finding.due_date)


def verification_overdue_by_outlet(today: date) -> dict[Outlet, list[Finding]]:
    """Answers waiting for verification past their verification due date, the longest wait first."""
    return _by_outlet(lateness.verification_overdue(today), Finding.verification_due_date)


@dataclass(frozen=True)
class ClosureFigures:
    outlet_id: int
    month: str
    total: int
    closed: int
    average_days_to_close: float | None
    outlet_late: int = 0  # overdue now, or answered late: the outlet's
    verification_overdue: int = 0  # answers waiting past their verification due date: the verifiers'

    @property
    def closure_rate(self) -> float:
        return round(self.closed / self.total * 100, 1) if self.total else 100.0


def closure_by_outlet_month(since: datetime | None = None, until: datetime | None = None,
                            outlet_id: int | None = None, today: date | None = None,
                            within=None) -> list[ClosureFigures]:
    """Findings raised per outlet and month (local time) from `since` to before `until`, at one outlet
    or all, how many are closed, how fast, and how many are late, the outlet's and the verifiers'
    lateness apart; by outlet, then month."""
    zone = local_zone()
    today = today or local_today()
    query = select(Finding.outlet_id, Finding.created_at, Finding.status, Finding.closed_at,
                   case((lateness.outlet_late(today), 1), else_=0).label("late"),
                   case((lateness.verification_overdue(today), 1), else_=0).label("waiting")).where(
        Finding.published.is_(True))
    if since is not None:
        query = query.where(Finding.created_at >= since)
    if until is not None:
        query = query.where(Finding.created_at < until)
    if outlet_id is not None:
        query = query.where(Finding.outlet_id == outlet_id)
    if within is not None:  # the outlets below a user's node
        query = query.where(Finding.outlet_id.in_(within))
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for finding in db.session.execute(query):
        month = finding.created_at.astimezone(zone).strftime("%Y-%m")
        groups[(finding.outlet_id, month)].append(finding)
    figures = []
    for (outlet, month), findings in sorted(groups.items()):
        closed = [f for f in findings if f.status == "closed" and f.closed_at]
        days = [(f.closed_at - f.created_at).total_seconds() / 86400 for f in closed]
        figures.append(ClosureFigures(outlet, month, len(findings), len(closed),
                                      round(sum(days) / len(days), 1) if days else None,
                                      sum(f.late for f in findings), sum(f.waiting for f in findings)))
    return figures
