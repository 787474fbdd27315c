"""Error pages for people and programs, CSRF, languages, the admin forms, the audit page, API docs."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from org.models import Counter, Outlet, Staff, User, Vendor
from tests.conftest import PASSWORD
from tests.support import row_counts


@pytest.fixture
def admin_browser(client, org, login):
    """The shared client logged in as admin; returns the CSRF token for forms."""
    return login(org.user("admin"))


# --- error pages ----------------------------------------------------------------------------------

def test_unknown_admin_page_is_an_html_404(client, admin_browser):
    response = client.get("/admin/nothing/")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<html" in page and "404" in page
    assert "返回首页" in page  # the error page speaks Chinese by default


def test_unknown_page_is_html_404_even_when_anonymous(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and response.mimetype == "text/html"


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/outlets/abc", "/api/nothing/at/all"])
def test_unknown_api_path_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == 404 and body["message"]


def test_wrong_method_on_the_api_is_a_json_405(client):
    response = client.put("/api/v1/auth/tokens", json={})
    assert response.status_code == 405
    assert response.is_json and "POST" in response.headers["Allow"]


def test_missing_object_in_admin_is_an_html_404(client, admin_browser):
    response = client.get("/admin/outlets/999999/edit")
    assert response.status_code == 404 and response.mimetype == "text/html"


# --- CSRF -----------------------------------------------------------------------------------------

def test_login_form_without_csrf_token_is_400(client, org):
    org.user("admin")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert client.get("/").status_code == 302  # not logged in


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_admin_form_without_a_valid_csrf_token_is_400(client, org, admin_browser, token):
    before = row_counts()
    data = {"branch_id": org.branch.id, "code": "C01", "name": "渭塘支行"}
    if token:
        data["csrf_token"] = token
    response = client.post("/admin/outlets/new", data=data)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert row_counts() == before


def test_deactivate_without_csrf_token_is_400(client, db, org, admin_browser):
    assert client.post(f"/admin/outlets/{org.outlet_a.id}/deactivate").status_code == 400
    db.session.expire_all()
    assert org.outlet_a.active


def test_the_api_needs_no_csrf_token(client, org, token_for):
    headers = token_for(org.user("admin"))
    response = client.post("/api/v1/vendors/", headers=headers, json={"code": "V05", "name": "调研"})
    assert response.status_code == 201


# --- languages ------------------------------------------------------------------------------------

def test_login_page_is_chinese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page and "用户名" in page
    assert 'lang="zh-CN"' in page
    assert ">Log in<" not in page


def test_language_switch_to_english_and_back(client):
    response = client.get("/lang/en", headers={"Referer": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page and "Username" in page and 'lang="en"' in page
    assert "登录" not in page
    client.get("/lang/zh")
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_unknown_language_is_404(client):
    assert client.get("/lang/fr").status_code == 404


def test_language_can_be_chosen_per_request(client):
    assert "Log in" in client.get("/login?lang=en").get_data(as_text=True)
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_users_saved_language_applies_after_login(client, db, org, login):
    user = org.user("viewer")
    user.locale = "en"
    db.session.commit()
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert "Log out" in page and "退出" not in page


# --- admin forms ----------------------------------------------------------------------------------

def _create_form(org, resource):
    a = org.outlet_a
    return {
        "outlets": (Outlet, {"branch_id": org.branch.id, "code": "C01", "name": "渭塘支行", "address": "",
                             "latitude": "31.4278", "longitude": ""}, {"code": "C01"}),
        "counters": (Counter, {"outlet_id": a.id, "number": "5", "kind": "vip", "label": "贵宾窗口"},
                     {"outlet_id": a.id, "number": 5}),
        "staff": (Staff, {"outlet_id": a.id, "employee_no": "A01-9", "name": "钱芳", "position": "teller",
                          "counter_id": str(a.counters[0].id)}, {"employee_no": "A01-9"}),
        "vendors": (Vendor, {"code": "V02", "name": "苏州暗访调研", "contact": ""}, {"code": "V02"}),
        "users": (User, {"username": "newbie", "display_name": "新网点负责人", "role": "outlet_manager",
                         "outlet_id": str(a.id), "vendor_id": "", "locale": "zh", "password": "Welcome-2026"},
                  {"username": "newbie"}),
    }[resource]


RESOURCES = ["outlets", "counters", "staff", "vendors", "users"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_admin_list_shows_rows_and_links(client, org, admin_browser, resource):
    response = client.get(f"/admin/{resource}/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="/admin/{resource}/new"' in page
    if resource == "staff":
        assert "王晓燕" in page and "柜员" in page  # positions shown by their Chinese label
    if resource == "outlets":
        assert "元和支行" in page and "黄埭支行" in page


@pytest.mark.parametrize("resource", RESOURCES)
def test_admin_creates_through_the_form(client, db, org, admin_browser, resource):
    model, form, lookup = _create_form(org, resource)
    page = client.get(f"/admin/{resource}/new")
    assert page.status_code == 200
    for name in form:
        assert f'name="{name}"' in page.get_data(as_text=True)
    response = client.post(f"/admin/{resource}/new", data={**form, "csrf_token": admin_browser})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/admin/{resource}/"
    db.session.expire_all()
    created = db.session.execute(select(model).filter_by(**lookup)).scalar_one()
    assert created.active
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == f"{model.__tablename__}.create")
                              ).scalar_one().object_id == str(created.id)
    assert "已保存" in client.get(f"/admin/{resource}/").get_data(as_text=True)


def test_created_outlet_has_parsed_numbers_and_blank_optional_fields(client, db, org, admin_browser):
    _, form, _ = _create_form(org, "outlets")
    client.post("/admin/outlets/new", data={**form, "csrf_token": admin_browser})
    outlet = db.session.execute(select(Outlet).filter_by(code="C01")).scalar_one()
    assert outlet.latitude == 31.4278 and outlet.longitude is None and outlet.address == ""


def test_created_user_can_log_in_with_the_form_password(client, org, admin_browser):
    _, form, _ = _create_form(org, "users")
    client.post("/admin/users/new", data={**form, "csrf_token": admin_browser})
    response = client.post("/api/v1/auth/tokens", json={"username": "newbie", "password": "Welcome-2026"})
    assert response.status_code == 201
    assert response.get_json()["user"]["outlet_id"] == org.outlet_a.id


def _edit_target(org, resource):
    return {"outlets": org.outlet_a, "counters": org.outlet_a.counters[0], "staff": org.staff_a[0],
            "vendors": org.vendor, "users": org.users.get("viewer") or org.user("viewer")}[resource]


EDITS = {"outlets": ("name", "元和支行营业室"), "counters": ("label", "综合窗口"), "staff": ("name", "王晓艳"),
         "vendors": ("contact", "周经理"), "users": ("display_name", "支行行长")}


def _form_values(page: str) -> dict:
    """What a browser would send back: every input's value and every select's selected option."""
    values = dict(re.findall(r'<input name="([^"]+)" type="(?:text|password)"[^>]*value="([^"]*)"', page))
    for name, body in re.findall(r'<select name="([^"]+)">(.*?)</select>', page, re.DOTALL):
        selected = re.search(r'<option value="([^"]*)" selected', body)
        values[name] = selected.group(1) if selected else ""
    return values


@pytest.mark.parametrize("resource", RESOURCES)
def test_admin_edits_through_the_form(client, db, org, admin_browser, resource):
    target = _edit_target(org, resource)
    field, new_value = EDITS[resource]
    page = client.get(f"/admin/{resource}/{target.id}/edit")
    assert page.status_code == 200
    values = _form_values(page.get_data(as_text=True))
    original = getattr(target, field)
    assert values[field] == str(original)
    values[field] = new_value
    response = client.post(f"/admin/{resource}/{target.id}/edit", data={**values, "csrf_token": admin_browser})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert getattr(target, field) == new_value
    (entry,) = db.session.execute(select(AuditEntry).where(AuditEntry.action.endswith(".update"))).scalars()
    assert entry.changes == {field: {"before": original, "after": new_value}}


def test_editing_a_user_without_a_password_keeps_the_password(client, db, org, admin_browser):
    user = org.user("inspector")
    values = _form_values(client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True))
    assert values["password"] == ""
    values["display_name"] = "检查员甲"
    assert client.post(f"/admin/users/{user.id}/edit", data={**values, "csrf_token": admin_browser}
                       ).status_code == 302
    response = client.post("/api/v1/auth/tokens", json={"username": "inspector", "password": PASSWORD})
    assert response.status_code == 201


def _field_errors(page: str, name: str) -> list[str]:
    for chunk in page.split("<label")[1:]:
        if f'name="{name}"' in chunk:
            return re.findall(r'<span class="field-error">([^<]+)</span>', chunk)
    raise AssertionError(f"no field {name} on the page")


BAD_FORMS = [
    ("outlets", {"latitude": "91"}, "latitude", 422),
    ("outlets", {"latitude": "north"}, "latitude", 422),
    ("outlets", {"name": "网" * 101}, "name", 422),
    ("outlets", {"code": "a01"}, "code", 409),
    ("counters", {"number": "abc"}, "number", 422),
    ("counters", {"number": "1"}, "number", 422),
    ("staff", {"position": ""}, "position", 422),
    ("staff", {"counter_id": "OTHER"}, "counter_id", 422),
    ("vendors", {"code": "bad code!"}, "code", 422),
    ("users", {"outlet_id": ""}, "outlet_id", 422),
    ("users", {"password": "abcdefgh"}, "password", 422),
]


@pytest.mark.parametrize("resource, change, field, status", BAD_FORMS)
def test_bad_form_input_shows_field_errors_and_saves_nothing(client, org, admin_browser, resource, change,
                                                            field, status):
    _, form, _ = _create_form(org, resource)
    change = {k: (str(org.outlet_b.counters[0].id) if v == "OTHER" else v) for k, v in change.items()}
    before = row_counts()
    response = client.post(f"/admin/{resource}/new", data={**form, **change, "csrf_token": admin_browser})
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert _field_errors(page, field), page
    # what was typed is kept, so it can be corrected
    kept = change[field]
    chunk = next(c for c in page.split("<label")[1:] if f'name="{field}"' in c)
    if kept and field != "password" and "<select" not in chunk:
        assert f'value="{kept}' in chunk
    assert row_counts() == before


def test_bad_edit_keeps_the_row(client, db, org, admin_browser):
    values = _form_values(client.get(f"/admin/outlets/{org.outlet_a.id}/edit").get_data(as_text=True))
    values["latitude"] = "-91"
    response = client.post(f"/admin/outlets/{org.outlet_a.id}/edit", data={**values, "csrf_token": admin_browser})
    assert response.status_code == 422
    assert _field_errors(response.get_data(as_text=True), "latitude")
    db.session.expire_all()
    assert org.outlet_a.latitude == 31.37


def test_deactivate_and_activate_from_the_list(client, db, org, admin_browser):
    response = client.post(f"/admin/staff/{org.staff_a[0].id}/deactivate", data={"csrf_token": admin_browser})
    assert response.status_code == 302
    db.session.expire_all()
    assert org.staff_a[0].active is False
    listing = client.get("/admin/staff/").get_data(as_text=True)
    assert "A01-1" not in listing and "A01-2" in listing
    assert "A01-1" in client.get("/admin/staff/?inactive=1").get_data(as_text=True)
    client.post(f"/admin/staff/{org.staff_a[0].id}/activate", data={"csrf_token": admin_browser})
    db.session.expire_all()
    assert org.staff_a[0].active is True


# --- audit page -----------------------------------------------------------------------------------

def _total(page: str) -> int:
    return int(re.search(r'<small class="muted">\((\d+)\)</small>', page).group(1))


def test_audit_page_filters_by_action_and_object_type(client, org, admin_browser, token_for):
    headers = token_for(org.users["admin"])
    client.post("/api/v1/vendors/", headers=headers, json={"code": "V05", "name": "调研甲"})
    client.post("/api/v1/vendors/", headers=headers, json={"code": "V06", "name": "调研乙"})
    client.patch(f"/api/v1/outlets/{org.outlet_a.id}", headers=headers, json={"name": "元和支行营业室"})
    client.post(f"/api/v1/staff/{org.staff_a[0].id}/deactivate", headers=headers)

    everything = client.get("/admin/audit/")
    assert everything.status_code == 200
    assert _total(everything.get_data(as_text=True)) >= 4

    vendors = client.get("/admin/audit/?action=vendor.create").get_data(as_text=True)
    assert _total(vendors) == 2
    assert "V05" in vendors and "V06" in vendors and "元和支行营业室" not in vendors

    outlets = client.get("/admin/audit/?object_type=outlet").get_data(as_text=True)
    assert _total(outlets) == 1
    assert "outlet.update" in outlets and "元和支行营业室" in outlets

    staff = client.get("/admin/audit/?object_type=staff&action=staff.").get_data(as_text=True)
    assert _total(staff) == 1 and "staff.deactivate" in staff

    assert _total(client.get("/admin/audit/?action=vendor&object_type=outlet").get_data(as_text=True)) == 0
    actor = client.get("/admin/audit/?actor=admin&since=2000-01-01&until=2999-12-31").get_data(as_text=True)
    assert _total(actor) >= 4
    assert _total(client.get("/admin/audit/?actor=nobody").get_data(as_text=True)) == 0


def test_audit_page_never_shows_password_hashes(client, db, org, admin_browser):
    user = org.user("inspector")
    values = _form_values(client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True))
    response = client.post(f"/admin/users/{user.id}/edit",
                           data={**values, "password": "Another-2026", "csrf_token": admin_browser})
    assert response.status_code == 302
    db.session.expire_all()
    page = client.get("/admin/audit/?object_type=user_account").get_data(as_text=True)
    assert _total(page) == 1 and "user_account.update" in page
    assert db.session.get(User, user.id).password_hash not in page
    assert "scrypt:" not in page and "Another-2026" not in page


# --- API documentation ----------------------------------------------------------------------------

def test_swagger_page_uses_local_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "swagger" in page.lower()
    assert "/api/docs/assets/swagger-ui-bundle.js" in page
    assert "/api/openapi.json" in page
    assert "unpkg.com" not in page and "cdn.jsdelivr" not in page and "cdnjs" not in page


@pytest.mark.parametrize("name, mimetype", [("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "text/css")])
def test_swagger_assets_are_served_locally(client, name, mimetype):
    with client.get(f"/api/docs/assets/{name}") as response:
        assert response.status_code == 200
        assert mimetype in response.mimetype
        assert len(response.data) > 10_000


@pytest.mark.parametrize("name", ["index.html", "..%2F..%2Fapp.py", "secret_key"])
def test_other_asset_names_are_404(client, name):
    assert client.get(f"/api/docs/assets/{name}").status_code == 404


def test_openapi_document_has_every_organisation_path(client):
    spec = client.get("/api/openapi.json").get_json()
    for path in ["/api/v1/outlets/", "/api/v1/counters/{ident}", "/api/v1/staff/{ident}/deactivate",
                 "/api/v1/vendors/", "/api/v1/users/{ident}/activate", "/api/v1/auth/me",
                 "/api/v1/auth/tokens/current", "/api/v1/auth/password"]:
        assert path in spec["paths"], path
