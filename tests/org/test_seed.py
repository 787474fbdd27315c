"""`flask seed-demo`: the demo bank, one user per role, and nothing new the second time."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from org.models import Branch, Counter, Outlet, Staff, User, Vendor
from tests.conftest import PASSWORD
from tests.support import row_counts

DEMO_ROLES = {"admin": "admin", "inspector": "inspector", "monitor": "remote_monitor",
              "shopper": "mystery_shopper", "coordinator": "mystery_shopper", "outlet": "outlet_manager",
              "viewer": "viewer", "suzhou": "viewer", "yuanqu": "admin"}
HAN = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def _seed(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.xdist_group("seeded_demo")
def test_seed_builds_the_demo_bank(seeded_demo, db):
    assert PASSWORD in seeded_demo.output  # the demo password is shown to whoever runs it
    db.session.expire_all()
    nodes = {b.code: b for b in db.session.execute(select(Branch)).scalars()}
    assert {code: (b.name, b.level, b.parent.code if b.parent else None) for code, b in nodes.items()} == {
        "JS": ("江苏省分行", "province", None), "SZ": ("苏州分行", "city", "JS"),
        "XC": ("相城支行", "sub_branch", "SZ"), "YQ": ("园区支行", "sub_branch", "SZ")}
    assert nodes["XC"].path == f"/{nodes['JS'].id}/{nodes['SZ'].id}/{nodes['XC'].id}/"
    branch = nodes["XC"]
    assert [o.code for o in nodes["YQ"].outlets] == ["YQ01", "YQ02"]
    outlets = db.session.execute(select(Outlet).where(Outlet.branch_id == branch.id).order_by(Outlet.code)).scalars().all()
    assert len(outlets) == 8
    assert all(o.branch_id == branch.id and o.active and o.latitude and o.longitude for o in outlets)
    staff = db.session.execute(select(Staff).where(Staff.active.is_(True))).scalars().all()
    assert len(staff) >= 60
    assert all(HAN.match(s.name) for s in staff), [s.name for s in staff if not HAN.match(s.name)]
    assert {s.outlet_id for s in staff} == {o.id for o in outlets} | {o.id for o in nodes["YQ"].outlets}
    tellers = [s for s in staff if s.position == "teller"]
    assert tellers and all(s.counter_id is not None for s in tellers)
    counters = {c.id: c.outlet_id for c in db.session.execute(select(Counter)).scalars()}
    assert all(counters[s.counter_id] == s.outlet_id for s in tellers)
    (vendor,) = db.session.execute(select(Vendor)).scalars().all()

    users = {u.username: u for u in db.session.execute(select(User)).scalars()}
    assert {name: u.role for name, u in users.items()} == DEMO_ROLES
    assert users["outlet"].outlet_id == outlets[0].id
    assert (users["suzhou"].scope_node_id, users["yuanqu"].scope_node_id) == (nodes["SZ"].id, nodes["YQ"].id)
    assert all(u.scope_node_id is None for name, u in users.items() if name not in ("suzhou", "yuanqu"))
    assert users["shopper"].vendor_id == users["coordinator"].vendor_id == vendor.id
    assert [name for name, u in users.items() if u.is_coordinator] == ["coordinator"]
    assert all(u.active for u in users.values())
    assert all(u.outlet_id is None for name, u in users.items() if name != "outlet")
    assert all(u.vendor_id is None for name, u in users.items() if name not in ("shopper", "coordinator"))
    assert all(name in seeded_demo.output for name in DEMO_ROLES)  # each login is listed with the password
    assert len(db.session.execute(select(AuditEntry).where(AuditEntry.action == "demo.seed")).scalars().all()) == 1


@pytest.mark.xdist_group("seeded_demo")
def test_every_demo_user_can_log_in_with_the_demo_password(seeded_demo):
    client = seeded_demo.app.test_client()
    for username, role in DEMO_ROLES.items():
        response = client.post("/api/v1/auth/tokens", json={"username": username, "password": PASSWORD})
        assert response.status_code == 201, (username, response.get_json())
        assert response.get_json()["user"]["role"] == role
    wrong = client.post("/api/v1/auth/tokens", json={"username": "admin", "password": "demo-wrong-1"})
    assert wrong.status_code == 401


@pytest.mark.xdist_group("seeded_demo")
def test_seeding_again_changes_nothing(seeded_demo, db):
    first = row_counts()
    names = {s.employee_no: s.name for s in db.session.execute(select(Staff)).scalars()}
    seeded_demo.seed()
    assert row_counts() == first
    assert {s.employee_no: s.name for s in db.session.execute(select(Staff)).scalars()} == names


def test_seeding_next_to_existing_data_only_adds_what_is_missing(runner, db, org):
    org.user("admin")  # an admin already exists (with the test password)
    before = row_counts()
    _seed(runner)
    after = row_counts()
    db.session.expire_all()
    assert after["user_account"] == before["user_account"] + len(DEMO_ROLES) - 1
    assert after["branch"] == before["branch"] + 3  # the fixture's branch has the demo code XC
    xiangcheng = db.session.execute(select(Branch).filter_by(code="XC")).scalar_one()
    assert xiangcheng.id == org.branch.id and xiangcheng.parent.name == "苏州分行"  # moved under its city
    assert xiangcheng.path == f"/{xiangcheng.parent.parent_id}/{xiangcheng.parent_id}/{xiangcheng.id}/"
    assert db.session.execute(select(User).filter_by(username="admin")).scalar_one().role == "admin"


@pytest.mark.xdist_group("seeded_demo")
def test_the_demo_coordinator_hands_out_the_vendors_visits(seeded_demo):
    client = seeded_demo.app.test_client()
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    client.post("/login", data={"username": "coordinator", "password": PASSWORD, "csrf_token": token})
    response = client.get("/vendor/")
    assert response.status_code == 200 and "神秘人 顾先生" in response.get_data(as_text=True)
