"""Each role lands on its work: leadership on the service dashboard, the people who work on a phone on
a page that offers the app with a QR code of its public address."""
from __future__ import annotations

import html
import re

import pytest
import segno

from tests.conftest import ALL_ROLES, PASSWORD

APP_ROLES = ("inspector", "mystery_shopper", "outlet_manager")
LANDING = {"viewer": "/reports/dashboard", "remote_monitor": "/remote/"}


def _log_in(client, user, path="/login"):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post(path, data={"username": user.username, "password": PASSWORD, "csrf_token": token})


@pytest.mark.parametrize("role", ALL_ROLES)
def test_logging_in_lands_each_role_on_its_work(client, users, role):
    response = _log_in(client, users[role])
    assert response.status_code == 302
    assert response.headers["Location"] == LANDING.get(role, "/")
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_vendors_coordinator_lands_on_the_visits_to_hand_out(client, org, db):
    coordinator = org.user("mystery_shopper", username="coordinator")
    coordinator.is_coordinator = True
    db.session.commit()
    response = _log_in(client, coordinator)
    assert response.headers["Location"] == "/vendor/"
    assert client.get("/vendor/").status_code == 200


def test_a_page_asked_for_before_logging_in_still_wins(client, users):
    response = _log_in(client, users["viewer"], "/login?next=/findings/")
    assert response.headers["Location"] == "/findings/"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_start_page_offers_the_app_to_those_who_work_on_a_phone(app, client, login, users, role, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://inspect.bank.example")
    login(users[role])
    page = client.get("/").get_data(as_text=True)
    offered = 'id="app-offer"' in page
    assert offered == (role in APP_ROLES)
    if offered:
        assert 'href="/app/"' in page
        assert "https://inspect.bank.example/app/" in page
        qr_code = html.unescape(re.search(r'<img src="(data:image/svg\+xml[^"]+)"', page).group(1))
        assert qr_code == segno.make("https://inspect.bank.example/app/", error="m").svg_data_uri(scale=5, border=2)
        assert "打开应用" in page and "Open the app" not in page
