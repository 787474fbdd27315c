"""员工文优服务记分卡: each person's points in a period, from the stored score rows.

points = base + passed remote checks × remote_pass_points + clean-month bonus − Σ findings × deduction
of their severity − service errors × deduct_service_error − upheld complaints × deduct_complaint. A finding
counts for the person it is attributed to; a remote check for the teller it watched; a mystery visit only once
published; service errors as the month's volumes report gives them, an upheld complaint in the period it was
received (reports/errors_and_complaints.py). The clean-month bonus needs a check in every remote
cycle that started in the period, none of them failed, and no finding at all.
"""
from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Integer, and_, case, cast, exists, func, or_, select

from core.clock import local_midnight
from core.extensions import db
from inspections.models import Inspection
from mystery.models import MysteryConfirmation
from org.models import Outlet, Staff
from rectification.models import Finding
from reports import rollup_reads, rules
from reports.counting import (
    among,
    counted_finding,
    counted_inspection,
    cycle_number,
    plan_each_query,
    submitted_in,
    within_cycles,
)
from reports.errors_and_complaints import complaint_counts, error_counts, monthly_errors, upheld_complaints
from reports.models import StaffMonthRollup
from reports.periods import Period
from reports.periods import cycles as period_cycles
from volumes.models import TellerCount

SEVERITIES = ("critical", "major", "minor")


@dataclass(slots=True)
class Summary:
    staff_id: int
    name: str
    employee_no: str
    position: str
    outlet_id: int
    outlet_code: str
    outlet_name: str
    cycles_total: int = 0
    remote_checks: int = 0
    remote_passed: int = 0
    cycles_covered: int = 0
    cycle_failures: int = 0
    critical: int = 0
    major: int = 0
    minor: int = 0
    service_errors: int = 0
    complaints: int = 0
    pass_points: float = 0.0
    bonus: float = 0.0
    deductions: float = 0.0
    total: float = 0.0

    @property
    def findings(self) -> dict[str, int]:
        return {"critical": self.critical, "major": self.major, "minor": self.minor}

    @property
    def finding_count(self) -> int:
        return self.critical + self.major + self.minor

    @property
    def evaluated(self) -> bool:
        return bool(self.remote_checks or self.cycles_covered or self.finding_count or self.service_errors
                    or self.complaints)


def deduction(severity: str, values: dict[str, float]) -> float:
    return values[f"deduct_{severity}"]


def _settler(values: dict[str, float]):
    """The rule set's arithmetic, with its values taken out of the dictionary once: a province settles 50,000
    people in one call."""
    pass_points, base, clean_bonus = values["remote_pass_points"], values["base_points"], values["clean_cycle_bonus"]
    critical, major, minor = values["deduct_critical"], values["deduct_major"], values["deduct_minor"]
    error, complaint = values["deduct_service_error"], values["deduct_complaint"]

    def settle(summary: Summary) -> Summary:
        summary.pass_points = summary.remote_passed * pass_points
        summary.deductions = (summary.critical * critical + summary.major * major + summary.minor * minor
                              + summary.service_errors * error + summary.complaints * complaint)
        clean = (summary.cycles_total > 0 and summary.cycles_covered >= summary.cycles_total
                 and summary.cycle_failures == 0 and summary.finding_count == 0)
        summary.bonus = clean_bonus if clean else 0.0
        summary.total = round(base + summary.pass_points + summary.bonus - summary.deductions, 2)
        return summary

    return settle


def _staff_filter(column, outlet_ids, staff_ids):
    conditions = []
    if outlet_ids is not None:
        conditions.append(column.in_(select(Staff.id).where(among(Staff.outlet_id, outlet_ids))))
    if staff_ids is not None:
        conditions.append(among(column, staff_ids))
    return conditions


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def _remote_counts(period: Period, cycles, conditions):
    """Per teller: checks in the period, passed ones, cycles covered, failed checks in those cycles."""
    window_start = min([period.start] + [c.start for c in cycles[:1]])
    window_end = max([period.end] + [c.end for c in cycles[-1:]])
    # Findings are raised at or after submission, so those of the window's checks are all raised since
    # its start: a small set to join against instead of a probe per check.
    with_findings = select(Finding.inspection_id).where(Finding.created_at >= window_start).distinct().subquery()
    in_period = submitted_in(period)
    clean = with_findings.c.inspection_id.is_(None)
    in_cycles = within_cycles(Inspection.submitted_at, cycles)
    cycle = cycle_number(Inspection.submitted_at, cycles).label("cycle")
    # Per person and cycle first, then per person: two hash aggregates instead of a sort for COUNT(DISTINCT).
    per_cycle = (
        select(Inspection.staff_id, cycle, _count_if(in_period).label("checks"),
               _count_if(and_(in_period, clean)).label("passed"), _count_if(and_(in_cycles, ~clean)).label("failures"))
        .outerjoin(with_findings, with_findings.c.inspection_id == Inspection.id)
        .where(Inspection.kind == "remote", counted_inspection(), Inspection.staff_id.isnot(None),
               Inspection.submitted_at >= window_start, Inspection.submitted_at < window_end, *conditions)
        .group_by(Inspection.staff_id, cycle)).subquery()
    return (select(per_cycle.c.staff_id, func.sum(per_cycle.c.checks).label("checks"),
                   func.sum(per_cycle.c.passed).label("passed"), func.count(per_cycle.c.cycle).label("covered"),
                   func.sum(per_cycle.c.failures).label("failures"))
            .group_by(per_cycle.c.staff_id).subquery())


