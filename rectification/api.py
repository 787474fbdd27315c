"""Findings, responses, verifications and notices under /api/v1 (the PWA's outlet mode uses these)."""
from __future__ import annotations

from flask import Response as FlaskResponse
from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from checklists.store import checklist_of
from core.bodies import body_limit
from core.errors import OperationError
from core.identifiers import path_uuid
from core.paging import Blueprint, api_page
from core.permissions import authorize
from inspections.media import send_photo
from inspections.operations import load as load_inspection
from rectification import lists, notices, operations, presenting
from rectification.schemas import (
    FindingDetailSchema,
    FindingFilters,
    FindingSchema,
    HistoryEventSchema,
    NoticeFilters,
    NoticeSchema,
    ResponseInSchema,
    ResponseOutSchema,
    VerificationInSchema,
    VerificationOutSchema,
)

blp = Blueprint("rectification", __name__, url_prefix="/api/v1",
                description="The rectification loop: findings, outlet responses, verification, notices (PDF).")


def pdf_response(data: bytes, filename: str) -> FlaskResponse:
    response = FlaskResponse(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blp.route("/findings")
@blp.arguments(FindingFilters, location="query")
@blp.response(200, FindingSchema(many=True))
@blp.paginate(page_size=200, max_page_size=1000)
def list_findings(args, pagination_parameters):
    """Findings the caller may see (an outlet manager only the outlet's published ones), newest first or
    by deadline (`sort`); the X-Pagination header holds the total."""
    authorize("finding.list")
    return presenting.listed(api_page(lists.findings(current_user, args), pagination_parameters))


@blp.route("/findings/<int:ident>")
@blp.response(200, FindingDetailSchema)
def get_finding(ident):
    """One finding with its responses and verifications."""
    authorize("finding.list")
    return presenting.detail(operations.load_finding(ident, current_user))


@blp.route("/findings/<int:ident>/history")
@blp.response(200, HistoryEventSchema(many=True))
@blp.paginate(page_size=20, max_page_size=100)
def finding_history(ident, pagination_parameters):
    """The finding's thread, newest first: responses with their after-photos, verdicts with their
    reasons, and the finding being raised (paged; X-Pagination tells the total)."""
    authorize("finding.list")
    events = presenting.history(operations.load_finding(ident, current_user))
    pagination_parameters.item_count = len(events)
    first = pagination_parameters.first_item
    return events[first:first + pagination_parameters.page_size]


@blp.route("/findings/<int:ident>/photos/<photo_uuid>", methods=["PUT"])
@blp.response(200, description="Stored before (same bytes).")
@blp.alt_response(201, description="Stored.")
@body_limit("PHOTO_MAX_BYTES")
def put_after_photo(ident, photo_uuid):
    """Upload a photo taken after the fix (raw bytes or multipart `file`, X-Content-SHA256 optional)."""
    authorize("finding.list")
    data = request.files["file"].read() if request.mimetype == "multipart/form-data" and "file" in request.files \
        else request.get_data(cache=False)
    photo, created = operations.add_after_photo(ident, path_uuid(photo_uuid), data,
                                                request.headers.get("X-Content-SHA256"), current_user)
    return {"uuid": photo.uuid, "sha256": photo.sha256}, 201 if created else 200


@blp.route("/findings/<int:ident>/photos/<photo_uuid>", methods=["GET"])
@blp.response(200, description="The image: ?variant=display (default), thumb or original")
def get_finding_photo(ident, photo_uuid):
    """A before or after photo of a finding, for those who may see the finding."""
    authorize("finding.list")
    finding = operations.load_finding(ident, current_user)
    return send_photo(presenting.finding_photo(finding, path_uuid(photo_uuid)), request.args.get("variant", "display"),
                      current_user)


@blp.route("/findings/<int:ident>/responses", methods=["POST"])
@blp.arguments(ResponseInSchema)
@blp.response(201, ResponseOutSchema)
def respond(data, ident):
    """The outlet says what it did, naming its uploaded after-photos."""
    authorize("finding.list")
    return operations.respond(ident, data["text"], data["photo_ids"], current_user)


@blp.route("/findings/<int:ident>/verification", methods=["POST"])
@blp.arguments(VerificationInSchema)
@blp.response(201, VerificationOutSchema)
def verify(data, ident):
    """An inspector accepts the fix (closed) or rejects it with a reason (open again)."""
    authorize("finding.list")
    return operations.verify(ident, data["accepted"], data["reason"], current_user)


@blp.route("/inspections/<uuid>/notice.pdf")
@blp.response(200, description="整改通知书 (PDF)")
def notice_pdf(uuid):
    """The rectification notice of an inspection's findings (for the bank and the outlet)."""
    authorize("finding.list")
    inspection = load_inspection(path_uuid(uuid), current_user)
    notice = notices.notice_of(inspection)
    data, edition = notices.current_pdf(notice)
    return pdf_response(data, f"notice-{notice.year}-{notice.sequence:04d}-e{edition.edition}.pdf")


@blp.route("/notices/<int:ident>/notice.pdf")
@blp.response(200, description="整改通知书 (PDF)")
def notice_pdf_by_id(ident):
    """A notice by its id: an inspection's or a complaint's (which has no inspection to be found by)."""
    authorize("finding.list")
    notice = operations.load_notice(ident, current_user)
    data, edition = notices.current_pdf(notice)
    return pdf_response(data, f"notice-{notice.year}-{notice.sequence:04d}-e{edition.edition}.pdf")


@blp.route("/inspections/<uuid>/report.pdf")
@blp.response(200, description="The full inspection report (PDF)")
def report_pdf(uuid):
    """Every section and answer of a submitted inspection."""
    inspection = load_inspection(path_uuid(uuid), current_user)
    if inspection.status == "draft":
        raise OperationError(_("A draft has no report yet."), status=409, problem="wrong_status")
    return pdf_response(notices.report_pdf(inspection, checklist_of(inspection.checklist_version)),
                        f"report-{inspection.uuid[:8]}.pdf")


@blp.route("/notices")
@blp.arguments(NoticeFilters, location="query")
@blp.response(200, NoticeSchema(many=True))
@blp.paginate(page_size=100, max_page_size=500)
def list_notices(args, pagination_parameters):
    """Notices the caller may see, newest first; the X-Pagination header holds the total."""
    authorize("finding.list")
    return api_page(lists.notices(current_user, args), pagination_parameters)
