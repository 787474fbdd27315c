"""Shapes of findings, responses and verifications in the API."""
from __future__ import annotations

from marshmallow import fields, validate

from core.identifiers import UUID_TEXT
from core.schemas import Schema


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


class FindingSchema(Schema):
    id = fields.Integer()
    inspection_uuid = fields.String(attribute="inspection.uuid")
    kind = fields.String(attribute="inspection.kind")
    outlet_id = fields.Integer()
    outlet_name = fields.String(attribute="outlet.name")
    item_key = fields.String()
    section_key = fields.String()
    severity = fields.String()
    title = fields.String()
    requirement = fields.String()
    note = fields.String()
    staff_id = fields.Integer(allow_none=True)
    staff_name = fields.Method("_staff")
    photo_ids = fields.List(fields.String())
    status = fields.String()
    overdue = fields.Boolean()
    due_date = fields.Date()
    created_at = fields.DateTime()
    responded_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    rejection_reason = fields.String(allow_none=True, metadata={
        "description": "why the last answer was not accepted, while the finding is open again"})

    def _staff(self, finding):
        return finding.staff.name if finding.staff else None


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


class FindingListArgs(Schema):
    status = fields.String(validate=validate.OneOf(["open", "responded", "closed"]))
    outlet_id = fields.Integer()
    overdue = fields.Boolean()
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 1000))


class NoticeSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    inspection_uuid = fields.String(attribute="inspection.uuid")
    outlet_id = fields.Integer()
    outlet_name = fields.String(attribute="outlet.name")
    issued_at = fields.DateTime()
