"""The league tables at every level as a user may see them, shaped once for the API and the pages. They
compare outlets and nodes with each other, so they are for those who see every outlet's row."""
from __future__ import annotations

from flask_babel import gettext as _

from core.errors import NotFound
from core.extensions import db
from core.permissions import authorize
from org.models import Branch, User
from org.scope import holds_node, scope_node
from reports import periods, rules
from reports.node_league import area_league, node_league


def _node(user: User, node_id: int | None) -> Branch | None:
    """The node asked for (none: the user's own node, or the top of the tree); one beside the user's own
    is as missing."""
    if node_id is None:
        return scope_node(user)
    node = db.session.get(Branch, node_id)
    if node is None or not holds_node(user, node):
        raise NotFound(_("No such node of the bank's structure."))
    return node


def area_table(user: User, period: periods.Period, node_id: int | None) -> dict:
    """全辖: the outlet league over everything below the node (none: the whole bank)."""
    authorize("report.league.all", user=user)
    node = _node(user, node_id)
    values = rules.current(node)  # the target and the weights that hold at the node
    return {"period": period.label, "previous_period": period.previous().label,
            "target_rank": int(values["target_rank"]), "node": node,
            "rows": area_league(period, node, values=values), "period_object": period}


def node_table(user: User, period: periods.Period, node_id: int | None) -> dict:
    """The nodes directly below the node (none: the top of the tree), ranked."""
    authorize("report.league.all", user=user)
    node = _node(user, node_id)
    return {"period": period.label, "previous_period": period.previous().label, "node": node,
            "rows": node_league(period, node)}
