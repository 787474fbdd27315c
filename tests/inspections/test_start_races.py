"""Several devices of one inspector starting the same assignment at the same moment, over real sockets:
one draft, which every device is given (or pointed at)."""
from __future__ import annotations

import json
from datetime import timedelta

from core.clock import local_today
from inspections.models import Assignment, Inspection
from tests.inspections.helpers import at_once, count, draft_body, new_uuid, statuses

DEVICES = 8


def _assignment(org, custom, inspector) -> int:
    today = local_today()
    row = Assignment(kind="onsite", template_id=custom.template_id, outlet_id=org.outlet_a.id,
                     assignee_id=inspector.id, period="2026-11", sequence=1,
                     window_start=today - timedelta(days=1), window_end=today + timedelta(days=5))
    org.db.session.add(row)
    org.db.session.commit()
    return row.id


def test_eight_devices_starting_one_assignment_at_once_get_one_draft(org, custom, bearer, live_server):
    inspector = org.user("inspector")
    assignment_id = _assignment(org, custom, inspector)
    uuids = [new_uuid() for _ in range(DEVICES)]
    calls = [("POST", f"/api/v1/assignments/{assignment_id}/start", json.dumps({"uuid": uuid}).encode(),
              {**bearer(inspector), "Content-Type": "application/json"}) for uuid in uuids]
    org.db.session.commit()  # the test holds no transaction while the server works

    results = at_once(live_server, calls)
    assert statuses(results) == [200] * (DEVICES - 1) + [201], results
    drafts = {json.loads(data)["uuid"] for _, data in results}
    assert len(drafts) == 1 and drafts <= set(uuids)
    assert count(Inspection) == 1


def test_eight_devices_sending_their_offline_drafts_of_one_assignment_at_once_leave_one(
        org, custom, bearer, live_server):
    """Each device started the visit offline under its own UUID; the first to arrive is the draft, and the
    others are told which one to continue."""
    inspector = org.user("inspector")
    assignment_id = _assignment(org, custom, inspector)
    headers = {**bearer(inspector), "Content-Type": "application/json"}
    uuids = [new_uuid() for _ in range(DEVICES)]
    calls = [("PUT", f"/api/v1/inspections/{uuid}",
              json.dumps(draft_body(custom, org.outlet_a, [{"item_key": "greet", "value": "pass"}],
                                    assignment_id=assignment_id)).encode(), headers) for uuid in uuids]
    org.db.session.commit()

    results = at_once(live_server, calls)
    assert statuses(results) == [201] + [409] * (DEVICES - 1), results
    [winner] = [json.loads(data)["uuid"] for status, data in results if status == 201]
    assert {json.loads(data)["errors"]["open_draft"] for status, data in results if status == 409} == {winner}
    assert count(Inspection) == 1


def test_the_same_offline_draft_sent_by_one_device_eight_times_at_once_is_saved_once(
        org, custom, bearer, live_server):
    inspector = org.user("inspector")
    assignment_id = _assignment(org, custom, inspector)
    headers = {**bearer(inspector), "Content-Type": "application/json"}
    uuid = new_uuid()
    body = json.dumps(draft_body(custom, org.outlet_a, [{"item_key": "greet", "value": "pass"}],
                                 assignment_id=assignment_id)).encode()
    org.db.session.commit()

    results = at_once(live_server, [("PUT", f"/api/v1/inspections/{uuid}", body, headers)] * DEVICES)
    assert statuses(results) == [200] * (DEVICES - 1) + [201], results
    assert count(Inspection) == 1
