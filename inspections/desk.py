"""The remote monitor's desk: one teller after another, scored from the keyboard; the reason a teller
cannot be checked (absent, on leave, window closed) recorded and withdrawn."""
from __future__ import annotations

import uuid as uuid_module
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from checklists.store import checklist_of, current_versions
from core.bodies import body_limit
from core.clock import local_today
from core.extensions import db
from core.paging import PageArgs, one_page, page_args
from core.permissions import authorize, can
from core.refusals import refused_form
from inspections import cycle_queue, excuses, operations, submission
from inspections.forms import SNAPSHOTS_PER_CHECK, DeskForm, ExcuseForm, desk_form, excuse_form
from inspections.models import Assignment
from inspections.scheduling import cycle_of

blp = Blueprint("remote_desk", __name__, url_prefix="/remote")
QUEUE_PAGE_SIZE = 30


def _scope() -> int | None:
    """Whose queue: the admin's is everyone's; a monitor's holds their own tellers and the unassigned."""
    return None if can(current_user, "remote.every_queue") else current_user.id


def _remote_checklist():
    versions = current_versions(("remote",))
    return (versions[0], checklist_of(versions[0])) if versions else (None, None)


def _chosen(ident: int) -> Assignment:
    assignment = db.session.get(Assignment, ident)
    if assignment is None or assignment.kind != "remote" or not can(current_user, "assignment.fill", assignment):
        abort(404)  # never show another monitor's, or a secret mystery, assignment
    return assignment


@blp.route("/", methods=["GET", "POST"])
@login_required
@body_limit("PHOTO_MAX_BYTES", files=SNAPSHOTS_PER_CHECK)
def desk():
    authorize("remote.desk")
    version, checklist = _remote_checklist()
    chosen = request.values.get("assignment", type=int)
    assignment = _chosen(chosen) if chosen else cycle_queue.next_due(local_today(), _scope())
    form = desk_form(checklist) if checklist else None
    with refused_form(form, form.field_for if form else None) as refusal:
        if form is not None and assignment is not None and form.validate_on_submit():
            receipt = _check(form, version, assignment)
            flash(_("Saved: %(name)s %(percent)s%% (%(grade)s).", name=assignment.staff.name,
                    percent=receipt["percent"], grade=receipt["grade"]), "ok")
            return redirect(url_for(".desk"))
    return _page(assignment, version, checklist, form, status=refusal.status)


@blp.post("/assignments/<int:ident>/excuse")
@login_required
def excuse(ident: int):
    authorize("remote.desk")
    assignment = _chosen(ident)
    form = _excuse_form(assignment)
    with refused_form(form) as refusal:
        if form.validate_on_submit():
            excuses.record_excuse(assignment.id, form.reason.data, form.chosen_day(), form.note.data, current_user)
            flash(_("Recorded: %(name)s, %(reason)s. Coverage no longer expects this check.",
                    name=assignment.staff.name, reason=excuses.reason_name(form.reason.data)), "ok")
            return redirect(url_for(".desk"))
    version, checklist = _remote_checklist()
    return _page(assignment, version, checklist, desk_form(checklist) if checklist else None, form,
                 refusal.status or 422)


@blp.post("/excuses/<int:ident>/withdraw")
@login_required
def withdraw(ident: int):
    authorize("remote.desk")
    withdrawn = excuses.withdraw_excuse(ident, current_user)
    flash(_("Withdrawn: %(name)s is due again.", name=withdrawn.staff.name), "ok")
    return redirect(url_for(".desk", assignment=withdrawn.assignment_id))


def _excuse_form(assignment: Assignment) -> ExcuseForm:
    days = [assignment.window_start + timedelta(days=n)
            for n in range((assignment.window_end - assignment.window_start).days + 1)]
    today = local_today()
    return excuse_form([(key, str(name)) for key, name in excuses.REASON_NAMES.items()],
                       [(day.isoformat(), _("%(day)s (today)", day=day.isoformat()) if day == today
                         else day.isoformat()) for day in days])


def _page(assignment: Assignment | None, version, checklist, form: DeskForm | None,
          excuse: ExcuseForm | None = None, status: int = 200):
    today, scope = local_today(), _scope()
    queue = one_page(cycle_queue.queue(today, scope), page_args(PageArgs())["page"], QUEUE_PAGE_SIZE)
    current_excuse = excuses.active_excuse(assignment.id) if assignment is not None else None
    if excuse is None and assignment is not None:
        excuse = _excuse_form(assignment)
    return render_template("inspections/desk.html", assignment=assignment, version=version, checklist=checklist,
                           form=form, excuse_form=excuse, current_excuse=current_excuse, queue=queue,
                           queue_rows=cycle_queue.queue_rows(queue), due_count=cycle_queue.due_count(today, scope),
                           coverage=cycle_queue.coverage(today, scope), cycle=cycle_of(today),
                           reason_name=excuses.reason_name), status


def _check(form: DeskForm, version, assignment: Assignment) -> dict:
    """The teller's check saved with its snapshots, then submitted: the receipt."""
    inspection_uuid = form.inspection_uuid.data
    photo_ids = []
    for upload in form.snapshot.data or []:
        if not photo_ids:
            operations.save_draft(inspection_uuid, _draft(version, assignment, []), current_user)
        photo_id = str(uuid_module.uuid4())
        operations.add_photo(inspection_uuid, photo_id, upload.read(), None, current_user)
        photo_ids.append(photo_id)
    operations.save_draft(inspection_uuid, _draft(version, assignment, form.answers(photo_ids)), current_user)
    return submission.submit(inspection_uuid, current_user)


def _draft(version, assignment: Assignment, answers: list[dict]) -> dict:
    return {"checklist_version_id": version.id, "outlet_id": assignment.outlet_id,
            "assignment_id": assignment.id, "staff_id": assignment.staff_id, "answers": answers,
            "narrative": "", "location": None, "started_at": None, "finished_at": None}
