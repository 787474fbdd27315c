"""Who may see and change inspections, photos and assignments.

Kinds declared secret until published (mystery visits) are seen, until an admin publishes one, by
nobody outside the admins and the vendor's own shopper; see inspections.kinds.
"""
from __future__ import annotations

from sqlalchemy import Select, and_, false, or_

from checklists.policies import usable_kinds
from core.permissions import Role, roles, rule, tree_wide
from inspections.kinds import bank_kinds, kind_of, open_kinds, vendor_kinds
from inspections.models import DRAFT, PUBLISHED, Assignment, Inspection
from org.models import User
from org.scope import narrow

ADMIN, VIEWER = Role.ADMIN.value, Role.VIEWER.value
INSPECTOR, MONITOR = Role.INSPECTOR.value, Role.REMOTE_MONITOR.value
SHOPPER, OUTLET = Role.MYSTERY_SHOPPER.value, Role.OUTLET_MANAGER.value

rule("inspection.create")(roles(Role.ADMIN, Role.INSPECTOR, Role.REMOTE_MONITOR, Role.MYSTERY_SHOPPER))
# Your own open drafts, on any of your devices: those who make inspections.
rule("draft.list")(roles(Role.ADMIN, Role.INSPECTOR, Role.REMOTE_MONITOR, Role.MYSTERY_SHOPPER))
rule("plan.manage")(roles(Role.ADMIN))
rule("assignment.list")(roles(Role.ADMIN, Role.VIEWER, Role.INSPECTOR, Role.REMOTE_MONITOR, Role.MYSTERY_SHOPPER))
rule("remote.desk")(roles(Role.ADMIN, Role.REMOTE_MONITOR))
# A monitor works the tellers assigned to them (and the unassigned); the admin sees every queue.
rule("remote.every_queue")(tree_wide(Role.ADMIN))
rule("inspection.list")(lambda user, obj=None: True)
# A vendor's visit belongs to the vendor's assignment; only the bank starts one without.
rule("inspection.start_unassigned")(roles(Role.ADMIN, Role.INSPECTOR, Role.REMOTE_MONITOR))
# A shopper describes people (role, appearance) and never learns or writes their names.
rule("staff.name")(roles(Role.ADMIN, Role.INSPECTOR, Role.REMOTE_MONITOR, Role.VIEWER, Role.OUTLET_MANAGER))


def _secret_visible(user: User, inspection: Inspection) -> bool:
    if user.role == ADMIN:
        return True
    if user.role == SHOPPER:
        return inspection.inspector_id == user.id
    return inspection.status == PUBLISHED


@rule("inspection.view")
def _may_view(user: User, inspection: Inspection | None = None) -> bool:
    if inspection is None:
        return False
    if kind_of(inspection.kind).secret_until_published and not _secret_visible(user, inspection):
        return False
    if inspection.inspector_id == user.id or user.role == ADMIN:
        return True
    if inspection.status == DRAFT:
        return False
    if user.role in (VIEWER, INSPECTOR, MONITOR):
        return True
    if user.role == OUTLET:
        return inspection.outlet_id == user.outlet_id
    return False


@rule("photo.original")
def _may_see_original(user: User, photo=None) -> bool:
    """The camera's own file, EXIF and all, goes to the roles that review evidence of that kind and to
    whoever uploaded it; everyone else gets the derived copies, which carry no metadata."""
    if photo is None:
        return False
    if user.role == ADMIN or photo.uploaded_by_id == user.id:
        return True
    inspection = photo.inspection
    if photo.purpose == "after":  # an outlet's proof of its fix: the inspectors verify it
        return user.role == INSPECTOR
    if kind_of(inspection.kind).secret_until_published:
        return inspection.inspector_id == user.id
    return user.role in (INSPECTOR, MONITOR) and inspection.kind in usable_kinds(user)


@rule("identity.mystery")
def _may_know_the_shopper(user: User, inspection: Inspection | None = None) -> bool:
    """Who made a mystery visit, for which assignment, and when to the minute: the bank's admin and
    the shopper alone. Anyone else (the outlet above all) would recognise the shopper next time."""
    if inspection is None or not kind_of(inspection.kind).secret_until_published:
        return True
    return user.role == ADMIN or inspection.inspector_id == user.id


@rule("inspection.edit")
def _may_edit(user: User, inspection: Inspection | None = None) -> bool:
    if inspection is None:
        return False
    return inspection.inspector_id == user.id or user.role == ADMIN


@rule("inspection.start")
def _may_start(user: User, kind: str | None = None) -> bool:
    return kind in usable_kinds(user) and user.role in (ADMIN, INSPECTOR, MONITOR, SHOPPER)


@rule("assignment.fill")
def _may_fill(user: User, assignment: Assignment | None = None) -> bool:
    if assignment is None:
        return False
    if user.role == ADMIN:
        return True
    if kind_of(assignment.kind).by_vendor:
        return user.role == SHOPPER and assignment.vendor_id == user.vendor_id and \
            assignment.assignee_id in (None, user.id)
    return assignment.assignee_id in (None, user.id) and assignment.kind in usable_kinds(user)


@rule("remote.excuse")
def _may_excuse(user: User, assignment: Assignment | None = None) -> bool:
    """Who records (and withdraws) why a teller could not be checked: the monitor whose queue holds the
    teller, and the admin."""
    if assignment is None or user.role not in (ADMIN, MONITOR):
        return False
    return kind_of(assignment.kind).runs_in_cycles and _may_fill(user, assignment)


def visible_inspections(user: User, query: Select) -> Select:
    """The list filter matching inspection.view, as SQL."""
    query = narrow(user, query, Inspection.outlet_id)
    if user.role == ADMIN:
        return query
    own = Inspection.inspector_id == user.id
    if user.role == SHOPPER:
        return query.where(own)
    not_secret = or_(Inspection.kind.in_(open_kinds()), Inspection.status == PUBLISHED)
    shared = and_(Inspection.status != DRAFT, not_secret)
    if user.role in (VIEWER, INSPECTOR, MONITOR):
        return query.where(or_(and_(own, not_secret), shared))
    if user.role == OUTLET:
        return query.where(shared, Inspection.outlet_id == user.outlet_id)
    return query.where(false())


def visible_assignments(user: User, query: Select) -> Select:
    query = narrow(user, query, Assignment.outlet_id)
    if user.role == ADMIN:
        return query
    if user.role == SHOPPER:
        query = query.where(Assignment.kind.in_(vendor_kinds()), Assignment.vendor_id == user.vendor_id)
        if user.is_coordinator:
            return query
        return query.where(or_(Assignment.assignee_id.is_(None), Assignment.assignee_id == user.id))
    if user.role == VIEWER:
        return query.where(Assignment.kind.in_(bank_kinds()))
    if user.role in (INSPECTOR, MONITOR):
        return query.where(Assignment.kind.in_(bank_kinds()), Assignment.kind.in_(usable_kinds(user)),
                           or_(Assignment.assignee_id.is_(None), Assignment.assignee_id == user.id))
    return query.where(false())
