"""Pages of the mystery flow: the bank's review queue and report page, the vendor coordinator's page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from checklists.store import published_checklist
from core.clock import local_today
from core.extensions import db
from core.paging import one_page, page_args
from core.permissions import authorize
from core.refusals import refused_form
from inspections.list_filters import filter_choices
from inspections.models import Assignment, Inspection
from inspections.policies import visible_assignments
from inspections.presenting import assignment_rows
from inspections.views import STATUS_NAMES
from mystery import operations, vendor_stats
from mystery.attribution import NOT_A_PERSON, to_attribute
from mystery.forms import NOT_A_PERSON_LABEL, REVIEW_DECISIONS, HandOutForm, ReportForm, report_form
from mystery.policies import visible_shoppers
from mystery.schemas import REPORT_STATUSES, QueueArgs
from mystery.visits import review_queue, visit_of, visits_of
from org.models import Staff, User

blp = Blueprint("mystery_pages", __name__)


@blp.get("/admin/mystery/")
@login_required
def queue():
    authorize("mystery.review")
    filters = page_args(QueueArgs())
    page = one_page(review_queue(filters), filters["page"])
    return render_template("mystery/mystery_queue.html", page=page, visits=visits_of(page.items), filters=filters,
                           choices=filter_choices(current_user), performance=vendor_stats.performance(),
                           statuses=[(status, str(STATUS_NAMES[status])) for status in REPORT_STATUSES])


@blp.route("/admin/mystery/<uuid>", methods=["GET", "POST"])
@login_required
def report(uuid: str):
    authorize("mystery.review")
    inspection = db.session.execute(select(Inspection).where(Inspection.uuid == uuid.lower(),
                                                             Inspection.kind == "mystery")).scalar()
    if inspection is None:
        return render_template("errors/error.html", status=404, name="Not Found", message=_("No such report.")), 404
    checklist, _hash = published_checklist(inspection.checklist_version_id)
    answers = {a.item_key: a for a in inspection.answers}
    staff = db.session.execute(select(Staff).where(Staff.outlet_id == inspection.outlet_id, Staff.active.is_(True))
                               .order_by(Staff.employee_no)).scalars().all()
    visit = visit_of(inspection)
    marked = set(visit.not_attributable or [])
    attributed = to_attribute(checklist, answers.values())
    form = report_form({item.key: NOT_A_PERSON if item.key in marked else answer.staff_id
                        for item, answer in attributed}, staff)
    with refused_form(form, form.field_for) as refusal:
        if form.validate_on_submit():
            _decide(uuid, form)
            flash(_("Saved."), "ok")
            return redirect(url_for(".report", uuid=uuid))
    return render_template("mystery/mystery_report.html", inspection=inspection, visit=visit, checklist=checklist,
                           answers=answers, attributed=attributed, not_a_person=marked, staff=staff, form=form,
                           not_a_person_label=NOT_A_PERSON_LABEL, not_a_person_value=NOT_A_PERSON), refusal.status


def _decide(uuid: str, form: ReportForm) -> None:
    if form.action.data in REVIEW_DECISIONS:
        operations.review(uuid, form.action.data, form.reason.data, current_user)
    elif form.action.data == "attribute":
        operations.attribute(uuid, *form.attribution(), current_user)
    else:
        operations.publish(uuid, form.blacklist_confirmed.data, current_user)


@blp.route("/vendor/", methods=["GET", "POST"])
@login_required
def coordinator():
    authorize("mystery.coordinate")
    shoppers = db.session.execute(visible_shoppers(current_user).order_by(User.username)).scalars().all()
    form = HandOutForm().offer(shoppers)
    with refused_form(form) as refusal:
        if form.validate_on_submit():
            operations.assign_shopper(form.assignment_id.data, form.shopper_id.data, current_user)
            flash(_("Saved."), "ok")
            return redirect(url_for(".coordinator"))
    rows = assignment_rows(visible_assignments(current_user, select(Assignment).where(Assignment.kind == "mystery")),
                           local_today(), horizon_days=120)
    return render_template("mystery/vendor.html", rows=rows, shoppers=shoppers, form=form), refusal.status
