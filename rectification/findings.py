"""Findings open when an inspection's failed items reach the outlet (inspections announce it): each
with its deadline by severity, all in one statement, and the outlet's numbered notice, in the
inspection's own transaction."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import insert

from core import audit
from core.clock import local_zone
from core.extensions import db
from inspections.events import Failure
from org.models import User
from rectification.models import Finding
from rectification.notices import issue, pdf_path

INSERT_FINDINGS = insert(Finding.__table__).returning(Finding.__table__.c.id, sort_by_parameter_order=True)


def open_findings(inspection, failures: list[Failure], moment, actor: User) -> dict:
    """The findings and the notice; for the receipt, what was opened and the notice to download."""
    deadlines = current_app.config["FINDING_DEADLINE_DAYS"]
    local_day = moment.astimezone(local_zone()).date()
    rows = [dict(inspection_id=inspection.id, outlet_id=inspection.outlet_id, item_key=failure.item_key,
                 section_key=failure.section_key, severity=failure.severity, title=failure.title,
                 requirement=failure.requirement, note=failure.note, staff_id=failure.staff_id,
                 photo_ids=list(failure.photo_ids), due_date=local_day + timedelta(days=deadlines[failure.severity]),
                 published=True, status="open", created_at=moment, updated_at=moment)
            for failure in failures]
    ids = list(db.session.execute(INSERT_FINDINGS, rows).scalars())
    notice_id, number = issue(inspection, moment)
    audit.record_now("notice.issue", object_type="notice", object_id=str(notice_id), actor=actor,
                     details={"number": number, "findings": len(ids)})
    findings = [{"id": ident, "item_key": row["item_key"], "severity": row["severity"], "staff_id": row["staff_id"],
                 "due_date": row["due_date"].isoformat()} for ident, row in zip(ids, rows)]
    return {"findings": findings, "notice": {"id": notice_id, "number": number, "url": pdf_path(inspection.uuid)}}
