"""The bank's tree under /api/v1/branches: list, create, read, rename, re-level and move nodes."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from core.extensions import db
from core.permissions import authorize
from org import hierarchy, operations
from org.models import Branch
from org.schemas import BranchListArgsSchema, BranchSchema
from org.scope import narrow_nodes

blp = Blueprint("branches", __name__, url_prefix="/api/v1/branches",
                description="The bank's tree: head office, province, city and sub-branch nodes (admin changes "
                            "them). A node's parent is of a higher level; outlets hang under a node.")


@blp.route("/")
class Nodes(MethodView):
    @blp.arguments(BranchListArgsSchema, location="query")
    @blp.response(200, BranchSchema(many=True))
    def get(self, args):
        """List the nodes, each parent before its children; optionally the children of one node or one level."""
        authorize("branch.list")
        query = narrow_nodes(current_user, select(Branch)).order_by(Branch.path)
        if "parent_id" in args:
            query = query.where(Branch.parent_id == args["parent_id"])
        if "level" in args:
            query = query.where(Branch.level == args["level"])
        return db.session.execute(query).scalars().all()

    @blp.arguments(BranchSchema)
    @blp.response(201, BranchSchema)
    def post(self, data):
        """Create a node (without a level: the lowest); 422 when its parent is not of a higher level."""
        authorize("org.manage")
        return hierarchy.create_node(data, current_user)


@blp.route("/<int:ident>")
class Node(MethodView):
    @blp.response(200, BranchSchema)
    def get(self, ident):
        """Read one node."""
        authorize("branch.list")
        node = operations.get_or_404(Branch, ident, "Branch")
        authorize("branch.list", node, conceal=True)
        return node

    @blp.arguments(BranchSchema(partial=True))
    @blp.response(200, BranchSchema)
    def patch(self, data, ident):
        """Rename, re-level or move a node (a new parent_id; null for the top). A move under itself or a node
        below it (`hierarchy_cycle`), or under a node not of a higher level (`level_inversion`), is refused."""
        authorize("branch.list")
        node = operations.get_or_404(Branch, ident, "Branch")
        authorize("branch.list", node, conceal=True)
        authorize("org.manage", node)
        return hierarchy.update_node(node, data, current_user)
