"""Login throttling: by account and by client, growing delays, device cookies, admin unlock,
atomic under parallel guesses."""
from __future__ import annotations

import http.cookiejar
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from org.models import LoginAttempt
from tests.conftest import PASSWORD
from tests.support import csrf_token_of

TOKENS = "/api/v1/auth/tokens"
WRONG = "wrong-password-9"


def _issue(client, username, password=PASSWORD):
    return client.post(TOKENS, json={"username": username, "password": password})


def _fail(client, username, times):
    for _ in range(times):
        assert _issue(client, username, WRONG).status_code == 401


def _passwords_checked(db, username) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(LoginAttempt)
                              .where(LoginAttempt.username == username)).scalar_one()


def test_a_client_that_logged_in_before_is_not_locked_out_by_guesses_from_elsewhere(app, client, users):
    trusted = app.test_client()
    assert _issue(trusted, "admin").status_code == 201  # leaves a device cookie
    _fail(client, "admin", 5)
    assert _issue(client, "admin").status_code == 429
    assert _issue(trusted, "admin").status_code == 201
    # a new, unknown client is still kept out
    assert _issue(app.test_client(), "admin").status_code == 429


def test_a_trusted_client_is_locked_by_its_own_failures(app, client, users):
    assert _issue(client, "inspector").status_code == 201
    _fail(client, "inspector", 5)
    assert _issue(client, "inspector").status_code == 429
    assert _issue(app.test_client(), "inspector").status_code == 201  # other clients are not affected


def test_a_device_cookie_of_another_user_or_forged_gives_no_trust(app, client, users):
    assert _issue(client, "viewer").status_code == 201
    from org.device_cookies import cookie_name

    viewer_cookie = client.get_cookie(cookie_name("viewer")).value
    attacker = app.test_client()
    _fail(attacker, "admin", 5)
    forged = app.test_client()
    forged.set_cookie(cookie_name("admin"), viewer_cookie)
    assert _issue(forged, "admin").status_code == 429
    forged.set_cookie(cookie_name("admin"), viewer_cookie[:-3] + "abc")
    assert _issue(forged, "admin").status_code == 429


def test_guesses_sent_while_locked_are_not_checked_and_do_not_extend_the_lock(app, client, db, users, clock):
    _fail(client, "inspector", 5)
    for _ in range(20):
        assert _issue(client, "inspector", WRONG).status_code == 429
    assert _passwords_checked(db, "inspector") == 5
    clock.advance(app.config["LOGIN_LOCK_BASE"] + timedelta(seconds=2))
    assert _issue(client, "inspector").status_code == 201


def test_delays_grow_with_each_further_failure_up_to_a_cap(app, client, users, clock):
    base, cap = app.config["LOGIN_LOCK_BASE"], app.config["LOGIN_LOCK_MAX"]
    _fail(client, "inspector", 5)
    expected = base
    for _ in range(8):
        response = _issue(client, "inspector", WRONG)
        assert response.status_code == 429
        retry_after = int(response.headers["Retry-After"])
        assert expected.total_seconds() - 2 <= retry_after <= expected.total_seconds() + 2
        clock.advance(timedelta(seconds=retry_after + 1))
        assert _issue(client, "inspector", WRONG).status_code == 401
        expected = min(expected * 2, cap)


def test_one_client_guessing_at_many_accounts_is_throttled(app, client, users):
    limit = app.config["LOGIN_CLIENT_MAX_FAILURES"]
    for index in range(limit):
        assert _issue(client, f"someone{index}", WRONG).status_code == 401
    assert _issue(client, "viewer").status_code == 429
    assert _issue(app.test_client(), "viewer").status_code == 429  # same address


# --- admins unlock --------------------------------------------------------------------------------

def _lock(client, username):
    _fail(client, username, 5)
    assert _issue(client, username).status_code == 429


def test_admin_unlocks_from_the_users_page_with_an_audit_entry(app, client, db, login, users):
    attacker = app.test_client()
    _lock(attacker, "inspector")
    token = login(users["admin"])
    page = client.get("/admin/users/").get_data(as_text=True)
    assert f"/admin/users/{users['inspector'].id}/unlock" in page
    assert f"/admin/users/{users['viewer'].id}/unlock" not in page  # only locked accounts offer it
    assert client.post(f"/admin/users/{users['inspector'].id}/unlock").status_code == 400  # no CSRF token
    assert _issue(attacker, "inspector").status_code == 429
    response = client.post(f"/admin/users/{users['inspector'].id}/unlock", data={"csrf_token": token})
    assert response.status_code == 302
    assert _issue(app.test_client(), "inspector").status_code == 201
    db.session.expire_all()
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "user.unlock")).scalar_one()
    assert entry.actor_id == users["admin"].id and entry.object_id == str(users["inspector"].id)


