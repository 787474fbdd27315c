"""The API of meetings and action items: pages with X-Pagination, filters, the most urgent first, bad input
refused in Chinese with nothing written, and the routes in the OpenAPI document."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from core.clock import local_today
from meetings import quarters
from tests.meetings.helpers import item_of, last_quarter, meeting_on
from tests.support import row_counts

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def admin_api(client, bearer, users):
    headers = {**bearer(users["admin"]), **ZH}

    def call(method, path, **kwargs):
        return client.open(path, method=method, headers=headers, **kwargs)

    return call


@pytest.fixture
def many(db, org, users):
    """Three meetings, newest last; the last quarter's with 12 items of which some done and some overdue."""
    admin = users["admin"]
    last = last_quarter()
    for back in (2, 3):
        quarter = quarters.before(last, back - 1)
        meeting_on(admin, quarter=quarters.before(quarter),
                   held_on=quarters.first_day(quarter) + timedelta(days=3))
    meeting = meeting_on(admin, held_on=quarters.first_day(last) + timedelta(days=3))  # long enough ago
    late = (local_today() - meeting.held_on).days - 1
    made = []
    for n in range(12):
        outlet = org.outlet_a if n % 2 == 0 else org.outlet_b
        made.append(item_of(meeting, admin, outlet=outlet, days=late - n if n < 4 else late + n, text=f"事项{n}"))
    from meetings import items
    for n in (4, 5, 6):
        items.close_item(made[n].id, "已办理", admin)
    db.session.commit()
    return meeting


def _texts(response):
    return [row["text"] for row in response.get_json()]


def test_meetings_come_newest_first_in_pages(admin_api, many):
    first = admin_api("GET", "/api/v1/meetings?page_size=2")
    assert first.status_code == 200
    assert json.loads(first.headers["X-Pagination"])["total"] == 3
    got = [row["quarter"] for row in first.get_json()]
    second = admin_api("GET", "/api/v1/meetings?page_size=2&page=2")
    got += [row["quarter"] for row in second.get_json()]
    assert got == sorted(got, reverse=True) and got[0] == last_quarter() and len(set(got)) == 3


def test_items_most_urgent_first_and_filtered(admin_api, many, org):
    everything = admin_api("GET", "/api/v1/meetings/items?page_size=100")
    rows = everything.get_json()
    assert json.loads(everything.headers["X-Pagination"])["total"] == 12
    # overdue (oldest deadline first), then the rest not done by deadline, then the done ones
    assert [r["text"] for r in rows[:4]] == ["事项3", "事项2", "事项1", "事项0"]
    assert all(r["overdue"] for r in rows[:4]) and not any(r["overdue"] for r in rows[4:])
    assert [r["status"] for r in rows[-3:]] == ["done"] * 3
    assert _texts(admin_api("GET", "/api/v1/meetings/items?status=overdue")) == ["事项3", "事项2", "事项1", "事项0"]
    assert len(_texts(admin_api("GET", "/api/v1/meetings/items?status=open"))) == 9
    assert sorted(_texts(admin_api("GET", "/api/v1/meetings/items?status=done"))) == ["事项4", "事项5", "事项6"]
    by_outlet = admin_api("GET", f"/api/v1/meetings/items?outlet_id={org.outlet_b.id}").get_json()
    assert {r["owner_outlet_name"] for r in by_outlet} == {"黄埭支行"} and len(by_outlet) == 6
    assert _texts(admin_api("GET", f"/api/v1/meetings/items?quarter={quarters.before(last_quarter())}")) == []
    paged = admin_api("GET", "/api/v1/meetings/items?page_size=5&page=3")
    assert len(paged.get_json()) == 2 and json.loads(paged.headers["X-Pagination"])["total_pages"] == 3


def test_a_meeting_gives_its_items_and_those_carried_over(admin_api, db, org, users):
    admin = users["admin"]
    earlier = meeting_on(admin, quarter=quarters.before(last_quarter()),
                         held_on=quarters.first_day(last_quarter()) + timedelta(days=2))
    item_of(earlier, admin, outlet=org.outlet_a, text="结转事项", days=300)
    later = meeting_on(admin)
    item_of(later, admin, user=users["viewer"], text="本次事项")
    db.session.commit()
    body = admin_api("GET", f"/api/v1/meetings/{later.id}").get_json()
    assert [i["text"] for i in body["items"]] == ["本次事项"]
    assert [i["text"] for i in body["carried_over"]] == ["结转事项"]
    assert body["items"][0]["owner_user_name"] == users["viewer"].display_name
    assert body["attendees"] == ["支行行长", "分管副行长", "各网点负责人"]


