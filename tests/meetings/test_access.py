"""Who may do what to meetings and action items, through the API: leadership reads everything, only the
admin writes meetings, adds and reopens items; an item's owner (the account, or the outlet head of the
owner outlet) sees and closes only the own items; inspectors, the remote monitor and shoppers get 403."""
from __future__ import annotations

import pytest

from meetings.models import DONE, OPEN
from tests.meetings.helpers import item_of, last_quarter, meeting_on
from tests.support import row_counts

REFUSED = ("inspector", "remote_monitor", "mystery_shopper")
ALL = ("admin", "inspector", "remote_monitor", "mystery_shopper", "outlet_manager", "viewer")


@pytest.fixture
def world(db, org, users):
    """A meeting with an item owned by outlet A (whose head is the outlet manager), one by the viewer's
    account, and one by outlet B."""
    admin = users["admin"]
    meeting = meeting_on(admin)
    own = item_of(meeting, admin, outlet=org.outlet_a, text="元和支行整改")
    viewer_owned = item_of(meeting, admin, user=users["viewer"], text="行长督办")
    other = item_of(meeting, admin, outlet=org.outlet_b, text="黄埭支行整改")
    db.session.commit()
    return {"meeting": meeting.id, "own": own.id, "viewer": viewer_owned.id, "other": other.id}


def _meeting_body(**changes):
    return {"quarter": last_quarter(), "held_on": "2026-10-10", "place": "会议室", "chair": "行长",
            "attendees": ["行长"], "points": "点评", "decisions": "决定", **changes}


def _status(db, ident):
    from meetings.models import ActionItem
    db.session.expire_all()
    return db.session.get(ActionItem, ident).status


@pytest.mark.parametrize("role", ALL)
def test_reading(client, bearer, users, world, role):
    headers = bearer(users[role])
    meetings = client.get("/api/v1/meetings", headers=headers)
    one = client.get(f"/api/v1/meetings/{world['meeting']}", headers=headers)
    listed = client.get("/api/v1/meetings/items", headers=headers)
    if role in REFUSED:
        assert (meetings.status_code, one.status_code, listed.status_code) == (403, 403, 403)
        assert client.get(f"/api/v1/meetings/items/{world['own']}", headers=headers).status_code == 403
        return
    if role == "outlet_manager":
        assert (meetings.status_code, one.status_code) == (403, 403)
        assert [row["text"] for row in listed.get_json()] == ["元和支行整改"]
        assert client.get(f"/api/v1/meetings/items/{world['own']}", headers=headers).status_code == 200
        assert client.get(f"/api/v1/meetings/items/{world['other']}", headers=headers).status_code == 404
        return
    assert meetings.status_code == 200 and one.status_code == 200
    assert sorted(row["text"] for row in listed.get_json()) == sorted(["元和支行整改", "行长督办", "黄埭支行整改"])


@pytest.mark.parametrize("role", ALL)
def test_creating_and_changing_a_meeting_is_the_admins(db, client, bearer, users, world, role):
    headers = bearer(users[role])
    before = row_counts()
    created = client.post("/api/v1/meetings", json=_meeting_body(quarter="2025-Q1"), headers=headers)
    changed = client.put(f"/api/v1/meetings/{world['meeting']}", json=_meeting_body(decisions="新决定"),
                         headers=headers)
    added = client.post(f"/api/v1/meetings/{world['meeting']}/items", headers=headers,
                        json={"text": "新增督办", "owner_user_id": users["viewer"].id, "deadline": "2027-01-31"})
    if role == "admin":
        assert (created.status_code, changed.status_code, added.status_code) == (201, 200, 201)
        assert changed.get_json()["decisions"] == "新决定"
        return
    assert (created.status_code, changed.status_code, added.status_code) == (403, 403, 403)
    assert row_counts() == before


@pytest.mark.parametrize("role", ALL)
def test_closing_the_own_item(db, client, bearer, users, world, role):
    headers = bearer(users[role])
    own = client.post(f"/api/v1/meetings/items/{world['own']}/close", json={"note": "已整改"}, headers=headers)
    other = client.post(f"/api/v1/meetings/items/{world['other']}/close", json={"note": "已整改"}, headers=headers)
    by_account = client.post(f"/api/v1/meetings/items/{world['viewer']}/close", json={"note": "已落实"},
                             headers=headers)
    expected = {"admin": (200, 200, 200), "outlet_manager": (200, 404, 404), "viewer": (403, 403, 200)}
    assert (own.status_code, other.status_code, by_account.status_code) == expected.get(role, (403, 403, 403))
    assert _status(db, world["own"]) == (DONE if role in ("admin", "outlet_manager") else OPEN)
    assert _status(db, world["other"]) == (DONE if role == "admin" else OPEN)


@pytest.mark.parametrize("role", ALL)
def test_reopening_is_the_admins(db, client, bearer, users, world, role):
    assert client.post(f"/api/v1/meetings/items/{world['own']}/close", json={"note": "已整改"},
                       headers=bearer(users["admin"])).status_code == 200
    response = client.post(f"/api/v1/meetings/items/{world['own']}/reopen", json={"reason": "整改不到位"},
                           headers=bearer(users[role]))
    assert response.status_code == (200 if role == "admin" else 403)
    assert _status(db, world["own"]) == ("reopened" if role == "admin" else DONE)


def test_an_outlet_manager_of_another_outlet_cannot_close(db, client, bearer, org, world):
    other_head = org.user("outlet_manager", username="head_b", outlet=org.outlet_b)
    response = client.post(f"/api/v1/meetings/items/{world['own']}/close", json={"note": "已整改"},
                           headers=bearer(other_head))
    assert response.status_code == 404
    assert _status(db, world["own"]) == OPEN


@pytest.mark.parametrize("role", REFUSED + ("outlet_manager", "viewer"))
def test_pages_refused_to_roles(client, login, users, world, role):
    login(users[role])
    statuses = [client.get(path).status_code for path in
                ("/meetings/", f"/meetings/{world['meeting']}", "/meetings/new", f"/meetings/{world['meeting']}/edit")]
    if role == "viewer":
        assert statuses == [200, 200, 403, 403]
    else:
        assert statuses == [403, 403, 403, 403]
    items_page = client.get("/meetings/items/").status_code
    assert items_page == (403 if role in REFUSED else 200)


def test_anonymous_is_asked_to_log_in(client, world):
    assert client.get("/api/v1/meetings").status_code == 401
    assert client.post(f"/api/v1/meetings/items/{world['own']}/close", json={"note": "x"}).status_code == 401
    assert client.get("/meetings/").status_code == 302
