"""Equal work for unknown users, safe redirects, server-side logout, the password policy."""
from __future__ import annotations

import pytest

from core.security import PASSWORD_HASH_METHOD, hash_password
from org import accounts
from tests.conftest import PASSWORD
from tests.support import csrf_token_of

TOKENS = "/api/v1/auth/tokens"


# --- equal work -----------------------------------------------------------------------------------

@pytest.fixture
def production_hashing(app, db, users, monkeypatch):
    """Passwords hashed and checked as in production: the suite's cheap hashing would leave nothing to
    measure but noise."""
    monkeypatch.setitem(app.config, "TEST_PASSWORD_HASH_METHOD", PASSWORD_HASH_METHOD)
    accounts._dummy_hash.cache_clear()
    for role in ("inspector", "viewer"):
        users[role].password_hash = hash_password(PASSWORD)
    db.session.commit()
    yield
    accounts._dummy_hash.cache_clear()


def test_unknown_and_deactivated_users_cost_as_much_as_real_ones(app, db, users, production_hashing, monkeypatch):
    """Equal work, not equal clocks: each refused login checks its password once against a hash made the
    same way and at the same cost (method, rounds, salt) as a real user's, so timing tells nothing."""
    users["viewer"].active = False
    db.session.commit()
    checked: list[str] = []
    real_check = accounts.verify_password

    def counted(stored_hash: str, password: str) -> bool:
        checked.append(stored_hash.split("$")[0])  # e.g. "scrypt:32768:8:1": the method and its cost
        return real_check(stored_hash, password)

    monkeypatch.setattr(accounts, "verify_password", counted)
    for username in ("inspector", "no-such-user", "viewer"):
        response = app.test_client().post(TOKENS, json={"username": username, "password": "wrong-password-9"})
        assert response.status_code == 401
    assert len(checked) == 3 and len(set(checked)) == 1, checked
    assert checked[0].startswith(PASSWORD_HASH_METHOD.split(":")[0])


# --- redirects ------------------------------------------------------------------------------------

EVIL_TARGETS = ["//evil.example/x", "/%09/evil.example", "/\t/evil.example", "/\\evil.example",
                "\\\\evil.example", "https://evil.example/", "/%2F/evil.example", "%2F%2Fevil.example",
                "/%252F%252Fevil.example", "javascript:alert(1)", "http://localhost@evil.example/",
                "/\r\n/evil.example"]


def _lands_on_this_site(location: str) -> bool:
    return location.startswith("/") and not location.startswith("//") and "evil" not in location


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_login_never_redirects_off_site(client, users, target):
    token = csrf_token_of(client.get("/login").data)
    response = client.post("/login", query_string={"next": target},
                           data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert _lands_on_this_site(response.headers["Location"])


@pytest.mark.parametrize("referer", [t for t in EVIL_TARGETS if "\n" not in t] + ["http://evil.example/admin/"])
def test_language_switch_never_follows_a_foreign_referer(client, referer):
    response = client.get("/lang/en", headers={"Referer": referer})
    assert response.status_code == 302
    assert _lands_on_this_site(response.headers["Location"])


def test_same_site_targets_are_still_followed(client, users):
    assert client.get("/lang/en", headers={"Referer": "http://localhost/admin/outlets/?inactive=1"}
                      ).headers["Location"] == "/admin/outlets/?inactive=1"
    token = csrf_token_of(client.get("/login").data)
    response = client.post("/login?next=/admin/outlets/",
                           data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/admin/outlets/"


# --- logout ---------------------------------------------------------------------------------------

def _session_cookie(client):
    return client.get_cookie("session").value


def test_logout_ends_the_session_on_the_server(app, client, login, users):
    other_device = app.test_client()
    token = csrf_token_of(other_device.get("/login").data)
    other_device.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    token = login(users["admin"])
    copied = _session_cookie(client)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", copied)
    response = replay.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert other_device.get("/").status_code == 200  # the user's other browsers stay logged in


def test_a_request_begun_before_login_does_not_undo_it(app, client, users):
    """A page's own requests (its icon, its error page) may still be on their way when the form is sent;
    answered after the login, they carry the cookie of before it, and writing that cookie back would log
    the browser out again. Only logging in and out writes the session cookie."""
    token = csrf_token_of(client.get("/login").data)
    before_login = client.get_cookie("session").value
    assert client.post("/login", data={"username": "inspector", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    late = app.test_client()
    late.set_cookie("session", before_login)
    for path in ("/favicon.ico", "/login", "/findings/"):
        response = late.get(path)
        assert not any(header.startswith("session=") for header in response.headers.getlist("Set-Cookie")), path
    assert client.get("/findings/").status_code == 200


# --- password policy ------------------------------------------------------------------------------

WEAK = ["password1", "aaaaaaa1", " " * 8, "\x00" * 8, "aaaaaaaaaaaa", "qwerty123", "abc\x01defgh12"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused_by_the_api_in_chinese(client, org, users, bearer, password):
    admin = bearer(users["admin"])
    created = client.post("/api/v1/users/", headers=admin,
                          json={"username": "newbie", "role": "inspector", "password": password})
    assert created.status_code == 422
    assert any("\u4e00" <= char <= "\u9fff" for char in str(created.get_json()))
    patched = client.patch(f"/api/v1/users/{users['viewer'].id}", headers=admin, json={"password": password})
    assert patched.status_code == 422
    own = bearer(users["inspector"])
    changed = client.post("/api/v1/auth/password", headers=own,
                          json={"current_password": PASSWORD, "new_password": password})
    assert changed.status_code == 422
    assert client.post(TOKENS, json={"username": "viewer", "password": PASSWORD}).status_code == 201


@pytest.mark.parametrize("password", WEAK[:4])
def test_weak_passwords_are_refused_by_the_pages(client, users, login, password):
    token = login(users["admin"])
    page = client.post("/admin/users/new", data={"csrf_token": token, "username": "newbie",
                                                 "role": "inspector", "password": password})
    assert page.status_code == 422
    page = client.post("/account/password", data={"csrf_token": token, "current_password": PASSWORD,
                                                   "new_password": password})
    assert page.status_code == 422


def test_a_good_password_is_accepted(client, users, bearer):
    response = client.post("/api/v1/users/", headers=bearer(users["admin"]),
                           json={"username": "newbie", "role": "inspector", "password": "Lotus-garden-2026"})
    assert response.status_code == 201