def test_admin_unlocks_by_api(app, client, users, bearer):
    _lock(app.test_client(), "viewer")
    response = client.post(f"/api/v1/users/{users['viewer'].id}/unlock", headers=bearer(users["admin"]))
    assert response.status_code == 200
    assert _issue(app.test_client(), "viewer").status_code == 201


@pytest.mark.parametrize("role", ["inspector", "remote_monitor", "mystery_shopper", "outlet_manager", "viewer"])
def test_only_admins_unlock(app, client, db, login, users, bearer, role):
    _lock(app.test_client(), "admin")
    assert client.post(f"/api/v1/users/{users['admin'].id}/unlock",
                       headers=bearer(users[role])).status_code == 403
    token = login(users[role])
    assert client.post(f"/admin/users/{users['admin'].id}/unlock", data={"csrf_token": token}).status_code == 403
    assert _issue(app.test_client(), "admin").status_code == 429


def test_admin_unlocks_from_the_cli(app, runner, users):
    _lock(app.test_client(), "admin")
    result = runner.invoke(args=["unlock-login", "ADMIN"])
    assert result.exit_code == 0, result.output
    assert _issue(app.test_client(), "admin").status_code == 201
    assert runner.invoke(args=["unlock-login", "nobody"]).exit_code != 0


# --- parallel guesses -----------------------------------------------------------------------------

def _post_json(url, body, headers=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _parallel(count, send):
    results, barrier = [], threading.Barrier(count)

    def run():
        barrier.wait()
        results.append(send())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_forty_parallel_guesses_check_at_most_the_limit(app, db, users, live_server):
    results = _parallel(40, lambda: _post_json(live_server + TOKENS, {"username": "admin", "password": WRONG}))
    assert sorted(set(results)) == [401, 429]
    assert results.count(401) == app.config["LOGIN_MAX_FAILURES"]
    assert _passwords_checked(db, "admin") == app.config["LOGIN_MAX_FAILURES"]


def test_parallel_form_guesses_check_at_most_the_limit(app, db, users, live_server):
    def form_guess():
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        token = csrf_token_of(opener.open(live_server + "/login", timeout=60).read())
        body = urllib.parse.urlencode({"username": "viewer", "password": WRONG, "csrf_token": token}).encode()
        try:
            return opener.open(live_server + "/login", data=body, timeout=60).status
        except urllib.error.HTTPError as error:
            return error.code

    results = _parallel(20, form_guess)
    assert results.count(401) == app.config["LOGIN_MAX_FAILURES"]
    assert results.count(429) == 20 - app.config["LOGIN_MAX_FAILURES"]
    assert _passwords_checked(db, "viewer") == app.config["LOGIN_MAX_FAILURES"]


# --- behind a reverse proxy ------------------------------------------------------------------------

def test_behind_a_proxy_each_client_is_throttled_by_its_own_address(app, db, users):
    """With PROXY_COUNT=1 the address the proxy adds is the client's; a client cannot add its own."""
    from app import create_app

    proxied = create_app({"TESTING": True, "SERVER_NAME": None, "REDIS_URL": "", "PROXY_COUNT": 1})
    forged_then_real = {"X-Forwarded-For": "198.51.100.7, 203.0.113.5"}  # the proxy appends the real one
    try:
        assert proxied.test_client().post(TOKENS, json={"username": "viewer", "password": WRONG},
                                          headers=forged_then_real).status_code == 401
    finally:
        with proxied.app_context():
            db.engine.dispose()  # the second app's own connections
    db.session.expire_all()
    addresses = db.session.execute(select(LoginAttempt.ip).where(LoginAttempt.username == "viewer")).scalars().all()
    assert addresses == ["203.0.113.5"]
    # Without PROXY_COUNT the header counts for nothing.
    assert app.test_client().post(TOKENS, json={"username": "admin", "password": WRONG},
                                  headers=forged_then_real).status_code == 401
    db.session.expire_all()
    assert db.session.execute(select(LoginAttempt.ip).where(LoginAttempt.username == "admin")).scalar() == "127.0.0.1"
