"""The sync API (ARCHITECTURE.md §5): drafts by client UUID, photos by UUID and SHA-256, submit.

Every call is idempotent, so a phone on a weak network may repeat any of them safely.
"""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.bodies import body_limit
from core.clock import local_today
from core.errors import OperationError
from core.identifiers import path_uuid
from core.paging import Blueprint, api_page
from core.permissions import authorize
from inspections import drafts, lists, operations, submission
from inspections.media import photo_response
from inspections.models import Assignment
from inspections.policies import visible_assignments
from inspections.presenting import assignment_rows
from inspections.schemas import (
    AssignmentSchema,
    DraftOutSchema,
    DraftSchema,
    InspectionFilters,
    InspectionSchema,
    PhotoReceiptSchema,
    ReceiptSchema,
    StartSchema,
)

blp = Blueprint("inspections", __name__, url_prefix="/api/v1",
                description="Inspections, photos and assignments: the sync protocol used by the app.")

DRAFT_EXAMPLE = {
    "checklist_version_id": 3, "outlet_id": 1, "started_at": "2026-11-29T09:05:00+08:00",
    "answers": [
        {"item_key": "lobby_greeting", "value": "pass", "updated_at": "2026-11-29T09:06:10+08:00"},
        {"item_key": "waiting_time", "value": 420, "note": "叫号 A023"},
        {"item_key": "counter_two_hands", "value": "fail", "staff_id": 12,
         "photo_ids": ["6f1c2a9e-2b1d-4c55-9a57-0c7d1e2f3a4b"]},
    ],
}


@blp.route("/inspections/<uuid>", methods=["PUT"])
@blp.arguments(DraftSchema, example=DRAFT_EXAMPLE)
@blp.response(200, InspectionSchema, description="Updated, or unchanged: the body is what the server now holds.")
@blp.alt_response(201, schema=InspectionSchema, description="Created.")
@blp.alt_response(409, description="Already submitted and the body differs, or the outlet/version changed; or the "
                                   "assignment already has your open draft under another UUID (errors.open_draft "
                                   "names it: continue that one).")
@blp.alt_response(422, description="Field errors, e.g. answers[2].value.")
def put_inspection(data, uuid):
    """Create or update a draft. Answers merge per item; the later `updated_at` wins."""
    authorize("inspection.create")
    result = operations.save_draft(path_uuid(uuid, "uuid"), data, current_user)
    return result.inspection, 201 if result.created else 200


@blp.route("/inspections/<uuid>", methods=["GET"])
@blp.response(200, InspectionSchema)
def get_inspection(uuid):
    """What the server holds for this inspection."""
    return operations.load(path_uuid(uuid, "uuid"), current_user)


@blp.route("/inspections", methods=["GET"])
@blp.arguments(InspectionFilters, location="query")
@blp.response(200, InspectionSchema(many=True, exclude=("answers",)))
@blp.paginate(page_size=100, max_page_size=500)
def list_inspections(args, pagination_parameters):
    """Inspections the caller may see, the latest change first; the X-Pagination header holds the total."""
    authorize("inspection.list")
    return api_page(lists.inspections(current_user, args), pagination_parameters)


@blp.route("/inspections/<uuid>/photos/<photo_uuid>", methods=["PUT"])
@blp.doc(requestBody={
    "description": "The raw image bytes (JPEG, PNG, WebP or HEIC), or multipart/form-data with field `file`.",
    "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {"schema": {"type": "object",
                                                   "properties": {"file": {"type": "string", "format": "binary"}}}}},
}, parameters=[{"in": "header", "name": "X-Content-SHA256", "schema": {"type": "string"},
                "description": "hex SHA-256 of the bytes; a mismatch is refused"}])
@blp.response(200, PhotoReceiptSchema, description="The same bytes were already stored.")
@blp.alt_response(201, schema=PhotoReceiptSchema, description="Stored.")
@blp.alt_response(409, description="This photo UUID already holds other bytes, or the inspection is submitted.")
@blp.alt_response(413, description="Too many bytes or pixels.")
@blp.alt_response(415, description="Not a JPEG, PNG, WebP or HEIC image.")
@blp.alt_response(422, description="Empty, damaged, or not matching X-Content-SHA256.")
@body_limit("PHOTO_MAX_BYTES")
def put_photo(uuid, photo_uuid):
    """Upload one photo; it may arrive before or after the answer that names it."""
    authorize("inspection.create")
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise OperationError(_("Send the image as the body or as multipart field 'file'."), status=400,
                                 problem="photo_missing_body")
        data = upload.read()
    else:
        data = request.get_data(cache=False)
    photo, created = operations.add_photo(path_uuid(uuid, "uuid"), path_uuid(photo_uuid, "photo_uuid"), data,
                                          request.headers.get("X-Content-SHA256"), current_user)
    return photo, 201 if created else 200


@blp.route("/inspections/<uuid>/photos/<photo_uuid>", methods=["GET"])
@blp.response(200, description="The image: ?variant=display (default), thumb or original")
def get_photo(uuid, photo_uuid):
    """A photo, only to those who may see its inspection."""
    return photo_response(path_uuid(uuid, "uuid"), path_uuid(photo_uuid, "photo_uuid"),
                          request.args.get("variant", "display"), current_user)


@blp.route("/inspections/<uuid>/submit", methods=["POST"])
@blp.response(200, ReceiptSchema)
@blp.alt_response(409, description="Photos named by answers are not uploaded yet (errors.missing_photos), or "
                                   "are still being processed (errors.processing_photos): submit again.")
@blp.alt_response(422, description="Required answers or photos are missing (listed per item).")
def submit_inspection(uuid):
    """Score and freeze. Repeating it returns the same receipt."""
    return submission.submit(path_uuid(uuid, "uuid"), current_user)


@blp.route("/assignments", methods=["GET"])
@blp.response(200, AssignmentSchema(many=True))
def list_assignments():
    """The caller's assignments: overdue, due now and upcoming, with done ones of the last 30 days."""
    authorize("assignment.list")
    today = local_today()
    query = visible_assignments(current_user, select(Assignment))
    return assignment_rows(query, today)


@blp.route("/drafts", methods=["GET"])
@blp.response(200, DraftOutSchema(many=True))
@blp.paginate(page_size=100, max_page_size=500)
def list_drafts(pagination_parameters):
    """Your open drafts, whichever device started them: answers with their photos' UUIDs, the photos the
    server holds, `revision` to tell a device whether it has seen every change, and for a report sent back
    for revision the reviewer's reason (`revision_reason`). The latest change first; X-Pagination has the total."""
    authorize("draft.list")
    return api_page(drafts.open_drafts(current_user), pagination_parameters)


@blp.route("/assignments/<int:ident>/start", methods=["POST"])
@blp.arguments(StartSchema)
@blp.response(200, InspectionSchema, description="You already have an open draft for this assignment: that one.")
@blp.alt_response(201, schema=InspectionSchema, description="Started: a new draft named by the UUID sent.")
@blp.alt_response(404, description="No such assignment of yours.")
@blp.alt_response(409, description="The assignment's checklist is not published.")
def start_assignment(data, ident):
    """Start an assignment, or continue it: never a second open draft of yours, from however many devices."""
    authorize("inspection.create")
    result = operations.start_assignment(ident, data["uuid"], data, current_user)
    return result.inspection, 201 if result.created else 200
