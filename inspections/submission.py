"""Submit: check completeness, score with the engine, freeze, store score rows and findings."""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from checklists import scoring
from checklists.definition import Checklist
from checklists.requirements import requirement_text
from checklists.store import published_checklist
from core import audit, unit_of_work
from core.audit import content_hash
from core.db import rowcount, utcnow
from core.errors import Conflict, OperationError
from core.extensions import db
from core.partitions import month_of
from core.permissions import authorize
from core.unit_of_work import end_read_transaction
from inspections.events import Failure, changing, publish_failures
from inspections.evidence import EvidenceError
from inspections.kinds import kind_of
from inspections.models import DONE, DRAFT, Answer, Assignment, Inspection, Photo, SectionScore
from inspections.operations import load
from inspections.photostore import ensure_derivatives
from inspections.validation import item_name
from org.models import User

# The statements of the submit are built once: building a statement costs several times what
# executing it does (built where used, a submit takes 1.24× as long: bench/README.md, "Machinery").
_answers, _inspections = Answer.__table__, Inspection.__table__
READ_ANSWERS = select(_answers.c.id, _answers.c.item_key, _answers.c.value, _answers.c.note,
                      _answers.c.staff_id, _answers.c.staff_description, _answers.c.photo_ids) \
    .where(_answers.c.inspection_id == bindparam("inspection"), _answers.c.inspection_month == bindparam("month")) \
    .order_by(_answers.c.id)
_photos = Photo.__table__
READ_PHOTOS = select(_photos.c.uuid, _photos.c.sha256, _photos.c.display_key, _photos.c.unreadable) \
    .where(_photos.c.inspection_id == bindparam("inspection"))
FROZEN_FIELDS = ("status", "submitted_at", "finished_at", "score", "max_score", "percent", "grade", "critical_failed",
                 "content_hash")
FREEZE_IF_UNCHANGED = update(_inspections).where(
    _inspections.c.id == bindparam("inspection"), _inspections.c.status == DRAFT,
    _inspections.c.revision == bindparam("seen_revision")).values({name: bindparam(name) for name in FROZEN_FIELDS})
STORE_RECEIPT = update(_inspections).where(_inspections.c.id == bindparam("inspection")).values(
    receipt=bindparam("receipt"))
SCORE_ANSWER = update(_answers).where(_answers.c.id == bindparam("answer_id"),
                                     _answers.c.inspection_month == bindparam("month")).values(
    score=bindparam("score"), max_score=bindparam("max_score"), failed=bindparam("failed"), state=bindparam("state"))
INSERT_SECTION_SCORES = insert(SectionScore.__table__)
CLOSE_ASSIGNMENT = update(Assignment.__table__).where(Assignment.__table__.c.id == bindparam("assignment")) \
    .values(status=DONE)


def _completeness_errors(checklist: Checklist, inspection: Inspection, rows: Sequence[Row], answers: dict,
                        result: scoring.ScoreResult) -> dict:
    held = {answer.item_key: answer for answer in rows}
    errors: dict[str, list[str]] = {}
    for item in checklist.all_items():
        state = result.items[item.key].state
        if state == "hidden":
            continue
        answer = held.get(item.key)
        photos = len(answer.photo_ids) if answer else 0
        if item.type in ("photo", "signature"):
            needed = item.min_photos if item.type == "photo" else 1
            if item.required and answers.get(item.key) != "na" and photos < needed:
                errors[item.key] = [_("“%(item)s” needs %(count)d image(s).", item=item_name(item), count=needed)]
            continue
        if item.required and state == "unanswered":
            errors[item.key] = [_("Answer “%(item)s” (or mark it not applicable where allowed).",
                                  item=item_name(item))]
            continue
        if result.items[item.key].failed:
            if item.photo_on_fail and photos < 1:
                errors.setdefault(item.key, []).append(
                    _("“%(item)s” failed: a failing answer needs a photo.", item=item_name(item)))
            if item.attribute_to_staff and not (answer and (answer.staff_id or answer.staff_description)
                                                or inspection.staff_id):
                errors.setdefault(item.key, []).append(
                    _("“%(item)s” failed: name the staff member (or describe them).", item=item_name(item)))
    if kind_of(inspection.kind).asks_narrative and not (inspection.narrative or "").strip():
        errors["narrative"] = [_("Write the narrative of the visit.")]
    return errors


def _content_hash(inspection: Inspection, rows, photos: dict, checklist_hash: str) -> str:
    return content_hash({
        "inspection": inspection.uuid, "checklist": checklist_hash, "outlet": inspection.outlet_id,
        "staff": inspection.staff_id, "inspector": inspection.inspector_id, "narrative": inspection.narrative,
        "answers": sorted([a.item_key, a.value, a.note, a.staff_id, a.staff_description,
                           [photos.get(p) for p in a.photo_ids]] for a in rows),
    })


