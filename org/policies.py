"""Who may see and change the organisation. Registered with the one permission mechanism."""
from __future__ import annotations

from sqlalchemy import Select, select

from core.permissions import Role, roles, rule, tree_wide
from org.models import Outlet, Staff, User, Vendor
from org.scope import narrow, narrow_users, settings_in_line

BANK_WIDE_READERS = {Role.ADMIN.value, Role.VIEWER.value, Role.INSPECTOR.value, Role.REMOTE_MONITOR.value}

rule("org.manage")(roles(Role.ADMIN))
rule("user.manage")(roles(Role.ADMIN))
# Who may see the list of users, on the admin pages and through the API alike.
rule("user.list")(roles(Role.ADMIN))
rule("audit.view")(tree_wide(Role.ADMIN))
rule("vendor.list")(roles(Role.ADMIN, Role.VIEWER))


# The tree's nodes are no secret: everyone who sees outlets sees where they hang.
rule("branch.list")(lambda user, obj=None: True)


@rule("outlet.list")
def _may_list_outlets(user: User, obj=None) -> bool:
    return True


@rule("outlet.view")
def _may_view_outlet(user: User, outlet: Outlet | None = None) -> bool:
    if user.role == Role.OUTLET_MANAGER.value:
        return outlet is not None and outlet.id == user.outlet_id
    return True


@rule("counter.view")
def _may_view_counter(user: User, counter=None) -> bool:
    if user.role == Role.OUTLET_MANAGER.value:
        return counter is not None and counter.outlet_id == user.outlet_id
    return True


@rule("staff.list")
def _may_list_staff(user: User, obj=None) -> bool:
    return user.role != Role.MYSTERY_SHOPPER.value


@rule("staff.view")
def _may_view_staff(user: User, staff: Staff | None = None) -> bool:
    if user.role in BANK_WIDE_READERS:
        return True
    if user.role == Role.OUTLET_MANAGER.value:
        return staff is not None and staff.outlet_id == user.outlet_id
    return False


def scope_outlets(user: User, query: Select, outlet_column) -> Select:
    """Restrict a query to the outlets the user may see."""
    if user.role == Role.OUTLET_MANAGER.value:
        return query.where(outlet_column == user.outlet_id)
    return narrow(user, query, outlet_column)


def visible_rows(user: User, model) -> Select:
    """The organisation's rows of one kind a user may list: outlets and what hangs on them within the
    user's outlet or node, the accounts a node-bound admin manages, the vendors set above its node, at it
    or below."""
    query = select(model)
    if model is Vendor:
        return query.where(settings_in_line(user, Vendor.node_id))
    if model is Outlet:
        return scope_outlets(user, query, Outlet.id)
    if model is User:
        return narrow_users(user, query)
    if hasattr(model, "outlet_id"):
        return scope_outlets(user, query, model.outlet_id)
    return query
