"""Assignments shaped for lists (the API and the pages)."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, select

from checklists.store import current_versions
from core.extensions import db
from inspections.models import CANCELLED, DONE, Assignment, Inspection
from inspections.scheduling import due_state

STATE_ORDER = {"overdue": 0, "due": 1, "upcoming": 2, "done": 3}


def assignment_rows(query: Select, today: date, horizon_days: int = 45) -> list[dict]:
    query = query.where(Assignment.status != CANCELLED,
                        Assignment.window_start <= today + timedelta(days=horizon_days),
                        (Assignment.status != DONE) | (Assignment.window_end >= today - timedelta(days=30)))
    assignments = db.session.execute(query.order_by(Assignment.window_end, Assignment.id)).scalars().all()
    versions = {v.template_id: v.id for v in current_versions()}
    # The latest report of each assignment (a rejected visit is reopened and filed again).
    inspections = dict(db.session.execute(
        select(Inspection.assignment_id, Inspection.uuid)
        .where(Inspection.assignment_id.in_([a.id for a in assignments])).order_by(Inspection.id)).all()) \
        if assignments else {}
    rows = []
    for a in assignments:
        staff = a.staff
        rows.append({
            "id": a.id, "kind": a.kind, "template_id": a.template_id,
            "checklist_version_id": versions.get(a.template_id), "outlet_id": a.outlet_id, "outlet": a.outlet,
            "staff_id": a.staff_id,
            "staff_label": f"{staff.name} · {_('window %(number)s', number=staff.counter.number)}"
            if staff and staff.counter else
            (staff.name if staff else None),
            "period": a.period, "window_start": a.window_start, "window_end": a.window_end, "status": a.status,
            "due_state": due_state(a, today), "instructions": a.instructions, "assignee_id": a.assignee_id,
            "inspection_uuid": inspections.get(a.id),
        })
    rows.sort(key=lambda r: (STATE_ORDER.get(r["due_state"], 9), r["window_end"]))
    return rows
