"""The complaint ledger under /api/v1/complaints: the outlet's phone records complaints and their photos, the
handler moves them on, leadership reads the figures. Handlers parse, authorize and shape the answer."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from complaints import figures, finding_link, lists, operations, outputs, photos
from complaints.models import ContactPair
from complaints.schemas import (
    ComplaintDetailSchema,
    ComplaintFilters,
    ComplaintInSchema,
    ComplaintSchema,
    ContactSchema,
    EscalationInSchema,
    FiguresFilter,
    FiguresSchema,
    FindingInSchema,
    HandlerInSchema,
    PhotoRefSchema,
    StepInSchema,
)
from core.bodies import body_limit
from core.errors import OperationError
from core.extensions import db
from core.identifiers import path_uuid
from core.paging import Blueprint, api_page
from core.permissions import authorize

blp = Blueprint("complaints", __name__, url_prefix="/api/v1/complaints",
                description="The two-level complaint ledger (投诉台账): intake with photos, the handler's steps with "
                            "deadlines in working days, escalation, the A/B contact table and the figures. The "
                            "customer's name and phone are masked for everyone but the complaint's handler.")


@blp.route("")
@blp.arguments(ComplaintFilters, location="query")
@blp.response(200, ComplaintSchema(many=True))
@blp.paginate(page_size=50, max_page_size=500)
def list_complaints(args, pagination_parameters):
    """The complaints the caller may see (an outlet manager the own outlet's and those given to them), most urgent
    first: open ones by their step's deadline, overdue at the top, then closed ones, newest first. X-Pagination
    holds the total."""
    authorize("complaint.list")
    return [outputs.view(c, current_user) for c in api_page(lists.complaints(current_user, args),
                                                             pagination_parameters)]


@blp.route("", methods=["POST"])
@blp.arguments(ComplaintInSchema)
@blp.response(201, ComplaintDetailSchema)
@blp.alt_response(200, schema=ComplaintDetailSchema, description="Recorded before under this client_uuid: that one.")
@blp.alt_response(409, description="Photos named in photo_ids are not uploaded yet (errors.missing_photos).")
@blp.alt_response(422, description="Field errors, e.g. an outlet not the caller's own.")
def receive(data):
    """Record a complaint (admin, or an outlet manager for the own outlet); a phone names it with `client_uuid` so
    that a retry is the same complaint. A regulator's referral or a serious
    complaint goes to the sub-branch's ledger; deadlines run in working days from the day received."""
    photo_ids, client_uuid = data.pop("photo_ids", []), data.pop("client_uuid", None)
    complaint, created = operations.receive(data, current_user, photo_ids, client_uuid)
    return outputs.detail(complaint, current_user), 201 if created else 200


@blp.route("/photos/<photo_uuid>", methods=["PUT"])
@blp.response(200, PhotoRefSchema, description="Stored before (same bytes).")
@blp.alt_response(201, schema=PhotoRefSchema, description="Stored.")
@blp.alt_response(409, description="This UUID already holds other bytes.")
@blp.alt_response(413, description="Too many bytes or pixels.")
@blp.alt_response(415, description="Not a JPEG, PNG, WebP or HEIC image.")
@body_limit("PHOTO_MAX_BYTES")
def put_photo(photo_uuid):
    """Upload an evidence photo before sending the complaint that names it (raw bytes or multipart `file`,
    X-Content-SHA256 optional); the same bytes again under the same UUID are the same photo."""
    authorize("complaint.receive")
    data = request.files["file"].read() if request.mimetype == "multipart/form-data" and "file" in request.files \
        else request.get_data(cache=False)
    photo, created = photos.put(path_uuid(photo_uuid), data, request.headers.get("X-Content-SHA256"), current_user)
    return {"uuid": photo.uuid}, 201 if created else 200


@blp.route("/figures")
@blp.arguments(FiguresFilter, location="query")
@blp.response(200, FiguresSchema)
def get_figures(args):
    """Complaints received from `first` to `last`: closure rate (the goal is 100 %), overdue, working days to
    close, by outlet and by category."""
    authorize("complaint.figures")
    if args["last"] < args["first"]:
        raise OperationError(_("The end comes before the start."), {"last": [_("The end comes before the start.")]},
                             status=400,
                             problem="bad_filter")
    found = figures.span(args["first"], args["last"])
    tally = lambda t: {"received": t.received, "closed": t.closed, "overdue": t.overdue,
                       "upheld": t.upheld, "closure_rate": t.closure_rate, "mean_days_to_close": t.mean_days_to_close}
    return {"first": found.first, "last": found.last, "total": tally(found.total),
            "by_outlet": [{"outlet_id": key, **tally(value)} for key, value in sorted(found.by_outlet.items())],
            "by_category": [{"category": key, **tally(value)} for key, value in sorted(found.by_category.items())],
            "escalated": found.escalated, "reopened": found.reopened, "repeat_customers": found.repeat_customers}


@blp.route("/contacts")
@blp.response(200, ContactSchema(many=True))
def list_contacts():
    """The complaint contact table (AB角): per outlet and for the sub-branch, A handles and B stands in."""
    authorize("complaint.figures")
    pairs = db.session.execute(select(ContactPair).order_by(ContactPair.outlet_id.is_not(None),
                                                            ContactPair.outlet_id)).scalars()
    return [outputs.contact(pair) for pair in pairs]


@blp.route("/<int:ident>")
@blp.response(200, ComplaintDetailSchema)
def get_complaint(ident):
    """One complaint with its history."""
    authorize("complaint.list")
    return outputs.detail(operations.load(ident, current_user), current_user)


@blp.route("/<int:ident>/photos/<photo_uuid>")
@blp.response(200, description="The image: ?variant=display (default) or thumb")
def get_photo(ident, photo_uuid):
    authorize("complaint.list")
    return photos.send(operations.load(ident, current_user), path_uuid(photo_uuid),
                       request.args.get("variant", "display"))


@blp.route("/<int:ident>/steps", methods=["POST"])
@blp.arguments(StepInSchema)
@blp.response(200, ComplaintDetailSchema)
@blp.alt_response(409, description="Someone else moved the complaint on, or the step does not follow its status.")
def take_step(data, ident):
    """The handler's next step: acknowledge; investigate (note, upheld); resolve (note); call_back (note,
    satisfied — an unhappy customer reopens the complaint); close."""
    authorize("complaint.list")
    complaint = operations.advance(ident, data["step"], current_user, note=data["note"], upheld=data["upheld"],
                                   satisfied=data["satisfied"])
    return outputs.detail(complaint, current_user)


@blp.route("/<int:ident>/escalation", methods=["POST"])
@blp.arguments(EscalationInSchema)
@blp.response(200, ComplaintDetailSchema)
def escalate(data, ident):
    """Move an outlet's complaint to the sub-branch's ledger and its handler."""
    authorize("complaint.list")
    return outputs.detail(operations.escalate(ident, current_user, data["reason"]), current_user)


@blp.route("/<int:ident>/findings", methods=["POST"])
@blp.arguments(FindingInSchema)
@blp.response(201, ComplaintDetailSchema)
def open_finding(data, ident):
    """Open a finding at the complaint's outlet in the rectification loop (the admin, or the handler of a
    complaint in the sub-branch's ledger); the first one issues the complaint's notice."""
    authorize("complaint.list")
    finding_link.open_finding(ident, current_user, data["severity"], data["title"], data["requirement"],
                              data["due_date"], data["staff_id"])
    return outputs.detail(operations.load(ident, current_user), current_user)


@blp.route("/<int:ident>/handler", methods=["PUT"])
@blp.arguments(HandlerInSchema)
@blp.response(200, ComplaintDetailSchema)
def reassign(data, ident):
    """Give the complaint to another handler (admin)."""
    authorize("complaint.reassign")
    return outputs.detail(operations.reassign(ident, current_user, data["handler_id"]), current_user)
