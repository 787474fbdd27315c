"""Who works the complaint ledger. Leadership (admin, viewer) reads both levels; an outlet manager records and
reads the own outlet's complaints, and handles those given to them; the complaint's handler moves it on, and the
admin supervises every one. Inspectors, the remote monitor and mystery shoppers have no part in it."""
from __future__ import annotations

from sqlalchemy import Select, false

from complaints.models import BRANCH, OUTLET, Complaint
from core.permissions import Role, roles, rule, tree_wide
from org.models import User
from org.scope import narrow

READERS = {Role.ADMIN.value, Role.VIEWER.value}

rule("complaint.list")(roles(Role.ADMIN, Role.VIEWER, Role.OUTLET_MANAGER))
rule("complaint.receive")(roles(Role.ADMIN, Role.OUTLET_MANAGER))
rule("complaint.figures")(tree_wide(Role.ADMIN, Role.VIEWER))
rule("complaint.contacts")(tree_wide(Role.ADMIN))
rule("complaint.reassign")(tree_wide(Role.ADMIN))


@rule("complaint.view")
def _may_view(user: User, complaint: Complaint | None = None) -> bool:
    if complaint is None:
        return False
    if user.role in READERS or complaint.handler_id == user.id:
        return True
    return user.role == Role.OUTLET_MANAGER.value and complaint.outlet_id == user.outlet_id


@rule("complaint.handle")
def _may_handle(user: User, complaint: Complaint | None = None) -> bool:
    return complaint is not None and (user.role == Role.ADMIN.value or complaint.handler_id == user.id)


@rule("complaint.open_finding")
def _may_open_finding(user: User, complaint: Complaint | None = None) -> bool:
    """A finding for the outlet to put right is the sub-branch's to set: the admin, or the handler of a complaint
    in the sub-branch's ledger; never an outlet's own people for their own outlet."""
    if complaint is None:
        return False
    return user.role == Role.ADMIN.value or (complaint.level == BRANCH and complaint.handler_id == user.id)


@rule("complaint.escalate")
def _may_escalate(user: User, complaint: Complaint | None = None) -> bool:
    """From the outlet's ledger to the sub-branch's: the outlet's own people or the admin."""
    if complaint is None or complaint.level != OUTLET:
        return False
    if user.role == Role.ADMIN.value or complaint.handler_id == user.id:
        return True
    return user.role == Role.OUTLET_MANAGER.value and complaint.outlet_id == user.outlet_id


def may_receive_for(user: User, outlet_id: int) -> bool:
    return user.role == Role.ADMIN.value or (user.role == Role.OUTLET_MANAGER.value and user.outlet_id == outlet_id)


def visible_complaints(user: User, query: Select) -> Select:
    query = narrow(user, query, Complaint.outlet_id)
    if user.role in READERS:
        return query
    if user.role == Role.OUTLET_MANAGER.value:
        return query.where((Complaint.outlet_id == user.outlet_id) | (Complaint.handler_id == user.id))
    return query.where(false())
