"""Who reviews mystery visits, follows the vendors' performance, and hands visits to shoppers."""
from __future__ import annotations

from sqlalchemy import Select, false, select

from core.permissions import Role, rule, tree_wide
from inspections.models import Assignment
from org.models import User

ADMIN, SHOPPER = Role.ADMIN.value, Role.MYSTERY_SHOPPER.value

rule("mystery.review")(tree_wide(Role.ADMIN))
rule("mystery.performance")(tree_wide(Role.ADMIN))


@rule("mystery.coordinate")
def _may_coordinate(user: User, assignment: Assignment | None = None) -> bool:
    if user.role == ADMIN:
        return True
    if user.role != SHOPPER or not user.is_coordinator:
        return False
    return assignment is None or assignment.vendor_id == user.vendor_id


def visible_shoppers(user: User) -> Select:
    """Active shoppers a visit may be handed to: any for the admin, a vendor's own for its coordinator."""
    query = select(User).where(User.role == SHOPPER, User.active.is_(True))
    if user.role == ADMIN:
        return query
    if user.vendor_id is None:
        return query.where(false())
    return query.where(User.vendor_id == user.vendor_id)
