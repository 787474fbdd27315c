"""Changes to the bank's tree: create, rename, move or re-level a node. A node's parent is always of a
higher level, never itself nor a node below it, and every node's path follows its parent's."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, literal, select, update

from core import audit
from core.errors import OperationError
from core.extensions import db
from org import levels
from org.models import Branch, User
from org.operations import _check_unique, _flush_or_conflict, keep_within_scope
from org.scope import narrow_nodes, scope_node


def _refuse(field: str, message: str, problem: str) -> None:
    raise OperationError(message, {field: [message]}, problem=problem)


def _parent(parent_id: int | None) -> Branch | None:
    if parent_id is None:
        return None
    parent = db.session.get(Branch, parent_id)
    if parent is None:
        _refuse("parent_id", _("No such parent node."), "validation_failed")
    return parent


def _check_level(level: str) -> None:
    if level not in levels.configured():
        _refuse("level", _("Choose one of the levels: %(levels)s.",
                           levels="、".join(label for _key, label in levels.choices())), "validation_failed")


def _check_placement(node: Branch | None, level: str, parent: Branch | None) -> None:
    """The parent above the node's level, the node above its children's, and no node under itself."""
    if parent is not None:
        if node is not None and parent.path.startswith(node.path):
            _refuse("parent_id", _("A node cannot be placed under itself or under a node below it."),
                    "hierarchy_cycle")
        if levels.rank(parent.level) >= levels.rank(level):
            _refuse("parent_id", _("The parent %(parent)s is a %(parent_level)s; a %(level)s must sit under a "
                                   "higher level.", parent=parent.name, parent_level=levels.label(parent.level),
                                   level=levels.label(level)), "level_inversion")
    if node is not None:
        for child in node.children:
            if levels.rank(child.level) <= levels.rank(level):
                _refuse("level", _("%(child)s below it is a %(child_level)s; a node above it must be of a "
                                   "higher level.", child=child.name, child_level=levels.label(child.level)),
                        "level_inversion")


def _lock_tree() -> None:
    """Placing a node reads its parent's path and rewrites paths below: two placements at once wait for
    each other here, and the second reads the tree as the first left it."""
    db.session.execute(select(Branch).with_for_update().execution_options(populate_existing=True)).all()


def create_node(data: dict, actor: User | None) -> Branch:
    _lock_tree()
    data = dict(data)
    data.setdefault("level", levels.configured()[-1])
    _check_unique(Branch, data)
    _check_level(data["level"])
    parent = _parent(data.get("parent_id"))
    _check_placement(None, data["level"], parent)
    if actor is not None and scope_node(actor) is not None:
        keep_within_scope(parent, actor)  # a node-bound admin adds only below its own node
    node = Branch(**data)
    db.session.add(node)
    _flush_or_conflict()
    audit.record("branch.create", node, actor=actor, after=audit.snapshot(node))
    return node


def update_node(node: Branch, data: dict, actor: User | None) -> Branch:
    """Rename, re-level or move (a new parent_id) a node; a move carries the whole subtree along."""
    if "parent_id" in data or "level" in data:
        _lock_tree()
    _check_unique(Branch, data, current=node)
    level = data.get("level", node.level)
    if "level" in data:
        _check_level(level)
    parent_id = data.get("parent_id", node.parent_id)
    _check_placement(node, level, _parent(parent_id))
    if actor is not None and scope_node(actor) is not None and parent_id != node.parent_id:
        # A node-bound admin moves nodes below its own, to places below its own; never its own node.
        if node.id == actor.scope_node_id:
            keep_within_scope(None, actor)
        keep_within_scope(_parent(parent_id), actor)
    before = audit.snapshot(node)
    moved = parent_id != node.parent_id
    for key, value in data.items():
        setattr(node, key, value)
    _flush_or_conflict()
    if moved:
        _rewrite_paths(node)
    audit.record("branch.move" if moved else "branch.update", node, actor=actor, before=before,
                 after=audit.snapshot(node))
    return node


def _rewrite_paths(node: Branch) -> None:
    old = node.path
    prefix = node.parent.path if node.parent_id is not None else "/"
    new = f"{prefix}{node.id}/"
    db.session.execute(
        update(Branch).where(Branch.path.startswith(old, autoescape=True))
        .values(path=literal(new) + func.substr(Branch.path, len(old) + 1))
        .execution_options(synchronize_session=False))
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Branch):
            db.session.expire(obj, ["path"])


def tree(user: User) -> list[Branch]:
    """Every node the user sees (all, or its own and those below), each parent before its children."""
    return list(db.session.execute(narrow_nodes(user, select(Branch)).order_by(Branch.path)).scalars())


def depth(node: Branch) -> int:
    return node.path.count("/") - 2
