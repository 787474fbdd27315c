"""League tables at every level, from the fixed bank of tests/reports (see test_league for its September):
江苏省分行 → 苏州分行 → 相城支行 (outlet A) and 园区支行 (outlet B); 无锡分行 beside 苏州分行, with no outlet.

A node's kind average is the total over its outlets' inspections of that kind divided by their number:
苏州分行 in September: on-site (90 + 95) / 2 = 92.5, 7S (80 + 90) / 2 = 85, remote (98.75 × 24 + 99 × 30) / 54
= 98.89, mystery 80 (B's published visit; A's unpublished one counts nowhere) → (92.5·35 + 85·20 + 98.89·25 +
80·20) / 100 = 90.10, not the mean of A's 90.23 and B's 92.0 (91.12)."""
from __future__ import annotations

import pytest

from org import hierarchy
from reports.node_league import area_league, node_league
from reports.periods import month_period

SEPTEMBER = month_period(2026, 9)


@pytest.fixture
def tree(bank, org, users, db):
    admin = users["admin"]
    province = hierarchy.create_node({"code": "JS", "name": "江苏省分行", "level": "province"}, admin)
    suzhou = hierarchy.create_node({"code": "SZ", "name": "苏州分行", "level": "city", "parent_id": province.id}, admin)
    wuxi = hierarchy.create_node({"code": "WX", "name": "无锡分行", "level": "city", "parent_id": province.id}, admin)
    park = hierarchy.create_node({"code": "YQ", "name": "园区支行", "parent_id": suzhou.id}, admin)
    hierarchy.update_node(org.branch, {"parent_id": suzhou.id}, admin)
    org.outlet_b.branch_id = park.id
    db.session.commit()
    return {"province": province, "suzhou": suzhou, "wuxi": wuxi, "park": park, "xiangcheng": org.branch}


def test_sub_branches_within_a_city_branch(tree):
    rows = {row.name: row for row in node_league(SEPTEMBER, tree["suzhou"])}
    assert set(rows) == {"相城支行", "园区支行"}
    assert (rows["园区支行"].score, rows["园区支行"].rank, rows["园区支行"].outlets) == (92.0, 1, 1)
    assert (rows["相城支行"].score, rows["相城支行"].rank, rows["相城支行"].previous_rank) == (90.23, 2, 1)
    assert rows["相城支行"].rank_change == -1


def test_cities_within_the_province_sum_their_outlets_not_their_averages(tree):
    suzhou, wuxi = node_league(SEPTEMBER, tree["province"])
    assert (suzhou.name, suzhou.level, suzhou.outlets, suzhou.rank) == ("苏州分行", "city", 2, 1)
    assert suzhou.by_kind == {"onsite": (92.5, 2), "7s": (85.0, 2), "remote": (98.89, 54), "mystery": (80.0, 1)}
    assert suzhou.score == pytest.approx(90.10, abs=0.005) and suzhou.score != pytest.approx((90.23 + 92.0) / 2, abs=0.1)
    assert (suzhou.previous_score, suzhou.previous_rank) == (90.0, 1)  # August: on-site (95 + 85) / 2
    # 2 + 2 tellers × 15 cycles; A covered 25, B 30.
    assert (suzhou.coverage.expected, suzhou.coverage.covered, suzhou.coverage.percent) == (60, 55, 91.7)
    # 3 + 4 findings, 2 + 3 closed, in 3.0 and 2.7 days on average: (3.0 × 2 + 2.7 × 3) / 5.
    assert (suzhou.closure.total, suzhou.closure.closed, suzhou.closure.rate) == (7, 5, 71.4)
    assert suzhou.closure.average_days == 2.8
    assert (wuxi.name, wuxi.outlets, wuxi.score, wuxi.rank, wuxi.inspections) == ("无锡分行", 0, None, None, 0)


