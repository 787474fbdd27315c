"""The organisation API as an admin uses it: the life cycle of each resource, its audit trail,
and refusals of bad input that leave every table as it was."""
from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import select

from core.audit import AuditEntry, content_hash, snapshot
from org.models import ApiToken, Counter, Outlet, Staff, User, Vendor
from tests.conftest import PASSWORD
from tests.support import row_counts


@pytest.fixture
def admin(org, bearer):
    return bearer(org.user("admin"))


def _audit(db, action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.execute(query).scalars().all()


# --- life cycle per resource ----------------------------------------------------------------------

def _cases(org):
    a, b = org.outlet_a, org.outlet_b
    return {
        "outlets": (Outlet, "outlet",
                    {"branch_id": org.branch.id, "code": "C01", "name": "  渭塘支行 ", "address": "渭中路36号",
                     "latitude": 31.42, "longitude": 120.63},
                    {"name": "渭塘支行营业室", "latitude": None}),
        "counters": (Counter, "counter", {"outlet_id": a.id, "number": 7, "kind": "vip", "label": "贵宾窗口"},
                     {"kind": "corporate", "label": "对公窗口"}),
        "staff": (Staff, "staff",
                  {"outlet_id": b.id, "employee_no": "B01-9", "name": "周敏", "position": "wealth_manager",
                   "counter_id": None},
                  {"position": "teller", "counter_id": b.counters[0].id}),
        "vendors": (Vendor, "vendor", {"code": "V02", "name": "苏州暗访调研", "contact": "吴先生"},
                    {"contact": "吴先生 0512-1234"}),
        "users": (User, "user_account",
                  {"username": "insp2", "display_name": "检查员二", "role": "inspector", "password": "Strong-2026"},
                  {"display_name": "检查员贰", "locale": "en"}),
    }


@pytest.mark.parametrize("resource", ["outlets", "counters", "staff", "vendors", "users"])
def test_life_cycle_with_one_audit_entry_per_change(client, db, org, admin, resource):
    model, prefix, create_body, patch_body = _cases(org)[resource]
    base = f"/api/v1/{resource}/"
    entries_before = len(_audit(db))

    created = client.post(base, json=create_body, headers=admin)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    ident = body["id"]
    assert body["active"] is True
    for key, value in create_body.items():
        if key != "password":
            assert body[key] == (value.strip() if isinstance(value, str) else value)
    assert "password" not in body and "password_hash" not in body
    assert db.session.get(model, ident) is not None
    (entry,) = _audit(db, f"{prefix}.create")
    assert entry.object_type == prefix and entry.object_id == str(ident)
    assert entry.actor_name == "admin"
    assert entry.before_hash is None and len(entry.after_hash) == 64
    assert entry.changes["id"] == {"before": None, "after": ident}

    read = client.get(f"{base}{ident}", headers=admin)
    assert read.status_code == 200 and read.get_json() == body

    patched = client.patch(f"{base}{ident}", json=patch_body, headers=admin)
    assert patched.status_code == 200, patched.get_json()
    for key, value in patch_body.items():
        assert patched.get_json()[key] == value
    (entry,) = _audit(db, f"{prefix}.update")
    assert entry.before_hash and entry.after_hash and entry.before_hash != entry.after_hash
    for key, value in patch_body.items():
        assert entry.changes[key]["after"] == value
        assert entry.changes[key]["before"] == body[key]
    assert "updated_at" not in entry.changes

    listed = client.get(base, headers=admin).get_json()
    assert ident in [row["id"] for row in listed]

    deactivated = client.post(f"{base}{ident}/deactivate", headers=admin)
    assert deactivated.status_code == 200 and deactivated.get_json()["active"] is False
    (entry,) = _audit(db, f"{prefix}.deactivate")
    assert entry.changes["active"] == {"before": True, "after": False}
    assert ident not in [row["id"] for row in client.get(base, headers=admin).get_json()]
    assert ident in [row["id"] for row in client.get(f"{base}?include_inactive=true", headers=admin).get_json()]

    activated = client.post(f"{base}{ident}/activate", headers=admin)
    assert activated.status_code == 200 and activated.get_json()["active"] is True
    (entry,) = _audit(db, f"{prefix}.activate")
    assert entry.changes["active"] == {"before": False, "after": True}

    assert len(_audit(db)) == entries_before + 4
    assert db.session.get(model, ident).active is True

    # The hashes chain: each change starts from the state the previous one left, which is the row.
    trail = [e for e in _audit(db) if e.object_type == prefix and e.object_id == str(ident)]
    assert [e.action.split(".")[1] for e in trail] == ["create", "update", "deactivate", "activate"]
    for previous, following in itertools.pairwise(trail):
        assert following.before_hash == previous.after_hash
    db.session.expire_all()
    assert trail[-1].after_hash == content_hash(snapshot(db.session.get(model, ident)))


def test_user_password_hash_never_reaches_the_audit_log(client, db, org, admin):
    created = client.post("/api/v1/users/", headers=admin,
                          json={"username": "insp3", "role": "inspector", "password": "Strong-2026"})
    ident = created.get_json()["id"]
    first_hash = db.session.get(User, ident).password_hash
    assert client.patch(f"/api/v1/users/{ident}", headers=admin,
                        json={"password": "Stronger-2027"}).status_code == 200
    db.session.expire_all()
    second_hash = db.session.get(User, ident).password_hash
    assert second_hash != first_hash
    for entry in _audit(db):
        dumped = json.dumps(entry.changes, ensure_ascii=False)
        assert first_hash not in dumped and second_hash not in dumped
        assert "Strong-2026" not in dumped and "Stronger-2027" not in dumped
        assert "password_hash" not in entry.changes and "token_hash" not in entry.changes
    (update,) = _audit(db, "user_account.update")
    assert update.changes["session_epoch"] == {"before": 0, "after": 1}


def test_admin_password_reset_revokes_the_users_tokens(client, db, org, admin, token_for):
    user = org.user("inspector")
    headers = token_for(user)
    response = client.patch(f"/api/v1/users/{user.id}", headers=admin, json={"password": "Reset-2026x"})
    assert response.status_code == 200
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/tokens", json={"username": "inspector", "password": "Reset-2026x"}
                       ).status_code == 201


