"""The mystery-shopper flow after a visit is filed: the vendor's coordinator hands out visits, the
bank's admin reviews each report (accept, ask for a revision, or reject), maps the people the
shopper described to real staff, and publishes it. Only then does the outlet see anything."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from checklists.store import published_checklist
from core import audit, transitions
from core.db import utcnow
from core.errors import Conflict, NotFound, OperationError
from core.extensions import db
from core.permissions import authorize, can
from inspections.events import changing, publish_failures
from inspections.models import (
    DONE,
    DRAFT,
    OPEN,
    PUBLISHED,
    REJECTED,
    REVIEWED,
    SUBMITTED,
    Answer,
    Assignment,
    Inspection,
    SectionScore,
)
from inspections.submission import failures
from inspections.validation import item_name
from mystery.attribution import quoted, to_attribute, unattributed_failures
from mystery.confirmations import confirm_everyone_named
from mystery.models import MysteryReview
from mystery.visits import stored_visit, visit_of
from org.models import Staff, User


def _report(uuid: str, actor: User) -> Inspection:
    inspection = db.session.execute(select(Inspection).where(Inspection.uuid == uuid.lower(),
                                                             Inspection.kind == "mystery").with_for_update()).scalar()
    if inspection is None:
        raise NotFound(_("No such mystery visit report."))
    authorize("mystery.review", inspection, user=actor)
    return inspection


def assign_shopper(assignment_id: int, shopper_id: int | None, actor: User) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    # Another vendor's visit is answered exactly like a missing one: its existence is secret.
    if assignment is None or assignment.kind != "mystery" or not can(actor, "mystery.coordinate", assignment):
        raise NotFound(_("No such mystery visit assignment."))
    if assignment.status != OPEN:
        raise Conflict(_("Only an open visit can be handed to a shopper."), problem="wrong_status")
    if shopper_id is not None:
        shopper = db.session.get(User, shopper_id)
        if shopper is None or shopper.role != "mystery_shopper" or shopper.vendor_id != assignment.vendor_id \
                or not shopper.active:
            raise OperationError(_("Choose an active shopper of this vendor."),
                                 {"shopper_id": [_("Not a shopper of this vendor.")]})
    before = audit.snapshot(assignment)
    # Two coordinators handing out the same visit at once: the first wins, the other gets 409.
    transitions.move(assignment, OPEN, _("This visit was just handed out or taken; reload and try again."),
                     guard=(Assignment.assignee_id.is_not_distinct_from(assignment.assignee_id),),
                     assignee_id=shopper_id)
    audit.record("mystery.assign", assignment, actor=actor, before=before, after=audit.snapshot(assignment))
    db.session.flush()
    return assignment


def _record_review(inspection: Inspection, decision: str, reason: str, actor: User) -> MysteryReview:
    review = MysteryReview(inspection_id=inspection.id, reviewer_id=actor.id, decision=decision, reason=reason,
                           flags_seen=list(visit_of(inspection).flags or []))
    db.session.add(review)
    return review


def review(uuid: str, decision: str, reason: str, actor: User) -> Inspection:
    inspection = _report(uuid, actor)
    if inspection.status != SUBMITTED:
        raise Conflict(_("Only a submitted report can be reviewed."), problem="wrong_status")
    if decision not in ("accept", "revise", "reject"):
        raise OperationError(_("Accept the report, ask for a revision or reject it."),
                             {"decision": [_("Choose one of the three decisions.")]})
    reason = (reason or "").strip()
    if decision in ("revise", "reject") and not reason:
        raise OperationError(_("Give the shopper a reason."), {"reason": [_("Write the reason here.")]},
                             problem="reason_required")
    before = audit.snapshot(inspection)
    decided = _("This report has just been decided by someone else; reload it.")
    if decision == "accept":
        transitions.move(inspection, SUBMITTED, decided, status=REVIEWED)
        stored_visit(inspection).reviewed_at = utcnow()
    elif decision == "revise":
        # Back to the shopper: the next submit scores it afresh.
        transitions.move(inspection, SUBMITTED, decided, status=DRAFT, receipt=None,
                         score=None, max_score=None, percent=None, grade=None, submitted_at=None)
        stored_visit(inspection).revision_reason = reason
        inspection.revision = Inspection.revision + 1
        db.session.execute(delete(SectionScore).where(SectionScore.inspection_id == inspection.id))
        db.session.execute(update(Answer).where(Answer.of(inspection))
                           .values(score=None, max_score=None, failed=False, state=None))
    else:
        transitions.move(inspection, SUBMITTED, decided, status=REJECTED)
    if decision in ("revise", "reject") and inspection.assignment_id:
        db.session.execute(update(Assignment).where(Assignment.id == inspection.assignment_id).values(
            status=OPEN if decision == "reject" else DONE))
    _record_review(inspection, decision, reason, actor)
    audit.record(f"mystery.{decision}", inspection, actor=actor, before=before, after=audit.snapshot(inspection),
                 details={"reason": reason[:200]} if reason else None)
    db.session.flush()
    return inspection


def attribute(uuid: str, staff_by_item: dict[str, int | None], not_a_person: list[str], actor: User) -> Inspection:
    """Map the people the shopper described ("the teller at window 2") to real staff, for the items that
    failed or lost points; or mark such an item as not attributable to a person. A staff id (or null,
    which clears the item) in `staff_by_item` undoes an item's mark."""
    inspection = _report(uuid, actor)
    if inspection.status != REVIEWED:
        raise Conflict(_("Attribute staff after accepting the report and before publishing it."), problem="wrong_status")
    checklist, _checksum = published_checklist(inspection.checklist_version_id)
    answers = {a.item_key: a for a in db.session.execute(
        select(Answer).where(Answer.of(inspection))).scalars()}
    offered = {item.key for item, _answer in to_attribute(checklist, answers.values())}
    staff_ids = set(db.session.execute(select(Staff.id).where(Staff.outlet_id == inspection.outlet_id)).scalars())
    errors: dict[str, list[str]] = {}
    for key in [*staff_by_item, *not_a_person]:
        item = checklist.item(key)
        if item is None:
            errors[key] = [_("No such item in this report.")]
        elif key not in offered:
            errors[key] = [_("“%(item)s” neither failed nor lost points: nobody is attributed for it.",
                             item=item_name(item))]
        elif key in not_a_person and staff_by_item.get(key) is not None:
            errors[key] = [_("“%(item)s”: choose a staff member or “not attributable to a person”, not both.",
                             item=item_name(item))]
        elif staff_by_item.get(key) is not None and staff_by_item[key] not in staff_ids:
            errors[key] = [_("“%(item)s”: choose a staff member of this outlet.", item=item_name(item))]
    if errors:
        raise OperationError(_("Some attributions are not valid; nothing was saved."), errors)
    # Still accepted and not published (a publish may have landed since the read): the findings
    # of a published visit keep the people they were published with.
    transitions.move(inspection, REVIEWED, _("This report has just been published; its people no longer change."),
                     status=REVIEWED)
    visit = stored_visit(inspection)
    marked = (set(visit.not_attributable or []) - set(staff_by_item)) | set(not_a_person)
    changes = {}
    for key, staff in [*staff_by_item.items(), *((key, None) for key in not_a_person)]:
        if answers[key].staff_id != staff:
            changes[key] = [answers[key].staff_id, staff]
            answers[key].staff_id = staff
    if marked != set(visit.not_attributable or []):
        changes["not_attributable"] = [sorted(visit.not_attributable or []), sorted(marked)]
        visit.not_attributable = sorted(marked)
    audit.record("mystery.attribute", inspection, actor=actor, details={"changes": changes})
    db.session.flush()
    return inspection