def test_outlets_hung_on_a_city_itself_have_a_row_of_their_own(tree, org, db):
    """A bank that skips the sub-branch somewhere hangs outlets on the city: they are ranked as the city's
    own outlets beside its sub-branches, never left out."""
    org.outlet_b.branch_id = tree["suzhou"].id
    db.session.commit()
    rows = node_league(SEPTEMBER, tree["suzhou"])
    own = [row for row in rows if row.own_outlets]
    assert [(row.name, row.outlets, row.score) for row in own] == [("苏州分行", 1, 92.0)]
    assert {row.name: row.outlets for row in rows if not row.own_outlets} == {"相城支行": 1, "园区支行": 0}
    assert sum(row.outlets for row in rows) == 2


def test_the_top_of_the_tree_when_no_node_is_named(tree):
    assert [row.name for row in node_league(SEPTEMBER, None)] == ["江苏省分行"]


def test_the_whole_area_ranks_its_outlets_among_themselves(tree, org):
    city = area_league(SEPTEMBER, tree["suzhou"])
    assert [(row.code, row.rank) for row in city] == [("B01", 1), ("A01", 2)]
    (alone,) = area_league(SEPTEMBER, tree["xiangcheng"])
    assert (alone.code, alone.rank, alone.previous_rank, alone.gap_points) == ("A01", 1, 1, 0.0)  # 2nd in the bank
    assert area_league(SEPTEMBER, tree["wuxi"]) == []
    assert [row.code for row in area_league(SEPTEMBER, None)] == ["B01", "A01"]


def test_the_api_at_every_level(tree, api_as):
    nodes = api_as("inspector", "GET", f"/league/nodes?period=2026-09&node_id={tree['suzhou'].id}")
    assert nodes.status_code == 200, nodes.get_json()
    body = nodes.get_json()
    assert body["node"]["name"] == "苏州分行" and body["previous_period"] == "2026-08"
    assert [(row["name"], row["rank"], row["score"]) for row in body["rows"]] == [("园区支行", 1, 92.0),
                                                                                  ("相城支行", 2, 90.23)]
    assert body["rows"][0]["by_kind"]["mystery"] == {"average": 80.0, "inspections": 1}
    area = api_as("viewer", "GET", f"/league/area?period=2026-09&node_id={tree['xiangcheng'].id}").get_json()
    assert [(row["code"], row["rank"]) for row in area["rows"]] == [("A01", 1)] and area["node"]["code"] == "XC"
    top = api_as("admin", "GET", "/league/nodes?period=2026-09").get_json()
    assert top["node"] is None and [row["name"] for row in top["rows"]] == ["江苏省分行"]
    missing = api_as("admin", "GET", "/league/nodes?node_id=99999")
    assert missing.status_code == 404 and missing.get_json()["message"] == "机构体系中没有这个机构。"
    assert api_as("admin", "GET", "/league/area?node_id=abc").status_code == 422


@pytest.mark.parametrize("role", ["outlet_manager", "remote_monitor", "mystery_shopper"])
def test_tables_comparing_outlets_are_refused_to_those_who_see_one(tree, api_as, role):
    assert api_as(role, "GET", f"/league/nodes?node_id={tree['suzhou'].id}").status_code == 403
    assert api_as(role, "GET", f"/league/area?node_id={tree['suzhou'].id}").status_code == 403


def test_the_league_page_has_a_level_selector(tree, client, login, users):
    login(users["viewer"])
    page = client.get(f"/reports/league?period=2026-09&node_id={tree['suzhou'].id}").get_data(as_text=True)
    assert "苏州分行全辖" in page and 'name="node_id"' in page and "直属下级机构排名" in page
    nodes = client.get(f"/reports/league?period=2026-09&node_id={tree['province'].id}&by=nodes")
    text = nodes.get_data(as_text=True)
    assert nodes.status_code == 200 and "江苏省分行下级机构排名" in text
    assert text.index("苏州分行") < text.index("无锡分行") and "市分行" in text


def test_an_outlet_manager_keeps_the_own_row_and_no_selector(tree, client, login, users):
    login(users["outlet_manager"])
    page = client.get("/reports/league?period=2026-09")
    assert page.status_code == 200 and 'name="node_id"' not in page.get_data(as_text=True)
    assert client.get(f"/reports/league?node_id={tree['suzhou'].id}&by=nodes").status_code == 403
