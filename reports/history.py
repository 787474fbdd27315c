"""Demo step: six months of history for the demo bank and the current month up to today, so that dashboards,
lists and PDFs are full on a newcomer's first look and this month and quarter read as they would at a bank
that uses the service every day. Monthly on-site and 7S visits per outlet, a remote check of every teller in
(nearly) every two-day cycle that is over, two mystery visits per outlet and quarter, each made in the window of
its assignment as the mystery plan draws them; answers scored by the
checklists' engine, findings responded to, verified and closed (some rejected first, some overdue), and
their notices. This period's visits are made from their assignments: those not yet due stay open, and a
mystery visit whose publication would fall after today waits for the bank's review. Every inspection has a
UUID derived from what it is, so a second run adds nothing."""
from __future__ import annotations

import random
import uuid as uuid_module
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import insert, select, update

from checklists import scoring
from checklists.requirements import requirement_text
from checklists.store import checklist_of, current_versions
from core import audit
from core.clock import local_today, local_zone
from core.db import utcnow
from core.extensions import db
from core.partitions import month_of
from core.seeding import step
from inspections.models import DONE, OPEN, Answer, Assignment, Inspection, Plan, SectionScore
from inspections.scheduling import Window, cycle_of, windows
from mystery.models import MysteryConfirmation, MysteryVisit
from org.models import Outlet, Staff, User
from org.seed import OUTLETS, SIBLING_OUTLETS
from reports import history_answers as answering
from reports import history_rectification as rectification
from reports import operations, rollups
from reports.models import ServiceList
from reports.periods import Cycle, Period, cycles, month_period, quarter_period, remote_cycle_days

NAMESPACE = uuid_module.UUID("6c0f3f55-2f55-4a8e-9d8a-7a1e6b2f0c11")
MONTHS = 6
# Per demo outlet, in order: failure rate per item, and its change per month (negative: improving).
QUALITY = [(0.020, -0.06), (0.030, -0.03), (0.045, -0.05), (0.025, 0.00),
           (0.065, 0.06), (0.035, -0.04), (0.050, -0.02), (0.040, -0.07)]


@dataclass(frozen=True)
class Visit:
    uuid: str
    kind: str
    outlet: Outlet
    staff_id: int | None
    at: datetime
    month_index: int
    assignment_id: int | None = None
    # A mystery visit of a past period: the window the plan drew, in which the shopper made it.
    window: Window | None = None


def _at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=local_zone()).astimezone(UTC) + timedelta(minutes=minutes)


def _months(today: date) -> list[Period]:
    """The six complete months before this one, and this one."""
    months = [month_period(today.year, today.month)]
    while len(months) < MONTHS + 1:
        months.insert(0, months[0].previous())
    return months


def _open_assignments() -> dict[tuple, tuple[int, date, date]]:
    """This period's open assignments, by (kind, outlet, person, period, sequence): id and window."""
    rows = db.session.execute(select(Assignment.id, Assignment.kind, Assignment.outlet_id, Assignment.staff_id,
                                     Assignment.period, Assignment.sequence, Assignment.window_start,
                                     Assignment.window_end).where(Assignment.status == OPEN))
    return {(kind, outlet_id, staff_id, period, sequence): (assignment_id, start, end)
            for assignment_id, kind, outlet_id, staff_id, period, sequence, start, end in rows}


def _remote_cycles(month: Period, today: date) -> list[Cycle]:
    """The month's remote cycles that are over, and the one running today when it began in the month."""
    over = cycles(month, today)
    first, last = cycle_of(today, remote_cycle_days())
    if month.first <= first <= min(month.last, today):
        over.append(Cycle(len(over), first, last))
    return over


