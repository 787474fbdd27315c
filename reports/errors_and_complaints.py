"""Service errors and upheld complaints on the scorecard: the tellers' monthly error counts of the volumes report,
and the complaints the ledger found justified and attributed to a person, by the day they were received.

An error count is kept per month, as its first day (a date, no time); the month belongs to a period when
that day, at local midnight, falls within the period's [start, end). Periods are whole local months or
quarters, so that is the same as the date lying between the period's first and last day, which compares a
date with dates in every database.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from complaints.figures import upheld_by_staff
from complaints.models import Complaint
from core.extensions import db
from reports.periods import Period
from volumes.models import ERRORS, TellerCount


def _in_period(period: Period):
    return TellerCount.month.between(period.first, period.last)


def error_counts(period: Period, conditions):
    """Per person with any service error in the period: how many (a subquery to join)."""
    errors = func.sum(TellerCount.count)
    return (select(TellerCount.staff_id, errors.label("errors"))
            .where(TellerCount.measure == ERRORS, _in_period(period), *conditions)
            .group_by(TellerCount.staff_id).having(errors > 0).subquery())


def monthly_errors(staff_id: int, period: Period) -> list[tuple[date, int]]:
    """The person's service errors in each month of the period that has any, oldest first."""
    errors = func.sum(TellerCount.count)
    return [(month, int(count)) for month, count in db.session.execute(
        select(TellerCount.month, errors)
        .where(TellerCount.staff_id == staff_id, TellerCount.measure == ERRORS, _in_period(period))
        .group_by(TellerCount.month).having(errors > 0).order_by(TellerCount.month))]


def complaint_counts(period: Period, staff_ids=None):
    """Per person with an upheld complaint received in the period: how many (a subquery with staff_id and
    complaints). Counted wherever it was received: the scorecard's query keeps to the people in scope."""
    return upheld_by_staff(period.start, period.end, staff_ids=staff_ids)


def upheld_complaints(staff_id: int, period: Period) -> list[tuple[int, str, date, str]]:
    """(id, number, day received, category) of each upheld complaint against the person in the period, the
    same ones complaint_counts counts."""
    return [tuple(row) for row in db.session.execute(
        select(Complaint.id, Complaint.number, Complaint.received_on, Complaint.category)
        .where(Complaint.staff_id == staff_id, Complaint.upheld.is_(True),
               Complaint.received_on.between(period.first, period.last))
        .order_by(Complaint.received_on, Complaint.id))]
