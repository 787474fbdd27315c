"""HTML pages of the rectification loop: findings, responding, verifying, notices, the public check."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from core.bodies import body_limit, public_body
from core.errors import OperationError
from core.extensions import db
from core.paging import one_page, page_args
from core.permissions import authorize, can
from core.refusals import refused_form
from inspections.evidence import sha256_hex
from inspections.list_filters import filter_choices
from inspections.media import send_photo
from inspections.models import Photo
from inspections.operations import load as load_inspection
from rectification import lists, notices, operations, presenting
from rectification.api import pdf_response
from rectification.models import Notice, NoticeEdition
from rectification.schemas import FindingPageArgs, NoticePageArgs

AFTER_PHOTOS_PER_RESPONSE = 5
blp = Blueprint("rectification_pages", __name__)


@blp.get("/findings/")
@login_required
def finding_list():
    authorize("finding.list")
    filters = page_args(FindingPageArgs())
    page = one_page(lists.findings(current_user, filters), filters["page"])
    page.items = [presenting.with_overdue(f) for f in page.items]
    bank_view = can(current_user, "finding.figures")
    figures = lists.closure_figures(current_user, filters) if bank_view else []
    return render_template("rectification/findings.html", page=page, filters=filters, figures=figures,
                           bank_view=bank_view, choices=filter_choices(current_user))


@blp.route("/findings/<int:ident>", methods=["GET", "POST"])
@login_required
@body_limit("PHOTO_MAX_BYTES", files=AFTER_PHOTOS_PER_RESPONSE)
def finding_page(ident: int):
    authorize("finding.list")
    finding = operations.load_finding(ident, current_user)
    with refused_form() as refusal:
        if request.method == "POST":
            if request.form.get("action") == "respond":
                uploads = [upload for upload in request.files.getlist("photos") if upload and upload.filename]
                if len(uploads) > AFTER_PHOTOS_PER_RESPONSE:
                    raise OperationError(_("Send at most %(count)d photos with one response.",
                                           count=AFTER_PHOTOS_PER_RESPONSE), status=413)
                operations.respond_with_photos(ident, request.form.get("text", ""),
                                               (upload.read() for upload in uploads), current_user)
                flash(_("Response sent for verification."), "ok")
            elif request.form.get("action") in ("accept", "reject"):
                operations.verify(ident, request.form["action"] == "accept", request.form.get("reason", ""),
                                  current_user)
                flash(_("Verification saved."), "ok")
            return redirect(url_for(".finding_page", ident=ident))
    finding = presenting.detail(finding)
    photos = {p.uuid: p for p in db.session.execute(
        select(Photo).where(Photo.uuid.in_(list(finding.photo_ids) + list(finding.after_photo_ids)))).scalars()}
    return render_template("rectification/finding.html", finding=finding, photos=photos, errors=refusal.lines,
                           may_respond=can(current_user, "finding.respond", finding) and finding.status == "open",
                           may_verify=can(current_user, "finding.verify", finding) and finding.status == "responded"), \
        refusal.status


@blp.get("/findings/<int:ident>/photos/<photo_uuid>")
@login_required
def finding_photo(ident: int, photo_uuid: str):
    finding = operations.load_finding(ident, current_user)
    return send_photo(presenting.finding_photo(finding, photo_uuid), request.args.get("variant", "display"),
                      current_user)


@blp.get("/inspections/<uuid>/notice.pdf")
@login_required
def notice_download(uuid: str):
    authorize("finding.list")
    notice = notices.notice_of(load_inspection(uuid, current_user))
    data, edition = notices.current_pdf(notice)
    return pdf_response(data, f"notice-{notice.year}-{notice.sequence:04d}-e{edition.edition}.pdf")


@blp.get("/notices/<int:ident>/notice.pdf")
@login_required
def notice_by_id(ident: int):
    authorize("finding.list")
    notice = operations.load_notice(ident, current_user)
    data, edition = notices.current_pdf(notice)
    return pdf_response(data, f"notice-{notice.year}-{notice.sequence:04d}-e{edition.edition}.pdf")


@blp.route("/verify/<digest>", methods=["GET", "POST"])
@public_body
@body_limit("IMPORT_MAX_BYTES")
def verify(digest: str):
    """Public: anyone holding a printed or forwarded notice can check that it is genuine."""
    edition = db.session.execute(select(NoticeEdition).where(NoticeEdition.content_hash == digest.lower())).scalar()
    notice = edition.notice if edition else None
    file_check = None
    status = 200 if edition else 404
    if request.method == "POST" and edition is not None:
        upload = request.files.get("file")
        data = upload.read() if upload else b""
        digest_of_file = sha256_hex(data)
        match = db.session.execute(select(NoticeEdition).where(NoticeEdition.notice_id == notice.id,
                                                               NoticeEdition.file_sha256 == digest_of_file)).scalar()
        file_check = {"sha256": digest_of_file, "match": match}
    # A re-issued notice: this edition was genuine, but the outlet must work from the newest one.
    newest = notice.editions[-1] if notice is not None and notice.editions[-1].id != edition.id else None
    return render_template("rectification/verify.html", edition=edition, notice=notice, file_check=file_check,
                           digest=digest, newest=newest), status


@blp.get("/notices/")
@login_required
def notice_list():
    authorize("finding.list")
    filters = page_args(NoticePageArgs())
    return render_template("rectification/notices.html", page=one_page(lists.notices(current_user, filters),
                                                                        filters["page"]),
                           filters=filters, choices=filter_choices(current_user))


STATUS_NAMES = {"open": _l("Open"), "responded": _l("Awaiting verification"), "closed": _l("Closed")}
SEVERITY_NAMES = {"critical": _l("Critical"), "major": _l("Major"), "minor": _l("Minor")}


def _inspection_notice(inspection) -> Notice | None:
    """The notice of an inspection, for its page, to those who may see notices."""
    if not can(current_user, "finding.list"):
        return None
    return db.session.execute(select(Notice).where(Notice.inspection_id == inspection.id)).scalar()


@blp.app_context_processor
def _labels():
    return {"finding_status": lambda status: str(STATUS_NAMES.get(status, status)),
            "severity_label": lambda severity: str(SEVERITY_NAMES.get(severity, severity)),
            "inspection_notice": _inspection_notice}
