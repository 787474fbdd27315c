"""The sync protocol's state changes: save a draft, add a photo, submit. One transaction each."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from checklists.models import ChecklistVersion
from checklists.store import checklist_of, current_versions
from core import audit
from core.audit import content_hash
from core.db import rowcount, utcnow
from core.errors import Conflict, NotFound, OperationError
from core.extensions import db
from core.identifiers import path_uuid
from core.partitions import month_of
from core.permissions import CONCEALED, authorize, can, require_login
from inspections import drafts, evidence, photostore
from inspections.kinds import kind_of
from inspections.models import DRAFT, Answer, Inspection, Photo
from inspections.validation import answer_errors
from org.models import Outlet, Staff, User
from org.scope import applies_to, reaches

ANSWER_FIELDS = ("value", "note", "staff_id", "staff_description", "photo_ids")


@dataclass
class SaveResult:
    inspection: Inspection
    created: bool


# Built once: every sync request loads its inspection.
BY_UUID = select(Inspection).where(Inspection.uuid == bindparam("uuid"))
BY_UUID_FOR_UPDATE = BY_UUID.with_for_update(of=Inspection)


def load(uuid: str, actor: User, *, for_update: bool = False, with_answers: bool = False) -> Inspection:
    query = BY_UUID_FOR_UPDATE if for_update else BY_UUID
    if with_answers:
        query = query.options(selectinload(Inspection.answers), selectinload(Inspection.photos))
    require_login(actor)  # before the lookup: an anonymous caller learns nothing about which ids exist
    uuid = path_uuid(uuid)
    inspection = db.session.execute(query, {"uuid": uuid.lower()}).scalar()
    if inspection is None:
        raise NotFound(str(CONCEALED))
    authorize("inspection.view", inspection, conceal=True, user=actor)
    return inspection


def _staff_ids(outlet_id: int) -> set[int]:
    return set(db.session.execute(select(Staff.id).where(Staff.outlet_id == outlet_id)).scalars())


def _check_new(uuid: str, data: dict, actor: User) -> ChecklistVersion:
    version = db.session.get(ChecklistVersion, data["checklist_version_id"])
    if version is None or version.status != "published" or not can(actor, "checklist.use", version):
        raise OperationError(_("Not a checklist version you may use."),
                             {"checklist_version_id": [_("No such published checklist version for your role.")]},
                             problem="outside_scope")
    authorize("inspection.start", version.template.kind, user=actor)
    outlet = db.session.get(Outlet, data["outlet_id"])
    if outlet is None or not outlet.active or not reaches(actor, outlet):
        raise OperationError(_("No such outlet."), {"outlet_id": [_("No such active outlet.")]},
                             problem="outside_scope")
    if not applies_to(version.template.node_id, outlet.id):
        raise OperationError(_("This checklist is set at another node and does not apply here."),
                             {"checklist_version_id": [_("Not used for this outlet.")]}, problem="outside_scope")
    kind = version.template.kind
    declared = kind_of(kind)
    if data.get("staff_id") is not None:
        staff = db.session.get(Staff, data["staff_id"])
        if staff is None or staff.outlet_id != outlet.id or not declared.names_staff:
            raise OperationError(_("No such staff member at this outlet."),
                                     {"staff_id": [_("Not at this outlet.")]})
    if declared.watches_one_person and data.get("staff_id") is None:
        raise OperationError(_("A remote check watches one person."),
                             {"staff_id": [_("Name the teller watched.")]})
    assignment_id = data.get("assignment_id")
    if assignment_id is not None:
        assignment = drafts.lock_assignment(assignment_id)
        if assignment is None or not can(actor, "assignment.fill", assignment):
            raise OperationError(_("Not an assignment of yours."), {"assignment_id": [_("Not yours.")]},
                                 problem="outside_scope")
        drafts.refuse_second_draft(assignment.id, actor, uuid)
        if assignment.outlet_id != outlet.id or assignment.kind != kind or (
                assignment.staff_id is not None and assignment.staff_id != data.get("staff_id")):
            raise OperationError(_("The assignment is for another outlet, kind or person."),
                                 {"assignment_id": [_("Does not match the outlet, the kind of checklist or the person.")]},
                                 problem="outside_scope")
        if declared.check_start is not None:
            declared.check_start(assignment)
    elif declared.by_vendor and not can(actor, "inspection.start_unassigned"):
        raise OperationError(_("A mystery visit belongs to an assignment."),
                             {"assignment_id": [_("Start the visit from its assignment.")]})
    return version


def _differs(inspection: Inspection, data: dict) -> bool:
    """Would this body change what the server holds? (A replay after submit must not.)"""
    if data["checklist_version_id"] != inspection.checklist_version_id or data["outlet_id"] != inspection.outlet_id:
        return True
    held = {answer.item_key: answer for answer in inspection.answers}
    for incoming in data["answers"]:
        answer = held.get(incoming["item_key"])
        if answer is None:
            if incoming.get("value") is not None or incoming.get("photo_ids") or incoming.get("note"):
                return True
            continue
        if any(incoming.get(name) != getattr(answer, name) for name in ANSWER_FIELDS):
            return True
    for name in ("started_at", "finished_at"):
        if data.get(name) is not None and data[name] != getattr(inspection, name):
            return True
    location = data.get("location")
    if location and (inspection.latitude is None or inspection.longitude is None or
                     abs(location["latitude"] - inspection.latitude) > 1e-7 or
                     abs(location["longitude"] - inspection.longitude) > 1e-7):
        return True
    return bool(data.get("narrative")) and data["narrative"] != inspection.narrative


def _merge_answers(inspection: Inspection, answers: list[dict]) -> int:
    """Per item, the later edit wins (by the device's updated_at); items not sent are kept."""
    held = {answer.item_key: answer for answer in inspection.answers}
    changed = 0
    now = utcnow()
    for incoming in answers:
        incoming["photo_ids"] = [p.lower() for p in incoming.get("photo_ids") or []]
        stamp = incoming.get("updated_at") or now
        answer = held.get(incoming["item_key"])
        if answer is None:
            answer = Answer(item_key=incoming["item_key"], client_updated_at=stamp,
                            inspection_month=month_of(inspection.created_at))
            inspection.answers.append(answer)
        elif stamp < answer.client_updated_at:
            continue
        for name in ANSWER_FIELDS:
            value = incoming.get(name)
            if getattr(answer, name) != value:
                setattr(answer, name, value)
                changed += 1
        answer.client_updated_at = stamp
    return changed


def _create(uuid: str, data: dict, actor: User) -> tuple[Inspection, bool]:
    """The new draft, inserted in a savepoint: (inspection, True), or, when a concurrent request with
    the same client UUID inserted it first, (theirs, False), to be updated like any existing draft."""
    version = _check_new(uuid, data, actor)
    inspection = Inspection(uuid=uuid, kind=version.template.kind, checklist_version_id=version.id,
                            outlet_id=data["outlet_id"], inspector_id=actor.id,
                            assignment_id=data.get("assignment_id"), staff_id=data.get("staff_id"))
    try:
        with db.session.begin_nested():
            db.session.add(inspection)
    except IntegrityError:
        winner = db.session.execute(BY_UUID_FOR_UPDATE, {"uuid": uuid}).scalar()
        if winner is None:  # another constraint failed: not a race
            raise
        return winner, False
    return inspection, True


def save_draft(uuid: str, data: dict, actor: User, *, retried: bool = False) -> SaveResult:
    uuid = path_uuid(uuid)  # every caller (API, remote desk, mystery) is held to a real UUID before anything is stored
    inspection = db.session.execute(BY_UUID_FOR_UPDATE, {"uuid": uuid}).scalar()
    created = False
    if inspection is None:
        inspection, created = _create(uuid, data, actor)
    if not created:
        authorize("inspection.edit", inspection, conceal=True, user=actor)
        if inspection.status != DRAFT:
            if _differs(inspection, data):
                raise Conflict(_("This inspection is already submitted and never changes."), problem="already_submitted")
            return SaveResult(inspection, False)
        if data["checklist_version_id"] != inspection.checklist_version_id or data["outlet_id"] != inspection.outlet_id:
            raise Conflict(_("A draft keeps the checklist version and outlet it started with."),
                           {"checklist_version_id": [_("Stays %(value)s.", value=inspection.checklist_version_id)],
                            "outlet_id": [_("Stays %(value)s.", value=inspection.outlet_id)]}, problem="draft_pinned")
    checklist = checklist_of(inspection.checklist_version)
    errors = answer_errors(checklist, data["answers"], _staff_ids(data["outlet_id"]),
                           allow_staff_names=can(actor, "staff.name"))
    if errors:
        raise OperationError(_("Some answers do not fit the checklist; nothing was saved."), errors,
                             problem="answers_invalid")
    before = None if created else {"answers": content_hash({"a": [
        [a.item_key, a.value, a.note, a.staff_id, a.photo_ids] for a in inspection.answers]})}
    changed = _merge_answers(inspection, data["answers"])
    for name in ("started_at", "finished_at"):
        if data.get(name) is not None:
            setattr(inspection, name, data[name])
    if data.get("narrative"):
        inspection.narrative = data["narrative"]
    if data.get("location"):
        inspection.latitude, inspection.longitude = data["location"]["latitude"], data["location"]["longitude"]
    if not created and (changed or db.session.is_modified(inspection)):
        # Counted by the database, so that two edits landing together never leave the same revision
        # (a submit writes only if the revision it scored is still the current one).
        inspection.revision = Inspection.revision + 1
    if created or changed:
        audit.record("inspection.create" if created else "inspection.save", inspection, actor=actor,
                     before=before, details={"answers_changed": changed})
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # A concurrent edit added the same answer row first: merge into what it left, once.
        if retried:
            raise
        return save_draft(uuid, data, actor, retried=True)
    return SaveResult(inspection, created)


def add_photo(uuid: str, photo_uuid: str, data: bytes, declared_sha256: str | None, actor: User) -> tuple[Photo, bool]:
    """Store one photo exactly once: (photo, created)."""
    inspection = load(uuid, actor)
    authorize("inspection.edit", inspection, conceal=True, user=actor)
    photo_uuid = path_uuid(photo_uuid, "photo_uuid")
    digest = evidence.sha256_hex(data)
    if declared_sha256 and declared_sha256.strip().lower() != digest:
        raise OperationError(_("The upload was damaged on the way (X-Content-SHA256 does not match); send it again."),
                             {"X-Content-SHA256": [_("Does not match the bytes received.")]},
                             problem="photo_hash_mismatch")
    inspection_id = inspection.id
    belongs = lambda photo: photo.inspection_id == inspection_id
    if (previous := photostore.previous_upload(photo_uuid, digest, belongs)) is not None:
        return previous, False
    closed = Conflict(_("This inspection is already submitted and takes no new photos."), problem="already_submitted")
    if inspection.status != DRAFT:
        raise closed

    def still_draft() -> bool:
        # Counting the change also proves the draft is still open: a submit may have won the race.
        return bool(rowcount(db.session.execute(
            update(Inspection).where(Inspection.id == inspection_id, Inspection.status == DRAFT)
            .values(revision=Inspection.revision + 1).execution_options(synchronize_session=False))))

    return photostore.record_once(data, photo_uuid, prefix=f"photos/{inspection.uuid[:2]}",
                                  owner={"inspection_id": inspection_id}, belongs=belongs,
                                  audit_action="photo.upload", audit_details={"inspection": inspection.uuid},
                                  actor=actor, still_open=still_draft, closed=closed)


def start_assignment(assignment_id: int, uuid: str, data: dict, actor: User) -> SaveResult:
    """The owner's open draft of the assignment (created=False), or a new one named `uuid`. Repeating it,
    from this device or another, returns the same draft."""
    uuid = path_uuid(uuid)
    assignment = drafts.lock_assignment(assignment_id)
    if assignment is None or not can(actor, "assignment.fill", assignment):
        raise NotFound(_("No such assignment of yours."))
    held = drafts.open_draft_of(assignment.id, actor)
    if held is not None:
        return SaveResult(held, False)
    version = next((v for v in current_versions() if v.template_id == assignment.template_id), None)
    if version is None:
        raise Conflict(_("This assignment's checklist is not published yet."))
    body: dict = {"checklist_version_id": version.id, "outlet_id": assignment.outlet_id, "assignment_id": assignment.id,
                  "staff_id": assignment.staff_id, "answers": [], "narrative": "",
                  "started_at": data.get("started_at"), "finished_at": None, "location": data.get("location")}
    return save_draft(uuid, body, actor)
