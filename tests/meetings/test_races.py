"""Concurrent closes of one action item through a real threaded server: exactly one wins, the others get
409, and the item is closed once with the winner's note."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from core.audit import AuditEntry
from meetings.models import ActionItem
from tests.inspections.helpers import at_once, statuses
from tests.meetings.helpers import item_of, meeting_on

CALLS = 6


def test_concurrent_closes_close_once(db, org, users, bearer, live_server):
    meeting = meeting_on(users["admin"])
    item = item_of(meeting, users["admin"], outlet=org.outlet_a)
    item_id = item.id
    senders = [bearer(users["admin"]), bearer(users["outlet_manager"])]
    db.session.commit()  # the test holds no transaction (nor SQLite's write lock) while the server works
    calls = [("POST", f"/api/v1/meetings/items/{item_id}/close", json.dumps({"note": f"办结 #{n}"}).encode(),
              {**senders[n % 2], "Content-Type": "application/json"}) for n in range(CALLS)]
    results = at_once(live_server, calls)
    assert statuses(results) == [200] + [409] * (CALLS - 1), results
    winner = next(json.loads(body) for status, body in results if status == 200)
    losers = [json.loads(body) for status, body in results if status == 409]
    assert all(body["problem"] == "already_done" for body in losers)
    db.session.expire_all()
    stored = db.session.get(ActionItem, item_id)
    assert stored.status == "done" and stored.closing_note == winner["closing_note"]
    closes = db.session.execute(select(func.count()).select_from(AuditEntry)
                                .where(AuditEntry.action == "action_item.close")).scalar_one()
    assert closes == 1
    db.session.commit()
