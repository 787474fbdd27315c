"""The list of inspections, on its page and in the API, with more than a thousand of a past year behind
today's: today's on the first page, the total shown, pages, filters, secrecy kept in the counts, and
filters that cannot be read refused in Chinese."""
from __future__ import annotations

import json
import re
import uuid as uuid_module
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from core.clock import local_today
from inspections import scheduling
from inspections.models import Assignment, Inspection, Plan
from org.models import Staff
from tests.inspections.helpers import draft_body, new_uuid
from tests.rectification.helpers import browser

PAST = 1050
KINDS = ("onsite", "7s", "remote")


@pytest.fixture
def year_of_inspections(db, org, checklists, users):
    """1,050 inspections of a past year (to a day ago), each kind in turn, at outlets A and B, every
    fifth only submitted and the rest published; and one mystery visit not yet published."""
    now = datetime.now(UTC)
    rows = []
    for n in range(PAST):
        at = now - timedelta(days=1, hours=n * 8)
        rows.append({"uuid": str(uuid_module.uuid4()), "kind": KINDS[n % 3], "status": "submitted" if n % 5 == 0
                     else "published", "checklist_version_id": checklists[KINDS[n % 3]].id,
                     "outlet_id": (org.outlet_a if n % 2 else org.outlet_b).id,
                     "inspector_id": users["inspector"].id, "submitted_at": at, "created_at": at, "updated_at": at})
    rows.append({"uuid": str(uuid_module.uuid4()), "kind": "mystery", "status": "submitted",
                 "checklist_version_id": checklists["mystery"].id, "outlet_id": org.outlet_a.id,
                 "inspector_id": users["mystery_shopper"].id, "submitted_at": now, "created_at": now,
                 "updated_at": now})
    db.session.execute(insert(Inspection), rows)
    db.session.commit()
    return rows


@pytest.fixture
def todays_draft(year_of_inspections, checklists, org, sync, users, bearer):
    uuid = new_uuid()
    assert sync.put(uuid, draft_body(checklists["onsite"], org.outlet_a), bearer(users["inspector"])).status_code == 201
    return uuid


def _text(response) -> str:
    return re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))


def _pagination(response) -> dict:
    return json.loads(response.headers["X-Pagination"])


def test_todays_inspection_leads_the_first_page_with_the_total_shown(app, todays_draft, users):
    page = browser(app, users["inspector"]).get("/inspections/")
    assert page.status_code == 200
    rows = re.findall(r'href="/inspections/([0-9a-f-]{36})"', page.get_data(as_text=True).split("<tbody>")[1])
    assert len(rows) == 50 and rows[0] == todays_draft
    text = _text(page)
    assert "共 1,051 条" in text and "第 1 / 22 页" in text  # the unpublished mystery visit is not counted
    assert todays_draft not in browser(app, users["inspector"]).get("/inspections/?page=2").get_data(as_text=True)
    assert "共 1,052 条" in _text(browser(app, users["admin"]).get("/inspections/"))


def test_the_api_pages_inspections_latest_first_with_the_total_in_its_header(client, todays_draft, users, bearer):
    headers = bearer(users["inspector"])
    first = client.get("/api/v1/inspections", headers=headers)
    assert first.status_code == 200
    assert _pagination(first)["total"] == 1051 and _pagination(first)["total_pages"] == 11
    rows = first.get_json()
    assert len(rows) == 100 and rows[0]["uuid"] == todays_draft
    changed = [row["updated_at"] for row in rows]
    assert changed == sorted(changed, reverse=True)
    last = client.get("/api/v1/inspections?page=11", headers=headers)
    assert len(last.get_json()) == 51 and "next_page" not in _pagination(last)
    beyond = client.get("/api/v1/inspections?page=12", headers=headers)
    assert beyond.status_code == 200 and beyond.get_json() == []


