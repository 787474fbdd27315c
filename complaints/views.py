"""HTML pages of the complaint ledger: the ledger itself, the intake form, a complaint with its steps, the A/B
contact table and the figures. Every page shows the customer through complaints.masking."""
from __future__ import annotations

from uuid import uuid4

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from complaints import (
    chart,
    choices,
    contact_operations,
    figures,
    finding_link,
    forms,
    ledger,
    operations,
    photos,
    presenting,
)
from complaints.models import CLOSED
from core.bodies import body_limit
from core.clock import local_today
from core.errors import OperationError
from core.extensions import db
from core.form_fields import NOT_FROM_THIS_PAGE
from core.identifiers import path_uuid
from core.paging import one_page, page_args
from core.period_filter import PeriodField, offered_periods
from core.permissions import authorize, can
from core.refusals import refused_form
from core.schemas import Schema
from org.models import Outlet

blp = Blueprint("complaints_pages", __name__, url_prefix="/complaints")


@blp.app_context_processor
def _labels():
    return {"complaint_label": presenting.label, "complaint_options": presenting.options}


@blp.get("/")
@login_required
def ledger_page():
    authorize("complaint.list")
    filters = page_args(ledger.LedgerPageArgs())
    page = one_page(ledger.complaints(current_user, filters), filters["page"])
    today = local_today()
    page.items = [presenting.row(complaint, current_user, today) for complaint in page.items]
    return render_template("complaints/ledger.html", page=page, filters=filters,
                           outlets=[] if current_user.outlet_id else [
                               (outlet.id, outlet.name) for outlet in choices.visible_outlets(current_user)],
                           periods=offered_periods(today),
                           may_receive=can(current_user, "complaint.receive"),
                           may_read_figures=can(current_user, "complaint.figures"))


@blp.route("/new", methods=["GET", "POST"])
@login_required
@body_limit("PHOTO_MAX_BYTES", files=photos.MAX_PHOTOS)
def intake():
    authorize("complaint.receive")
    outlets = choices.intake_outlets(current_user)
    may_choose_level = can(current_user, "complaint.reassign")  # the sub-branch's supervisor
    with refused_form() as refusal:
        if request.method == "POST":
            form = request.form.copy()
            if not may_choose_level:
                form.pop("level", None)
            data, client_uuid = forms.intake(form, current_user.outlet_id)
            # The same form sent twice (a second tap while the photos upload) is the complaint already recorded.
            complaint = choices.recorded_intake(client_uuid, current_user)
            if complaint is None:
                uploads = [upload.read() for upload in request.files.getlist("photos") if upload and upload.filename]
                complaint, _created = operations.receive(data, current_user, photos.store_uploads(uploads, current_user),
                                                         client_uuid)
            flash(_("Complaint %(number)s recorded.", number=complaint.number), "ok")
            return redirect(url_for(".complaint_page", ident=complaint.id))
    return render_template("complaints/new.html", outlets=outlets, outlet_options=[(o.id, o.name) for o in outlets],
                           staff=choices.staff_by_outlet(outlets),
                           fixed_outlet=current_user.outlet_id, may_choose_level=may_choose_level, max_photos=photos.MAX_PHOTOS,
                           errors=refusal.by_field, today=local_today(),
                           client_uuid=request.form.get("client_uuid") or str(uuid4()),
                           options={kind: presenting.options(kind) for kind in ("channel", "category", "severity",
                                                                                "level")}), refusal.status


def _act(ident: int, action: str) -> None:
    if action == "step":
        operations.advance(ident, request.form.get("step", ""), current_user, **forms.step(request.form))
        flash(_("Step recorded."), "ok")
    elif action == "escalate":
        operations.escalate(ident, current_user, request.form.get("reason", ""))
        flash(_("The complaint is now in the sub-branch's ledger."), "ok")
    elif action == "reassign":
        operations.reassign(ident, current_user, forms.handler(request.form))
        flash(_("Handler changed."), "ok")
    elif action == "open_finding":
        finding_link.open_finding(ident, current_user, **forms.finding(request.form))
        flash(_("Finding opened: the outlet finds it with its notice in the rectification loop."), "ok")
    else:
        raise OperationError(str(NOT_FROM_THIS_PAGE), status=400)