def test_deactivating_a_user_revokes_that_users_tokens(client, db, org, admin, token_for):
    user = org.user("inspector")
    other = org.user("viewer")
    headers, other_headers = token_for(user), token_for(other)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200

    assert client.post(f"/api/v1/users/{user.id}/deactivate", headers=admin).status_code == 200
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    db.session.expire_all()
    tokens = db.session.execute(select(ApiToken).where(ApiToken.user_id == user.id)).scalars().all()
    assert tokens and all(t.revoked_at is not None for t in tokens)
    assert client.get("/api/v1/auth/me", headers=other_headers).status_code == 200

    # Activating again does not bring the old token back; a fresh login works.
    assert client.post(f"/api/v1/users/{user.id}/activate", headers=admin).status_code == 200
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/tokens", json={"username": "inspector", "password": PASSWORD}
                       ).status_code == 201


def test_role_change_drops_a_stale_outlet_binding(client, db, org, admin):
    manager = org.user("outlet_manager")
    response = client.patch(f"/api/v1/users/{manager.id}", headers=admin, json={"role": "viewer"})
    assert response.status_code == 200
    assert response.get_json()["outlet_id"] is None
    response = client.patch(f"/api/v1/users/{manager.id}", headers=admin,
                            json={"role": "outlet_manager", "outlet_id": org.outlet_b.id})
    assert response.status_code == 200 and response.get_json()["outlet_id"] == org.outlet_b.id


