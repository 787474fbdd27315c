"""Findings open when an inspection's failed items reach the outlet (inspections announce it): each
with its deadline by severity, all in one statement, and the outlet's numbered notice, in the
inspection's own transaction. A complaint's findings are opened one by one by its handler, with plain
values from the complaint ledger above (open_from_complaint)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, select

from core import audit
from core.clock import local_today, local_zone
from core.db import utcnow
from core.errors import OperationError
from core.extensions import db
from inspections.events import Failure
from org.models import Staff, User
from rectification.models import Finding, Notice
from rectification.notices import issue, issue_for, pdf_path
from rectification.schemas import SEVERITIES

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


COMPLAINT_ITEM = "complaint"  # a complaint's finding answers no checklist item
TITLE_LIMIT, TEXT_LIMIT = 300, 4000


def _checked_complaint_finding(outlet_id: int, staff_id, severity, title, requirement, due_date) -> dict:
    errors: dict[str, list[str]] = {}
    if severity not in SEVERITIES:
        errors["severity"] = [_("Choose minor, major or critical.")]
    title = title.strip() if isinstance(title, str) else ""
    if not title or len(title) > TITLE_LIMIT:
        errors["title"] = [_("Name the problem in at most %(count)d characters.", count=TITLE_LIMIT)]
    requirement = requirement.strip() if isinstance(requirement, str) else ""
    if not requirement or len(requirement) > TEXT_LIMIT:
        errors["requirement"] = [_("Say what the outlet is to put right, in at most %(count)d characters.",
                                   count=TEXT_LIMIT)]
    if due_date is not None and (not isinstance(due_date, date) or due_date < local_today()):
        errors["due_date"] = [_("The deadline cannot be in the past.")]
    if staff_id is not None:
        staff = db.session.get(Staff, staff_id) if isinstance(staff_id, int) else None
        if staff is None or staff.outlet_id != outlet_id:
            errors["staff_id"] = [_("Choose someone on this outlet's staff, or nobody.")]
    if errors:
        raise OperationError(_("The finding could not be opened: see the marked fields."), errors,
                             problem="validation_failed")
    if due_date is None:
        due_date = local_today() + timedelta(days=current_app.config["FINDING_DEADLINE_DAYS"][severity])
    return {"title": title, "requirement": requirement, "due_date": due_date}


def open_from_complaint(complaint_id: int, outlet_id: int, staff_id: int | None, severity: str, title: str,
                        requirement: str, due_date: date | None, source: dict, actor: User) -> Finding:
    """A finding a complaint brought to light, for the outlet to put right like an inspection's, on the
    complaint's notice (issued with its first finding, in the branch's one series). `source` is what the
    notice prints of the complaint: its number, category and day received as text, never the customer.
    The caller (the complaint ledger) has checked that the actor may; the deadline is by severity unless
    given."""
    values = _checked_complaint_finding(outlet_id, staff_id, severity, title, requirement, due_date)
    finding = Finding(complaint_id=complaint_id, outlet_id=outlet_id, opened_by_id=actor.id,
                      item_key=COMPLAINT_ITEM, section_key=COMPLAINT_ITEM, severity=severity, note="",
                      staff_id=staff_id, photo_ids=[], status="open", published=True, **values)
    db.session.add(finding)
    db.session.flush()
    notice = db.session.execute(select(Notice.id, Notice.number).where(Notice.complaint_id == complaint_id)).first()
    if notice is None:
        plain = {key: str(source.get(key) or "") for key in ("number", "category", "received_on")}
        notice_id, number = issue_for(outlet_id, utcnow(), complaint_id=complaint_id, source=plain)
        audit.record("notice.issue", object_type="notice", object_id=str(notice_id), actor=actor,
                     details={"number": number, "complaint": complaint_id})
    audit.record("finding.open", finding, actor=actor, after=audit.snapshot(finding),
                 details={"complaint": complaint_id})
    return finding