@blp.route("/<int:ident>", methods=["GET", "POST"])
@login_required
def complaint_page(ident: int):
    authorize("complaint.list")
    operations.load(ident, current_user)
    with refused_form() as refusal:
        if request.method == "POST":
            _act(ident, request.form.get("action", ""))
            return redirect(url_for(".complaint_page", ident=ident))
    complaint = operations.load(ident, current_user)
    today = local_today()
    step = presenting.next_step(complaint.status)
    is_open = complaint.status != CLOSED
    return render_template(
        "complaints/complaint.html", row=presenting.row(complaint, current_user, today), complaint=complaint,
        photos=photos.photos_of(complaint), findings=finding_link.findings_of(complaint),
        may_open_finding=can(current_user, "complaint.open_finding", complaint),
        outlet_staff=choices.outlet_staff(complaint.outlet_id),
        errors=refusal.by_field, conflict=refusal.status == 409, step=step,
        may_handle=step is not None and can(current_user, "complaint.handle", complaint),
        may_escalate=is_open and can(current_user, "complaint.escalate", complaint),
        handlers=choices.handlers_for(complaint) if is_open and can(current_user, "complaint.reassign",
                                                                    complaint) else []), refusal.status


@blp.get("/<int:ident>/photos/<photo_uuid>")
@login_required
def complaint_photo(ident: int, photo_uuid: str):
    authorize("complaint.list")
    return photos.send(operations.load(ident, current_user), path_uuid(photo_uuid, "photo_uuid"),
                       request.args.get("variant", "display"))


class FiguresArgs(Schema):
    period = PeriodField(metadata={"label": _l("Period")})


@blp.get("/figures")
@login_required
def figures_page():
    authorize("complaint.figures")
    today = local_today()
    periods = offered_periods(today)[1:]  # a month or a quarter; a single day says little
    chosen = _period_or(periods[2][0])
    tally = figures.span(chosen["period"].first, chosen["period"].last)
    outlets = {outlet.id: outlet for outlet in db.session.execute(
        select(Outlet).where(Outlet.id.in_(list(tally.by_outlet)))).scalars()}
    by_outlet = sorted(tally.by_outlet.items(), key=lambda item: outlets[item[0]].code)
    by_category = [(key, tally.by_category[key]) for key in presenting.KEYS["category"] if key in tally.by_category]
    return render_template("complaints/figures.html", figures=tally, outlets=outlets, by_outlet=by_outlet,
                           by_category=by_category, periods=periods, chosen=request.args.get("period") or periods[2][0],
                           chart=chart.closure_bars([(outlets[i].name, t.closure_rate) for i, t in by_outlet],
                                                    _("Closure rate by outlet")))


def _period_or(default: str) -> dict:
    args = page_args(FiguresArgs())
    if "period" not in args:
        args = FiguresArgs().load({"period": default})
    return args


@blp.route("/contacts", methods=["GET", "POST"])
@login_required
def contacts_page():
    authorize("complaint.figures")  # read by the sub-branch's leadership; saved by the admin (save_line)
    refused_line = None
    with refused_form() as refusal:
        if request.method == "POST":
            branch_id, outlet_id = forms.ledger_of(request.form)
            refused_line = f"{branch_id}:{outlet_id or ''}"
            if request.form.get("action") == "clear":
                contact_operations.clear_line(branch_id, outlet_id, current_user)
                flash(_("Contact line cleared: the ledger's new complaints go to its default handler."), "ok")
            else:
                contact_operations.save_line(branch_id, outlet_id, forms.contact_line(request.form), current_user)
                flash(_("Contact line saved."), "ok")
            return redirect(url_for(".contacts_page"))
    return render_template("complaints/contacts.html", lines=choices.contact_lines(), may_edit=can(current_user,
                                                                                              "complaint.contacts"),
                           errors=refusal.by_field, refused_line=refused_line if refusal else None,
                           today=local_today()), refusal.status
