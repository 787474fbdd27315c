"""Everything below a node of the bank's tree, as SQL (one LIKE on the materialised path), and what a
user bound to a node may reach: a bank-side user with a node works over the outlets below it only."""
from __future__ import annotations

from sqlalchemy import Select, and_, or_, select

from core.extensions import db
from core.permissions import scope_rule
from org.models import Branch, Outlet, User

BANK_SIDE_ROLES = ("admin", "viewer", "inspector", "remote_monitor")


def node_ids_below(node: Branch) -> Select:
    """The node itself and every node under it, as a subquery of ids."""
    return select(Branch.id).where(Branch.path.startswith(node.path, autoescape=True))


def outlets_below(node: Branch) -> Select:
    """The outlets hanging anywhere under the node (the node's own included), as a subquery of ids."""
    return select(Outlet.id).where(Outlet.branch_id.in_(node_ids_below(node)))


def scope_node(user: User) -> Branch | None:
    """The node a bank-side user is bound to; None for the whole tree (and for other roles, whose
    scope is their outlet or vendor)."""
    if user.role not in BANK_SIDE_ROLES or user.scope_node_id is None:
        return None
    return db.session.get(Branch, user.scope_node_id)


def outlets_in_scope(user: User) -> Select | None:
    """The outlets a node-bound user works over, as a subquery; None when nothing is narrowed."""
    node = scope_node(user)
    return None if node is None else outlets_below(node)


def narrow(user: User, query: Select, outlet_column) -> Select:
    """The query kept to the rows whose outlet the user's node holds (unchanged without a node)."""
    outlets = outlets_in_scope(user)
    return query if outlets is None else query.where(outlet_column.in_(outlets))


def holds_node(user: User, node: Branch | None) -> bool:
    top = scope_node(user)
    return top is None or (node is not None and node.path.startswith(top.path))


def holds_outlet(user: User, outlet_id: int | None) -> bool:
    top = scope_node(user)
    if top is None:
        return True
    outlet = db.session.get(Outlet, outlet_id) if outlet_id is not None else None
    return outlet is not None and outlet.branch.path.startswith(top.path)


def holds_user(user: User, other: User) -> bool:
    """A node-bound admin manages the accounts bound within its node: outlet managers of its outlets,
    bank-side users of its node or below; not the bank-wide ones, not the vendors' shoppers."""
    if scope_node(user) is None:
        return True
    if other.outlet_id is not None:
        return holds_outlet(user, other.outlet_id)
    return other.role in BANK_SIDE_ROLES and other.scope_node_id is not None and \
        holds_node(user, db.session.get(Branch, other.scope_node_id))


@scope_rule
def reaches(user: User, obj) -> bool:
    """Whether an object lies within a node-bound user's part of the tree: a node, an outlet, an
    account, or anything that belongs to an outlet (an inspection, a finding, a teller…)."""
    if scope_node(user) is None:
        return True
    if isinstance(obj, Branch):
        return holds_node(user, obj)
    if isinstance(obj, Outlet):
        return holds_node(user, db.session.get(Branch, obj.branch_id) if obj.branch_id is not None else None)
    if isinstance(obj, User):
        return holds_user(user, obj)
    outlet_id = getattr(obj, "outlet_id", None)
    if outlet_id is not None:
        return holds_outlet(user, outlet_id)
    branch_id = getattr(obj, "branch_id", None)  # a node's own record (its red/black list, its complaint)
    return True if branch_id is None else holds_node(user, db.session.get(Branch, branch_id))


def outlet_id_list(user: User) -> list[int] | None:
    """The outlets whose people and figures a user may see, as ids: an outlet manager's own, a node-bound
    user's outlets below the node; None: all of them."""
    if user.role == "outlet_manager":
        return [user.outlet_id] if user.outlet_id is not None else []
    outlets = outlets_in_scope(user)
    return None if outlets is None else list(db.session.execute(outlets).scalars())


def narrow_users(user: User, query: Select) -> Select:
    """The accounts a node-bound admin manages (holds_user, as SQL)."""
    node = scope_node(user)
    if node is None:
        return query
    return query.where(or_(User.outlet_id.in_(outlets_below(node)),
                           and_(User.role.in_(BANK_SIDE_ROLES), User.scope_node_id.in_(node_ids_below(node)))))


def narrow_nodes(user: User, query: Select) -> Select:
    """The nodes a node-bound user sees: its own and those below it."""
    node = scope_node(user)
    return query if node is None else query.where(Branch.id.in_(node_ids_below(node)))
