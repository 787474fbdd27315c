"""Who may read and change the organisation, through the API and the admin pages."""
from __future__ import annotations

import pytest

from org.models import Outlet
from tests.conftest import ALL_ROLES

RESOURCES = ("outlets", "counters", "staff", "vendors", "users")
OPERATIONS = ("list", "get", "create", "patch", "deactivate")

# Who may read each resource; only admin may change any of them.
READERS = {
    "outlets": set(ALL_ROLES),
    "counters": set(ALL_ROLES),
    "staff": {"admin", "viewer", "inspector", "remote_monitor", "outlet_manager"},
    "vendors": {"admin", "viewer"},
    "users": {"admin"},
}


def _target(org, resource: str):
    """An object every reader may see: for outlet-scoped resources one in outlet A (the manager's)."""
    if resource == "outlets":
        return org.outlet_a
    if resource == "counters":
        return org.outlet_a.counters[0]
    if resource == "staff":
        return org.staff_a[0]
    if resource == "vendors":
        return org.vendor
    return org.users.get("target_user") or org.user("viewer", "target_user")


def _create_body(org, resource: str) -> dict:
    return {
        "outlets": {"branch_id": org.branch.id, "code": "N01", "name": "新建网点"},
        "counters": {"outlet_id": org.outlet_a.id, "number": 9, "kind": "vip"},
        "staff": {"outlet_id": org.outlet_a.id, "employee_no": "N-1", "name": "陈新", "position": "teller"},
        "vendors": {"code": "V09", "name": "新调研公司"},
        "users": {"username": "newcomer", "role": "viewer", "password": "Welcome-2026"},
    }[resource]


PATCH_BODIES = {"outlets": {"name": "改名网点"}, "counters": {"label": "改名窗口"}, "staff": {"name": "改名"},
                "vendors": {"contact": "新联系人"}, "users": {"display_name": "改名"}}


def _call(client, org, resource: str, operation: str, headers: dict):
    base = f"/api/v1/{resource}/"
    if operation == "list":
        return client.get(base, headers=headers)
    if operation == "create":
        return client.post(base, json=_create_body(org, resource), headers=headers)
    ident = _target(org, resource).id
    if operation == "get":
        return client.get(f"{base}{ident}", headers=headers)
    if operation == "patch":
        return client.patch(f"{base}{ident}", json=PATCH_BODIES[resource], headers=headers)
    return client.post(f"{base}{ident}/deactivate", headers=headers)


def _expected(role: str, resource: str, operation: str) -> int:
    if operation in ("list", "get"):
        return 200 if role in READERS[resource] else 403
    if role != "admin":
        return 403
    return 201 if operation == "create" else 200


MATRIX = [(role, resource, operation) for resource in RESOURCES for operation in OPERATIONS for role in ALL_ROLES]


@pytest.mark.parametrize("role, resource, operation", MATRIX)
def test_api_permission_matrix(client, org, users, bearer, role, resource, operation):
    response = _call(client, org, resource, operation, bearer(users[role]))
    expected = _expected(role, resource, operation)
    assert response.status_code == expected, response.get_json()
    if expected >= 400:
        assert response.get_json()["message"]


@pytest.mark.parametrize("resource, operation", [(r, o) for r in RESOURCES for o in OPERATIONS])
def test_anonymous_gets_401_everywhere(client, org, users, resource, operation):
    response = _call(client, org, resource, operation, {})
    assert response.status_code == 401
    assert response.is_json and response.get_json()["message"]


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != "admin"])
def test_refused_changes_leave_the_data_alone(client, db, org, users, bearer, role):
    headers = bearer(users[role])
    for resource in RESOURCES:
        for operation in ("create", "patch", "deactivate"):
            assert _call(client, org, resource, operation, headers).status_code == 403
    db.session.expire_all()
    assert db.session.query(Outlet).count() == 2
    assert org.outlet_a.name == "元和支行" and org.outlet_a.active
    assert org.staff_a[0].name == "王晓燕" and org.staff_a[0].active
    assert org.vendor.active


# --- an outlet manager sees only the own outlet ---------------------------------------------------

def test_outlet_manager_lists_only_own_outlet(client, org, users, bearer):
    headers = bearer(users["outlet_manager"])
    outlets = client.get("/api/v1/outlets/", headers=headers).get_json()
    assert [o["id"] for o in outlets] == [org.outlet_a.id]
    counters = client.get("/api/v1/counters/", headers=headers).get_json()
    assert {c["outlet_id"] for c in counters} == {org.outlet_a.id}
    staff = client.get("/api/v1/staff/", headers=headers).get_json()
    assert sorted(s["employee_no"] for s in staff) == ["A01-1", "A01-2", "A01-3"]


