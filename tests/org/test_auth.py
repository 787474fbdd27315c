"""Logging in: bearer tokens, expiry, revocation, password change, throttling, sessions vs. the API."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.db import utcnow
from core.security import hash_password
from org.models import ApiToken, LoginThrottle, User
from tests.conftest import PASSWORD
from tests.support import csrf_token_of

TOKENS = "/api/v1/auth/tokens"
ME = "/api/v1/auth/me"


def _issue(client, username, password=PASSWORD, **extra):
    return client.post(TOKENS, json={"username": username, "password": password, **extra})


def _bearer(response) -> dict:
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _tokens_of(db, user) -> list[ApiToken]:
    db.session.expire_all()
    return db.session.execute(select(ApiToken).where(ApiToken.user_id == user.id)).scalars().all()


# --- issuing tokens -------------------------------------------------------------------------------

def test_token_is_issued_with_expiry_and_user(client, users):
    before = datetime.now(UTC)
    response = _issue(client, "inspector", label="iPhone 15")
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at", "user"}
    assert len(body["token"]) >= 32
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at.tzinfo is not None
    assert expires_at > before + timedelta(days=1)
    assert body["user"] == {"id": users["inspector"].id, "username": "inspector", "display_name": "inspector",
                            "role": "inspector", "outlet_id": None, "vendor_id": None, "locale": "zh"}


def test_token_user_shows_the_scope_of_outlet_managers_and_shoppers(client, org, users):
    assert _issue(client, "outlet_manager").get_json()["user"]["outlet_id"] == org.outlet_a.id
    assert _issue(client, "mystery_shopper").get_json()["user"]["vendor_id"] == org.vendor.id


def test_only_a_digest_of_the_token_is_stored(client, db, users):
    token = _issue(client, "admin").get_json()["token"]
    stored = _tokens_of(db, users["admin"])
    assert len(stored) == 1
    assert stored[0].token_hash != token and len(stored[0].token_hash) == 64
    assert token not in stored[0].token_hash


def test_username_is_matched_without_regard_to_case(client, users):
    assert _issue(client, "  InSpector ").status_code == 201


def test_wrong_password_is_401_with_a_json_message(client, users):
    response = _issue(client, "inspector", "not-the-password-1")
    assert response.status_code == 401
    assert response.is_json
    assert "密码" in response.get_json()["message"]
    assert "token" not in response.get_json()


def test_unknown_user_is_401(client, users):
    response = _issue(client, "nobody")
    assert response.status_code == 401
    assert response.get_json()["message"]


def test_deactivated_user_gets_no_token(client, db, users):
    users["viewer"].active = False
    db.session.commit()
    response = _issue(client, "viewer")
    assert response.status_code == 401
    assert response.get_json()["message"]


@pytest.mark.parametrize("body", [{"username": "admin"}, {"password": PASSWORD},
                                  {"username": "admin", "password": PASSWORD, "remember": True}])
def test_incomplete_or_unknown_token_request_is_422(client, users, body):
    response = client.post(TOKENS, json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]


# --- using tokens ---------------------------------------------------------------------------------

def test_token_works_for_me(client, users):
    headers = _bearer(_issue(client, "remote_monitor"))
    response = client.get(ME, headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["username"] == "remote_monitor" and body["role"] == "remote_monitor"
    assert "password_hash" not in body and "password" not in body


@pytest.mark.parametrize("authorization", [None, "Bearer ", "Bearer not-a-real-token", "Basic YWRtaW46eA==",
                                           "token-without-scheme"])
def test_me_without_a_valid_token_is_401(client, users, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(ME, headers=headers)
    assert response.status_code == 401
    assert response.is_json and response.get_json()["message"]


def test_expired_token_in_the_database_is_401(client, db, users):
    headers = _bearer(_issue(client, "inspector"))
    assert client.get(ME, headers=headers).status_code == 200
    (token,) = _tokens_of(db, users["inspector"])
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(ME, headers=headers).status_code == 401


def test_token_expires_when_its_lifetime_has_passed(client, app, users, clock):
    headers = _bearer(_issue(client, "inspector"))
    lifetime = app.config["API_TOKEN_LIFETIME"]
    clock.advance(lifetime - timedelta(minutes=1))
    assert client.get(ME, headers=headers).status_code == 200
    clock.advance(timedelta(minutes=2))
    assert client.get(ME, headers=headers).status_code == 401


def test_token_of_a_user_deactivated_later_stops_working(client, db, users):
    headers = _bearer(_issue(client, "viewer"))
    users["viewer"].active = False
    db.session.commit()
    assert client.get(ME, headers=headers).status_code == 401


def test_delete_current_token_revokes_only_that_token(client, db, users):
    first = _bearer(_issue(client, "inspector"))
    second = _bearer(_issue(client, "inspector"))
    response = client.delete(f"{TOKENS}/current", headers=first)
    assert response.status_code == 204
    assert client.get(ME, headers=first).status_code == 401
    assert client.delete(f"{TOKENS}/current", headers=first).status_code == 401
    assert client.get(ME, headers=second).status_code == 200
    revoked = [t for t in _tokens_of(db, users["inspector"]) if t.revoked_at is not None]
    assert len(revoked) == 1


def test_delete_current_token_needs_a_token(client, users):
    assert client.delete(f"{TOKENS}/current").status_code == 401


# --- password change ------------------------------------------------------------------------------

def _browser(app, user):
    """A second, independent browser logged in through the form."""
    browser = app.test_client()
    token = csrf_token_of(browser.get("/login").data)
    response = browser.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert browser.get("/").status_code == 200
    return browser


def test_password_change_revokes_every_token_and_browser_session(app, client, db, users):
    first = _bearer(_issue(client, "inspector"))
    second = _bearer(_issue(client, "inspector"))
    other_user = _bearer(_issue(client, "viewer"))
    browser = _browser(app, users["inspector"])

    response = client.post("/api/v1/auth/password", headers=first,
                           json={"current_password": PASSWORD, "new_password": "brand-new-2026"})
    assert response.status_code == 204

    assert client.get(ME, headers=first).status_code == 401
    assert client.get(ME, headers=second).status_code == 401
    assert all(t.revoked_at is not None for t in _tokens_of(db, users["inspector"]))
    assert client.get(ME, headers=other_user).status_code == 200
    page = browser.get("/")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login")

    assert _issue(client, "inspector").status_code == 401
    assert _issue(client, "inspector", "brand-new-2026").status_code == 201


@pytest.mark.parametrize("body, field", [
    ({"current_password": "wrong-password-1", "new_password": "brand-new-2026"}, "current_password"),
    ({"current_password": PASSWORD, "new_password": "short1"}, "new_password"),
    ({"current_password": PASSWORD, "new_password": "onlyletters"}, "new_password"),
])
def test_refused_password_change_keeps_everything(client, db, users, body, field):
    headers = _bearer(_issue(client, "inspector"))
    response = client.post("/api/v1/auth/password", headers=headers, json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert field in errors or field in errors.get("json", {})
    assert client.get(ME, headers=headers).status_code == 200
    assert _issue(client, "inspector").status_code == 201


def test_password_change_needs_a_token(client, users):
    response = client.post("/api/v1/auth/password",
                           json={"current_password": PASSWORD, "new_password": "brand-new-2026"})
    assert response.status_code == 401


# --- throttling -----------------------------------------------------------------------------------

def _fail_api(client, username, times):
    for _ in range(times):
        assert _issue(client, username, "wrong-password-9").status_code == 401


def test_api_locks_after_max_failures_even_for_the_right_password(app, client, users):
    assert app.config["LOGIN_MAX_FAILURES"] == 5
    _fail_api(client, "inspector", 5)
    response = _issue(client, "inspector")
    assert response.status_code == 429
    assert response.is_json and response.get_json()["message"]
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= app.config["LOGIN_LOCK_BASE"].total_seconds() + 1
    # other accounts are not locked
    assert _issue(client, "viewer").status_code == 201


def test_lock_ends_when_the_window_has_passed(app, client, users, clock):
    _fail_api(client, "inspector", 5)
    assert _issue(client, "inspector").status_code == 429
    clock.advance(app.config["LOGIN_LOCK_BASE"] + timedelta(seconds=5))
    assert _issue(client, "inspector").status_code == 201


def test_unknown_usernames_are_throttled_too(client, users):
    _fail_api(client, "ghost", 5)
    assert _issue(client, "ghost").status_code == 429


def test_a_success_resets_the_failure_count(client, db, users):
    _fail_api(client, "inspector", 4)
    assert _issue(client, "inspector").status_code == 201
    _fail_api(client, "inspector", 4)
    assert _issue(client, "inspector").status_code == 201
    counts = db.session.execute(select(LoginThrottle).where(LoginThrottle.username == "inspector")).scalars().all()
    assert counts == []


def _form_login(client, username, password):
    token = csrf_token_of(client.get("/login").data)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def test_login_form_locks_after_max_failures_with_retry_after(app, client, users):
    for _ in range(5):
        response = _form_login(client, "inspector", "wrong-password-9")
        assert response.status_code == 401
        assert response.mimetype == "text/html"
    response = _form_login(client, "inspector", PASSWORD)
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert 0 < int(response.headers["Retry-After"]) <= app.config["LOGIN_LOCK_BASE"].total_seconds() + 1
    assert client.get("/").status_code == 302  # still not logged in


def test_form_and_api_failures_count_together(client, users):
    for _ in range(3):
        assert _form_login(client, "inspector", "wrong-password-9").status_code == 401
    _fail_api(client, "inspector", 2)
    assert _issue(client, "inspector").status_code == 429


def test_login_form_success_resets_the_count(client, users):
    for _ in range(4):
        _form_login(client, "inspector", "wrong-password-9")
    assert _form_login(client, "inspector", PASSWORD).status_code == 302
    _fail_api(client, "inspector", 4)
    assert _issue(client, "inspector").status_code == 201


# --- browser sessions -----------------------------------------------------------------------------

def test_session_cookie_alone_does_not_authenticate_the_api(client, login, users):
    login(users["admin"])
    assert client.get("/").status_code == 200
    response = client.get(ME)
    assert response.status_code == 401
    assert response.is_json
    assert client.get("/api/v1/outlets/").status_code == 401


def test_login_form_rejects_wrong_password_with_a_message(client, users):
    response = _form_login(client, "inspector", "wrong-password-9")
    assert response.status_code == 401
    assert b'role="alert"' in response.data
    assert client.get("/").status_code == 302


def test_login_redirects_to_a_local_next_only(client, users):
    token = csrf_token_of(client.get("/login").data)
    data = {"username": "admin", "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    client.post("/logout", data={"csrf_token": token})
    response = client.post("/login?next=/admin/outlets/", data=data)
    assert response.headers["Location"] == "/admin/outlets/"


def test_logout_ends_the_session(client, login, users):
    token = login(users["admin"])
    assert client.get("/").status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_deactivating_a_user_ends_their_browser_session(app, db, users):
    browser = _browser(app, users["viewer"])
    user = db.session.get(User, users["viewer"].id)
    user.active = False
    db.session.commit()
    assert browser.get("/").status_code == 302


def test_password_change_page_keeps_this_browser_and_ends_the_others(app, client, login, users):
    other_browser = _browser(app, users["inspector"])
    token = login(users["inspector"])
    headers = _bearer(_issue(client, "inspector"))
    assert client.get("/account/password").status_code == 200
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                      "new_password": "brand-new-2026", "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other_browser.get("/").status_code == 302
    assert client.get(ME, headers=headers).status_code == 401


def test_password_change_page_shows_errors(client, login, users):
    token = login(users["inspector"])
    response = client.post("/account/password", data={"current_password": "wrong-password-1",
                                                      "new_password": "brand-new-2026", "csrf_token": token})
    assert response.status_code == 422
    assert 'class="field-error"' in response.get_data(as_text=True)
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                      "new_password": "12345678901", "csrf_token": token})
    assert response.status_code == 422
    assert _issue(client, "inspector").status_code == 201


def test_only_a_test_app_hashes_passwords_cheaply(app, monkeypatch):
    assert hash_password(PASSWORD).startswith("pbkdf2:sha256:1$")
    monkeypatch.setattr(app, "testing", False)
    assert hash_password(PASSWORD).startswith("scrypt:")  # production keeps the slow default, whatever is set
