"""The sync protocol's shapes (ARCHITECTURE.md §5), shared by the PWA and third-party clients."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import fields, post_dump, validate

from core.identifiers import UUID_TEXT
from core.paging import PageArgs, choice, whole_number
from core.period_filter import PeriodField
from core.permissions import can
from core.schemas import Schema
from inspections.kinds import kind_of
from inspections.kinds import names as kind_names


class AnyValue(fields.Raw):
    """An answer value: "pass"/"fail"/"na", a number, an option key or a list of keys, text, or null."""

    def _jsonschema_type_mapping(self):
        return {"description": self.metadata.get("description", "")}


class AnswerInSchema(Schema):
    item_key = fields.String(required=True, validate=validate.Length(1, 60))
    value = AnyValue(load_default=None, allow_none=True, metadata={
        "description": 'check: "pass"|"fail"|"na"; scale: integer; choice: option key (list when multiple); '
                       "number/duration: number (seconds); text: string; photo/signature: null"})
    note = fields.String(load_default="", validate=validate.Length(0, 2000))
    staff_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    staff_description = fields.String(load_default="", validate=validate.Length(0, 200))
    photo_ids = fields.List(fields.String(validate=UUID_TEXT), load_default=list, validate=validate.Length(0, 20))
    updated_at = fields.AwareDateTime(load_default=None, allow_none=True, metadata={
        "description": "When the answer was last changed on the device; the later edit wins when two "
                       "devices edit the same draft."})


class LocationSchema(Schema):
    latitude = fields.Float(required=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(required=True, validate=validate.Range(-180, 180))
    accuracy = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 100000))


class DraftSchema(Schema):
    checklist_version_id = fields.Integer(required=True, strict=True)
    outlet_id = fields.Integer(required=True, strict=True)
    assignment_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    staff_id = fields.Integer(load_default=None, allow_none=True, strict=True, metadata={
        "description": "The one person a remote check watches."})
    started_at = fields.AwareDateTime(load_default=None, allow_none=True)
    finished_at = fields.AwareDateTime(load_default=None, allow_none=True)
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)
    narrative = fields.String(load_default="", validate=validate.Length(0, 10000))
    answers = fields.List(fields.Nested(AnswerInSchema), load_default=list, validate=validate.Length(0, 500))


class AnswerOutSchema(Schema):
    item_key = fields.String()
    value = AnyValue(allow_none=True)
    note = fields.String()
    staff_id = fields.Integer(allow_none=True)
    staff_description = fields.String()
    photo_ids = fields.List(fields.String())
    updated_at = fields.DateTime(attribute="client_updated_at")
    score = fields.Float(allow_none=True)
    max_score = fields.Float(allow_none=True)
    failed = fields.Boolean()


# What an inspection says about the person who made it, and when to the minute.
SHOPPER_IDENTITY = ("inspector_id", "assignment_id", "started_at", "finished_at", "submitted_at")


class InspectionSchema(Schema):
    uuid = fields.String()
    kind = fields.String()
    status = fields.String()
    checklist_version_id = fields.Integer()
    outlet_id = fields.Integer()
    assignment_id = fields.Integer(allow_none=True)
    staff_id = fields.Integer(allow_none=True)
    inspector_id = fields.Integer()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    narrative = fields.String()
    revision_reason = fields.String()
    score = fields.Float(allow_none=True)
    max_score = fields.Float(allow_none=True)
    percent = fields.Float(allow_none=True)
    grade = fields.String(allow_none=True)
    answers = fields.List(fields.Nested(AnswerOutSchema))
    photos_received = fields.Method("_photos")
    revision = fields.Integer(metadata={"description": "Counts the changes the server took into this inspection; "
                                                       "a device that holds an older number has not seen them all."})
    updated_at = fields.DateTime()

    def _photos(self, inspection):
        return [photo.uuid for photo in inspection.photos]

    def get_attribute(self, inspection, attr, default):
        if attr == "revision_reason":  # kept by the kind that reviews its inspections
            return kind_of(inspection.kind).revision_reason_of(inspection)
        return super().get_attribute(inspection, attr, default)

    @post_dump(pass_original=True)
    def _conceal_the_shopper(self, data: dict, inspection, **kwargs) -> dict:
        """A mystery visit as the outlet and the bank's other readers see it: who made it, for which
        of the vendor's assignments, and its times to the minute would single the shopper out."""
        if can(current_user, "identity.mystery", inspection):
            return data
        for name in SHOPPER_IDENTITY:
            if name in data:
                data[name] = None
        if "revision_reason" in data:
            data["revision_reason"] = ""
        for answer in data.get("answers") or []:
            answer["updated_at"] = None
        return data