def publish(uuid: str, blacklist_confirmed: bool, actor: User) -> Inspection:
    """The outlet sees the visit from now on: findings are created and the notice is issued."""
    inspection = _report(uuid, actor)
    if inspection.status != REVIEWED:
        raise Conflict(_("Only an accepted report can be published."), problem="wrong_status")
    with changing([inspection.id]):
        return _publish(inspection, blacklist_confirmed, actor)


def _publish(inspection: Inspection, blacklist_confirmed: bool, actor: User) -> Inspection:
    before = audit.snapshot(inspection)
    now = utcnow()
    # Exactly one publish creates the findings and the notice; the answers are read after it, so
    # that an attribution committed just before is what gets published.
    transitions.move(inspection, REVIEWED, _("This report has just been published or sent back; reload it."),
                     status=PUBLISHED)
    stored_visit(inspection).published_at = now
    checklist, _checksum = published_checklist(inspection.checklist_version_id)
    held = db.session.execute(select(Answer).where(Answer.of(inspection))
                              .order_by(Answer.id)).scalars().all()
    # Checked on the answers as published: the refusal rolls the whole publication back.
    unattributed = unattributed_failures(checklist, held, stored_visit(inspection).not_attributable or [])
    if unattributed:
        raise OperationError(
            _("Attribute every failed item to a staff member, or mark it not attributable to a person, before "
              "publishing: %(items)s.", items=quoted(unattributed)),
            {item.key: [_("“%(item)s” failed: choose the staff member, or “not attributable to a person”.",
                          item=item_name(item))] for item in unattributed})
    failed = failures(inspection, held, checklist, [a.item_key for a in held if a.failed])
    findings = publish_failures(inspection, failed, now, actor)["findings"]
    if blacklist_confirmed:
        confirm_everyone_named(inspection, failed, now, actor)
    if inspection.assignment_id:
        db.session.execute(update(Assignment).where(Assignment.id == inspection.assignment_id).values(status=DONE))
    _record_review(inspection, "publish", "", actor)
    db.session.flush()
    audit.record("mystery.publish", inspection, actor=actor, before=before, after=audit.snapshot(inspection),
                 details={"findings": len(findings), "blacklist_confirmed": bool(blacklist_confirmed)})
    db.session.flush()
    return inspection
