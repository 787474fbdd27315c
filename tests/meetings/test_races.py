"""Concurrent requests through a real threaded server: of the closes of one action item exactly one wins
and the item is closed once with the winner's note; of the meetings written on one quarter one is
stored; the others get 409."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import local_today
from meetings.models import ActionItem, Meeting
from tests.inspections.helpers import at_once, statuses
from tests.meetings.helpers import item_of, last_quarter, meeting_on

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


def test_concurrent_meetings_on_one_quarter_store_one(db, users, bearer, live_server):
    headers = {**bearer(users["admin"]), "Content-Type": "application/json"}
    body = {"quarter": last_quarter(), "held_on": str(local_today() - timedelta(days=1)), "place": "会议室",
            "chair": "行长", "attendees": ["行长"], "points": "点评", "decisions": "决定", "recorded": True}
    db.session.commit()
    results = at_once(live_server, [("POST", "/api/v1/meetings", json.dumps({**body, "chair": f"行长{n}"}).encode(),
                                     headers) for n in range(CALLS)])
    assert statuses(results) == [201] + [409] * (CALLS - 1), results
    assert all(json.loads(data)["problem"] == "already_used" for status, data in results if status == 409)
    assert db.session.execute(select(func.count()).select_from(Meeting)).scalar_one() == 1
    db.session.commit()
