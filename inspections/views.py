"""HTML pages: plans and the assignment calendar (admin), and one inspection's record."""
from __future__ import annotations

import calendar as calendar_module
from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_login import current_user, login_required
from sqlalchemy import and_, func, select

from checklists.models import ChecklistTemplate
from checklists.store import checklist_of
from core.clock import local_today
from core.extensions import db
from core.paging import PageArgs, one_page, page_args
from core.permissions import authorize, can
from core.refusals import refused_form
from inspections import lists, plans, scheduling
from inspections.forms import PlanForm
from inspections.list_filters import filter_choices
from inspections.media import photo_response
from inspections.models import Assignment, Plan
from inspections.operations import load
from inspections.schemas import INSPECTION_STATUSES, InspectionPageArgs
from org.models import User, Vendor
from org.scope import narrow, narrow_users, outlets_in_scope, settings_in_line

blp = Blueprint("inspections_pages", __name__)


@blp.get("/admin/plans/")
@login_required
def plan_list():
    authorize("plan.manage")
    # Each plan's assignments as far as the reader's node goes (a whole-bank plan schedules outlets beside it).
    within = outlets_in_scope(current_user)
    joined = Assignment.plan_id == Plan.id if within is None else and_(Assignment.plan_id == Plan.id,
                                                                         Assignment.outlet_id.in_(within))
    rows = db.session.execute(
        select(Plan, func.count(Assignment.id)).outerjoin(Assignment, joined)
        .where(settings_in_line(current_user, Plan.node_id)).group_by(Plan.id).order_by(Plan.id)).all()
    return render_template("inspections/plans.html", rows=rows)


@blp.route("/admin/plans/new", methods=["GET", "POST"])
@blp.route("/admin/plans/<int:ident>", methods=["GET", "POST"])
@login_required
def plan_form(ident: int | None = None):
    authorize("plan.manage")
    plan = db.get_or_404(Plan, ident) if ident else None
    if plan is not None:
        authorize("plan.manage", plan, conceal=True)
    form = PlanForm(obj=plan)
    with refused_form(form) as refusal:
        if form.validate_on_submit():
            plans.save_plan(plan, form.settings(), current_user)
            flash(_("Saved."), "ok")
            return redirect(url_for(".plan_list"))
    templates = db.session.execute(select(ChecklistTemplate).where(
        settings_in_line(current_user, ChecklistTemplate.node_id)).order_by(ChecklistTemplate.code)).scalars().all()
    users = db.session.execute(narrow_users(current_user, select(User)).where(User.active.is_(True), User.role.in_(
        ["inspector", "remote_monitor", "mystery_shopper", "admin"])).order_by(User.username)).scalars().all()
    vendors = db.session.execute(select(Vendor).where(Vendor.active.is_(True),
                                                      settings_in_line(current_user, Vendor.node_id))).scalars().all()
    return render_template("inspections/plan_form.html", plan=plan, form=form, templates=templates, users=users,
                           vendors=vendors), refusal.status


@blp.post("/admin/plans/generate")
@login_required
def plan_generate():
    authorize("plan.manage")
    created = scheduling.generate_all(local_today(), current_user)
    flash(_("%(count)d new assignments.", count=sum(created.values())), "ok")
    return redirect(url_for(".plan_list"))


@blp.get("/admin/calendar")
@login_required
def assignment_calendar():
    authorize("plan.manage")
    today = local_today()
    try:
        year, month = (int(x) for x in request.args.get("month", f"{today.year}-{today.month}").split("-"))
        first = date(year, month, 1)
    except ValueError:
        abort(404)
    last = first.replace(day=calendar_module.monthrange(first.year, first.month)[1])
    within = outlets_in_scope(current_user)
    counts = scheduling.counts_by_day(first, last, ("onsite", "7s", "remote", "mystery"), within)
    weeks = calendar_module.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    overdue = one_page(narrow(current_user, select(Assignment), Assignment.outlet_id)
                       .where(Assignment.status == "open", Assignment.window_end < today)
                       .order_by(Assignment.window_end.desc(), Assignment.id.desc()), page_args(PageArgs())["page"])
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render_template("inspections/calendar.html", first=first, weeks=weeks, counts=counts, today=today,
                           overdue=overdue, previous=previous, following=following)


@blp.get("/inspections/<uuid>")
@login_required
def inspection_page(uuid: str):
    inspection = load(uuid, current_user)
    checklist = checklist_of(inspection.checklist_version)
    answers = {answer.item_key: answer for answer in inspection.answers}
    return render_template("inspections/inspection.html", inspection=inspection, checklist=checklist,
                           answers=answers)


@blp.get("/inspections/")
@login_required
def inspection_list():
    filters = page_args(InspectionPageArgs())
    return render_template("inspections/list.html", page=one_page(lists.inspections(current_user, filters),
                                                                   filters["page"]),
                           filters=filters, choices=filter_choices(current_user),
                           statuses=[(status, str(STATUS_NAMES[status])) for status in INSPECTION_STATUSES])


@blp.get("/inspections/<uuid>/photos/<photo_uuid>")
@login_required
def photo(uuid: str, photo_uuid: str):
    """The same authorized photo route as the API, for pages (session cookie)."""
    return photo_response(uuid, photo_uuid, request.args.get("variant", "display"), current_user)


STATUS_NAMES = {"draft": _l("Draft"), "submitted": _lp("inspection status", "Submitted"), "reviewed": _l("Reviewed"),
                "published": _l("Published"), "rejected": _l("Rejected")}
DUE_STATE_NAMES = {"upcoming": _l("Upcoming"), "due": _lp("visit window", "Due now"), "overdue": _l("Overdue"),
                   "done": _lp("visit window", "Done")}
ASSIGNMENT_STATUS_NAMES = {"open": _lp("assignment", "Open"), "done": _lp("visit window", "Done"),
                           "cancelled": _lp("assignment", "Cancelled")}


@blp.app_context_processor
def _labels():
    from flask_babel import format_datetime

    def status_label(status: str) -> str:
        return str(STATUS_NAMES.get(status, status))

    def cadence_label(plan) -> str:
        if plan.cadence == "cycle":
            return _("every %(days)d days, every teller", days=plan.cycle_days)
        if plan.cadence == "monthly":
            return _("%(count)d a month", count=plan.visits_per_period)
        return _("%(count)d a quarter", count=plan.visits_per_period)

    def visit_time(inspection) -> str:
        """When it was submitted; for a mystery visit the day only, unless the viewer may know the shopper."""
        if inspection.submitted_at is None:
            return "—"
        exact = can(current_user, "identity.mystery", inspection)
        return format_datetime(inspection.submitted_at, "yyyy-MM-dd HH:mm" if exact else "yyyy-MM-dd")

    return {"status_label": status_label, "cadence_label": cadence_label, "visit_time": visit_time,
            "due_state_label": lambda state: str(DUE_STATE_NAMES.get(state, state)),
            "assignment_status_label": lambda status: str(ASSIGNMENT_STATUS_NAMES.get(status, status)),
            "may_know_shopper": lambda inspection: can(current_user, "identity.mystery", inspection)}