def test_outlet_list_can_be_filtered_for_counters_and_staff(client, org, admin):
    staff = client.get(f"/api/v1/staff/?outlet_id={org.outlet_b.id}", headers=admin).get_json()
    assert sorted(s["employee_no"] for s in staff) == ["B01-1", "B01-2", "B01-3"]


# --- refusals -------------------------------------------------------------------------------------

def _refused(client, method, url, headers, expected, **kwargs):
    before = row_counts()
    response = getattr(client, method)(url, headers=headers, **kwargs)
    assert response.status_code == expected, response.get_json()
    assert response.is_json
    body = response.get_json()
    assert body["message"]
    assert row_counts() == before
    return body


@pytest.mark.parametrize("payload", ['{"code": "X1", "name": ', "not json at all", '{"code": "X1",}'])
def test_malformed_json_is_400(client, org, admin, payload):
    body = _refused(client, "post", "/api/v1/outlets/", admin, 400, data=payload, content_type="application/json")
    assert body["code"] == 400


def test_malformed_json_on_patch_is_400(client, org, admin):
    _refused(client, "patch", f"/api/v1/outlets/{org.outlet_a.id}", admin, 400, data="{", content_type="application/json")


def _outlet(org, **overrides):
    return {"branch_id": org.branch.id, "code": "N01", "name": "新网点", **overrides}


@pytest.mark.parametrize("overrides, field", [
    ({"branch_id": "x"}, "branch_id"),
    ({"branch_id": 1.5}, "branch_id"),
    ({"name": 12}, "name"),
    ({"latitude": "north"}, "latitude"),
    ({"latitude": 91}, "latitude"),
    ({"latitude": -90.5}, "latitude"),
    ({"longitude": 180.1}, "longitude"),
    ({"name": "网" * 101}, "name"),
    ({"name": "   "}, "name"),
    ({"code": "A 01"}, "code"),
    ({"code": "X" * 21}, "code"),
    ({"address": "路" * 201}, "address"),
    ({"colour": "red"}, "colour"),
])
def test_invalid_outlet_fields_are_422_with_field_errors(client, org, admin, overrides, field):
    body = _refused(client, "post", "/api/v1/outlets/", admin, 422, json=_outlet(org, **overrides))
    assert field in body["errors"]["json"], body


@pytest.mark.parametrize("missing", ["branch_id", "code", "name"])
def test_missing_required_outlet_field_is_422(client, org, admin, missing):
    data = _outlet(org)
    del data[missing]
    body = _refused(client, "post", "/api/v1/outlets/", admin, 422, json=data)
    assert missing in body["errors"]["json"]


def test_name_of_exactly_100_characters_is_accepted(client, org, admin):
    response = client.post("/api/v1/outlets/", headers=admin, json=_outlet(org, name="网" * 100))
    assert response.status_code == 201


@pytest.mark.parametrize("patch, field", [({"latitude": 91}, "latitude"), ({"name": "网" * 101}, "name"),
                                          ({"active": False}, "active"), ({"id": 5}, "id")])
def test_invalid_patch_is_422_and_changes_nothing(client, db, org, admin, patch, field):
    body = _refused(client, "patch", f"/api/v1/outlets/{org.outlet_a.id}", admin, 422, json=patch)
    assert field in body["errors"]["json"]
    db.session.expire_all()
    assert org.outlet_a.latitude == 31.37 and org.outlet_a.name == "元和支行" and org.outlet_a.active


@pytest.mark.parametrize("code", ["A01", "a01", " b01 "])
def test_duplicate_outlet_code_is_409_whatever_the_case(client, org, admin, code):
    body = _refused(client, "post", "/api/v1/outlets/", admin, 409, json=_outlet(org, code=code))
    assert code.strip() in body["message"]
    assert "code" in body["errors"]


def test_renaming_an_outlet_code_onto_another_is_409(client, org, admin):
    _refused(client, "patch", f"/api/v1/outlets/{org.outlet_a.id}", admin, 409, json={"code": "b01"})


