"""Who sees which report: admin and viewer everything; the inspector the league tables; the outlet manager
(of outlet A) only A's league row, A's staff scorecards and A's published lists; the remote monitor only
the coverage; the mystery shopper nothing. Only the admin changes anything."""
from __future__ import annotations

import pytest

from tests.factories import bearer_headers
from tests.reports.conftest import ZONE

ROLES = ("admin", "viewer", "inspector", "remote_monitor", "mystery_shopper", "outlet_manager")

READS = {
    "/rules": {"admin", "viewer"},
    "/scorecards?month=2026-09": {"admin", "viewer", "outlet_manager"},
    "/league?period=2026-09": {"admin", "viewer", "inspector", "outlet_manager"},
    "/coverage?month=2026-09": {"admin", "viewer", "inspector", "remote_monitor", "outlet_manager"},
    "/lists": {"admin", "viewer", "outlet_manager"},
    "/bsc?period=2026-09": {"admin", "viewer"},
    "/bsc.xlsx?period=2026-09": {"admin", "viewer"},
    "/bsc.csv?period=2026-09": {"admin", "viewer"},
    "/trends?period=2026-09": {"admin", "viewer"},
    "/mystery-confirmations": {"admin"},
}


@pytest.mark.parametrize("role", ROLES)
def test_reads(bank, api_as, role):
    for path, allowed in READS.items():
        response = api_as(role, "GET", path)
        assert response.status_code == (200 if role in allowed else 403), (path, response.get_json())


@pytest.mark.parametrize("role", ROLES)
def test_the_analysis_pdf_is_for_leadership(bank, api_as, role, monkeypatch):
    from reports import analysis

    monkeypatch.setattr(analysis, "pdf", lambda quarter: b"%PDF-1.7 stub")
    assert api_as(role, "GET", "/analysis.pdf?period=2026Q3").status_code == (200 if role in ("admin", "viewer") else 403)


def test_anonymous_callers_get_401(bank, client):
    for path in READS:
        assert client.get(f"/api/v1/reports{path}").status_code == 401, path


@pytest.mark.parametrize("role", ROLES)
def test_only_the_admin_changes_anything(bank, api_as, role):
    allowed = role == "admin"
    rules = api_as(role, "PATCH", "/rules", json={"values": {"deduct_minor": 2}})
    assert rules.status_code == (200 if allowed else 403)
    created = api_as(role, "POST", "/lists", json={"month": "2026-09", "scope": "branch"})
    assert created.status_code == (201 if allowed else 403)
    confirmed = api_as(role, "POST", "/mystery-confirmations", json={
        "inspection_uuid": bank.inspections["mystery-B"].uuid, "staff_id": bank.people["B3"].id})
    assert confirmed.status_code == (201 if allowed else 403)


@pytest.mark.parametrize("role", ("viewer", "inspector", "remote_monitor", "mystery_shopper", "outlet_manager"))
def test_nobody_but_the_admin_works_a_list(bank, api_as, role):
    listed = api_as("admin", "POST", "/lists", json={"month": "2026-09", "scope": "outlet",
                                                     "outlet_id": bank.org.outlet_a.id}).get_json()
    entry = listed["entries"][0]["id"]
    for method, path, body in (("PATCH", f"/lists/{listed['id']}", {"appeal_note": "x"}),
                               ("POST", f"/lists/{listed['id']}/refresh", None),
                               ("PATCH", f"/lists/{listed['id']}/entries/{entry}", {"appeal_note": "x"}),
                               ("POST", f"/lists/{listed['id']}/publish", None)):
        assert api_as(role, method, path, json=body).status_code in (403, 404), (method, path)
    assert api_as("admin", "GET", f"/lists/{listed['id']}").get_json()["status"] == "draft"


