"""Shapes of findings, responses and verifications in the API."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from core.identifiers import UUID_TEXT
from core.paging import PageArgs, choice, whole_number, yes_or_no
from core.period_filter import PeriodField
from core.schemas import Schema
from inspections.kinds import names as kind_names

FINDING_STATUSES = ("open", "responded", "closed")
SEVERITIES = ("critical", "major", "minor")


class ResponseInSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 4000))
    photo_ids = fields.List(fields.String(validate=UUID_TEXT), load_default=list, validate=validate.Length(0, 20))


class VerificationInSchema(Schema):
    accepted = fields.Boolean(required=True)
    reason = fields.String(load_default="", validate=validate.Length(0, 2000))


class ResponseOutSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    photo_ids = fields.List(fields.String())
    author = fields.String(attribute="author.display_name")
    created_at = fields.DateTime()


class VerificationOutSchema(Schema):
    id = fields.Integer()
    accepted = fields.Boolean()
    reason = fields.String()
    inspector = fields.String(attribute="inspector.display_name")
    created_at = fields.DateTime()


class ComplaintRefSchema(Schema):
    id = fields.Integer()
    number = fields.String(metadata={"description": "the complaint's number in the ledger"})


class FindingSchema(Schema):
    id = fields.Integer()
    source = fields.Method("_source", metadata={"description": "inspection or complaint: what raised the finding"})
    inspection_uuid = fields.Function(lambda finding: finding.inspection.uuid if finding.inspection else None,
                                      allow_none=True, metadata={"description": "null for a complaint's finding"})
    kind = fields.Function(lambda finding: finding.inspection.kind if finding.inspection else None, allow_none=True,
                           metadata={"description": "the inspection's kind; null for a complaint's finding"})
    complaint = fields.Nested(ComplaintRefSchema, allow_none=True, metadata={
        "description": "the complaint that raised it; null for an inspection's finding"})
    notice_id = fields.Integer(allow_none=True, metadata={
        "description": "its notice: GET /api/v1/notices/{notice_id}/notice.pdf"})
    outlet_id = fields.Integer()
    outlet_name = fields.String(attribute="outlet.name")
    item_key = fields.String()
    section_key = fields.String()
    severity = fields.String()
    title = fields.String()
    requirement = fields.String(attribute="shown_requirement", metadata={
        "description": "整改要求 in the reader's language (Accept-Language): the item's own, or worded from its label"})
    note = fields.String()
    staff_id = fields.Integer(allow_none=True)
    staff_name = fields.Method("_staff")
    photo_ids = fields.List(fields.String())
    status = fields.String()
    overdue = fields.Boolean(metadata={"description": "the outlet's: not answered (or answered and rejected) and "
                                                      "past the deadline"})
    answered_late = fields.Boolean(metadata={"description": "the outlet answered after the deadline"})
    due_date = fields.Date()
    verification_due_date = fields.Date(allow_none=True, metadata={
        "description": "the day the standing answer is to be verified by"})
    verification_overdue = fields.Boolean(metadata={"description": "the verifier's: the answer waits for "
                                                                   "verification past its verification due date"})
    created_at = fields.DateTime()
    responded_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    rejection_reason = fields.String(allow_none=True, metadata={
        "description": "why the last answer was not accepted, while the finding is open again"})

    def _staff(self, finding):
        return finding.staff.name if finding.staff else None

    def _source(self, finding):
        return "inspection" if finding.inspection_id is not None else "complaint"


class HistoryEventSchema(Schema):
    """One step of a finding's thread: raised, answered by the outlet, accepted or rejected."""
    kind = fields.String(metadata={"description": "raised, response, accepted or rejected"})
    at = fields.DateTime()
    text = fields.String(metadata={"description": "the response's text, or the verdict's reason"})
    photo_ids = fields.List(fields.String())
    by = fields.String(allow_none=True)


class FindingDetailSchema(FindingSchema):
    responses = fields.List(fields.Nested(ResponseOutSchema))
    verifications = fields.List(fields.Nested(VerificationOutSchema))
    after_photo_ids = fields.List(fields.String())


FINDING_ORDERS = ("newest", "deadline")


class FindingFilters(Schema):
    """What a list of findings may be narrowed to, on its page and in the API; `newest` first (when
    raised) or `deadline` (unclosed first, the nearest deadline first)."""

    outlet_id = whole_number(_l("Outlet"))
    kind = choice(kind_names, _l("Kind"))
    status = choice(FINDING_STATUSES, _l("Status"))
    severity = choice(SEVERITIES, _l("Severity"))
    overdue = yes_or_no(_l("Outlet overdue"))
    verification_overdue = yes_or_no(_l("Verification overdue"))
    period = PeriodField(metadata={"label": _l("Period"),
                                   "description": "raised in: a day (2026-11-30), month (2026-11) or quarter (2026Q4)"})
    sort = choice(FINDING_ORDERS, _l("Order"))


class FindingPageArgs(FindingFilters, PageArgs):
    pass


class NoticeFilters(Schema):
    outlet_id = whole_number(_l("Outlet"))
    kind = choice(kind_names, _l("Kind"))
    period = PeriodField(metadata={"label": _l("Period"),
                                   "description": "issued in: a day (2026-11-30), month (2026-11) or quarter (2026Q4)"})


class NoticePageArgs(NoticeFilters, PageArgs):
    pass


class NoticeSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    source = fields.Method("_source", metadata={"description": "inspection or complaint"})
    inspection_uuid = fields.Function(lambda notice: notice.inspection.uuid if notice.inspection else None,
                                      allow_none=True, metadata={"description": "null for a complaint's notice"})
    complaint = fields.Method("_complaint", allow_none=True, metadata={
        "description": "{id, number} of the complaint; null for an inspection's notice"})
    pdf_path = fields.Method("_pdf_path", metadata={"description": "where the API serves its PDF"})
    outlet_id = fields.Integer()
    outlet_name = fields.String(attribute="outlet.name")
    issued_at = fields.DateTime()

    def _source(self, notice):
        return "inspection" if notice.inspection_id is not None else "complaint"

    def _complaint(self, notice):
        if notice.complaint_id is None:
            return None
        return {"id": notice.complaint_id, "number": (notice.source or {}).get("number", "")}

    def _pdf_path(self, notice):
        return f"/notices/{notice.id}/notice.pdf"