def _visits(outlets: list[Outlet], staff: dict, months: list[Period], now: datetime, assignments: dict,
            mystery_plan: Plan):
    """Every visit made before now; one whose time has not come is left open on its assignment."""
    today = now.astimezone(local_zone()).date()
    for index, month in enumerate(months):
        for outlet in outlets:
            rng = random.Random(f"visit:{outlet.code}:{month.label}")
            day, minutes = month.first + timedelta(days=rng.randint(3, 24)), rng.randint(20, 140)
            for kind, offset in (("onsite", 0), ("7s", 45)):
                assigned = assignments.get((kind, outlet.id, None, month.label, 1))
                yield Visit(str(uuid_module.uuid5(NAMESPACE, f"{kind}:{outlet.code}:{month.label}")), kind, outlet,
                            None, _at(day, minutes + offset), index, assigned[0] if assigned else None)
        for cycle in _remote_cycles(month, today):
            period = f"C{cycle.first.isoformat()}"
            for outlet in outlets:
                for teller in staff[outlet.id].get("teller_rows", []):
                    rng = random.Random(f"remote:{teller.employee_no}:{cycle.first}")
                    if rng.random() < 0.05:
                        continue  # a missed check: coverage is high, not perfect
                    day = cycle.first + timedelta(days=rng.randint(0, (cycle.last - cycle.first).days))
                    assigned = assignments.get(("remote", outlet.id, teller.id, period, 1))
                    yield Visit(str(uuid_module.uuid5(NAMESPACE, f"remote:{teller.employee_no}:{cycle.first}")),
                                "remote", outlet, teller.id, _at(day, rng.randint(0, 450)), index,
                                assigned[0] if assigned else None)
    quarters = {(m.year, (m.number - 1) // 3 + 1) for m in months}
    for year, number in sorted(quarters):
        quarter = quarter_period(year, number)
        for outlet in outlets:
            for window in windows(mystery_plan, quarter.first, outlet.id):
                visit = window.sequence - 1
                rng = random.Random(f"mystery:{outlet.code}:{quarter.label}:{visit}")
                # The unannounced window the plan drew for this visit: its open assignment's, or the plan's own.
                assigned = assignments.get(("mystery", outlet.id, None, quarter.label, window.sequence))
                start, end = (assigned[1], assigned[2]) if assigned else (window.start, window.end)
                day = start + timedelta(days=rng.randint(0, (end - start).days))
                if months[0].first <= day <= months[-1].last:
                    index = next(i for i, m in enumerate(months) if m.first <= day <= m.last)
                    yield Visit(str(uuid_module.uuid5(NAMESPACE, f"mystery:{outlet.code}:{quarter.label}:{visit}")),
                                "mystery", outlet, None, _at(day, rng.randint(30, 360)), index,
                                assigned[0] if assigned else None, None if assigned else window)


def _context():
    codes = [code for code, *_ in OUTLETS + SIBLING_OUTLETS]
    outlets = db.session.execute(select(Outlet).where(Outlet.code.in_(codes)).order_by(Outlet.code)).scalars().all()
    users = {u.username: u for u in db.session.execute(
        select(User).where(User.username.in_(["admin", "inspector", "monitor", "shopper", "outlet"]))).scalars()}
    versions = {v.template.kind: v for v in current_versions()}
    mystery_plan = db.session.execute(select(Plan).where(Plan.kind == "mystery").order_by(Plan.id)).scalars().first()
    if not outlets or len(users) < 5 or set(versions) < {"onsite", "7s", "remote", "mystery"} or mystery_plan is None:
        return None
    staff: dict[int, dict] = {outlet.id: {} for outlet in outlets}
    for person in db.session.execute(select(Staff).where(Staff.outlet_id.in_(staff), Staff.active.is_(True))
                                     .order_by(Staff.employee_no)).scalars():
        staff[person.outlet_id].setdefault(person.position, []).append(person.id)
        if person.position == "teller":
            staff[person.outlet_id].setdefault("teller_rows", []).append(person)
    return outlets, staff, users, versions, mystery_plan


def _existing(uuids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(uuids), 500):
        found |= set(db.session.execute(select(Inspection.uuid).where(Inspection.uuid.in_(uuids[start:start + 500])))
                     .scalars())
    return found


@step("history")
def seed_history(password: str) -> str | None:
    context = _context()
    if context is None:
        return None
    outlets, staff, users, versions, mystery_plan = context
    today, now = local_today(), utcnow()
    months = _months(today)
    visits = [v for v in _visits(outlets, staff, months, now, _open_assignments(), mystery_plan) if v.at < now]
    done = _existing([v.uuid for v in visits])
    todo = [v for v in visits if v.uuid not in done]
    summary = []
    if todo:
        made = _past_assignments(todo, mystery_plan)
        todo = [replace(v, assignment_id=made[v.uuid]) if v.uuid in made else v for v in todo]
        counts = _write(todo, outlets, staff, users, versions, today, now)
        audit.record("demo.history", actor=None, object_type="inspection", details=counts)
        summary.append(f"{counts['inspections']} inspections, {counts['answers']} answers, "
                       f"{counts['findings']} findings ({months[0].label} to {months[-1].label})")
    lists = _lists(months[:-1], outlets, users["admin"])  # a month is listed once it is over
    if lists:
        summary.append(f"{lists} red/black lists")
    return "; ".join(summary) or None


def _lists(months: list[Period], outlets: list[Outlet], admin) -> int:
    """The branch's list of every month, signed off but for the latest, which waits as a draft; and each
    outlet's list of the month before it, published."""
    made = 0
    for index, month in enumerate(months):
        scopes = [("branch", None)] + ([("outlet", o.id) for o in outlets] if index == len(months) - 2 else [])
        for scope, outlet_id in scopes:
            exists = db.session.execute(select(ServiceList.id).where(
                ServiceList.month == month.label, ServiceList.scope == scope,
                ServiceList.outlet_id == outlet_id if outlet_id else ServiceList.branch_id == outlets[0].branch_id
            )).scalar()
            if exists:
                continue
            service_list, _ = operations.prepare_list(month.label, scope, outlet_id, outlets[0].branch_id, admin)
            if index < len(months) - 1:
                operations.publish_list(service_list.id, admin)
            made += 1
    return made


def _past_assignments(visits: list[Visit], plan: Plan) -> dict[str, int]:
    """The done assignment of each past mystery visit by its UUID: the plan's own where the plan step made it
    already, else made now as the plan would have made it then."""
    held = {(a.outlet_id, a.period, a.sequence): a for a in db.session.execute(
        select(Assignment).where(Assignment.plan_id == plan.id)).scalars()}
    found = {}
    for visit in visits:
        if visit.window is None:
            continue
        key = (visit.outlet.id, visit.window.period, visit.window.sequence)
        if key not in held:
            held[key] = Assignment(plan_id=plan.id, kind=plan.kind, template_id=plan.template_id,
                                   outlet_id=visit.outlet.id, assignee_id=plan.assignee_id, vendor_id=plan.vendor_id,
                                   period=visit.window.period, sequence=visit.window.sequence,
                                   window_start=visit.window.start, window_end=visit.window.end)
            db.session.add(held[key])
        held[key].status = DONE
        found[visit.uuid] = held[key]
    db.session.flush()
    return {uuid: assignment.id for uuid, assignment in found.items()}


def _score(visit: Visit, version, rate: float, staff: dict, inspector_id: int, now: datetime) -> dict:
    """One visit answered, scored by the engine, as the rows a submit would have stored."""
    checklist = checklist_of(version)
    rng = random.Random(visit.uuid)
    if visit.staff_id is not None:
        teller_rng = random.Random(f"teller:{visit.staff_id}")
        rate *= 2.5 if teller_rng.random() < 0.15 else 0.4 + teller_rng.random() * 1.2
    answers, sections = {}, {}
    for section in checklist.sections:
        for item in section.items:
            answers[item.key] = answering.value_for(item, answering.fails(item, visit.kind, rate, rng), rng)
            sections[item.key] = section.key
    result = scoring.score(checklist, answers)
    owners = {key: answering.owner(checklist.item(key), sections[key], visit.kind, visit.staff_id, staff, rng)
              for key in result.failed_items}
    notes = {key: answering.note_for(visit.kind, rng) for key in result.failed_items}
    published = visit.at + timedelta(days=rng.randint(3, 8)) if visit.kind == "mystery" else None
    # A mystery visit the bank would publish after today still waits for its review: no findings yet.
    waiting = published is not None and published > now
    published = None if waiting else published
    status = "published" if published else "submitted"
    # The admin confirmed half the published visits for the black list as they published them.
    confirmed = bool(published) and rng.random() < 0.5
    inspection = {
        "uuid": visit.uuid, "kind": visit.kind, "checklist_version_id": version.id, "outlet_id": visit.outlet.id,
        "inspector_id": inspector_id, "staff_id": visit.staff_id, "status": status,
        "assignment_id": visit.assignment_id,
        "narrative": answering.narrative_for(rng) if visit.kind == "mystery" else "",
        "started_at": visit.at - timedelta(minutes=4 if visit.kind == "remote" else 25), "finished_at": visit.at,
        "submitted_at": visit.at, "score": result.score, "max_score": result.max, "percent": result.percent,
        "grade": result.grade, "critical_failed": bool(result.critical_failures), "created_at": visit.at,
        "updated_at": published or visit.at,
        "content_hash": audit.content_hash({"inspection": visit.uuid, "answers": answers}),
        "receipt": {"inspection": visit.uuid, "status": status, "score": result.score, "max_score": result.max,
                    "percent": result.percent, "grade": result.grade, "server_time": visit.at.isoformat()}}
    answer_rows = [{"item_key": key, "value": value, "note": notes.get(key, ""), "staff_id": owners.get(key),
                    "staff_description": "", "photo_ids": [], "client_updated_at": visit.at,
                    "inspection_month": month_of(visit.at),
                    "score": result.items[key].score, "max_score": result.items[key].max,
                    "failed": result.items[key].failed, "state": result.items[key].state}
                   for key, value in answers.items()]
    section_rows = [{"position": position, "section_key": s.key, "score": s.score, "max_score": s.max,
                     "percent": s.percent, "zeroed": s.zeroed} for position, s in enumerate(result.sections)]
    raised = published or visit.at
    deadlines = current_app.config["FINDING_DEADLINE_DAYS"]
    finding_rows = []
    for key in [] if waiting else result.failed_items:
        item = checklist.item(key)
        finding_rows.append({
            "outlet_id": visit.outlet.id, "item_key": key, "section_key": sections[key], "severity": item.severity,
            "title": item.label.zh[:300], "note": notes[key],
            "requirement": requirement_text(item, "zh"),
            "staff_id": owners[key] or (visit.staff_id if item.attribute_to_staff else None), "photo_ids": [],
            "published": True, "created_at": raised,
            "due_date": raised.astimezone(local_zone()).date() + timedelta(days=deadlines[item.severity])})
    mystery_visit = {"flags": [], "revision_reason": "", "reviewed_at": published - timedelta(days=1) if published
                     else None, "published_at": published} if visit.kind == "mystery" else None
    return {"inspection": inspection, "answers": answer_rows, "sections": section_rows, "findings": finding_rows,
            "mystery_visit": mystery_visit, "confirmed": confirmed, "closes_assignment": not waiting}


def _write(todo: list[Visit], outlets, staff, users, versions, today: date, now: datetime) -> dict:
    rates = {outlet.id: QUALITY[index % len(QUALITY)] for index, outlet in enumerate(outlets)}
    inspector_of = {"onsite": users["inspector"].id, "7s": users["inspector"].id, "remote": users["monitor"].id,
                    "mystery": users["shopper"].id}
    scored = []
    for visit in todo:
        base, slope = rates[visit.outlet.id]
        rate = base * max(0.3, 1 + slope * (visit.month_index - 2.5) * 2)
        scored.append(_score(visit, versions[visit.kind], rate, staff[visit.outlet.id], inspector_of[visit.kind],
                             now))
    table = Inspection.__table__
    ids = db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                             [s["inspection"] for s in scored]).scalars().all()
    # The rows written straight into the table are counted here; their section scores and findings, as
    # they are inserted (reports.rollups).
    rollups.settle(db.session.connection(), ids, rollups.Tally())
    answers, sections, findings, mystery_visits, confirmations = [], [], [], [], []
    for inspection_id, rows in zip(ids, scored):
        answers += [{**row, "inspection_id": inspection_id} for row in rows["answers"]]
        sections += [{**row, "inspection_id": inspection_id} for row in rows["sections"]]
        findings += [{**row, "inspection_id": inspection_id} for row in rows["findings"]]
        if rows["mystery_visit"]:
            mystery_visits.append({**rows["mystery_visit"], "inspection_id": inspection_id})
        if rows["confirmed"]:
            named = sorted({row["staff_id"] for row in rows["findings"] if row["staff_id"] is not None})
            confirmations += [{"inspection_id": inspection_id, "staff_id": staff_id, "note": "",
                               "confirmed_by_id": users["admin"].id,
                               "confirmed_at": rows["mystery_visit"]["published_at"]} for staff_id in named]
    db.session.execute(insert(Answer.__table__), answers)
    db.session.execute(insert(SectionScore.__table__), sections)
    if mystery_visits:
        db.session.execute(insert(MysteryVisit.__table__), mystery_visits)
    if confirmations:
        db.session.execute(insert(MysteryConfirmation.__table__), confirmations)
    done = [s["inspection"]["assignment_id"] for s in scored if s["inspection"]["assignment_id"] and s["closes_assignment"]]
    if done:
        db.session.execute(update(Assignment).where(Assignment.id.in_(done)).values(status=DONE))
    if findings:
        rectification.write(findings, users, today)
        rectification.issue_notices(findings, dict(zip(ids, (s["inspection"] for s in scored))))
    return {"inspections": len(ids), "answers": len(answers), "findings": len(findings)}
