"""The remote monitor's desk: one teller after another, scored from the keyboard."""
from __future__ import annotations

import uuid as uuid_module

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from checklists.store import checklist_of, current_versions
from core.bodies import body_limit
from core.clock import local_today
from core.errors import OperationError
from core.extensions import db
from core.permissions import authorize, can
from core.refusals import Refusal
from inspections import operations, submission
from inspections.models import Assignment
from inspections.scheduling import remote_queue

SNAPSHOTS_PER_CHECK = 3
blp = Blueprint("remote_desk", __name__, url_prefix="/remote")


def _form_answers(checklist, form, photo_ids: list[str]) -> list[dict]:
    answers = []
    for item in checklist.all_items():
        raw = form.get(f"answer_{item.key}", "").strip()
        note = form.get(f"note_{item.key}", "").strip()
        if not raw and not note:
            continue
        value = raw or None
        if item.type in ("number", "duration", "scale") and raw and raw != "na":
            try:
                value = float(raw) if "." in raw else int(raw)
            except ValueError:
                value = raw
        answers.append({"item_key": item.key, "value": value, "note": note, "staff_id": None, "staff_description": "",
                        "photo_ids": photo_ids if value == "fail" and item.photo_on_fail else []})
    return answers


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
                               errors={}, checklist=None, version=None)
    version = versions[0]
    checklist = checklist_of(version)
    chosen = request.values.get("assignment", type=int)
    assignment = db.session.get(Assignment, chosen) if chosen else (due[0] if due else None)
    if chosen and (assignment is None or assignment.kind != "remote"
                   or not can(current_user, "assignment.fill", assignment)):
        abort(404)  # never show another monitor's, or a secret mystery, assignment
    errors: dict = {}
    if request.method == "POST" and assignment is not None:
        inspection_uuid = request.form.get("inspection_uuid") or str(uuid_module.uuid4())
        try:
            photo_ids = []
            uploads = [upload for upload in request.files.getlist("snapshot") if upload and upload.filename]
            if len(uploads) > SNAPSHOTS_PER_CHECK:
                raise OperationError(_("Send at most %(count)d snapshots with one check.", count=SNAPSHOTS_PER_CHECK),
                                     status=413)
            for upload in uploads:
                if not photo_ids:
                    operations.save_draft(inspection_uuid, _draft(version, assignment, []), current_user)
                photo_id = str(uuid_module.uuid4())
                operations.add_photo(inspection_uuid, photo_id, upload.read(), None, current_user)
                photo_ids.append(photo_id)
            operations.save_draft(inspection_uuid, _draft(version, assignment,
                                                          _form_answers(checklist, request.form, photo_ids)),
                                  current_user)
            receipt = submission.submit(inspection_uuid, current_user)
        except OperationError as failure:
            db.session.rollback()
            errors = Refusal(failure).by_field
        else:
            flash(_("Saved: %(name)s %(percent)s%% (%(grade)s).", name=assignment.staff.name,
                    percent=receipt["percent"], grade=receipt["grade"]), "ok")
            return redirect(url_for(".desk"))
    return render_template("inspections/desk.html", assignment=assignment, due=due, coverage=coverage,
                           cycle=cycle, checklist=checklist, version=version, errors=errors,
                           inspection_uuid=request.form.get("inspection_uuid") or str(uuid_module.uuid4())), \
        422 if errors else 200


def _draft(version, assignment: Assignment, answers: list[dict]) -> dict:
    return {"checklist_version_id": version.id, "outlet_id": assignment.outlet_id,
            "assignment_id": assignment.id, "staff_id": assignment.staff_id, "answers": answers,
            "narrative": "", "location": None, "started_at": None, "finished_at": None}