def _finding_counts_from_rollups(period: Period, conditions):
    """The same as _finding_counts, from the findings kept per person and month."""
    any_finding = func.sum(StaffMonthRollup.critical + StaffMonthRollup.major + StaffMonthRollup.minor) > 0
    return (select(StaffMonthRollup.staff_id,
                   *[func.sum(getattr(StaffMonthRollup, severity)).label(severity) for severity in SEVERITIES])
            .where(StaffMonthRollup.month.between(period.first, period.last), *conditions)
            .group_by(StaffMonthRollup.staff_id).having(any_finding).subquery())


def _finding_counts(period: Period, conditions):
    """Per person: the period's counted findings by severity."""
    return (select(Finding.staff_id, *[_count_if(Finding.severity == severity).label(severity)
                                       for severity in SEVERITIES])
            .join(Inspection, Inspection.id == Finding.inspection_id)
            # Findings are raised at or after submission: the second bound lets the index narrow the scan.
            .where(Finding.staff_id.isnot(None), counted_finding(), submitted_in(period),
                   Finding.created_at >= period.start, *conditions)
            .group_by(Finding.staff_id).subquery())


def summaries(period: Period, *, outlet_ids=None, staff_ids=None, values=None, raw: bool = False) -> list[Summary]:
    """Every active staff member in scope (and anyone else with points in the period), settled. The counts
    come from the monthly rollups; `raw` computes them from the inspections and findings themselves."""
    plan_each_query()
    # Each person is settled by the rules that hold where they work, unless one rule set is given.
    values_of = rules.by_branch() if values is None else (lambda branch_id: values)
    cycles = period_cycles(period)
    if raw:
        remote = _remote_counts(period, cycles, _staff_filter(Inspection.staff_id, outlet_ids, staff_ids))
        found = _finding_counts(period, _staff_filter(Finding.staff_id, outlet_ids, staff_ids))
    else:
        remote = rollup_reads.remote_counts(period, cycles,
                                       lambda column: and_(True, *_staff_filter(column, outlet_ids, staff_ids)))
        found = _finding_counts_from_rollups(period, _staff_filter(StaffMonthRollup.staff_id, outlet_ids, staff_ids))
    errors = error_counts(period, _staff_filter(TellerCount.staff_id, outlet_ids, staff_ids))
    complaints = complaint_counts(period, staff_ids)
    # One row per person, counts joined in the database: a few thousand result rows rather than five
    # sets of them, which also keeps Python's garbage collector out of the way.
    # Plain rows from the connection: the ORM's result machinery would double the time for 50,000 people.
    rows = db.session.connection().execute(
        select(Staff.id, Staff.name, Staff.employee_no, Staff.position, Staff.outlet_id, Outlet.code, Outlet.name,
               Outlet.branch_id,
               # Whole numbers from the database (a sum of bigints is a numeric): no conversion per value here.
               *[cast(func.coalesce(count, 0), Integer) for count in (
                   remote.c.checks, remote.c.passed, remote.c.covered, remote.c.failures,
                   *[getattr(found.c, severity) for severity in SEVERITIES], errors.c.errors,
                   complaints.c.complaints)])
        .join(Outlet, Outlet.id == Staff.outlet_id)
        .outerjoin(remote, remote.c.staff_id == Staff.id)
        .outerjoin(found, found.c.staff_id == Staff.id)
        .outerjoin(errors, errors.c.staff_id == Staff.id)
        .outerjoin(complaints, complaints.c.staff_id == Staff.id)
        .where(or_(Staff.active.is_(True), remote.c.staff_id.isnot(None), found.c.staff_id.isnot(None),
                   errors.c.staff_id.isnot(None), complaints.c.staff_id.isnot(None)),
               *_staff_filter(Staff.id, outlet_ids, staff_ids))
        .order_by(Outlet.code, Staff.employee_no))
    total_cycles, settlers = len(cycles), {}
    result = []
    # The loop makes no reference cycles; without the collector's passes over the app's live objects, which
    # 51,000 new summaries set off several times, a province's scorecards settle in half the time. The pause is
    # process-wide and lasts the loop (a few tenths of a second); nothing is left uncollected, only deferred.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for row in rows.all():
            branch_id = row[7]
            if branch_id not in settlers:
                settlers[branch_id] = _settler(values_of(branch_id))
            result.append(settlers[branch_id](Summary(*row[:7], total_cycles, *row[8:])))
    finally:
        if collecting:
            gc.enable()
    return result