def test_filters_narrow_the_list_and_its_total(client, app, todays_draft, users, org, bearer):
    headers = bearer(users["inspector"])

    def total(query: str) -> int:
        response = client.get(f"/api/v1/inspections?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return _pagination(response)["total"]

    assert total("kind=7s") == PAST // 3
    assert total("kind=onsite") == PAST // 3 + 1
    assert total("status=submitted") == PAST // 5
    assert total("status=draft") == 1
    assert total(f"outlet_id={org.outlet_a.id}") == PAST // 2 + 1
    assert total(f"outlet_id={org.outlet_b.id}&kind=remote&status=published") == \
        sum(1 for n in range(PAST) if n % 2 == 0 and n % 3 == 2 and n % 5)
    yesterday = local_today() - timedelta(days=1)
    assert 0 < total(f"period={yesterday.isoformat()}") <= 3
    assert total("kind=mystery") == 0
    page = browser(app, users["inspector"]).get("/inspections/?kind=7s&status=submitted")
    assert page.status_code == 200 and f"共 {PAST // 15} 条" in _text(page)


@pytest.mark.parametrize("query, field", [("page=-3", "页码"), ("status=lost", "状态"), ("kind=audit", "类型"),
                                          ("period=2026W48", "时间范围"), ("outlet_id=99999999999", "网点")])
def test_the_page_refuses_filters_it_cannot_read_in_chinese(app, users, query, field):
    page = browser(app, users["inspector"]).get(f"/inspections/?{query}")
    assert page.status_code == 400
    text = _text(page)
    assert "无法按这些筛选条件显示列表" in text and field in text


@pytest.mark.parametrize("query", ["page=0", "page_size=501", "status=lost", "period=2026-00"])
def test_the_api_refuses_paging_and_filters_it_cannot_read(client, users, bearer, query):
    response = client.get(f"/api/v1/inspections?{query}", headers=bearer(users["inspector"]))
    assert response.status_code == 422
    messages = [message for problems in response.get_json()["errors"]["query"].values() for message in problems]
    assert messages and all(re.search(r"[\u4e00-\u9fff]", message) for message in messages), messages


def test_the_calendars_overdue_assignments_are_counted_and_paged(app, db, org, checklists, users):
    today = local_today()
    db.session.execute(insert(Assignment), [
        {"kind": "onsite", "template_id": checklists["onsite"].template_id, "outlet_id": org.outlet_a.id,
         "period": f"overdue-{n}", "window_start": today - timedelta(days=30 + n),
         "window_end": today - timedelta(days=1 + n), "status": "open"} for n in range(230)])
    db.session.commit()
    admin = browser(app, users["admin"])
    first = admin.get(f"/admin/calendar?month={today:%Y-%m}")
    assert first.status_code == 200
    text = _text(first)
    assert "共 230 条" in text and "第 1 / 5 页" in text
    assert (today - timedelta(days=1)).isoformat() in text  # the latest to fall due first
    last = _text(admin.get(f"/admin/calendar?month={today:%Y-%m}&page=5"))
    assert (today - timedelta(days=230)).isoformat() in last and "第 5 / 5 页" in last
    assert admin.get("/admin/calendar?page=none").status_code == 400


def test_the_desk_lists_every_teller_due_in_pages_with_the_total(app, db, org, users, checklists):
    counter = org.outlet_a.counters[0]
    db.session.add_all([Staff(outlet_id=org.outlet_a.id, employee_no=f"A01-T{n}", name=f"柜员{n:02d}",
                              position="teller", counter_id=counter.id) for n in range(36)])
    plan = Plan(name="remote", kind="remote", template_id=checklists["remote"].template_id, cadence="cycle",
                assignee_id=users["remote_monitor"].id)
    db.session.add(plan)
    db.session.commit()
    scheduling.generate(plan, local_today())
    db.session.commit()
    monitor = browser(app, users["remote_monitor"])
    page = monitor.get("/remote/")
    assert page.status_code == 200
    side = _text(page).split("本循环覆盖率")[1]
    assert "尚未检查 共 40 条 · 第 1 / 2 页" in re.sub(r"\s+", " ", side)
    assert len(re.findall(r'<li>\s*<a href="/remote/\?assignment=', page.get_data(as_text=True))) == 30
    rest = monitor.get("/remote/?page=2").get_data(as_text=True)
    assert len(re.findall(r'<li>\s*<a href="/remote/\?assignment=', rest)) == 10