def failures(inspection: Inspection, answers, checklist: Checklist, failed_keys) -> list[Failure]:
    """The failed items, as the outlet is to be told of them."""
    sections = {item.key: section.key for section in checklist.sections for item in section.items}
    held = {answer.item_key: answer for answer in answers}
    found = []
    for key in failed_keys:
        item, answer = checklist.items_by_key[key], held[key]
        found.append(Failure(
            item_key=key, section_key=sections[key], severity=item.severity, title=item.label.zh[:300],
            requirement=requirement_text(item, "zh"),  # the notice's words, as the outlet was told them
            note=answer.note, staff_id=answer.staff_id or (inspection.staff_id if item.attribute_to_staff else None),
            photo_ids=tuple(answer.photo_ids)))
    return found


@dataclass
class Frozen:
    """Everything a submit writes, worked out from the draft as it was read (at `revision`)."""
    inspection_id: int
    revision: int
    values: dict
    answer_scores: list[dict]
    section_rows: list[dict]
    failures: list[Failure]
    assignment_id: int | None
    receipt: dict
    # What the kind's submit checks found (None: the kind has none).
    flags: list[dict] | None = None


def _freeze(inspection: Inspection) -> Frozen:
    """Score and check the draft; raises when it cannot be submitted yet. Writes nothing."""
    declared = kind_of(inspection.kind)
    if declared.check_submit is not None:
        declared.check_submit(inspection)
    checklist, checklist_hash = published_checklist(inspection.checklist_version_id)
    # Plain rows, not ORM objects: the answers are only read here, then updated in bulk.
    # Naming the month reads (and later updates) one partition of the answers on PostgreSQL.
    month = month_of(inspection.created_at)
    held = db.session.execute(READ_ANSWERS, {"inspection": inspection.id, "month": month}).all()
    photos = db.session.execute(READ_PHOTOS, {"inspection": inspection.id}).all()
    pending = [p.uuid for p in photos if p.display_key is None and p.unreadable is None]
    if pending:
        raise DerivativesPending(pending)
    photo_hashes = {p.uuid: p.sha256 for p in photos}
    unreadable = {p.uuid: p.unreadable for p in photos if p.unreadable}
    answers = {a.item_key: a.value for a in held if a.value is not None}
    result = scoring.score(checklist, answers)
    errors = _completeness_errors(checklist, inspection, held, answers, result)
    for answer in held:
        for photo_uuid in answer.photo_ids:
            if photo_uuid in unreadable:
                errors.setdefault(answer.item_key, []).append(
                    _("%(problem)s; take it again", problem=unreadable[photo_uuid]))
    if errors:
        raise OperationError(_("The inspection is not complete yet."), errors, problem="answers_incomplete")
    missing = sorted({p for a in held for p in a.photo_ids if p not in photo_hashes})
    if missing:
        raise Conflict(_("%(count)d photo(s) not uploaded yet: upload them, then submit again.", count=len(missing)),
                       {"missing_photos": missing}, problem="photos_missing")
    submitted_at = utcnow()
    values = {
        "status": "submitted", "submitted_at": submitted_at, "finished_at": inspection.finished_at or submitted_at,
        "score": result.score, "max_score": result.max, "percent": result.percent, "grade": result.grade,
        "critical_failed": bool(result.critical_failures),
        "content_hash": _content_hash(inspection, held, photo_hashes, checklist_hash),
    }
    flags = None
    if declared.submit_checks is not None:
        # The checks read the visit's times as they will be stored (nothing is written here).
        set_committed_value(inspection, "submitted_at", submitted_at)
        set_committed_value(inspection, "finished_at", values["finished_at"])
        flags = declared.submit_checks(inspection)
    receipt = {
        "inspection": inspection.uuid, "status": "submitted", "score": result.score,
        "max_score": result.max, "percent": result.percent, "grade": result.grade,
        "critical_failures": list(result.critical_failures),
        "sections": [{"key": s.key, "score": s.score, "max_score": s.max, "percent": s.percent}
                     for s in result.sections],
        "findings": [], "notice": None, "photos": len(photo_hashes), "content_hash": values["content_hash"],
        "server_time": submitted_at.isoformat(),
    }
    return Frozen(
        inspection_id=inspection.id, revision=inspection.revision, values=values, receipt=receipt,
        answer_scores=[{"answer_id": a.id, "month": month, "score": r.score, "max_score": r.max, "failed": r.failed, "state": r.state}
                       for a in held if (r := result.items.get(a.item_key)) is not None],
        section_rows=[{"inspection_id": inspection.id, "position": position, "section_key": section.key,
                       "score": section.score, "max_score": section.max, "percent": section.percent,
                       "zeroed": section.zeroed} for position, section in enumerate(result.sections)],
        # A reviewed kind's failures wait for the bank's review: they reach the outlet when it is published.
        failures=failures(inspection, held, checklist, result.failed_items) if declared.failures_at_submit else [],
        assignment_id=inspection.assignment_id, flags=flags,
    )


