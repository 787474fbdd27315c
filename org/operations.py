"""Every change to the organisation: one function per use case, one transaction each."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core import audit
from core.errors import Conflict, NotFound, OperationError
from core.extensions import db
from core.security import hash_password
from org import throttle
from org.accounts import end_all_sessions
from org.models import Branch, Counter, Outlet, Staff, User, Vendor
from org.passwords import validate_password
from org.scope import BANK_SIDE_ROLES, manages_setting, reaches, scope_node, setting_node_for

UNIQUE_FIELDS = {
    Branch: "code",
    Outlet: "code",
    Staff: "employee_no",
    Vendor: "code",
    User: "username",
}


def get_or_404(model, ident: int, label: str):
    obj = db.session.get(model, ident)
    if obj is None:
        raise NotFound(_("Nothing found with number %(ident)s.", ident=ident))
    return obj


def _check_unique(model, data: dict, current=None) -> None:
    field = UNIQUE_FIELDS.get(model)
    if field is None or field not in data:
        return
    column = getattr(model, field)
    existing = db.session.execute(select(model).where(func.lower(column) == str(data[field]).lower())).scalar()
    if existing is not None and existing is not current:
        raise Conflict(_("“%(value)s” is already used.", value=data[field]), {field: [_("Already used.")]},
                       problem="already_used")


def _check_references(model, data: dict, current=None) -> None:
    """Foreign keys named in the data must exist and agree with each other."""
    errors: dict[str, list[str]] = {}
    if "branch_id" in data and db.session.get(Branch, data["branch_id"]) is None:
        errors["branch_id"] = [_("No such branch.")]
    outlet_id = data.get("outlet_id", getattr(current, "outlet_id", None))
    if data.get("outlet_id") is not None and db.session.get(Outlet, data["outlet_id"]) is None:
        errors["outlet_id"] = [_("No such outlet.")]
    counter_id = data.get("counter_id", getattr(current, "counter_id", None))
    if counter_id is not None and ("counter_id" in data or "outlet_id" in data):
        counter = db.session.get(Counter, counter_id)
        if counter is None or counter.outlet_id != outlet_id:
            errors["counter_id"] = [_("No such counter in this outlet.")]
    if data.get("scope_node_id") is not None and db.session.get(Branch, data["scope_node_id"]) is None:
        errors["scope_node_id"] = [_("No such node.")]
    if data.get("vendor_id") is not None and db.session.get(Vendor, data["vendor_id"]) is None:
        errors["vendor_id"] = [_("No such vendor.")]
    if model is Counter and ("number" in data or "outlet_id" in data):
        number = data.get("number", getattr(current, "number", None))
        clash = db.session.execute(
            select(Counter).where(Counter.outlet_id == outlet_id, Counter.number == number)
        ).scalar()
        if clash is not None and clash is not current:
            errors["number"] = [_("This outlet already has a counter with this number.")]
    if errors:
        raise OperationError(_("Some references are not valid."), errors)


def _flush_or_conflict() -> None:
    try:
        db.session.flush()
    except IntegrityError as error:
        raise Conflict(_("The change clashes with existing data (a duplicate or a broken reference).")) from error


def keep_within_scope(obj, actor: User | None) -> None:
    """A node-bound admin creates and changes only what lies within its node (nodes, outlets and their
    counters and staff, the accounts bound there, the vendors set at its node or below)."""
    if actor is None:
        return
    if obj is None and scope_node(actor) is not None:  # the top of the tree, or a node's own place
        raise OperationError(_("This lies outside the part of the bank you work over."), status=403,
                             problem="outside_scope")
    if isinstance(obj, Vendor):  # set at a node: changed only at the admin's node or below
        outside = not manages_setting(actor, obj.node_id)
    else:
        outside = obj is not None and not reaches(actor, obj)
    if outside:
        raise OperationError(_("This lies outside the part of the bank you work over."), status=403,
                             problem="outside_scope")


def create(model, data: dict, actor: User):
    if model is Vendor:
        data = {**data, "node_id": setting_node_for(actor)}  # a vendor serves below the node it is set at
    _check_unique(model, data)
    _check_references(model, data)
    obj = model(**data)
    keep_within_scope(obj, actor)
    db.session.add(obj)
    audit.record(f"{model.__tablename__}.create", obj, actor=actor, after=audit.snapshot(obj))
    _flush_or_conflict()
    return obj


def update(obj, data: dict, actor: User):
    model = type(obj)
    _check_unique(model, data, current=obj)
    _check_references(model, data, current=obj)
    before = audit.snapshot(obj)
    for key, value in data.items():
        setattr(obj, key, value)
    keep_within_scope(obj, actor)
    audit.record(f"{model.__tablename__}.update", obj, actor=actor, before=before, after=audit.snapshot(obj))
    _flush_or_conflict()
    return obj


def set_active(obj, active: bool, actor: User):
    keep_within_scope(obj, actor)
    before = audit.snapshot(obj)
    obj.active = active
    if isinstance(obj, User) and not active:
        obj.session_epoch += 1
        end_all_sessions(obj)
    verb = "activate" if active else "deactivate"
    audit.record(f"{obj.__tablename__}.{verb}", obj, actor=actor, before=before, after=audit.snapshot(obj))
    _flush_or_conflict()
    return obj


def create_user(data: dict, actor: User) -> User:
    data = dict(data)
    password = data.pop("password", None)
    if not password:
        raise OperationError(_("A new user needs a password."), {"password": [_("Give a password.")]})
    validate_password(password)
    data["password_hash"] = hash_password(password)
    return create(User, _scoped_user_data(data), actor)


def update_user(user: User, data: dict, actor: User) -> User:
    data = _scoped_user_data(dict(data), current=user)
    password = data.pop("password", None)
    if password:
        validate_password(password)
        data["password_hash"] = hash_password(password)
        data["session_epoch"] = user.session_epoch + 1
        end_all_sessions(user)
    return update(user, data, actor)


def _scoped_user_data(data: dict, current: User | None = None) -> dict:
    """Only the scope the role needs is kept, so a changed role never keeps a stale binding,
    and a change that leaves an outlet manager or shopper unbound is refused (a PATCH may name
    only the binding, so the user's current role and binding count too)."""
    role = data.get("role", getattr(current, "role", None))
    if role is not None:
        data["outlet_id"] = data.get("outlet_id", getattr(current, "outlet_id", None)) \
            if role == "outlet_manager" else None
        data["vendor_id"] = data.get("vendor_id", getattr(current, "vendor_id", None)) \
            if role == "mystery_shopper" else None
        data["scope_node_id"] = data.get("scope_node_id", getattr(current, "scope_node_id", None)) \
            if role in BANK_SIDE_ROLES else None
        if role == "outlet_manager" and data["outlet_id"] is None:
            raise OperationError(_("An outlet manager must be bound to an outlet."),
                                 {"outlet_id": [_("An outlet manager must be bound to an outlet.")]})
        if role == "mystery_shopper" and data["vendor_id"] is None:
            raise OperationError(_("A mystery shopper must be bound to a vendor."),
                                 {"vendor_id": [_("A mystery shopper must be bound to a vendor.")]})
    return data


def unlock_login(user: User, actor: User | None) -> User:
    """An admin lifts the login lock of an account (its untrusted-client and device counts)."""
    cleared = throttle.unlock(user.username)
    audit.record("user.unlock", user, actor=actor, details={"throttle_keys_cleared": cleared})
    return user
