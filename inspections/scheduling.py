"""Plans turn into assignments: monthly visits, the two-day remote cycle (每二天一个循环) over every
teller on duty, and unannounced quarterly mystery visits. Generation is idempotent."""
from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core import audit
from core.extensions import db
from inspections.models import CANCELLED, DONE, OPEN, Assignment, Inspection, Plan
from org.models import Branch, Outlet, Staff, User
from org.scope import manages_setting, outlets_below


@dataclass(frozen=True)
class Window:
    period: str
    sequence: int
    start: date
    end: date


def cycle_of(day: date, cycle_days: int = 2) -> tuple[date, date]:
    epoch = date.fromisoformat(current_app.config.get("REMOTE_CYCLE_EPOCH", "2026-01-01"))
    index = (day - epoch).days // cycle_days
    start = epoch + timedelta(days=index * cycle_days)
    return start, start + timedelta(days=cycle_days - 1)


def _split(start: date, end: date, parts: int) -> list[tuple[date, date]]:
    days = (end - start).days + 1
    bounds = [start + timedelta(days=days * i // parts) for i in range(parts + 1)]
    return [(bounds[i], bounds[i + 1] - timedelta(days=1)) for i in range(parts)]


def windows(plan: Plan, day: date, outlet_id: int = 0) -> list[Window]:
    if plan.cadence == "cycle":
        start, end = cycle_of(day, plan.cycle_days)
        return [Window(f"C{start.isoformat()}", 1, start, end)]
    if plan.cadence == "monthly":
        start = day.replace(day=1)
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        period = f"{day.year}-{day.month:02d}"
        return [Window(period, i + 1, s, e) for i, (s, e) in enumerate(_split(start, end, plan.visits_per_period))]
    quarter = (day.month - 1) // 3
    start = date(day.year, quarter * 3 + 1, 1)
    end_month = quarter * 3 + 3
    end = date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])
    period = f"{day.year}Q{quarter + 1}"
    result = []
    for i, (part_start, part_end) in enumerate(_split(start, end, plan.visits_per_period)):
        # An unannounced visit: a window_days-long window at a place in the part that nobody can guess.
        span = max(0, (part_end - part_start).days + 1 - plan.window_days)
        seed = hashlib.sha256(f"{plan.id}:{outlet_id}:{period}:{i}".encode()).digest()
        offset = int.from_bytes(seed[:4], "big") % (span + 1)
        window_start = part_start + timedelta(days=offset)
        result.append(Window(period, i + 1, window_start,
                             min(part_end, window_start + timedelta(days=plan.window_days - 1))))
    return result


def _targets(plan: Plan) -> list[tuple[int, int | None]]:
    outlets = select(Outlet.id).where(Outlet.active.is_(True))
    if plan.node_id is not None:  # a plan set at a node schedules the outlets below it
        outlets = outlets.where(Outlet.id.in_(outlets_below(db.session.get(Branch, plan.node_id))))
    if plan.cadence == "cycle":
        rows = db.session.execute(
            select(Staff.outlet_id, Staff.id).where(Staff.active.is_(True), Staff.position == "teller",
                                                    Staff.outlet_id.in_(outlets))
            .order_by(Staff.outlet_id, Staff.employee_no))
        return [(outlet_id, staff_id) for outlet_id, staff_id in rows]
    return [(outlet_id, None) for outlet_id in db.session.execute(outlets.order_by(Outlet.code)).scalars()]


def generate(plan: Plan, day: date, actor: User | None = None) -> int:
    """Create the assignments of the period containing `day` that do not exist yet."""
    # Claim the plan's row first: a concurrent generation of the same plan waits here and then sees
    # what this one made (the unique key cannot tell: outlet visits have no staff, and NULLs differ).
    db.session.execute(update(Plan).where(Plan.id == plan.id).values(updated_at=Plan.updated_at)
                       .execution_options(synchronize_session=False))
    existing = {
        (a.outlet_id, a.staff_id, a.period, a.sequence)
        for a in db.session.execute(select(Assignment).where(Assignment.plan_id == plan.id)).scalars()
    }
    created = 0
    for outlet_id, staff_id in _targets(plan):
        for window in windows(plan, day, outlet_id):
            if (outlet_id, staff_id, window.period, window.sequence) in existing:
                continue
            db.session.add(Assignment(
                plan_id=plan.id, kind=plan.kind, template_id=plan.template_id, outlet_id=outlet_id,
                staff_id=staff_id, assignee_id=plan.assignee_id, vendor_id=plan.vendor_id,
                period=window.period, sequence=window.sequence, window_start=window.start,
                window_end=window.end, status=OPEN))
            created += 1
    if created:
        audit.record("plan.generate", plan, actor=actor, details={"day": day.isoformat(), "created": created})
    return created


def generate_all(day: date, actor: User | None = None) -> dict[str, int]:
    """Every active plan's missing assignments, created once even when the daily job and an admin's
    button run at the same moment: the one whose rows collide starts again and finds them there."""
    try:
        with db.session.begin_nested():
            return _generate_active(day, actor)
    except IntegrityError:
        return _generate_active(day, actor)


def _generate_active(day: date, actor: User | None) -> dict[str, int]:
    plans = [plan for plan in db.session.execute(select(Plan).where(Plan.active.is_(True)).order_by(Plan.id)).scalars()
             if actor is None or manages_setting(actor, plan.node_id)]
    result = {plan.name: generate(plan, day, actor) for plan in plans}
    db.session.flush()
    return result


def due_state(assignment: Assignment, today: date) -> str:
    if assignment.status == DONE:
        return "done"
    if assignment.status == CANCELLED:
        return "cancelled"
    if today > assignment.window_end:
        return "overdue"
    if today >= assignment.window_start:
        return "due"
    return "upcoming"


def inspection_for(assignment: Assignment) -> Inspection | None:
    return db.session.execute(
        select(Inspection).where(Inspection.assignment_id == assignment.id)
        .order_by(Inspection.id.desc()).limit(1)).scalar()


def counts_by_day(first: date, last: date, kinds: tuple[str, ...], within=None) -> dict[date, dict[str, int]]:
    """For the admin calendar: assignments ending on each day, per kind (`within`: a node's outlets only)."""
    query = (select(Assignment.window_end, Assignment.kind, Assignment.status, func.count())
             .where(Assignment.window_end.between(first, last), Assignment.kind.in_(kinds))
             .group_by(Assignment.window_end, Assignment.kind, Assignment.status))
    if within is not None:
        query = query.where(Assignment.outlet_id.in_(within))
    rows = db.session.execute(query)
    result: dict[date, dict[str, int]] = {}
    for day, kind, status, count in rows:
        entry = result.setdefault(day, {})
        entry[kind] = entry.get(kind, 0) + count
        if status == DONE:
            entry["done"] = entry.get("done", 0) + count
    return result
