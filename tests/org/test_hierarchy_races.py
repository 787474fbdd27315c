"""Two administrators moving nodes of the tree at the same moment, over real sockets: every path still
follows its parent's, so "everything below a node" stays true."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from org import hierarchy
from org.models import Branch
from tests.inspections.helpers import at_once, statuses

ROUNDS = 3


def _node(code: str, level: str, parent: Branch | None) -> Branch:
    return hierarchy.create_node({"code": code, "name": f"{code}机构", "level": level,
                                  "parent_id": parent.id if parent else None}, None)


def _paths_follow_parents(db) -> None:
    db.session.expire_all()
    nodes = {node.id: node for node in db.session.execute(select(Branch)).scalars()}
    for node in nodes.values():
        prefix = nodes[node.parent_id].path if node.parent_id else "/"
        assert node.path == f"{prefix}{node.id}/", (node.code, node.path)


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_a_node_moved_under_a_city_while_the_city_moves_ends_below_it(db, org, bearer, live_server, attempt):
    """The sub-branch goes under city C while C goes under another province: the sub-branch's path must
    name the new province, whichever move is stored first."""
    admin = org.user("admin")
    first, second = _node("P1", "province", None), _node("P2", "province", None)
    city, other_city = _node("C", "city", first), _node("D", "city", first)
    hierarchy.update_node(org.branch, {"parent_id": other_city.id}, None)
    db.session.commit()
    headers = {**bearer(admin), "Content-Type": "application/json"}
    calls = [("PATCH", f"/api/v1/branches/{org.branch.id}", json.dumps({"parent_id": city.id}).encode(), headers),
             ("PATCH", f"/api/v1/branches/{city.id}", json.dumps({"parent_id": second.id}).encode(), headers)]
    db.session.commit()  # the test holds no transaction while the server works

    results = at_once(live_server, calls)
    assert statuses(results) == [200, 200], results
    _paths_follow_parents(db)
    assert db.session.get(Branch, org.branch.id).path.startswith(second.path)
