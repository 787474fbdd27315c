"""Everything below a node of the bank's tree, as SQL: one LIKE on the materialised path."""
from __future__ import annotations

from sqlalchemy import Select, select

from org.models import Branch, Outlet


def node_ids_below(node: Branch) -> Select:
    """The node itself and every node under it, as a subquery of ids."""
    return select(Branch.id).where(Branch.path.startswith(node.path, autoescape=True))


def outlets_below(node: Branch) -> Select:
    """The outlets hanging anywhere under the node (the node's own included), as a subquery of ids."""
    return select(Outlet.id).where(Outlet.branch_id.in_(node_ids_below(node)))