def test_the_outlet_manager_sees_only_the_own_outlet(bank, api_as):
    staff = api_as("outlet_manager", "GET", "/scorecards?month=2026-09").get_json()["staff"]
    assert {row["outlet_code"] for row in staff} == {"A01"} and len(staff) == 3
    assert api_as("outlet_manager", "GET", f"/scorecards?month=2026-09&outlet_id={bank.org.outlet_b.id}"
                  ).status_code == 404
    assert api_as("outlet_manager", "GET", f"/scorecards/{bank.people['A2'].id}?month=2026-09").status_code == 200
    assert api_as("outlet_manager", "GET", f"/scorecards/{bank.people['B2'].id}?month=2026-09").status_code == 404
    league = api_as("outlet_manager", "GET", "/league?period=2026-09").get_json()["rows"]
    assert [(row["code"], row["rank"]) for row in league] == [("A01", 2)]
    coverage = api_as("outlet_manager", "GET", "/coverage?month=2026-09").get_json()["rows"]
    assert [row["code"] for row in coverage] == ["A01"]


def test_lists_an_outlet_manager_may_not_see_are_404(bank, api_as):
    branch = api_as("admin", "POST", "/lists", json={"month": "2026-09", "scope": "branch"}).get_json()
    other = api_as("admin", "POST", "/lists", json={"month": "2026-09", "scope": "outlet",
                                                    "outlet_id": bank.org.outlet_b.id}).get_json()
    for listed in (branch, other):
        api_as("admin", "POST", f"/lists/{listed['id']}/publish")
        assert api_as("outlet_manager", "GET", f"/lists/{listed['id']}").status_code == 404
    assert api_as("outlet_manager", "GET", "/lists").get_json() == []
    assert api_as("viewer", "GET", "/lists/99999").status_code == 404


def test_unknown_staff_is_404(bank, api_as):
    assert api_as("admin", "GET", "/scorecards/99999").status_code == 404


PAGES = {
    "/reports/dashboard?month=2026-09": {"admin", "viewer"},
    "/reports/league?period=2026-09": {"admin", "viewer", "inspector", "outlet_manager"},
    "/reports/scorecards?month=2026-09": {"admin", "viewer", "outlet_manager"},
    "/reports/coverage?month=2026-09": {"admin", "viewer", "inspector", "remote_monitor", "outlet_manager"},
    "/reports/lists": {"admin", "viewer", "outlet_manager"},
    "/reports/rules": {"admin", "viewer"},
    "/reports/bsc?period=2026-09": {"admin", "viewer"},
    "/reports/bsc.xlsx?period=2026-09": {"admin", "viewer"},
}
LANDING = {"admin": "/reports/dashboard", "viewer": "/reports/dashboard", "inspector": "/reports/league",
           "outlet_manager": "/reports/scorecards", "remote_monitor": "/reports/coverage"}


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(bank, client, login, users, role):
    login(users[role])
    for path, allowed in PAGES.items():
        assert client.get(path).status_code == (200 if role in allowed else 403), path
    landing = client.get("/reports/")
    if role in LANDING:
        assert landing.status_code == 302 and landing.headers["Location"].endswith(LANDING[role])
    else:
        assert landing.status_code == 403


def test_a_scorecard_gives_the_outlet_a_mystery_visits_day_not_its_minute(bank, api_as, client, org):
    from datetime import datetime

    from tests.rectification.helpers import browser

    manager_b = org.user("outlet_manager", "manager_b", outlet=org.outlet_b)
    path = f"/api/v1/reports/scorecards/{bank.people['B3'].id}?month=2026-09"
    as_manager = client.get(path, headers=bearer_headers(manager_b))
    [seen] = [line for line in as_manager.get_json()["lines"] if line["inspection_kind"] == "mystery"]
    [exact] = [line for line in api_as("admin", "GET", path.removeprefix("/api/v1/reports")).get_json()["lines"]
               if line["inspection_kind"] == "mystery"]
    visit = datetime.fromisoformat(exact["at"]).astimezone(ZONE)
    assert (visit.hour, visit.minute) != (0, 0)
    assert datetime.fromisoformat(seen["at"]) == visit.replace(hour=0, minute=0, second=0, microsecond=0)
    page = browser(client.application, manager_b).get(f"/reports/scorecards/{bank.people['B3'].id}?month=2026-09")
    assert page.status_code == 200 and f"{visit:%Y-%m-%d %H:%M}" not in page.get_data(as_text=True)
    assert f"{visit:%Y-%m-%d}" in page.get_data(as_text=True)