@pytest.mark.parametrize(("body", "field"), [
    ({"quarter": "2026-Q5"}, "quarter"),
    ({"quarter": "第三季度"}, "quarter"),
    ({"held_on": "2026-13-40"}, "held_on"),
    ({"held_on": None}, "held_on"),
    ({"attendees": "张三"}, "attendees"),
    ({"place": "会" * 101}, "place"),
    ({"recorded": "也许"}, "recorded"),
])
def test_a_bad_meeting_is_refused_in_chinese_and_nothing_written(admin_api, db, org, body, field):
    before = row_counts()
    good = {"quarter": last_quarter(), "held_on": str(local_today() - timedelta(days=1)), "place": "会议室",
            "chair": "行长", "attendees": ["行长"], "points": "点评", "decisions": "决定"}
    response = admin_api("POST", "/api/v1/meetings", json={**good, **body})
    assert response.status_code == 422, response.get_json()
    payload = response.get_json()
    assert field in json.dumps(payload["errors"]) and payload["problem"] == "validation_failed"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in json.dumps(payload, ensure_ascii=False))
    assert row_counts() == before


@pytest.mark.parametrize(("body", "status", "problem"), [
    ({"text": ""}, 422, "validation_failed"),
    ({"text": "   "}, 422, "validation_failed"),
    ({"deadline": "明天"}, 422, "validation_failed"),
    ({"owner_outlet_id": None}, 422, "validation_failed"),
    ({"owner_outlet_id": "A01"}, 422, "validation_failed"),
    ({"owner_outlet_id": 99999}, 422, "validation_failed"),
])
def test_a_bad_item_is_refused_and_nothing_written(admin_api, db, org, users, body, status, problem):
    meeting = meeting_on(users["admin"])
    db.session.commit()
    before = row_counts()
    good = {"text": "整改", "owner_outlet_id": org.outlet_a.id, "deadline": str(local_today() + timedelta(days=9))}
    response = admin_api("POST", f"/api/v1/meetings/{meeting.id}/items", json={**good, **body})
    assert (response.status_code, response.get_json()["problem"]) == (status, problem), response.get_json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.get_json()["message"])
    assert row_counts() == before


def test_closing_without_a_note_and_twice(admin_api, db, org, users):
    meeting = meeting_on(users["admin"])
    item = item_of(meeting, users["admin"], outlet=org.outlet_a)
    db.session.commit()
    path = f"/api/v1/meetings/items/{item.id}"
    empty = admin_api("POST", f"{path}/close", json={})
    assert (empty.status_code, empty.get_json()["problem"]) == (422, "note_required")
    assert "办结说明" in json.dumps(empty.get_json(), ensure_ascii=False)
    assert admin_api("POST", f"{path}/reopen", json={"reason": "x"}).get_json()["problem"] == "wrong_status"
    assert admin_api("POST", f"{path}/close", json={"note": "已办"}).status_code == 200
    again = admin_api("POST", f"{path}/close", json={"note": "已办"})
    assert (again.status_code, again.get_json()["problem"]) == (409, "already_done")
    assert admin_api("POST", f"{path}/reopen", json={}).get_json()["problem"] == "reason_required"
    assert admin_api("GET", path).get_json()["status"] == "done"
    assert admin_api("GET", "/api/v1/meetings/items/99999").status_code == 404
    assert admin_api("GET", "/api/v1/meetings/99999").status_code == 404


def test_bad_filters_are_refused(admin_api, many):
    for query in ("status=late", "quarter=2026Q3", "outlet_id=x", "page=0"):
        response = admin_api("GET", f"/api/v1/meetings/items?{query}")
        assert response.status_code in (400, 422), query


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in ("/api/v1/meetings", "/api/v1/meetings/{ident}", "/api/v1/meetings/{ident}/items",
                 "/api/v1/meetings/items", "/api/v1/meetings/items/{ident}/close",
                 "/api/v1/meetings/items/{ident}/reopen"):
        assert path in paths, path