class DerivativesPending(Conflict):
    """Photos whose display copies are still being made (the submit makes them and tries again)."""

    def __init__(self, photo_uuids: list[str]):
        super().__init__(_("Some photos are still being processed: submit again in a moment."),
                         {"processing_photos": photo_uuids}, problem="photos_processing")
        self.photo_uuids = photo_uuids


def submit(uuid: str, actor: User) -> dict | None:
    try:
        return _submit(uuid, actor)
    except DerivativesPending as pending:
        # The photos' derivatives were not made yet (their job is behind or was lost): made now,
        # because the checks and the notice use them.
        for photo in db.session.execute(select(Photo).where(Photo.uuid.in_(pending.photo_uuids))).scalars():
            try:
                ensure_derivatives(photo)
            except EvidenceError:
                pass  # the submit names the picture that cannot be read
        return _submit(uuid, actor)


RETRIES = 5


def _submit(uuid: str, actor: User) -> dict | None:
    # The draft is read, scored and checked before anything is written; the write lock (SQLite has
    # one per database) is then held only for the writes, so submits from many phones queue for a
    # millisecond or two each instead of for the whole request.
    wrote_before = unit_of_work.has_written()
    with db.session.no_autoflush:
        authorize("inspection.create", user=actor)
        inspection = load(uuid, actor)
        authorize("inspection.edit", inspection, conceal=True, user=actor)
        frozen = _freeze(inspection) if inspection.status == DRAFT else None
        receipt = inspection.receipt
        end_read_transaction()
        if frozen is None:
            return receipt
        if _write(inspection, frozen, actor):
            return frozen.receipt
        # The draft changed after it was read (another device's edit or photo landed in between),
        # or another request submitted it: start again. FOR UPDATE holds the row on PostgreSQL; on
        # SQLite an edit may still land between the read and the write, so the guarded write decides.
        if wrote_before:
            # Its unit had written before (the desk's one form), so it cannot start again alone.
            raise Conflict(_("The inspection changed while it was being submitted; submit again."),
                           problem="stale_version")
        for _attempt in range(RETRIES):
            db.session.rollback()
            inspection = load(uuid, actor, for_update=True)
            if inspection.status != DRAFT:
                return inspection.receipt
            frozen = _freeze(inspection)
            if _write(inspection, frozen, actor):
                return frozen.receipt
        raise Conflict(_("The inspection kept changing while it was being submitted; submit again."),
                       problem="stale_version")


def _score_answers(rows: list[dict]) -> None:
    """One executemany in the driver's own terms: SQLAlchemy's per-row parameter handling costs more
    than the 60 updates themselves, and these values (numbers, flags, a word) need none (through
    SQLAlchemy the submit takes ×1.085 as long: bench/README.md, "Machinery")."""
    connection = db.session.connection()
    sql, names = _driver_sql(connection.dialect)
    if isinstance(names, tuple):
        connection.exec_driver_sql(sql, [tuple(row[name] for name in names) for row in rows])
    else:
        connection.exec_driver_sql(sql, rows)


@functools.cache
def _driver_sql(dialect) -> tuple[str, tuple | None]:
    compiled = SCORE_ANSWER.compile(dialect=dialect)
    return str(compiled), tuple(compiled.positiontup or ()) if compiled.positional else None


def _write(inspection: Inspection, frozen: Frozen, actor: User) -> bool:
    """Write what was frozen, unless the draft changed since it was read: then write nothing."""
    with changing([frozen.inspection_id]):
        return _write_frozen(inspection, frozen, actor)


def _write_frozen(inspection: Inspection, frozen: Frozen, actor: User) -> bool:
    values = frozen.values
    guarded = db.session.execute(FREEZE_IF_UNCHANGED,
                                 {"inspection": frozen.inspection_id, "seen_revision": frozen.revision, **values})
    if rowcount(guarded) != 1:
        return False
    # The loaded object now says what the row says, without being marked for another write.
    for name, value in values.items():
        set_committed_value(inspection, name, value)
    keep_checks = kind_of(inspection.kind).keep_submit_checks
    if frozen.flags is not None and keep_checks is not None:
        keep_checks(inspection, frozen.flags)
    _score_answers(frozen.answer_scores)
    db.session.execute(INSERT_SECTION_SCORES, frozen.section_rows)
    if frozen.assignment_id:
        db.session.execute(CLOSE_ASSIGNMENT, {"assignment": frozen.assignment_id})
    made = publish_failures(inspection, frozen.failures, values["submitted_at"], actor)
    frozen.receipt["findings"], frozen.receipt["notice"] = made["findings"], made["notice"]
    db.session.execute(STORE_RECEIPT, {"inspection": frozen.inspection_id, "receipt": frozen.receipt})
    set_committed_value(inspection, "receipt", frozen.receipt)
    audit.record_now("inspection.submit", object_type="inspection", object_id=str(frozen.inspection_id), actor=actor,
                     details={"score": values["score"], "percent": values["percent"],
                              "findings": len(frozen.receipt["findings"]), "content_hash": values["content_hash"]})
    return True
