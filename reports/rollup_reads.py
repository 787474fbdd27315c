"""Reading the monthly rollups (reports/rollups.py) for a period: the remote checks per person, and the cycles in
which each person was checked."""
from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, literal, or_, select, union_all

from core.extensions import db
from reports import periods
from reports.counting import among
from reports.models import StaffCycleRollup, StaffMonthRollup
from reports.periods import Period


def remote_counts(period: Period, cycles: list, staff_condition=None):
    """Per person: remote checks and passed checks made in the period, and of the period's remote cycles that are
    over (`cycles`), how many had a check and how many checks in them failed; a subquery of (staff_id, checks,
    passed, covered, failures). A month whose cycles are all over is read from its month rows, any other from
    the rows of its cycles that are over."""
    over = {cycle.first for cycle in cycles}
    closed, open_cycles = [], []
    for month in period.months():
        starting = {cycle.first for cycle in periods.cycles(month, today=date.max)}
        if starting <= over:
            closed.append(month.first)
        else:
            open_cycles += sorted(starting & over)
    months = select(StaffMonthRollup.staff_id, StaffMonthRollup.remote_checks.label("checks"),
                    StaffMonthRollup.remote_passed.label("passed"),
                    case((StaffMonthRollup.month.in_(closed), StaffMonthRollup.cycles_covered), else_=0).label("covered"),
                    case((StaffMonthRollup.month.in_(closed), StaffMonthRollup.cycle_failures), else_=0)
                    .label("failures")) \
        .where(StaffMonthRollup.month.between(period.first, period.last))
    parts = [months.where(staff_condition(StaffMonthRollup.staff_id))] if staff_condition else [months]
    if open_cycles:
        in_cycles = select(StaffCycleRollup.staff_id, literal(0).label("checks"), literal(0).label("passed"),
                           case((StaffCycleRollup.remote_checks > 0, 1), else_=0).label("covered"),
                           StaffCycleRollup.remote_failed.label("failures")) \
            .where(StaffCycleRollup.cycle_first.in_(open_cycles))
        parts.append(in_cycles.where(staff_condition(StaffCycleRollup.staff_id)) if staff_condition else in_cycles)
    rows = union_all(*parts).subquery()
    checks, covered = func.sum(rows.c.checks), func.sum(rows.c.covered)
    return (select(rows.c.staff_id, checks.label("checks"), func.sum(rows.c.passed).label("passed"),
                   covered.label("covered"), func.sum(rows.c.failures).label("failures"))
            .group_by(rows.c.staff_id).having(or_(checks > 0, covered > 0)).subquery())


def checked_cycles(cycles: list, staff_ids) -> set[tuple[int, int]]:
    """(person, cycle index) for each of the cycles in which the person had a remote check."""
    index = {cycle.first: cycle.index for cycle in cycles}
    return {(staff_id, index[first]) for staff_id, first in db.session.execute(
        select(StaffCycleRollup.staff_id, StaffCycleRollup.cycle_first)
        .where(StaffCycleRollup.cycle_first.in_(list(index)), among(StaffCycleRollup.staff_id, staff_ids),
               StaffCycleRollup.remote_checks > 0))}
