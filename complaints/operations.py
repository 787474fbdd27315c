"""The ledger's state changes: a complaint is received (with its evidence photos), moved on step by step by its
handler, escalated from the outlet's ledger to the sub-branch's, handed to another handler, and reopened by an
unhappy callback. Each change is one guarded UPDATE, an event in the complaint's history and an audit entry."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from complaints import contacts, lifecycle, masking, photos
from complaints.models import (
    ACKNOWLEDGED,
    BRANCH,
    CATEGORIES,
    CHANNELS,
    CLOSED,
    OUTLET,
    SEVERITIES,
    Complaint,
    ComplaintEvent,
)
from complaints.policies import may_receive_for
from core import audit, transitions
from core.clock import local_today, local_zone
from core.db import utcnow
from core.errors import Conflict, NotFound, OperationError
from core.extensions import db
from core.permissions import CONCEALED, Role, authorize, require_login
from org.models import Branch, Outlet, Staff, User

LOCK_BRANCH = select(Branch.id, Branch.name).where(Branch.id == bindparam("branch")).with_for_update()
MAX_TEXT = 4000
ESCALATE_AT_ONCE = ("regulator",)  # a regulator's referral goes straight to the sub-branch's ledger


def load(ident: int, actor: User, action: str = "complaint.view") -> Complaint:
    require_login(actor)
    complaint = db.session.get(Complaint, ident)
    if complaint is None:
        raise NotFound(str(CONCEALED))
    authorize("complaint.view", complaint, conceal=True, user=actor)
    if action != "complaint.view":
        authorize(action, complaint, user=actor)
    return complaint


def audit_view(complaint: Complaint) -> dict:
    """What the audit log keeps of a complaint: everything but the customer, who stays masked there too."""
    data = audit.snapshot(complaint)
    data["customer_name"] = masking.mask_name(complaint.customer_name)
    data["customer_phone"] = masking.mask_phone(complaint.customer_phone)
    return data


def _event(complaint: Complaint, action: str, actor: User | None, note: str = "") -> None:
    db.session.add(ComplaintEvent(complaint_id=complaint.id, action=action, actor_id=actor.id if actor else None,
                                  note=note[:MAX_TEXT]))


def _choice(value, allowed: tuple[str, ...], field: str, errors: dict) -> None:
    if value not in allowed:
        errors[field] = [_("Choose one of the offered values.")]


def _text(data: dict, field: str, errors: dict, *, required: bool, limit: int = MAX_TEXT) -> str:
    value = (data.get(field) or "").strip() if isinstance(data.get(field, ""), str) else None
    if value is None:
        errors[field] = [_("Enter text.")]
        return ""
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [_("At most %(count)d characters.", count=limit)]
    return value


def _phone(data: dict, errors: dict) -> str:
    phone = _text(data, "customer_phone", errors, required=False, limit=20)
    if phone and not all(ch.isdigit() or ch in "+- " for ch in phone):
        errors["customer_phone"] = [_("A phone number has digits only.")]
    return phone


def _checked_intake(data: dict, actor: User) -> dict:
    errors: dict[str, list[str]] = {}
    values = {field: _text(data, field, errors, required=field in ("customer_name", "description"),
                           limit=40 if field == "customer_name" else MAX_TEXT)
              for field in ("customer_name", "description", "request")}
    values["customer_phone"] = _phone(data, errors)
    for field, allowed in (("channel", CHANNELS), ("category", CATEGORIES), ("severity", SEVERITIES)):
        values[field] = data.get(field, "general" if field == "severity" else None)
        _choice(values[field], allowed, field, errors)
    outlet = db.session.get(Outlet, data["outlet_id"]) if isinstance(data.get("outlet_id"), int) else None
    if outlet is None or not outlet.active:
        errors["outlet_id"] = [_("Choose an outlet.")]
    elif not may_receive_for(actor, outlet.id):
        errors["outlet_id"] = [_("You may record complaints for your own outlet only.")]
    staff_id = data.get("staff_id")
    if staff_id is not None and outlet is not None:
        staff = db.session.get(Staff, staff_id) if isinstance(staff_id, int) else None
        if staff is None or staff.outlet_id != outlet.id:
            errors["staff_id"] = [_("Choose a member of this outlet's staff.")]
    received_on = data.get("received_on") or local_today()
    if not isinstance(received_on, date) or received_on > local_today():
        errors["received_on"] = [_("The day received cannot be in the future.")]
    level = data.get("level") or OUTLET
    _choice(level, (OUTLET, BRANCH), "level", errors)
    if errors:
        raise OperationError(_("The complaint could not be recorded: see the marked fields."), errors,
                             problem="validation_failed")
    if values["channel"] in ESCALATE_AT_ONCE or values["severity"] == "serious":
        level = BRANCH
    return {**values, "outlet": outlet, "staff_id": staff_id, "received_on": received_on, "level": level}


def _number(branch_id: int, received_on: date) -> tuple[int, int, str]:
    branch = db.session.execute(LOCK_BRANCH, {"branch": branch_id}).one()
    year = received_on.year
    sequence = (db.session.execute(select(func.max(Complaint.sequence)).where(
        Complaint.branch_id == branch_id, Complaint.year == year)).scalar() or 0) + 1
    return year, sequence, f"{branch.name}投诉〔{year}〕第{sequence:04d}号"


def receive(data: dict, actor: User, photo_ids: list[str] | None = None,
            client_uuid: str | None = None) -> tuple[Complaint, bool]:
    """Record a complaint in its ledger and give it to its handler; deadlines run from the day received:
    (complaint, created). The same `client_uuid` from the same person again is the complaint already recorded."""
    require_login(actor)
    authorize("complaint.receive", user=actor)
    client_uuid = client_uuid.lower() if client_uuid else None
    if client_uuid and (previous := _previous_intake(client_uuid, actor)) is not None:
        return previous, False
    values = _checked_intake(data, actor)
    outlet = values.pop("outlet")
    received_on = values["received_on"]
    step_due_on, due_on = lifecycle.deadlines_from(received_on)
    year, sequence, number = _number(outlet.branch_id, received_on)
    complaint = Complaint(
        year=year, sequence=sequence, number=number, branch_id=outlet.branch_id, outlet_id=outlet.id,
        step_due_on=step_due_on, due_on=due_on, received_by_id=actor.id, client_uuid=client_uuid,
        handler_id=contacts.handler_for(values["level"], outlet.branch_id, outlet.id, local_today()),
        escalated_at=utcnow() if values["level"] == BRANCH else None, **values)
    try:
        with db.session.begin_nested():
            db.session.add(complaint)
    except IntegrityError:
        winner = _previous_intake(client_uuid, actor) if client_uuid else None  # the same intake twice at once
        if winner is None:
            raise
        return winner, False
    photos.attach(complaint, photo_ids or [], actor)
    _event(complaint, "received", actor, complaint.description)
    audit.record("complaint.receive", complaint, actor=actor, after=audit_view(complaint))
    return complaint, True


def _previous_intake(client_uuid: str, actor: User) -> Complaint | None:
    existing = db.session.execute(select(Complaint).where(Complaint.client_uuid == client_uuid.lower())).scalar()
    if existing is not None and existing.received_by_id != actor.id:
        raise Conflict(_("This complaint number from the phone is already taken; send it again as new."),
                       problem="stale_version")
    return existing


def advance(ident: int, step: str, actor: User, *, note: str = "", upheld: bool | None = None,
            satisfied: bool | None = None) -> Complaint:
    """Take the complaint's next step. investigate needs what was found and whether it is upheld; resolve what
    was done for the customer; call_back whether the customer is satisfied (if not, it opens again)."""
    if step not in lifecycle.STEPS:
        raise OperationError(_("No such step."), problem="validation_failed")
    complaint = load(ident, actor, "complaint.handle")
    starts, leads_to = lifecycle.STEPS[step]
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if step in ("investigate", "resolve", "call_back") and not note:
        errors["note"] = [_("Write what was found, done or said.")]
    if len(note) > MAX_TEXT:
        errors["note"] = [_("At most %(count)d characters.", count=MAX_TEXT)]
    if step == "investigate" and upheld is None:
        errors["upheld"] = [_("Say whether the complaint is upheld.")]
    if step == "call_back" and satisfied is None:
        errors["satisfied"] = [_("Say whether the customer is satisfied.")]
    if errors:
        raise OperationError(_("This step could not be taken: see the marked fields."), errors,
                             problem="validation_failed")
    before = audit_view(complaint)
    today, now = local_today(), utcnow()
    if step == "call_back" and not satisfied:
        return _reopen(complaint, actor, note, before, today)
    values: dict = {"status": leads_to,
                    "step_due_on": lifecycle.next_step_due(leads_to, today, complaint.due_on)}
    if step == "investigate":
        values.update(upheld=bool(upheld), findings_text=note)
    elif step == "resolve":
        values.update(resolution=note, resolved_at=now)
    elif step == "close":
        values.update(closed_at=now)
    transitions.move(complaint, starts, _("Someone else has just moved this complaint on; reload it."), **values)
    _event(complaint, lifecycle.EVENT_OF[step], actor, note)
    audit.record(f"complaint.{step}", complaint, actor=actor, before=before, after=audit_view(complaint))
    return complaint


def _reopen(complaint: Complaint, actor: User, note: str, before: dict, today: date) -> Complaint:
    step_due_on, due_on = lifecycle.reopened_deadlines(today)
    transitions.move(complaint, lifecycle.STEPS["call_back"][0], _("Someone else has just moved this complaint on; "
                                                                    "reload it."),
                     status=ACKNOWLEDGED, step_due_on=step_due_on, due_on=due_on, resolved_at=None,
                     reopen_count=complaint.reopen_count + 1)
    _event(complaint, "reopened", actor, note)
    audit.record("complaint.reopen", complaint, actor=actor, before=before, after=audit_view(complaint))
    return complaint


def escalate(ident: int, actor: User, reason: str) -> Complaint:
    """Move an outlet's complaint to the sub-branch's ledger, to the sub-branch's handler; deadlines stay."""
    complaint = load(ident, actor, "complaint.escalate")
    reason = (reason or "").strip()
    if not reason:
        raise OperationError(_("Say why the complaint goes to the sub-branch."),
                             {"reason": [_("This field is required.")]}, problem="validation_failed")
    if complaint.status == CLOSED:
        raise OperationError(_("A closed complaint is not escalated."), problem="wrong_status", status=409)
    before = audit_view(complaint)
    handler = contacts.handler_for(BRANCH, complaint.branch_id, None, local_today())
    transitions.move(complaint, lifecycle.OPEN_STATUSES, _("Someone else has just moved this complaint on; reload it."),
                     guard=(Complaint.level == OUTLET,), level=BRANCH, escalated_at=utcnow(), handler_id=handler)
    _event(complaint, "escalated", actor, reason[:MAX_TEXT])
    audit.record("complaint.escalate", complaint, actor=actor, before=before, after=audit_view(complaint))
    return complaint


def reassign(ident: int, actor: User, user_id: int) -> Complaint:
    complaint = load(ident, actor, "complaint.reassign")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or not may_handle_ledger(user, complaint):
        raise OperationError(_("Choose an active user who may handle this complaint."),
                             {"handler_id": [_("Choose a handler.")]}, problem="validation_failed")
    before = audit_view(complaint)
    transitions.move(complaint, lifecycle.OPEN_STATUSES, _("This complaint is closed."), problem="wrong_status",
                     handler_id=user.id)
    _event(complaint, "reassigned", actor, user.display_name or user.username)
    audit.record("complaint.reassign", complaint, actor=actor, before=before, after=audit_view(complaint))
    return complaint


def may_handle_ledger(user: User, complaint: Complaint) -> bool:
    """A handler of the sub-branch's ledger is an administrator; of an outlet's, also that outlet's manager."""
    if user.role == Role.ADMIN.value:
        return True
    return (complaint.level == OUTLET and user.role == Role.OUTLET_MANAGER.value
            and user.outlet_id == complaint.outlet_id)


def local_day(moment) -> date:
    return moment.astimezone(local_zone()).date()