class DraftOutSchema(InspectionSchema):
    """An open draft as any device of its owner receives it."""

    outlet_name = fields.String(attribute="outlet.name")


class StartSchema(Schema):
    uuid = fields.String(required=True, validate=UUID_TEXT, metadata={
        "description": "The client UUID for the draft, used only when no open draft of yours exists yet."})
    started_at = fields.AwareDateTime(load_default=None, allow_none=True)
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)


class ReceiptNoticeSchema(Schema):
    id = fields.Integer()
    number = fields.String(metadata={"description": "e.g. 相城支行服务整改〔2026〕第0001号"})
    url = fields.String(metadata={"description": "the notice's PDF on this server (GET with the bearer token)"})


class ReceiptSchema(Schema):
    inspection = fields.String(metadata={"description": "the inspection's UUID"})
    status = fields.String()
    score = fields.Float()
    max_score = fields.Float()
    percent = fields.Float()
    grade = fields.String()
    critical_failures = fields.List(fields.String())
    sections = fields.List(fields.Dict())
    findings = fields.List(fields.Dict())
    notice = fields.Nested(ReceiptNoticeSchema, allow_none=True, metadata={
        "description": "the rectification notice the findings were issued on; null without findings, and for a "
                       "mystery visit, whose findings reach the outlet only when it is published"})
    photos = fields.Integer()
    content_hash = fields.String()
    server_time = fields.String()


class PhotoReceiptSchema(Schema):
    uuid = fields.String()
    sha256 = fields.String()
    mime_type = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    byte_size = fields.Integer()
    captured_at = fields.DateTime(allow_none=True)
    received_at = fields.DateTime()


INSPECTION_STATUSES = ("draft", "submitted", "reviewed", "published", "rejected")


class InspectionFilters(Schema):
    """What a list of inspections may be narrowed to, on its page and in the API; newest first."""

    status = choice(INSPECTION_STATUSES, _l("Status"))
    outlet_id = whole_number(_l("Outlet"))
    kind = choice(kind_names, _l("Kind"))
    period = PeriodField(metadata={"label": _l("Period"),
                                   "description": "submitted in: a day (2026-11-30), month (2026-11) or quarter (2026Q4)"})


class InspectionPageArgs(InspectionFilters, PageArgs):
    pass


class AssignmentSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    template_id = fields.Integer()
    checklist_version_id = fields.Integer(allow_none=True, metadata={"description": "current published version"})
    outlet_id = fields.Integer()
    outlet_name = fields.String(attribute="outlet.name")
    outlet_address = fields.String(attribute="outlet.address")
    outlet_latitude = fields.Float(attribute="outlet.latitude", allow_none=True)
    outlet_longitude = fields.Float(attribute="outlet.longitude", allow_none=True)
    staff_id = fields.Integer(allow_none=True)
    staff_label = fields.String(allow_none=True)
    period = fields.String()
    window_start = fields.Date()
    window_end = fields.Date()
    status = fields.String()
    due_state = fields.String(metadata={"description": "upcoming, due, overdue or done"})
    instructions = fields.String()
    assignee_id = fields.Integer(allow_none=True)
    inspection_uuid = fields.String(allow_none=True)