def test_outlet_manager_cannot_widen_the_list_with_a_filter(client, org, users, bearer):
    headers = bearer(users["outlet_manager"])
    response = client.get(f"/api/v1/staff/?outlet_id={org.outlet_b.id}", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == []
    response = client.get(f"/api/v1/counters/?outlet_id={org.outlet_b.id}", headers=headers)
    assert response.get_json() == []


@pytest.mark.parametrize("path", ["/api/v1/outlets/{outlet}", "/api/v1/counters/{counter}",
                                  "/api/v1/staff/{staff}"])
def test_outlet_manager_gets_404_for_the_other_outlet(client, org, users, bearer, path):
    headers = bearer(users["outlet_manager"])
    url = path.format(outlet=org.outlet_b.id, counter=org.outlet_b.counters[0].id, staff=org.staff_b[0].id)
    response = client.get(url, headers=headers)
    assert response.status_code == 404
    assert response.get_json()["message"]
    own = path.format(outlet=org.outlet_a.id, counter=org.outlet_a.counters[0].id, staff=org.staff_a[0].id)
    assert client.get(own, headers=headers).status_code == 200


def test_outlet_manager_change_of_other_outlet_is_404_not_403(client, org, users, bearer):
    headers = bearer(users["outlet_manager"])
    response = client.patch(f"/api/v1/staff/{org.staff_b[0].id}", json={"name": "x"}, headers=headers)
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["viewer", "inspector", "remote_monitor", "admin"])
def test_bank_wide_readers_see_every_outlet(client, org, users, bearer, role):
    headers = bearer(users[role])
    assert len(client.get("/api/v1/outlets/", headers=headers).get_json()) == 2
    assert len(client.get("/api/v1/staff/", headers=headers).get_json()) == 6
    assert client.get(f"/api/v1/staff/{org.staff_b[0].id}", headers=headers).status_code == 200


def test_mystery_shopper_never_sees_staff(client, org, users, bearer):
    headers = bearer(users["mystery_shopper"])
    assert client.get("/api/v1/staff/", headers=headers).status_code == 403
    assert client.get(f"/api/v1/staff/{org.staff_a[0].id}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/staff/?outlet_id={org.outlet_a.id}", headers=headers).status_code == 403


def test_missing_object_is_404_for_a_reader(client, users, bearer):
    response = client.get("/api/v1/outlets/999999", headers=bearer(users["viewer"]))
    assert response.status_code == 404


# --- HTML admin pages -----------------------------------------------------------------------------

def _html_expected(role: str, resource: str) -> int:
    """The admin pages are for admins and viewers, and show a list only to whom the API shows it."""
    return 200 if role in ("admin", "viewer") and role in READERS[resource] else 403


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("resource", RESOURCES)
def test_admin_list_pages_by_role(client, login, users, role, resource):
    login(users[role])
    response = client.get(f"/admin/{resource}/")
    assert response.status_code == _html_expected(role, resource)
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("resource", RESOURCES)
def test_viewer_sees_a_list_on_the_page_exactly_when_the_api_shows_it(client, org, login, bearer, users,
                                                                      resource):
    api = client.get(f"/api/v1/{resource}/", headers=bearer(users["viewer"]))
    login(users["viewer"])
    page = client.get(f"/admin/{resource}/")
    assert (page.status_code == 200) == (api.status_code == 200)
    if resource == "users":
        assert page.status_code == 403 and "mystery_shopper" not in page.get_data(as_text=True)
        assert f"/admin/{resource}/" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("resource", RESOURCES + ("audit",))
def test_admin_pages_send_anonymous_to_login(client, resource):
    response = client.get(f"/admin/{resource}/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_viewer_may_list_but_not_change(client, db, org, login, users):
    token = login(users["viewer"])
    listing = client.get("/admin/outlets/")
    assert listing.status_code == 200
    assert "元和支行" in listing.get_data(as_text=True)
    assert "/admin/outlets/new" not in listing.get_data(as_text=True)
    assert client.get("/admin/outlets/new").status_code == 403
    assert client.post("/admin/outlets/new", data={"csrf_token": token, "branch_id": org.branch.id,
                                                    "code": "N01", "name": "x"}).status_code == 403
    assert client.get(f"/admin/outlets/{org.outlet_a.id}/edit").status_code == 403
    assert client.post(f"/admin/outlets/{org.outlet_a.id}/deactivate",
                       data={"csrf_token": token}).status_code == 403
    assert client.get("/admin/outlets/import").status_code == 403
    db.session.expire_all()
    assert org.outlet_a.active
    assert db.session.query(Outlet).count() == 2


@pytest.mark.parametrize("role", ALL_ROLES)
def test_audit_page_is_admin_only(client, login, users, role):
    login(users[role])
    assert client.get("/admin/audit/").status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_reaches_the_start_page(client, login, users, role):
    login(users[role])
    page = client.get("/")
    assert page.status_code == 200
    assert ("/admin/outlets/" in page.get_data(as_text=True)) == (role in ("admin", "viewer"))
