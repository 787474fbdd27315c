"""The remote desk's view of the current cycle: the tellers not yet checked, most urgent first, and the
coverage per outlet, lowest first.

Urgency: a teller never checked remotely comes first, then the one whose last check is oldest; tellers
with a reason recorded (excused) come after everyone due. Coverage counts an excused teller neither as
checked nor as missing: the rate is checked / (tellers - excused), so a cycle can reach 100 %."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, case, exists, func, or_, select

from core.extensions import db
from core.paging import Page
from inspections.kinds import names
from inspections.models import DONE, OPEN, PUBLISHED, REVIEWED, SUBMITTED, Assignment, Excuse, Inspection, Plan
from org.models import Counter, Outlet, Staff

EXCUSED = exists().where(Excuse.assignment_id == Assignment.id, Excuse.withdrawn_at.is_(None))


def _this_cycle(day: date, assignee_id: int | None) -> Select:
    """The current cycle's assignments of the active cycle plans; a monitor's own and the unassigned."""
    plan_ids = select(Plan.id).where(Plan.cadence == "cycle", Plan.active.is_(True))
    query = select(Assignment).where(Assignment.plan_id.in_(plan_ids), Assignment.window_start <= day,
                                     Assignment.window_end >= day)
    if assignee_id is not None:
        query = query.where(or_(Assignment.assignee_id == assignee_id, Assignment.assignee_id.is_(None)))
    return query


def _last_checks():
    return (select(Inspection.staff_id, func.max(Inspection.submitted_at).label("at"))
            .where(Inspection.kind.in_(names(lambda kind: kind.runs_in_cycles)),
                   Inspection.status.in_((SUBMITTED, REVIEWED, PUBLISHED)), Inspection.staff_id.isnot(None))
            .group_by(Inspection.staff_id).subquery())


def queue(day: date, assignee_id: int | None) -> Select:
    """The tellers not checked yet this cycle, most urgent first (ties: outlet, window, employee number)."""
    last = _last_checks()
    return (_this_cycle(day, assignee_id).where(Assignment.status == OPEN)
            .join(Outlet, Outlet.id == Assignment.outlet_id)
            .outerjoin(Staff, Staff.id == Assignment.staff_id).outerjoin(Counter, Counter.id == Staff.counter_id)
            .outerjoin(last, last.c.staff_id == Assignment.staff_id)
            .order_by(case((EXCUSED, 1), else_=0), case((last.c.at.is_(None), 0), else_=1), last.c.at,
                      Outlet.code, Counter.number, Staff.employee_no, Assignment.id))


def next_due(day: date, assignee_id: int | None) -> Assignment | None:
    return db.session.execute(queue(day, assignee_id).where(~EXCUSED).limit(1)).scalar()


@dataclass(frozen=True)
class QueueRow:
    assignment: Assignment
    last_checked_at: datetime | None
    excuse: Excuse | None


def queue_rows(page: Page) -> list[QueueRow]:
    """The page's assignments with each teller's last remote check and the reason recorded, if any."""
    staff_ids = [a.staff_id for a in page.items if a.staff_id is not None]
    last = _last_checks()
    checked = dict(db.session.execute(select(last.c.staff_id, last.c.at).where(last.c.staff_id.in_(staff_ids))).all())
    excuses = {e.assignment_id: e for e in db.session.execute(
        select(Excuse).where(Excuse.assignment_id.in_([a.id for a in page.items]), Excuse.withdrawn_at.is_(None))
    ).scalars()}
    return [QueueRow(a, checked.get(a.staff_id), excuses.get(a.id)) for a in page.items]


@dataclass(frozen=True)
class Coverage:
    outlet_id: int
    outlet_name: str
    covered: int
    excused: int
    total: int

    @property
    def expected(self) -> int:
        return self.total - self.excused

    @property
    def missing(self) -> int:
        return self.expected - self.covered

    @property
    def percent(self) -> float:
        return round(self.covered / self.expected * 100, 1) if self.expected else 100.0


def coverage(day: date, assignee_id: int | None) -> list[Coverage]:
    """Per outlet: checked, excused and missing tellers of the cycle; lowest coverage (then most missing) first."""
    assignments = _this_cycle(day, assignee_id).subquery()
    done = func.sum(case((assignments.c.status == DONE, 1), else_=0))
    excused = func.sum(case((and_(assignments.c.status == OPEN, exists().where(
        Excuse.assignment_id == assignments.c.id, Excuse.withdrawn_at.is_(None))), 1), else_=0))
    rows = db.session.execute(
        select(Outlet.id, Outlet.name, done, excused, func.count())
        .join(assignments, assignments.c.outlet_id == Outlet.id).group_by(Outlet.id, Outlet.name))
    figures = [Coverage(outlet_id, name, int(covered or 0), int(excused_count or 0), total)
               for outlet_id, name, covered, excused_count, total in rows]
    return sorted(figures, key=lambda c: (c.percent, -c.missing, c.outlet_name))


def due_count(day: date, assignee_id: int | None) -> int:
    query = _this_cycle(day, assignee_id).where(Assignment.status == OPEN, ~EXCUSED)
    return db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
