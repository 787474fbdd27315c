"""The shapes of the mystery flow's API: handing out visits, the bank's review, publication, and the
vendors' performance."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from core.paging import PageArgs, choice, whole_number
from core.period_filter import PeriodField
from core.schemas import Schema
from mystery.confirmations import confirmed_for_everyone_named
from mystery.flag_texts import flag_shown
from mystery.visits import attribution_rows, visit_of

REPORT_STATUSES = ("submitted", "reviewed", "published", "rejected")


class QueueArgs(PageArgs):
    """The review queue's filters; the reports awaiting a decision come first, then the latest filed."""

    status = choice(REPORT_STATUSES, _l("Status"))
    outlet_id = whole_number(_l("Outlet"))
    period = PeriodField(metadata={"label": _l("Period")})


class ReviewInSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["accept", "revise", "reject"]))
    reason = fields.String(load_default="", validate=validate.Length(0, 2000))


class AttributionInSchema(Schema):
    """Only items that failed or lost points are attributed; each failed one names a staff member or is
    marked not attributable to a person before the report is published."""

    staff = fields.Dict(keys=fields.String(validate=validate.Length(1, 60)),
                        values=fields.Integer(allow_none=True, strict=True), load_default=dict,
                        metadata={"description": "item key → staff id (null clears; either undoes a mark)"})
    not_attributable = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list,
                                   validate=validate.Length(0, 200),
                                   metadata={"description": "item keys attributable to no one person"})


class AttributionSchema(Schema):
    item_key = fields.String()
    label = fields.String(metadata={"description": "the item's label in the caller's language"})
    failed = fields.Boolean(metadata={"description": "false: passed, but lost points"})
    staff_description = fields.String(metadata={"description": "the shopper's description of the person"})
    staff_id = fields.Integer(allow_none=True)
    not_attributable = fields.Boolean()


class PublishInSchema(Schema):
    blacklist_confirmed = fields.Boolean(load_default=False, metadata={
        "description": "the admin confirms this single visit may put the people it names on the black list"})


class ShopperInSchema(Schema):
    shopper_id = fields.Integer(required=True, allow_none=True, strict=True)


class FlagSchema(Schema):
    code = fields.String(metadata={"description": "outside_window, far_from_outlet, photo_far_from_outlet, "
                                                  "photo_time_outside_visit, reused_photo, filed_late, copied_text"})
    title = fields.String()
    message = fields.String()
    evidence = fields.Dict()


class MysteryReportSchema(Schema):
    uuid = fields.String()
    status = fields.String()
    outlet_id = fields.Integer()
    outlet_name = fields.String(attribute="outlet.name")
    shopper = fields.String(attribute="inspector.display_name")
    assignment_id = fields.Integer(allow_none=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    percent = fields.Float(allow_none=True)
    grade = fields.String(allow_none=True)
    flags = fields.List(fields.Nested(FlagSchema), metadata={
        "description": "Validation flags: code and evidence, with title and message in the caller's language."})
    revision_reason = fields.String()
    blacklist_confirmed = fields.Boolean(metadata={
        "description": "an admin has confirmed the visit for every person its findings name"})
    attribution = fields.List(fields.Nested(AttributionSchema), metadata={
        "description": "the items to attribute (failed or lost points) and whom each names"})

    def get_attribute(self, inspection, attr, default):
        if attr == "revision_reason":
            return getattr(visit_of(inspection), attr)
        if attr == "attribution":
            return attribution_rows(inspection)
        if attr == "flags":
            return [flag_shown(flag) for flag in visit_of(inspection).flags or []]
        if attr == "blacklist_confirmed":
            return confirmed_for_everyone_named(inspection)
        return super().get_attribute(inspection, attr, default)


class VendorPerformanceSchema(Schema):
    shopper = fields.String()
    vendor = fields.String()
    reports = fields.Integer()
    on_time = fields.Integer()
    on_time_rate = fields.Float()
    rejected = fields.Integer()
    revisions = fields.Integer()
    rejection_rate = fields.Float()
    flags = fields.Integer()
    flags_per_report = fields.Float()
