"""The ledger's figures: closure rate (the plan's goal: every complaint closed, 办结率100%), overdue, working days
to close and repeat complaints, by outlet and category, for any span of days; and the upheld complaints each
person is answerable for, which the scorecards deduct."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, func, select

from complaints import lifecycle
from complaints.models import CLOSED, Complaint
from core.clock import local_today, local_zone
from core.extensions import db
from core.working_days import working_days_between


def upheld_by_staff(start: datetime, end: datetime, staff_ids=None, outlet_ids=None) -> Select:
    """Per person: the upheld complaints attributed to them that were received in [start, end) (local days), as a
    subquery with columns staff_id and complaints, to join in a scorecard's query."""
    first, last = start.astimezone(local_zone()).date(), end.astimezone(local_zone()).date()
    query = (select(Complaint.staff_id, func.count().label("complaints"))
             .where(Complaint.staff_id.isnot(None), Complaint.upheld.is_(True),
                    Complaint.received_on >= first, Complaint.received_on < last))
    if staff_ids is not None:
        query = query.where(Complaint.staff_id.in_(staff_ids))
    if outlet_ids is not None:
        query = query.where(Complaint.outlet_id.in_(outlet_ids))
    return query.group_by(Complaint.staff_id).subquery()


@dataclass
class Tally:
    received: int = 0
    closed: int = 0
    overdue: int = 0
    upheld: int = 0
    days_to_close: list[int] = field(default_factory=list)

    @property
    def closure_rate(self) -> float | None:
        return round(100.0 * self.closed / self.received, 1) if self.received else None

    @property
    def mean_days_to_close(self) -> float | None:
        return round(sum(self.days_to_close) / len(self.days_to_close), 1) if self.days_to_close else None


@dataclass
class Figures:
    first: date
    last: date
    total: Tally
    by_outlet: dict[int, Tally]
    by_category: dict[str, Tally]
    by_channel: Counter
    escalated: int
    reopened: int
    # Customers (by phone) who complained more than once in the span, and outlets with the same category twice.
    repeat_customers: int
    repeat_outlet_categories: list[tuple[int, str, int]]


def span(first: date, last: date, outlet_ids=None, today: date | None = None) -> Figures:
    """Complaints received from `first` to `last` inclusive, counted as they stand `today`."""
    today = today or local_today()
    query = select(Complaint.outlet_id, Complaint.category, Complaint.channel, Complaint.status, Complaint.upheld,
                   Complaint.received_on, Complaint.step_due_on, Complaint.closed_at, Complaint.escalated_at,
                   Complaint.reopen_count, Complaint.customer_phone) \
        .where(Complaint.received_on >= first, Complaint.received_on <= last)
    if outlet_ids is not None:
        query = query.where(Complaint.outlet_id.in_(outlet_ids))
    total, by_outlet, by_category = Tally(), {}, {}
    channels: Counter = Counter()
    phones: Counter = Counter()
    pairs: Counter = Counter()
    escalated = reopened = 0
    for row in db.session.execute(query):
        channels[row.channel] += 1
        escalated += row.escalated_at is not None
        reopened += row.reopen_count > 0
        if row.customer_phone:
            phones[row.customer_phone] += 1
        pairs[(row.outlet_id, row.category)] += 1
        for tally in (total, by_outlet.setdefault(row.outlet_id, Tally()),
                      by_category.setdefault(row.category, Tally())):
            _count(tally, row, today)
    repeats = sorted(((outlet, category, n) for (outlet, category), n in pairs.items() if n > 1),
                     key=lambda item: (-item[2], item[0], item[1]))
    return Figures(first, last, total, by_outlet, by_category, channels, escalated, reopened,
                   sum(1 for n in phones.values() if n > 1), repeats)


def _count(tally: Tally, row, today: date) -> None:
    tally.received += 1
    tally.upheld += bool(row.upheld)
    if row.status == CLOSED:
        tally.closed += 1
        tally.days_to_close.append(working_days_between(row.received_on,
                                                        row.closed_at.astimezone(local_zone()).date()))
    elif lifecycle.is_overdue(row.status, row.step_due_on, today):
        tally.overdue += 1
