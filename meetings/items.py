"""Action items (督办事项): added by the admin to a meeting, closed by their owner or the admin with a
note on what was done, reopened by the admin with the reason. Exactly one of several concurrent closes
(or reopens) wins; the others get 409. Every change is audited."""
from __future__ import annotations

from flask_babel import gettext as _

from core import audit, transitions
from core.db import utcnow
from core.errors import Conflict, NotFound, OperationError
from core.extensions import db
from core.permissions import CONCEALED, authorize, require_login
from meetings.models import DONE, NOT_DONE, REOPENED, ActionItem
from meetings.operations import load_meeting
from meetings.policies import OWNER_ROLES
from org.models import Outlet, User


def load_item(ident: int, actor: User, action: str = "action_item.view") -> ActionItem:
    require_login(actor)
    authorize("action_item.list", user=actor)
    item = db.session.get(ActionItem, ident)
    if item is None:
        raise NotFound(str(CONCEALED))
    authorize("action_item.view", item, conceal=True, user=actor)
    if action != "action_item.view":
        authorize(action, item, user=actor)
    return item


def _owners(data: dict) -> tuple[User | None, Outlet | None]:
    user_id, outlet_id = data.get("owner_user_id"), data.get("owner_outlet_id")
    if user_id is None and outlet_id is None:
        raise OperationError(_("Name the owner: an account, an outlet, or both."),
                             {"owner": [_("Choose the owner's account or outlet.")]})
    errors = {}
    user = db.session.get(User, user_id) if user_id is not None else None
    if user_id is not None and (user is None or not user.active or user.role not in OWNER_ROLES):
        errors["owner_user_id"] = [_("Not an account that can own an action item (leadership or an outlet head).")]
    outlet = db.session.get(Outlet, outlet_id) if outlet_id is not None else None
    if outlet_id is not None and (outlet is None or not outlet.active):
        errors["owner_outlet_id"] = [_("No such outlet.")]
    if errors:
        raise OperationError(_("The owner cannot be found; choose again."), errors)
    return user, outlet


def add_item(meeting_id: int, data: dict, actor: User) -> ActionItem:
    authorize("action_item.add", user=actor)
    meeting = load_meeting(meeting_id, actor)
    text = (data.get("text") or "").strip()
    if not text:
        raise OperationError(_("Say what is to be done."), {"text": [_("Describe the action item.")]})
    user, outlet = _owners(data)
    if data["deadline"] < meeting.held_on:
        raise OperationError(_("The deadline cannot lie before the meeting."),
                             {"deadline": [_("Choose a day on or after %(day)s.", day=meeting.held_on)]})
    item = ActionItem(meeting_id=meeting.id, text=text, owner_user_id=user.id if user else None,
                      owner_outlet_id=outlet.id if outlet else None, deadline=data["deadline"])
    db.session.add(item)
    db.session.flush()
    audit.record("action_item.add", item, actor=actor, after=audit.snapshot(item),
                 details={"meeting": meeting.quarter})
    return item


def close_item(ident: int, note: str, actor: User) -> ActionItem:
    item = load_item(ident, actor, "action_item.close")
    if item.status == DONE:
        raise Conflict(_("This action item is done already."), problem="already_done")
    note = (note or "").strip()
    if not note:
        raise OperationError(_("Say what was done to close the action item."),
                             {"note": [_("A closing note is needed.")]}, problem="note_required")
    before = audit.snapshot(item)
    transitions.move(item, NOT_DONE, _("This action item has just been closed by someone else."),
                     problem="already_done", status=DONE, closing_note=note[:2000], closed_by_id=actor.id,
                     closed_at=utcnow())
    audit.record("action_item.close", item, actor=actor, before=before, after=audit.snapshot(item))
    return item


def reopen_item(ident: int, reason: str, actor: User) -> ActionItem:
    item = load_item(ident, actor, "action_item.reopen")
    if item.status != DONE:
        raise Conflict(_("Only an action item that is done can be reopened."), problem="wrong_status")
    reason = (reason or "").strip()
    if not reason:
        raise OperationError(_("Say why the action item is reopened."),
                             {"reason": [_("A reopening needs its reason, for the owner to act on.")]},
                             problem="reason_required")
    before = audit.snapshot(item)
    transitions.move(item, DONE, _("This action item has just been reopened by someone else."),
                     problem="wrong_status", status=REOPENED, reopen_reason=reason[:2000], reopened_by_id=actor.id,
                     reopened_at=utcnow(), closed_by_id=None, closed_at=None)
    audit.record("action_item.reopen", item, actor=actor, before=before, after=audit.snapshot(item),
                 details={"reason": reason[:200]})
    return item
