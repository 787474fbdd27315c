"""Pages of the mystery flow: the bank's review queue and report page, the vendor coordinator's page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from checklists.store import published_checklist
from core.clock import local_today
from core.errors import OperationError
from core.extensions import db
from core.permissions import authorize
from core.refusals import Refusal
from inspections.models import Assignment, Inspection
from inspections.policies import visible_assignments
from inspections.presenting import assignment_rows
from mystery import operations, vendor_stats
from mystery.policies import visible_shoppers
from mystery.visits import visit_of, visits_of
from org.models import Staff, User

blp = Blueprint("mystery_pages", __name__)


@blp.get("/admin/mystery/")
@login_required
def queue():
    authorize("mystery.review")
    reports = db.session.execute(select(Inspection).where(Inspection.kind == "mystery", Inspection.status != "draft")
                                 .order_by(Inspection.submitted_at.desc())).scalars().all()
    return render_template("mystery/mystery_queue.html", reports=reports, visits=visits_of(reports),
                           performance=vendor_stats.performance())


@blp.route("/admin/mystery/<uuid>", methods=["GET", "POST"])
@login_required
def report(uuid: str):
    authorize("mystery.review")
    inspection = db.session.execute(select(Inspection).where(Inspection.uuid == uuid.lower(),
                                                             Inspection.kind == "mystery")).scalar()
    if inspection is None:
        return render_template("errors/error.html", status=404, name="Not Found", message=_("No such report.")), 404
    errors = []
    if request.method == "POST":
        action = request.form.get("action", "")
        try:
            if action in ("accept", "revise", "reject"):
                operations.review(uuid, action, request.form.get("reason", ""), current_user)
            elif action == "attribute":
                mapping = {key[len("staff_"):]: (int(value) if value else None)
                           for key, value in request.form.items() if key.startswith("staff_")}
                operations.attribute(uuid, mapping, current_user)
            elif action == "publish":
                operations.publish(uuid, request.form.get("blacklist_confirmed") == "yes", current_user)
            flash(_("Saved."), "ok")
            return redirect(url_for(".report", uuid=uuid))
        except ValueError:  # a staff or shopper id that is no number: the form was not ours
            abort(400, description=_("This form does not come from this page; reload the page and try again."))
        except OperationError as failure:
            db.session.rollback()
            errors = Refusal(failure).lines
    checklist, _hash = published_checklist(inspection.checklist_version_id)
    answers = {a.item_key: a for a in inspection.answers}
    staff = db.session.execute(select(Staff).where(Staff.outlet_id == inspection.outlet_id, Staff.active.is_(True))
                               .order_by(Staff.employee_no)).scalars().all()
    return render_template("mystery/mystery_report.html", inspection=inspection, visit=visit_of(inspection),
                           checklist=checklist, answers=answers, staff=staff, errors=errors), 422 if errors else 200


@blp.route("/vendor/", methods=["GET", "POST"])
@login_required
def coordinator():
    authorize("mystery.coordinate")
    errors = []
    if request.method == "POST":
        try:
            shopper = request.form.get("shopper_id") or None
            operations.assign_shopper(int(request.form.get("assignment_id", "0")), int(shopper) if shopper else None,
                                   current_user)
            flash(_("Saved."), "ok")
            return redirect(url_for(".coordinator"))
        except ValueError:
            abort(400, description=_("This form does not come from this page; reload the page and try again."))
        except OperationError as failure:
            db.session.rollback()
            errors = Refusal(failure).lines
    rows = assignment_rows(visible_assignments(current_user, select(Assignment).where(Assignment.kind == "mystery")),
                           local_today(), horizon_days=120)
    shoppers = db.session.execute(visible_shoppers(current_user).order_by(User.username)).scalars().all()
    return render_template("mystery/vendor.html", rows=rows, shoppers=shoppers, errors=errors), \
        422 if errors else 200
