"""Everything below a node of the bank's tree, as SQL (one LIKE on the materialised path), and what a
user bound to a node may reach: a bank-side user with a node works over the outlets below it only."""
from __future__ import annotations

from sqlalchemy import Select, and_, or_, select, true

from core.extensions import db
from core.permissions import scope_rule
from org.models import Branch, Outlet, User, Vendor

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
    bank-side users of its node or below, shoppers of the vendors set there; not the bank-wide ones."""
    if scope_node(user) is None:
        return True
    if other.outlet_id is not None:
        return holds_outlet(user, other.outlet_id)
    if other.vendor_id is not None:  # a shopper of a vendor set at the node or below
        vendor = db.session.get(Vendor, other.vendor_id)
        return vendor is not None and vendor.node_id is not None and manages_setting(user, vendor.node_id)
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
    if hasattr(obj, "node_id") and not hasattr(obj, "outlet_id"):  # a checklist, plan or vendor set at a node
        return in_line(user, obj.node_id)
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
    vendors_below = select(Vendor.id).where(Vendor.node_id.in_(node_ids_below(node)))
    return query.where(or_(User.outlet_id.in_(outlets_below(node)), User.vendor_id.in_(vendors_below),
                           and_(User.role.in_(BANK_SIDE_ROLES), User.scope_node_id.in_(node_ids_below(node)))))


def narrow_nodes(user: User, query: Select) -> Select:
    """The nodes a node-bound user sees: its own and those below it."""
    node = scope_node(user)
    return query if node is None else query.where(Branch.id.in_(node_ids_below(node)))


# --- what is set at a node (checklists, plans, vendors) and applies below it -------------------------

def in_line(user: User, node_id: int | None) -> bool:
    """Whether a setting of that node concerns the user: set above its node (inherited), at it, or below it
    (set by a node it works over); not beside it. A setting without a node is the whole bank's."""
    top = scope_node(user)
    if top is None or node_id is None:
        return True
    node = db.session.get(Branch, node_id)
    return node is not None and (top.path.startswith(node.path) or node.path.startswith(top.path))


def settings_in_line(user: User, node_column):
    """in_line as SQL, for a list of settings."""
    top = scope_node(user)
    if top is None:
        return true()
    ancestors = [int(part) for part in top.path.strip("/").split("/") if part]
    return or_(node_column.is_(None), node_column.in_(ancestors), node_column.in_(node_ids_below(top)))


def setting_node_for(user: User | None) -> int | None:
    """Where a setting made by this user is set: at its node (none for an unbound user, or the system: the
    whole bank)."""
    top = scope_node(user) if user is not None else None
    return None if top is None else top.id


def manages_setting(user: User, node_id: int | None) -> bool:
    """A node-bound admin changes only what is set at its node or below; the whole bank's is read-only to it."""
    top = scope_node(user)
    return top is None or (node_id is not None and holds_node(user, db.session.get(Branch, node_id)))


def applies_to(node_id: int | None, outlet_id: int) -> bool:
    """Whether a setting of that node applies to the outlet (it hangs below the node)."""
    if node_id is None:
        return True
    node, outlet = db.session.get(Branch, node_id), db.session.get(Outlet, outlet_id)
    return node is not None and outlet is not None and outlet.branch.path.startswith(node.path)


def applies_below(node_id: int | None, inner_node_id: int | None) -> bool:
    """Whether a setting of `node_id` applies to everything below `inner_node_id` (a plan's checklist)."""
    if node_id is None:
        return True
    if inner_node_id is None:
        return False
    node, inner = db.session.get(Branch, node_id), db.session.get(Branch, inner_node_id)
    return node is not None and inner is not None and inner.path.startswith(node.path)
