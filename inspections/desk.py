"""The remote monitor's desk: one teller after another, scored from the keyboard."""
from __future__ import annotations

import uuid as uuid_module

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from checklists.store import checklist_of, current_versions
from core.bodies import body_limit
from core.clock import local_today
from core.extensions import db
from core.permissions import authorize, can
from core.refusals import refused_form
from inspections import operations, submission
from inspections.forms import SNAPSHOTS_PER_CHECK, DeskForm, desk_form
from inspections.models import Assignment
from inspections.scheduling import remote_queue

blp = Blueprint("remote_desk", __name__, url_prefix="/remote")


@blp.route("/", methods=["GET", "POST"])
@login_required
@body_limit("PHOTO_MAX_BYTES", files=SNAPSHOTS_PER_CHECK)
def desk():
    authorize("remote.desk")
    today = local_today()
    due, coverage, cycle = remote_queue(today, None if can(current_user, "remote.every_queue") else current_user.id)
    versions = current_versions(("remote",))
    if not versions:
        return render_template("inspections/desk.html", assignment=None, due=due, coverage=coverage, cycle=cycle,
                               form=None, checklist=None, version=None)
    version = versions[0]
    checklist = checklist_of(version)
    chosen = request.values.get("assignment", type=int)
    assignment = db.session.get(Assignment, chosen) if chosen else (due[0] if due else None)
    if chosen and (assignment is None or assignment.kind != "remote"
                   or not can(current_user, "assignment.fill", assignment)):
        abort(404)  # never show another monitor's, or a secret mystery, assignment
    form = desk_form(checklist)
    with refused_form(form, form.field_for) as refusal:
        if assignment is not None and form.validate_on_submit():
            receipt = _check(form, version, assignment)
            flash(_("Saved: %(name)s %(percent)s%% (%(grade)s).", name=assignment.staff.name,
                    percent=receipt["percent"], grade=receipt["grade"]), "ok")
            return redirect(url_for(".desk"))
    return render_template("inspections/desk.html", assignment=assignment, due=due, coverage=coverage,
                           cycle=cycle, checklist=checklist, version=version, form=form), refusal.status


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
