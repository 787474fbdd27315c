"""Submit: check completeness, score with the engine, freeze, store score rows and findings."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import insert, select, update

from checklists import scoring
from checklists.definition import Checklist
from checklists.store import published_checklist
from core import audit
from core.audit import content_hash
from core.db import utcnow
from core.errors import Conflict, OperationError
from core.extensions import db
from core.permissions import authorize
from inspections.events import findings_published
from inspections.fraud import flags_for
from inspections.models import DONE, DRAFT, Answer, Assignment, Finding, Inspection, Photo, SectionScore
from inspections.operations import load, local_zone


def _completeness_errors(checklist: Checklist, inspection: Inspection, rows, answers: dict, result) -> dict:
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
                errors[item.key] = [f"needs {needed} image(s)"]
            continue
        if item.required and state == "unanswered":
            errors[item.key] = ["answer this item (or mark it N-A where allowed)"]
            continue
        if result.items[item.key].failed:
            if item.photo_on_fail and photos < 1:
                errors.setdefault(item.key, []).append("a failing answer needs a photo")
            if item.attribute_to_staff and not (answer.staff_id or answer.staff_description
                                                or inspection.staff_id):
                errors.setdefault(item.key, []).append("name the staff member (or describe them)")
    return errors


def _content_hash(inspection: Inspection, rows, photos: dict, checklist_hash: str) -> str:
    return content_hash({
        "inspection": inspection.uuid, "checklist": checklist_hash, "outlet": inspection.outlet_id,
        "staff": inspection.staff_id, "inspector": inspection.inspector_id, "narrative": inspection.narrative,
        "answers": sorted([a.item_key, a.value, a.note, a.staff_id, a.staff_description,
                           [photos.get(p) for p in a.photo_ids]] for a in rows),
    })


def finding_rows(inspection: Inspection, answers, checklist: Checklist, failed_keys, moment, *,
                 published: bool) -> list[dict]:
    """The findings of the failed items, as rows for one bulk insert; deadlines by severity."""
    deadlines = current_app.config["FINDING_DEADLINE_DAYS"]
    local_day = moment.astimezone(local_zone()).date()
    sections = {item.key: section.key for section in checklist.sections for item in section.items}
    held = {answer.item_key: answer for answer in answers}
    rows = []
    for key in failed_keys:
        item, answer = checklist.item(key), held[key]
        rows.append(dict(
            inspection_id=inspection.id, outlet_id=inspection.outlet_id, item_key=key,
            section_key=sections[key], severity=item.severity, title=item.label.zh[:300],
            requirement=(item.guidance.zh if item.guidance and item.guidance.zh else item.label.zh),
            note=answer.note, staff_id=answer.staff_id or (inspection.staff_id if item.attribute_to_staff else None),
            photo_ids=list(answer.photo_ids), due_date=local_day + timedelta(days=deadlines[item.severity]),
            published=published, status="open", created_at=moment, updated_at=moment,
        ))
    return rows


def insert_findings(rows: list[dict]) -> list[Finding]:
    return list(db.session.scalars(insert(Finding).returning(Finding), rows)) if rows else []


def submit(uuid: str, actor) -> dict:
    # No autoflush: everything is written in three bulk statements and one flush, which keeps a
    # 60-item submit to a few milliseconds of database work.
    with db.session.no_autoflush:
        inspection = load(uuid, actor, for_update=True)
        authorize("inspection.edit", inspection, conceal=True, user=actor)
        if inspection.status != DRAFT:
            return inspection.receipt
        return _freeze(inspection, actor)


def _freeze(inspection: Inspection, actor) -> dict:
    checklist, checklist_hash = published_checklist(inspection.checklist_version_id)
    # Plain rows, not ORM objects: the answers are only read here, then updated in bulk.
    held = db.session.execute(
        select(Answer.id, Answer.item_key, Answer.value, Answer.note, Answer.staff_id, Answer.staff_description,
               Answer.photo_ids).where(Answer.inspection_id == inspection.id).order_by(Answer.id)).all()
    photo_hashes = dict(db.session.execute(
        select(Photo.uuid, Photo.sha256).where(Photo.inspection_id == inspection.id)).all())
    answers = {a.item_key: a.value for a in held if a.value is not None}
    result = scoring.score(checklist, answers)
    errors = _completeness_errors(checklist, inspection, held, answers, result)
    if errors:
        raise OperationError("The inspection is not complete yet.", errors)
    received = set(photo_hashes)
    named = [p for a in held for p in a.photo_ids]
    missing = sorted({p for p in named if p not in received})
    if missing:
        raise Conflict(f"{len(missing)} photo(s) not uploaded yet: upload them, then submit again.",
                       {"missing_photos": missing})
    submitted_at = utcnow()
    scored = [(answer, result.items.get(answer.item_key)) for answer in held]
    db.session.execute(update(Answer).execution_options(synchronize_session=False), [
        {"id": answer.id, "score": r.score, "max_score": r.max, "failed": r.failed, "state": r.state}
        for answer, r in scored if r is not None])
    db.session.execute(insert(SectionScore), [
        {"inspection_id": inspection.id, "position": position, "section_key": section.key, "score": section.score,
         "max_score": section.max, "percent": section.percent, "zeroed": section.zeroed}
        for position, section in enumerate(result.sections)])
    if inspection.assignment_id:
        db.session.execute(update(Assignment).where(Assignment.id == inspection.assignment_id).values(status=DONE))
    # Mystery findings wait for the bank's review: they are created when the visit is published.
    findings = [] if inspection.kind == "mystery" else insert_findings(
        finding_rows(inspection, held, checklist, result.failed_items, submitted_at, published=True))
    # The inspection's own row is changed only now, so that it is written once, at the end.
    inspection.score, inspection.max_score, inspection.percent = result.score, result.max, result.percent
    inspection.grade, inspection.critical_failed = result.grade, bool(result.critical_failures)
    inspection.status, inspection.submitted_at = "submitted", submitted_at
    inspection.finished_at = inspection.finished_at or submitted_at
    inspection.content_hash = _content_hash(inspection, held, photo_hashes, checklist_hash)
    if inspection.kind == "mystery":
        inspection.flags = flags_for(inspection)
        inspection.revision_reason = ""
    receipt = inspection.receipt = {
        "inspection": inspection.uuid, "status": inspection.status, "score": result.score,
        "max_score": result.max, "percent": result.percent, "grade": result.grade,
        "critical_failures": list(result.critical_failures),
        "sections": [{"key": s.key, "score": s.score, "max_score": s.max, "percent": s.percent}
                     for s in result.sections],
        "findings": [{"id": f.id, "item_key": f.item_key, "severity": f.severity, "staff_id": f.staff_id,
                      "due_date": f.due_date.isoformat()} for f in findings],
        "photos": len(received), "content_hash": inspection.content_hash,
        "server_time": submitted_at.isoformat(),
    }
    if findings:
        findings_published.send(inspection, findings=findings, actor=actor)
    audit.record("inspection.submit", inspection, actor=actor,
                 details={"score": result.score, "percent": result.percent, "findings": len(findings),
                          "content_hash": inspection.content_hash})
    db.session.commit()
    return receipt
