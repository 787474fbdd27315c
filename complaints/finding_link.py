"""A complaint opens findings in the rectification loop: the fault it brought to light is for the outlet to put
right, answered with after-photos and verified by the inspectors like an inspection's, on a notice of its own in
the branch's one series. The notice names the complaint (number, category, day received), never the customer.

A finding may be opened at any step of the complaint, closed ones included: the investigation may show a fault
whose rectification outlasts the complaint's fifteen working days, and the customer's case is closed on the
callback, not on the outlet's fix. An upheld complaint is deducted from the staff scorecard by its own rule, so
its findings are not counted there again (the scorecard counts inspections' findings only)."""
from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from sqlalchemy import select

from complaints import labels
from complaints.models import Complaint, ComplaintEvent
from complaints.operations import audit_view, load
from core import audit
from core.extensions import db
from org.models import User
from rectification.findings import open_from_complaint
from rectification.models import Finding


def notice_source(complaint: Complaint) -> dict:
    """What the notice prints of the complaint: no customer."""
    with force_locale("zh"):  # notices are printed in Chinese
        category = labels.label(labels.CATEGORIES, complaint.category)
    return {"number": complaint.number, "category": category, "received_on": complaint.received_on.isoformat()}


def open_finding(complaint_id: int, actor: User, severity: str, title: str, requirement: str,
                 due_date: date | None = None, staff_id: int | None = None) -> Finding:
    """Open a finding at the complaint's outlet; the first one issues the complaint's notice."""
    complaint = load(complaint_id, actor, "complaint.open_finding")
    # One at a time per complaint: the first finding issues its one notice.
    db.session.execute(select(Complaint.id).where(Complaint.id == complaint.id).with_for_update())
    before = audit_view(complaint)
    finding = open_from_complaint(complaint.id, complaint.outlet_id, staff_id, severity, title, requirement,
                                  due_date, notice_source(complaint), actor)
    db.session.add(ComplaintEvent(complaint_id=complaint.id, action="finding_opened", actor_id=actor.id,
                                  note=finding.title))
    audit.record("complaint.open_finding", complaint, actor=actor, before=before, after=audit_view(complaint),
                 details={"finding": finding.id})
    return finding


def findings_of(complaint: Complaint) -> list[Finding]:
    """The complaint's findings, the newest first. The caller has loaded the complaint for its reader."""
    return list(db.session.execute(select(Finding).where(Finding.complaint_id == complaint.id)
                                   .order_by(Finding.created_at.desc(), Finding.id.desc())).scalars())
