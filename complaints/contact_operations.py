"""Saving a line of the complaint contact table (AB角): who handles the complaints of an outlet's ledger, or of
the sub-branch's, and who stands in. A is required and B differs from A; both are active users who may handle
that ledger (the sub-branch's: an administrator; an outlet's: an administrator or that outlet's manager)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from complaints.contacts import pair_for, scope_key
from complaints.models import BRANCH, OUTLET, ContactPair
from core import audit
from core.errors import Conflict, NotFound, OperationError
from core.extensions import db
from core.permissions import Role, authorize, require_login
from org.models import Branch, Outlet, User

PHONE_CHARACTERS = set("0123456789- ")
MAX_PHONE = 20


def _fits(user: User | None, outlet: Outlet | None) -> bool:
    if user is None or not user.active:
        return False
    if user.role == Role.ADMIN.value:
        return True
    return outlet is not None and user.role == Role.OUTLET_MANAGER.value and user.outlet_id == outlet.id


def _user(data: dict, field: str, outlet: Outlet | None, errors: dict) -> User | None:
    ident = data.get(field)
    if ident is None:
        return None
    user = db.session.get(User, ident) if isinstance(ident, int) else None
    if not _fits(user, outlet):
        errors[field] = [_("Choose an active administrator.") if outlet is None
                         else _("Choose an active administrator or this outlet's manager.")]
    return user


def _phone(data: dict, field: str, errors: dict) -> str:
    phone = data.get(field) or ""
    phone = phone.strip() if isinstance(phone, str) else None
    if phone is None or len(phone) > MAX_PHONE or not set(phone) <= PHONE_CHARACTERS \
            or (phone and not any(ch.isdigit() for ch in phone)):
        errors[field] = [_("A phone number has digits only (a hyphen or a space may separate them).")]
        return ""
    return phone


def _ledger(branch_id: int, outlet_id: int | None) -> tuple[Branch, Outlet | None]:
    branch = db.session.get(Branch, branch_id)
    outlet = db.session.get(Outlet, outlet_id) if outlet_id is not None else None
    if branch is None or (outlet_id is not None and (outlet is None or outlet.branch_id != branch.id)):
        raise NotFound(_("No such ledger."))
    return branch, outlet


def clear_line(branch_id: int, outlet_id: int | None, actor: User) -> None:
    """Take a ledger's line off the table: its new complaints go where a ledger without a line goes (the outlet's
    manager, or the sub-branch's first administrator). Complaints already assigned keep their handler."""
    require_login(actor)
    authorize("complaint.contacts", user=actor)
    branch, outlet = _ledger(branch_id, outlet_id)
    pair = pair_for(BRANCH if outlet is None else OUTLET, branch.id, outlet_id)
    if pair is None:
        raise NotFound(_("This ledger has no contact line."))
    audit.record("complaint.contacts_cleared", pair, actor=actor, before=audit.snapshot(pair), after=None)
    db.session.delete(pair)


def save_line(branch_id: int, outlet_id: int | None, data: dict, actor: User) -> ContactPair:
    """Write the line of that ledger (outlet_id None: the sub-branch's); `data` holds a_user_id, a_phone,
    b_user_id, b_phone, a_away_until (a date or None)."""
    require_login(actor)
    authorize("complaint.contacts", user=actor)
    branch, outlet = _ledger(branch_id, outlet_id)
    errors: dict[str, list[str]] = {}
    if data.get("a_user_id") is None:
        errors["a_user_id"] = [_("Choose who handles the complaints (A).")]
    a_user = _user(data, "a_user_id", outlet, errors)
    b_user = _user(data, "b_user_id", outlet, errors)
    if a_user is not None and b_user is not None and a_user.id == b_user.id:
        errors["b_user_id"] = [_("B must be someone other than A.")]
    values = {"a_phone": _phone(data, "a_phone", errors), "b_phone": _phone(data, "b_phone", errors)}
    away = data.get("a_away_until")
    if away is not None and not isinstance(away, date):
        errors["a_away_until"] = [_("Enter a date.")]
    elif away is not None and b_user is None:
        errors["a_away_until"] = [_("Someone must stand in while A is away: choose B.")]
    if errors:
        raise OperationError(_("The contact line could not be saved: see the marked fields."), errors,
                             problem="validation_failed")
    values.update(a_user_id=a_user.id, b_user_id=b_user.id if b_user else None, a_away_until=away)
    level = BRANCH if outlet is None else OUTLET
    pair = pair_for(level, branch.id, outlet_id)
    before = audit.snapshot(pair) if pair is not None else None
    if pair is None:
        pair = ContactPair(branch_id=branch.id, outlet_id=outlet_id, scope_key=scope_key(level, branch.id, outlet_id),
                           **values)
        try:
            with db.session.begin_nested():
                db.session.add(pair)
        except IntegrityError as error:
            raise Conflict(_("Someone else has just saved this line; reload the page.")) from error
    else:
        for name, value in values.items():
            setattr(pair, name, value)
    audit.record("complaint.contacts", pair, actor=actor, before=before, after=audit.snapshot(pair))
    return pair
