"""Meetings and action items as the API and the pages take and give them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from core.paging import PageArgs, choice, whole_number
from core.schemas import Schema
from meetings import quarters

ITEM_FILTER_STATUSES = ("open", "overdue", "done")
NOT_A_QUARTER = _l("Not a quarter; write it as 2026-Q3.")


def _a_quarter(value: str) -> None:
    if quarters.parse(value) is None:
        raise ValidationError(str(NOT_A_QUARTER))


def _text(label, maximum: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(0, maximum), metadata={"label": label}, **kwargs)


class MeetingInSchema(Schema):
    quarter = fields.String(required=True, validate=_a_quarter,
                            metadata={"label": _l("Quarter reviewed"), "description": "2026-Q3"})
    held_on = fields.Date(required=True, metadata={"label": _l("Held on")})
    place = _text(_l("Place"), 100, load_default="")
    chair = _text(_l("Chair"), 60, load_default="")
    attendees = fields.List(fields.String(validate=validate.Length(1, 60)), validate=validate.Length(0, 100),
                            load_default=list, metadata={"label": _l("Attendees"),
                                                         "description": "names, people outside the system too"})
    points = _text(_l("Points reviewed"), 20000, load_default="")
    decisions = _text(_l("Decisions"), 20000, load_default="")
    recorded = fields.Boolean(load_default=False, metadata={
        "label": _l("Record"), "description": "true: the record is final (status recorded); a recorded meeting "
                                              "stays recorded"})


class ActionItemInSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 2000), metadata={"label": _l("Action item")})
    owner_user_id = whole_number(_l("Owner (account)"), allow_none=True, load_default=None)
    owner_outlet_id = whole_number(_l("Owner (outlet)"), allow_none=True, load_default=None)
    deadline = fields.Date(required=True, metadata={"label": _l("Deadline")})


class CloseInSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(0, 2000),
                         metadata={"description": "what was done; required"})


class ReopenInSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(0, 2000),
                           metadata={"description": "why the item is not done; required"})


class ActionItemSchema(Schema):
    id = fields.Integer()
    meeting_id = fields.Integer()
    quarter = fields.String(attribute="meeting.quarter")
    text = fields.String()
    owner_user_id = fields.Integer(allow_none=True)
    owner_user_name = fields.Method("_owner_user")
    owner_outlet_id = fields.Integer(allow_none=True)
    owner_outlet_name = fields.Method("_owner_outlet")
    deadline = fields.Date()
    status = fields.String(metadata={"description": "open, done or reopened"})
    overdue = fields.Boolean(metadata={"description": "the owner's: not done and past the deadline"})
    closing_note = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    closed_by = fields.Method("_closed_by")
    reopen_reason = fields.String(allow_none=True)
    reopened_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()

    def _owner_user(self, item):
        return item.owner_user.display_name if item.owner_user else None

    def _owner_outlet(self, item):
        return item.owner_outlet.name if item.owner_outlet else None

    def _closed_by(self, item):
        return item.closed_by.display_name if item.closed_by else None


class MeetingSchema(Schema):
    id = fields.Integer()
    quarter = fields.String(metadata={"description": "the quarter reviewed, 2026-Q3"})
    held_on = fields.Date()
    place = fields.String()
    chair = fields.String()
    attendees = fields.List(fields.String(), attribute="attendee_names")
    points = fields.String()
    decisions = fields.String()
    status = fields.String(metadata={"description": "draft or recorded"})
    recorded_at = fields.DateTime(allow_none=True)
    recorded_by = fields.Method("_recorded_by")

    def _recorded_by(self, meeting):
        return meeting.recorded_by.display_name if meeting.recorded_by else None


class MeetingDetailSchema(MeetingSchema):
    items = fields.List(fields.Nested(ActionItemSchema), metadata={"description": "the items this meeting decided"})
    carried_over = fields.List(fields.Nested(ActionItemSchema), metadata={
        "description": "items of earlier meetings not done yet"})


class ItemFilters(Schema):
    """An action item list: `status` open (not done), overdue or done; the owner's account or outlet;
    the quarter of the meeting that decided it. Overdue first, then the nearest deadline."""

    status = choice(ITEM_FILTER_STATUSES, _l("Status"))
    owner_user_id = whole_number(_l("Owner (account)"))
    outlet_id = whole_number(_l("Owner (outlet)"))
    quarter = fields.String(validate=_a_quarter, metadata={"label": _l("Quarter"), "description": "2026-Q3"})


class ItemPageArgs(ItemFilters, PageArgs):
    pass
