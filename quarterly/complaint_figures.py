"""The pack's complaints section, filled from the ledger's own figures (complaints.figures.span) for the
quarter's days: how many were received, by category and by outlet, the closure rate against the plan's goal
(办结率 100%), those past their step's deadline, the working days to close, and the repeat complaints.
The customers themselves never appear: a repeat customer is only counted."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from complaints import figures
from complaints.labels import CATEGORIES, label
from core.extensions import db
from org.models import Outlet
from reports import charts
from reports.periods import Period

GOAL_CLOSURE_RATE = 100.0  # the plan's 办结率


@dataclass(frozen=True)
class ComplaintLine:
    label: str
    received: int
    closed: int
    overdue: int
    closure_rate: float | None
    mean_days_to_close: float | None


@dataclass(frozen=True)
class RepeatAtOutlet:
    outlet_name: str
    category: str
    complaints: int


@dataclass(frozen=True)
class ComplaintSection:
    total: ComplaintLine
    by_category: list[ComplaintLine]  # the most complaints first
    by_outlet: list[ComplaintLine]  # the most complaints first
    upheld: int
    escalated: int
    reopened: int
    repeat_customers: int
    repeat_at_outlets: list[RepeatAtOutlet]
    chart: Markup | None
    goal: float = GOAL_CLOSURE_RATE

    @property
    def empty(self) -> bool:
        return self.total.received == 0


def _line(name: str, tally: figures.Tally) -> ComplaintLine:
    return ComplaintLine(name, tally.received, tally.closed, tally.overdue, tally.closure_rate,
                         tally.mean_days_to_close)


def _most_first(lines: list[ComplaintLine]) -> list[ComplaintLine]:
    return sorted(lines, key=lambda line: (-line.received, -line.overdue, line.label))


def section(quarter: Period) -> ComplaintSection:
    span = figures.span(quarter.first, quarter.last)
    names = dict(db.session.execute(select(Outlet.id, Outlet.name).where(Outlet.id.in_(span.by_outlet))).all()) \
        if span.by_outlet else {}
    by_category = _most_first([_line(label(CATEGORIES, key), tally) for key, tally in span.by_category.items()])
    by_outlet = _most_first([_line(names.get(outlet_id, ""), tally) for outlet_id, tally in span.by_outlet.items()])
    repeats = [RepeatAtOutlet(names.get(outlet_id, ""), label(CATEGORIES, category), count)
               for outlet_id, category, count in span.repeat_outlet_categories]
    chart = charts.bar_chart([line.label for line in by_category], [line.received for line in by_category],
                             title=_("Complaints by category"), label_width=160, bar_height=18) \
        if by_category else None
    return ComplaintSection(_line(_("All complaints"), span.total), by_category, by_outlet, span.total.upheld,
                            span.escalated, span.reopened, span.repeat_customers, repeats, chart)