def test_keeping_the_own_code_in_a_patch_is_fine(client, org, admin):
    response = client.patch(f"/api/v1/outlets/{org.outlet_a.id}", headers=admin, json={"code": "a01"})
    assert response.status_code == 200 and response.get_json()["code"] == "a01"


def test_unknown_branch_is_422(client, org, admin):
    body = _refused(client, "post", "/api/v1/outlets/", admin, 422, json=_outlet(org, branch_id=99999))
    assert "branch_id" in body["errors"]


def test_counter_number_clash_in_the_same_outlet_is_422(client, org, admin):
    body = _refused(client, "post", "/api/v1/counters/", admin, 422,
                    json={"outlet_id": org.outlet_a.id, "number": 1, "kind": "cash"})
    assert "number" in body["errors"]
    # the same number in another outlet is fine
    response = client.post("/api/v1/counters/", headers=admin,
                           json={"outlet_id": org.outlet_b.id, "number": 2, "kind": "cash"})
    assert response.status_code == 201


def test_moving_a_counter_onto_a_taken_number_is_refused(client, org, admin):
    spare = client.post("/api/v1/counters/", headers=admin,
                        json={"outlet_id": org.outlet_a.id, "number": 2, "kind": "vip"}).get_json()
    body = _refused(client, "patch", f"/api/v1/counters/{spare['id']}", admin, 422, json={"number": 1})
    assert "number" in body["errors"]
    body = _refused(client, "patch", f"/api/v1/counters/{org.outlet_b.counters[0].id}", admin, 422,
                    json={"outlet_id": org.outlet_a.id})
    assert "number" in body["errors"]


@pytest.mark.parametrize("kind", ["ATM", "", None])
def test_counter_kind_must_be_known(client, org, admin, kind):
    _refused(client, "post", "/api/v1/counters/", admin, 422,
             json={"outlet_id": org.outlet_a.id, "number": 5, "kind": kind})


def test_staff_counter_from_another_outlet_is_422(client, org, admin):
    data = {"outlet_id": org.outlet_a.id, "employee_no": "A01-9", "name": "钱芳", "position": "teller",
            "counter_id": org.outlet_b.counters[0].id}
    body = _refused(client, "post", "/api/v1/staff/", admin, 422, json=data)
    assert "counter_id" in body["errors"]


def test_staff_patch_to_a_counter_of_another_outlet_is_422(client, org, admin):
    teller = org.staff_a[0]
    body = _refused(client, "patch", f"/api/v1/staff/{teller.id}", admin, 422,
                    json={"counter_id": org.outlet_b.counters[0].id})
    assert "counter_id" in body["errors"]


def test_moving_staff_to_another_outlet_cannot_keep_the_old_counter(client, db, org, admin):
    teller = org.staff_a[0]
    assert teller.counter_id == org.outlet_a.counters[0].id
    body = _refused(client, "patch", f"/api/v1/staff/{teller.id}", admin, 422,
                    json={"outlet_id": org.outlet_b.id})
    assert "counter_id" in body["errors"]
    response = client.patch(f"/api/v1/staff/{teller.id}", headers=admin,
                            json={"outlet_id": org.outlet_b.id, "counter_id": org.outlet_b.counters[0].id})
    assert response.status_code == 200


@pytest.mark.parametrize("data, field", [
    ({"position": "cashier"}, "position"),
    ({"employee_no": "A01-1"}, "employee_no"),
    ({"outlet_id": 99999}, "outlet_id"),
    ({"name": ""}, "name"),
])
def test_bad_staff_is_refused(client, org, admin, data, field):
    payload = {"outlet_id": org.outlet_a.id, "employee_no": "A01-9", "name": "钱芳", "position": "teller", **data}
    expected = 409 if field == "employee_no" else 422
    body = _refused(client, "post", "/api/v1/staff/", admin, expected, json=payload)
    errors = body["errors"]
    assert field in errors or field in errors.get("json", {})


