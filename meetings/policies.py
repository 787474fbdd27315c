"""Who reads the meetings' records and their action items, and who changes them. Leadership (admin,
viewer) reads every meeting and item; only the admin records meetings, adds items and reopens them. An
item is closed by the admin or its owner: the owner's account, or the outlet manager of the owner
outlet, who sees only the items so owned. Inspectors, the remote monitor and shoppers see nothing."""
from __future__ import annotations

from sqlalchemy import Select, false, or_

from core.permissions import Role, rule, tree_wide
from meetings.models import ActionItem
from org.models import User

LEADERSHIP = {Role.ADMIN.value, Role.VIEWER.value}
# The accounts an item may name as its owner: those who may see and close it.
OWNER_ROLES = (Role.ADMIN.value, Role.VIEWER.value, Role.OUTLET_MANAGER.value)

rule("meeting.view")(tree_wide(Role.ADMIN, Role.VIEWER))
rule("meeting.edit")(tree_wide(Role.ADMIN))
rule("action_item.add")(tree_wide(Role.ADMIN))
rule("action_item.reopen")(tree_wide(Role.ADMIN))
rule("action_item.list")(tree_wide(Role.ADMIN, Role.VIEWER, Role.OUTLET_MANAGER))


def owns(user: User, item: ActionItem) -> bool:
    if item.owner_user_id is not None and item.owner_user_id == user.id:
        return True
    return (user.role == Role.OUTLET_MANAGER.value and item.owner_outlet_id is not None
            and item.owner_outlet_id == user.outlet_id)


@rule("action_item.view")
def _may_view(user: User, item: ActionItem | None = None) -> bool:
    return item is not None and (user.role in LEADERSHIP or owns(user, item))


@rule("action_item.close")
def _may_close(user: User, item: ActionItem | None = None) -> bool:
    if item is None or user.role not in OWNER_ROLES:
        return False
    return user.role == Role.ADMIN.value or owns(user, item)


def visible_items(user: User, query: Select) -> Select:
    if user.role in LEADERSHIP:
        return query
    if user.role == Role.OUTLET_MANAGER.value:
        mine = [ActionItem.owner_user_id == user.id]
        if user.outlet_id is not None:
            mine.append(ActionItem.owner_outlet_id == user.outlet_id)
        return query.where(or_(*mine))
    return query.where(false())
