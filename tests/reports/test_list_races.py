"""Red/black lists under concurrent requests through a real threaded server: one draft per month and
scope however many prepare it at once, and one sign-off; the other sign-offs and any change that
arrives with them get 409."""
from __future__ import annotations

import json

import pytest

from core.audit import AuditEntry
from reports.models import ServiceList
from tests.inspections.helpers import at_once, count, rows, statuses

CALLS = 8


@pytest.fixture
def admin_headers(users, bearer) -> dict:
    return {**bearer(users["admin"]), "Content-Type": "application/json"}


def test_concurrent_prepares_make_one_draft(bank, admin_headers, live_server, db):
    body = json.dumps({"month": "2026-09", "scope": "outlet", "outlet_id": bank.org.outlet_a.id}).encode()
    db.session.commit()  # the test holds no transaction (nor SQLite's write lock) while the server works
    results = at_once(live_server, [("POST", "/api/v1/reports/lists", body, admin_headers)] * CALLS)
    assert statuses(results) == [200] * (CALLS - 1) + [201], results
    assert count(ServiceList) == 1
    assert len({len(json.loads(data)["entries"]) for _, data in results}) == 1


def test_concurrent_sign_offs_publish_once(bank, admin_headers, api_as, live_server, db):
    listed = api_as("admin", "POST", "/lists", json={"month": "2026-09", "scope": "outlet",
                                                     "outlet_id": bank.org.outlet_a.id}).get_json()
    path = f"/api/v1/reports/lists/{listed['id']}"
    calls = [("POST", f"{path}/publish", b"", admin_headers)] * CALLS + \
            [("PATCH", path, json.dumps({"appeal_note": f"申诉 {n}"}).encode(), admin_headers) for n in range(4)]
    db.session.commit()
    results = at_once(live_server, calls)
    sign_offs, notes = statuses(results[:CALLS]), [status for status, _ in results[CALLS:]]
    assert sign_offs == [200] + [409] * (CALLS - 1), results
    assert set(notes) <= {200, 409}
    assert len(rows(AuditEntry, action="service_list.publish")) == 1
    # A note landed only before the sign-off, never after it.
    entries = sorted(rows(AuditEntry, object_type="service_list"), key=lambda entry: entry.id)
    assert entries[-1].action == "service_list.publish"
    assert sum(entry.action == "service_list.appeal_note" for entry in entries) == notes.count(200)