@pytest.mark.parametrize("data, field", [
    ({"role": "outlet_manager"}, "outlet_id"),
    ({"role": "mystery_shopper"}, "vendor_id"),
    ({"role": "superuser"}, "role"),
    ({"password": "short1"}, "password"),
    ({"password": "onlyletters"}, "password"),
    ({"password": "1234567890"}, "password"),
    ({"username": "a b"}, "username"),
    ({"username": "ADMIN"}, "username"),
    ({"locale": "fr"}, "locale"),
])
def test_bad_users_are_refused(client, org, admin, data, field):
    payload = {"username": "someone", "role": "inspector", "password": "Strong-2026", **data}
    expected = 409 if data.get("username") == "ADMIN" else 422
    body = _refused(client, "post", "/api/v1/users/", admin, expected, json=payload)
    errors = body["errors"]
    assert field in errors or field in errors.get("json", {})


def test_user_without_password_is_422(client, org, admin):
    body = _refused(client, "post", "/api/v1/users/", admin, 422, json={"username": "nopass", "role": "viewer"})
    assert "password" in body["errors"]


def test_user_patch_to_outlet_manager_needs_an_outlet(client, org, admin):
    viewer = org.user("viewer")
    _refused(client, "patch", f"/api/v1/users/{viewer.id}", admin, 422, json={"role": "outlet_manager"})


def test_unknown_vendor_for_a_shopper_is_422(client, org, admin):
    body = _refused(client, "post", "/api/v1/users/", admin, 422,
                    json={"username": "shop2", "role": "mystery_shopper", "vendor_id": 99999,
                          "password": "Strong-2026"})
    assert "vendor_id" in body["errors"]


def test_duplicate_vendor_code_is_409(client, org, admin):
    _refused(client, "post", "/api/v1/vendors/", admin, 409, json={"code": "v01", "name": "重复"})


@pytest.mark.parametrize("url", ["/api/v1/outlets/99999", "/api/v1/staff/99999/deactivate"])
def test_missing_objects_are_404(client, org, admin, url):
    method = "post" if url.endswith("deactivate") else "patch"
    kwargs = {} if method == "post" else {"json": {"name": "x"}}
    _refused(client, method, url, admin, 404, **kwargs)


def test_wrong_method_is_405_json(client, org, admin):
    response = client.delete(f"/api/v1/outlets/{org.outlet_a.id}", headers=admin)
    assert response.status_code == 405
    assert response.is_json and response.get_json()["message"]


@pytest.mark.parametrize("role, patch, field", [
    ("outlet_manager", {"outlet_id": None}, "outlet_id"),
    ("outlet_manager", {"outlet_id": 99999}, "outlet_id"),
    ("mystery_shopper", {"vendor_id": None}, "vendor_id"),
    ("viewer", {"role": "mystery_shopper"}, "vendor_id"),
])
def test_user_patch_cannot_leave_a_scoped_role_unbound(client, db, org, admin, role, patch, field):
    user = org.user(role)
    body = _refused(client, "patch", f"/api/v1/users/{user.id}", admin, 422, json=patch)
    errors = body["errors"]
    assert field in errors or field in errors.get("json", {})
    db.session.expire_all()
    assert db.session.get(User, user.id).role == role


def test_user_patch_keeps_the_binding_when_it_is_not_named(client, org, admin):
    manager = org.user("outlet_manager")
    response = client.patch(f"/api/v1/users/{manager.id}", headers=admin, json={"display_name": "元和负责人"})
    assert response.status_code == 200
    assert response.get_json()["outlet_id"] == org.outlet_a.id


def test_user_patch_never_binds_a_role_that_has_no_scope(client, org, admin):
    viewer = org.user("viewer")
    response = client.patch(f"/api/v1/users/{viewer.id}", headers=admin,
                            json={"outlet_id": org.outlet_b.id, "vendor_id": org.vendor.id})
    assert response.status_code == 200
    assert response.get_json()["outlet_id"] is None and response.get_json()["vendor_id"] is None
