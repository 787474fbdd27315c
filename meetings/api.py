"""Meetings and their action items under /api/v1/meetings. Handlers parse, authorize and shape the answer."""
from __future__ import annotations

from flask_login import current_user

from core.paging import Blueprint, api_page
from core.permissions import authorize
from meetings import items, lists, operations, record
from meetings.schemas import (
    ActionItemInSchema,
    ActionItemSchema,
    CloseInSchema,
    ItemFilters,
    MeetingDetailSchema,
    MeetingInSchema,
    MeetingSchema,
    ReopenInSchema,
)

blp = Blueprint("meetings", __name__, url_prefix="/api/v1/meetings",
                description="The quarterly service-quality analysis meeting (服务质量分析会): its record and its "
                            "action items (督办事项), tracked to closure by their owners. Admin and viewer read "
                            "the meetings; an outlet head sees and closes the items the outlet or account owns.")


def _detail(meeting):
    meeting.carried_over = record.open_items_before(meeting.quarter)
    return meeting


@blp.route("", methods=["GET"])
@blp.response(200, MeetingSchema(many=True))
@blp.paginate(page_size=20, max_page_size=100)
def list_meetings(pagination_parameters):
    """Every meeting, the newest quarter first; X-Pagination holds the total."""
    authorize("meeting.view")
    return api_page(lists.meetings(), pagination_parameters)


@blp.route("", methods=["POST"])
@blp.arguments(MeetingInSchema)
@blp.response(201, MeetingDetailSchema)
def create_meeting(data):
    """The admin writes a quarter's meeting: a draft, or recorded (`recorded`: true) once held and every
    part of the record is filled in. One meeting per quarter."""
    return _detail(operations.save_meeting(None, data, current_user))


@blp.route("/<int:ident>", methods=["GET"])
@blp.response(200, MeetingDetailSchema)
def get_meeting(ident):
    """A meeting's record, its action items, and the items of earlier meetings still not done."""
    return _detail(operations.load_meeting(ident, current_user))


@blp.route("/<int:ident>", methods=["PUT"])
@blp.arguments(MeetingInSchema)
@blp.response(200, MeetingDetailSchema)
def update_meeting(data, ident):
    """The admin replaces the record's fields; a recorded meeting stays recorded."""
    meeting = operations.load_meeting(ident, current_user, "meeting.edit")
    return _detail(operations.save_meeting(meeting, data, current_user))


@blp.route("/<int:ident>/items", methods=["POST"])
@blp.arguments(ActionItemInSchema)
@blp.response(201, ActionItemSchema)
def add_item(data, ident):
    """The admin adds an action item: what is to be done, the owner (an account, an outlet or both) and
    the deadline."""
    return items.add_item(ident, data, current_user)


@blp.route("/items", methods=["GET"])
@blp.arguments(ItemFilters, location="query")
@blp.response(200, ActionItemSchema(many=True))
@blp.paginate(page_size=50, max_page_size=200)
def list_items(args, pagination_parameters):
    """Action items across meetings the caller may see, the most urgent first (overdue, then the nearest
    deadline, done last); X-Pagination holds the total."""
    authorize("action_item.list")
    return api_page(lists.items(current_user, args), pagination_parameters)


@blp.route("/items/<int:ident>", methods=["GET"])
@blp.response(200, ActionItemSchema)
def get_item(ident):
    return items.load_item(ident, current_user)


@blp.route("/items/<int:ident>/close", methods=["POST"])
@blp.arguments(CloseInSchema)
@blp.response(200, ActionItemSchema)
def close_item(data, ident):
    """The owner or the admin closes the item with a note on what was done (`note` required)."""
    return items.close_item(ident, data["note"], current_user)


@blp.route("/items/<int:ident>/reopen", methods=["POST"])
@blp.arguments(ReopenInSchema)
@blp.response(200, ActionItemSchema)
def reopen_item(data, ident):
    """The admin reopens a done item, saying why (`reason` required)."""
    return items.reopen_item(ident, data["reason"], current_user)
