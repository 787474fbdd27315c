"""Who sees the monthly volumes and errors: leadership (admin, viewer) every outlet; an outlet manager the own
outlet's tellers and the outlets compared; the inspectors, the remote monitor and the shopper nothing. Only
the admin imports the month's report."""
from __future__ import annotations

from core.permissions import Role, roles, rule, tree_wide
from org.models import User
from org.scope import outlet_id_list

rule("volumes.view")(roles(Role.ADMIN, Role.VIEWER, Role.OUTLET_MANAGER))
rule("volumes.import")(tree_wide(Role.ADMIN))


def outlet_scope(user: User) -> list[int] | None:
    """The outlets whose tellers the user may see: None means all of them."""
    return outlet_id_list(user)