@dataclass
class Line:
    """One scored event of a person's scorecard, pointing at the inspection and finding behind it, or a month's
    service errors (at the month's local start), or an upheld complaint (at its day's local start)."""

    at: datetime | None
    kind: str  # remote_pass, remote_fail, finding, service_error, complaint, bonus
    points: float
    inspection_uuid: str | None = None
    inspection_kind: str | None = None
    finding_id: int | None = None
    title: str = ""
    severity: str | None = None
    finding_status: str | None = None
    photos: int = 0
    mystery_confirmed: bool | None = None
    month: date | None = None
    count: int | None = None
    complaint_id: int | None = None
    category: str | None = None


@dataclass
class Card:
    summary: Summary
    base: float
    lines: list[Line]

    @property
    def total(self) -> float:
        return round(self.base + sum(line.points for line in self.lines), 2)


def card(staff: Staff, period: Period, values=None) -> Card:
    values = values or rules.current(staff.outlet.branch)
    (summary,) = summaries(period, staff_ids=[staff.id], values=values)
    lines: list[Line] = []
    has_findings = exists().where(Finding.inspection_id == Inspection.id).label("failed")
    for uuid, submitted_at, failed in db.session.execute(
            select(Inspection.uuid, Inspection.submitted_at, has_findings)
            .where(Inspection.kind == "remote", Inspection.staff_id == staff.id, counted_inspection(),
                   submitted_in(period))):
        lines.append(Line(submitted_at, "remote_fail" if failed else "remote_pass",
                          0.0 if failed else values["remote_pass_points"], uuid, "remote"))
    rows = db.session.execute(
        select(Finding, Inspection.uuid, Inspection.kind, Inspection.submitted_at)
        .join(Inspection, Inspection.id == Finding.inspection_id)
        .where(Finding.staff_id == staff.id, counted_finding(), submitted_in(period))).all()
    confirmed = _confirmed_pairs({row.Finding.inspection_id for row in rows if row.kind == "mystery"})
    for finding, uuid, kind, submitted_at in rows:
        mystery_confirmed = None
        if kind == "mystery":
            mystery_confirmed = (staff.id, finding.inspection_id) in confirmed
        lines.append(Line(submitted_at, "finding", -deduction(finding.severity, values), uuid, kind, finding.id,
                          finding.title, finding.severity, finding.status, len(finding.photo_ids or []),
                          mystery_confirmed))
    lines += [Line(local_midnight(month), "service_error", -count * values["deduct_service_error"], month=month,
                   count=count) for month, count in monthly_errors(staff.id, period)]
    lines += [Line(local_midnight(received_on), "complaint", -values["deduct_complaint"], title=number,
                   complaint_id=complaint_id, category=category)
              for complaint_id, number, received_on, category in upheld_complaints(staff.id, period)]
    lines.sort(key=lambda line: (line.at, line.finding_id or 0))
    if summary.bonus:
        lines.append(Line(None, "bonus", summary.bonus))
    return Card(summary, values["base_points"], lines)


@dataclass
class MysteryVisit:
    inspection_id: int
    uuid: str
    deduction: float
    criticals: int
    confirmed: bool


def mystery_evidence(period: Period, staff_ids, values) -> dict[int, list[MysteryVisit]]:
    """Per person, the published mystery visits of the period whose findings name them; a visit is
    confirmed when an admin has confirmed it for that person (at publication or since)."""
    visits: dict[tuple[int, int], MysteryVisit] = {}
    rows = db.session.execute(
        select(Finding.staff_id, Inspection.id, Inspection.uuid, Finding.severity, func.count())
        .join(Inspection, Inspection.id == Finding.inspection_id)
        .where(Inspection.kind == "mystery", counted_finding(), submitted_in(period),
               Finding.staff_id.in_(staff_ids))
        .group_by(Finding.staff_id, Inspection.id, Inspection.uuid, Finding.severity))
    for staff_id, inspection_id, uuid, severity, count in rows:
        visit = visits.setdefault((staff_id, inspection_id), MysteryVisit(inspection_id, uuid, 0.0, 0, False))
        visit.deduction += count * deduction(severity, values)
        visit.criticals += count if severity == "critical" else 0
    for key in _confirmed_pairs({inspection_id for _, inspection_id in visits}) & set(visits):
        visits[key].confirmed = True
    result: dict[int, list[MysteryVisit]] = defaultdict(list)
    for (staff_id, _), visit in sorted(visits.items()):
        result[staff_id].append(visit)
    return result


def _confirmed_pairs(inspection_ids) -> set[tuple[int, int]]:
    """(staff, inspection) pairs an admin confirmed."""
    if not inspection_ids:
        return set()
    return {(staff_id, inspection_id) for inspection_id, staff_id in db.session.execute(
        select(MysteryConfirmation.inspection_id, MysteryConfirmation.staff_id)
        .where(MysteryConfirmation.inspection_id.in_(inspection_ids)))}
