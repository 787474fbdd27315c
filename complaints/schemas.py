"""Shapes of the complaint ledger in the API."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from complaints.lifecycle import STEPS
from complaints.models import CATEGORIES, CHANNELS, LEVELS, SEVERITIES, STATUSES
from core.identifiers import UUID_TEXT
from core.paging import PageArgs, choice, whole_number, yes_or_no
from core.schemas import Schema


class ComplaintFilters(Schema):
    level = choice(LEVELS, _l("Ledger"))
    status = choice(STATUSES, _l("Status"))
    category = choice(CATEGORIES, _l("Category"))
    channel = choice(CHANNELS, _l("Channel"))
    outlet_id = whole_number(_l("Outlet"))
    handler_id = whole_number(_l("Handler"))
    staff_id = whole_number(_l("Staff"))
    overdue = yes_or_no(_l("Overdue only"))
    received_from = fields.Date(metadata={"label": _l("Received from")})
    received_to = fields.Date(metadata={"label": _l("Received until")})


class ComplaintPageFilters(ComplaintFilters, PageArgs):
    pass


class ComplaintInSchema(Schema):
    outlet_id = whole_number(_l("Outlet"), required=True)
    staff_id = whole_number(_l("Staff"), allow_none=True, load_default=None)
    channel = choice(CHANNELS, _l("Channel"))
    category = choice(CATEGORIES, _l("Category"))
    severity = choice(SEVERITIES, _l("Severity"))
    level = choice(LEVELS, _l("Ledger"))
    customer_name = fields.String(required=True, validate=validate.Length(1, 40))
    customer_phone = fields.String(load_default="", validate=validate.Length(0, 20))
    description = fields.String(required=True, validate=validate.Length(1, 4000))
    request = fields.String(load_default="", validate=validate.Length(0, 4000))
    received_on = fields.Date()
    photo_ids = fields.List(fields.String(validate=UUID_TEXT), load_default=list, validate=validate.Length(0, 9))
    client_uuid = fields.String(validate=UUID_TEXT, metadata={"description": "the phone's own UUID for this intake"})


class StepInSchema(Schema):
    step = choice(tuple(STEPS), _l("Step"), required=True)
    note = fields.String(load_default="", validate=validate.Length(0, 4000))
    upheld = fields.Boolean(allow_none=True, load_default=None)
    satisfied = fields.Boolean(allow_none=True, load_default=None)


class EscalationInSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 2000))


class HandlerInSchema(Schema):
    handler_id = whole_number(_l("Handler"), required=True)


class NamedSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class OutletRefSchema(NamedSchema):
    code = fields.String()


class PhotoRefSchema(Schema):
    uuid = fields.String()
    url = fields.String()
    thumb_url = fields.String()


class EventSchema(Schema):
    action = fields.String()
    label = fields.String()
    actor = fields.String(allow_none=True)
    note = fields.String()
    at = fields.DateTime()


class ComplaintSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    level = fields.String()
    outlet = fields.Nested(OutletRefSchema)
    staff = fields.Nested(NamedSchema, allow_none=True)
    channel = fields.String()
    category = fields.String()
    severity = fields.String()
    customer_name = fields.String(metadata={"description": "masked (陈**) unless the reader is the handler"})
    customer_phone = fields.String(metadata={"description": "masked (138****5678) unless the reader is the handler"})
    description = fields.String()
    request = fields.String()
    status = fields.String()
    received_on = fields.Date()
    step_due_on = fields.Date(metadata={"description": "the deadline of the step the complaint waits for"})
    due_on = fields.Date(metadata={"description": "办结期限: the resolution's deadline, in working days"})
    overdue = fields.Boolean()
    handler = fields.Nested(NamedSchema, allow_none=True)
    upheld = fields.Boolean(allow_none=True)
    findings_text = fields.String()
    resolution = fields.String()
    reopen_count = fields.Integer()
    escalated_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    photos = fields.List(fields.Nested(PhotoRefSchema))
    labels = fields.Dict(keys=fields.String(), values=fields.String(),
                         metadata={"description": "channel, category, severity, status and level in the reader's "
                                                  "language"})
    can = fields.Dict(keys=fields.String(), values=fields.Boolean(),
                      metadata={"description": "what this reader may do: handle, escalate, reassign"})
    next_step = fields.String(allow_none=True, metadata={"description": "the step the handler takes next"})


class ComplaintFindingSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    severity = fields.String()
    status = fields.String()
    due_date = fields.Date(allow_none=True)
    url = fields.String(metadata={"description": "the finding's page"})


class ComplaintDetailSchema(ComplaintSchema):
    events = fields.List(fields.Nested(EventSchema))
    findings = fields.List(fields.Nested(ComplaintFindingSchema),
                           metadata={"description": "findings the complaint opened in the rectification loop"})


class FindingInSchema(Schema):
    severity = choice(("minor", "major", "critical"), _l("Severity"), required=True)
    title = fields.String(required=True, validate=validate.Length(1, 300))
    requirement = fields.String(load_default="", validate=validate.Length(0, 4000))
    due_date = fields.Date(allow_none=True, load_default=None)
    staff_id = whole_number(_l("Staff"), allow_none=True, load_default=None)


class TallySchema(Schema):
    received = fields.Integer()
    closed = fields.Integer()
    overdue = fields.Integer()
    upheld = fields.Integer()
    closure_rate = fields.Float(allow_none=True)
    mean_days_to_close = fields.Float(allow_none=True, metadata={"description": "working days"})


class FiguresFilter(Schema):
    first = fields.Date(required=True, metadata={"label": _l("From")})
    last = fields.Date(required=True, metadata={"label": _l("Until")})


class FiguresSchema(Schema):
    first = fields.Date()
    last = fields.Date()
    total = fields.Nested(TallySchema)
    by_outlet = fields.List(fields.Dict())
    by_category = fields.List(fields.Dict())
    escalated = fields.Integer()
    reopened = fields.Integer()
    repeat_customers = fields.Integer()


class ContactSchema(Schema):
    id = fields.Integer()
    outlet = fields.Nested(OutletRefSchema, allow_none=True)
    a_user = fields.Nested(NamedSchema)
    a_phone = fields.String()
    b_user = fields.Nested(NamedSchema, allow_none=True)
    b_phone = fields.String()
    a_away_until = fields.Date(allow_none=True)
