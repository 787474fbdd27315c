"""The bank's tree: nodes at configured levels, kept in order by the API and the admin pages (a node's
parent is always of a higher level and never itself or below it), paths that follow every move, and one
query for everything below a node."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from org.models import Branch, Outlet
from org.scope import node_ids_below, outlets_below
from tests.support import row_counts


@pytest.fixture
def admin(org, bearer):
    return bearer(org.user("admin"))


def _node(client, headers, **body):
    response = client.post("/api/v1/branches/", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def tree(client, admin, org):
    """江苏省分行 → 苏州分行 → (相城支行 of the fixture, moved here), 园区支行; 无锡分行 beside 苏州."""
    province = _node(client, admin, code="JS", name="江苏省分行", level="province")
    suzhou = _node(client, admin, code="SZ", name="苏州分行", level="city", parent_id=province["id"])
    wuxi = _node(client, admin, code="WX", name="无锡分行", level="city", parent_id=province["id"])
    park = _node(client, admin, code="YQ", name="园区支行", level="sub_branch", parent_id=suzhou["id"])
    moved = client.patch(f"/api/v1/branches/{org.branch.id}", json={"parent_id": suzhou["id"]}, headers=admin)
    assert moved.status_code == 200, moved.get_json()
    return {"province": province, "suzhou": suzhou, "wuxi": wuxi, "park": park, "xiangcheng": moved.get_json()}


def test_nodes_carry_their_path_from_the_top(tree, org):
    p, s, x = tree["province"]["id"], tree["suzhou"]["id"], org.branch.id
    assert tree["province"]["path"] == f"/{p}/"
    assert tree["park"]["path"] == f"/{p}/{s}/{tree['park']['id']}/"
    assert tree["xiangcheng"]["path"] == f"/{p}/{s}/{x}/" and tree["xiangcheng"]["level"] == "sub_branch"


def test_the_list_puts_each_parent_before_its_children_and_filters(client, admin, tree):
    codes = [n["code"] for n in client.get("/api/v1/branches/", headers=admin).get_json()]
    assert codes.index("JS") < codes.index("SZ") < codes.index("XC") and codes.index("SZ") < codes.index("YQ")
    children = client.get(f"/api/v1/branches/?parent_id={tree['suzhou']['id']}", headers=admin).get_json()
    assert sorted(n["code"] for n in children) == ["XC", "YQ"]
    cities = client.get("/api/v1/branches/?level=city", headers=admin).get_json()
    assert sorted(n["code"] for n in cities) == ["SZ", "WX"]


def test_a_level_may_be_skipped(client, admin, tree):
    direct = _node(client, admin, code="NJ", name="南京直属支行", level="sub_branch", parent_id=tree["province"]["id"])
    assert direct["path"] == f"/{tree['province']['id']}/{direct['id']}/"


def test_a_move_carries_the_whole_subtree(client, admin, tree, org, db):
    moved = client.patch(f"/api/v1/branches/{tree['suzhou']['id']}", json={"parent_id": None}, headers=admin)
    assert moved.status_code == 200 and moved.get_json()["path"] == f"/{tree['suzhou']['id']}/"
    db.session.expire_all()
    assert db.session.get(Branch, org.branch.id).path == f"/{tree['suzhou']['id']}/{org.branch.id}/"
    assert db.session.get(Branch, tree["park"]["id"]).path == f"/{tree['suzhou']['id']}/{tree['park']['id']}/"
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "branch.move")
                               .order_by(AuditEntry.id.desc())).scalars().first()
    assert entry.object_id == str(tree["suzhou"]["id"]) and entry.actor_id is not None


@pytest.mark.parametrize("case", ["under_itself", "under_its_child", "under_a_lower_level", "under_its_equal",
                                  "relevel_below_its_child"])
def test_cycles_and_level_inversions_are_refused_in_chinese_and_change_nothing(client, admin, tree, org, case):
    s, p, x = tree["suzhou"]["id"], tree["province"]["id"], org.branch.id
    target, body, problem, words = {
        "under_itself": (s, {"parent_id": s}, "hierarchy_cycle", "其自身或其下级机构"),
        "under_its_child": (p, {"parent_id": s}, "hierarchy_cycle", "其自身或其下级机构"),
        "under_a_lower_level": (tree["wuxi"]["id"], {"parent_id": x}, "level_inversion", "必须隶属于更高层级"),
        "under_its_equal": (tree["wuxi"]["id"], {"parent_id": s}, "level_inversion", "苏州分行是市分行"),
        "relevel_below_its_child": (s, {"level": "sub_branch"}, "level_inversion", "相城支行是支行"),
    }[case]
    before = row_counts()
    paths = {n["id"]: n["path"] for n in client.get("/api/v1/branches/", headers=admin).get_json()}
    response = client.patch(f"/api/v1/branches/{target}", json=body, headers=admin)
    assert response.status_code == 422, response.get_json()
    answer = response.get_json()
    assert answer["problem"] == problem and words in answer["message"], answer
    assert row_counts() == before
    assert {n["id"]: n["path"] for n in client.get("/api/v1/branches/", headers=admin).get_json()} == paths


def test_bad_input_is_refused_with_field_errors(client, admin, tree):
    unknown = client.post("/api/v1/branches/", json={"code": "Q", "name": "某行", "level": "galaxy"}, headers=admin)
    assert unknown.status_code == 422 and "level" in unknown.get_json()["errors"]
    assert "总行、省分行、市分行、支行" in unknown.get_json()["message"]
    orphan = client.post("/api/v1/branches/", json={"code": "Q", "name": "某行", "parent_id": 99999}, headers=admin)
    assert orphan.status_code == 422 and orphan.get_json()["errors"]["parent_id"] == ["没有这个上级机构。"]
    taken = client.post("/api/v1/branches/", json={"code": "sz", "name": "重复"}, headers=admin)
    assert taken.status_code == 409
    assert client.patch("/api/v1/branches/99999", json={"name": "x"}, headers=admin).status_code == 404


def test_a_new_node_without_a_level_is_of_the_lowest(client, admin):
    assert _node(client, admin, code="LOW", name="新支行")["level"] == "sub_branch"


def test_only_the_admin_changes_the_tree(client, org, bearer, tree):
    for role in ("viewer", "inspector", "remote_monitor", "outlet_manager", "mystery_shopper"):
        headers = bearer(org.user(role))
        assert client.get("/api/v1/branches/", headers=headers).status_code == 200
        assert client.post("/api/v1/branches/", json={"code": "N", "name": "n"}, headers=headers).status_code == 403
        renamed = client.patch(f"/api/v1/branches/{tree['park']['id']}", json={"name": "x"}, headers=headers)
        assert renamed.status_code == 403
    assert client.get("/api/v1/branches/").status_code == 401


def test_everything_below_a_node_in_one_query(tree, org, db):
    park_outlet = Outlet(branch_id=tree["park"]["id"], code="YQ01", name="园区支行营业部")
    db.session.add(park_outlet)
    db.session.flush()
    suzhou = db.session.get(Branch, tree["suzhou"]["id"])
    wuxi = db.session.get(Branch, tree["wuxi"]["id"])
    below = set(db.session.execute(node_ids_below(suzhou)).scalars())
    assert below == {tree["suzhou"]["id"], tree["park"]["id"], org.branch.id}
    assert set(db.session.execute(outlets_below(suzhou)).scalars()) == {org.outlet_a.id, org.outlet_b.id,
                                                                          park_outlet.id}
    assert set(db.session.execute(outlets_below(db.session.get(Branch, tree["park"]["id"]))).scalars()) == \
        {park_outlet.id}
    assert list(db.session.execute(outlets_below(wuxi)).scalars()) == []


def test_a_path_prefix_is_not_a_sibling_with_a_longer_id(db):
    """/1/ must not match /12/: the trailing slash is part of every path."""
    nodes = [Branch(code=f"N{i}", name=f"n{i}", level="province") for i in range(12)]
    db.session.add_all(nodes)
    db.session.flush()
    first = min(nodes, key=lambda n: n.id)
    assert list(db.session.execute(node_ids_below(first)).scalars()) == [first.id]


def test_the_admin_pages_create_move_and_refuse(client, org, login, tree, db):
    token = login(org.users["admin"])
    page = client.get("/admin/branches/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "机构体系" in text and "苏州分行" in text and "市分行" in text
    form = client.get("/admin/branches/new").get_data(as_text=True)
    assert "上级机构" in form and "　相城支行 · 支行" in form
    created = client.post("/admin/branches/new", data={"csrf_token": token, "code": "GS", "name": "姑苏支行",
                                                       "level": "sub_branch", "parent_id": tree["suzhou"]["id"]})
    assert created.status_code == 302
    made = db.session.execute(select(Branch).filter_by(code="GS")).scalar_one()
    assert made.parent_id == tree["suzhou"]["id"]
    refused = client.post(f"/admin/branches/{tree['province']['id']}/edit",
                          data={"csrf_token": token, "code": "JS", "name": "江苏省分行", "level": "province",
                                "parent_id": made.id})
    assert refused.status_code == 422 and "机构不能放在其自身或其下级机构之下。" in refused.get_data(as_text=True)
    renamed = client.post(f"/admin/branches/{tree['wuxi']['id']}/edit",
                          data={"csrf_token": token, "code": "WX", "name": "无锡市分行", "level": "city",
                                "parent_id": tree["province"]["id"]})
    assert renamed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Branch, tree["wuxi"]["id"]).name == "无锡市分行"


def test_pages_of_the_tree_are_refused_to_other_roles(client, org, login):
    login(org.user("inspector"))
    assert client.get("/admin/branches/").status_code == 403
    assert client.get("/admin/branches/new").status_code == 403
