"""The mystery flow's transitions under concurrent requests through a real threaded server: one
review decides a report, one publish creates its findings and notice, one hand-out gives a visit to
a shopper; every other request gets 409 and writes nothing."""
from __future__ import annotations

import itertools
import json

from core.audit import AuditEntry
from inspections.models import Assignment, Inspection
from mystery.models import MysteryReview
from rectification.models import Finding, Notice
from tests.inspections.helpers import at_once, count, rows, statuses
from tests.mystery.helpers import visit_times
from tests.mystery.test_review import DESCRIBED, NARRATIVE

CALLS = 8


def _post(path: str, body: dict, headers: dict) -> tuple:
    return ("POST", path, json.dumps(body).encode(), {**headers, "Content-Type": "application/json"})


def test_concurrent_reviews_decide_a_report_once(desk, shopper, visit, users, bearer, live_server, db):
    uuid = desk.file(shopper, visit, failing=DESCRIBED, narrative=NARRATIVE, **visit_times()).uuid
    admins = [bearer(users["admin"]), bearer(desk.org.user("admin", "admin2"))]
    decisions = [("accept", ""), ("revise", "请补充等候时间"), ("reject", "照片与网点不符")]
    calls = [_post(f"/api/v1/mystery/reports/{uuid}/review",
                   {"decision": decisions[n % 3][0], "reason": decisions[n % 3][1]}, admins[n % 2])
             for n in range(CALLS)]
    db.session.commit()  # the test holds no transaction (nor SQLite's write lock) while the server works
    results = at_once(live_server, calls)
    assert statuses(results) == [200] + [409] * (CALLS - 1), results
    [review] = rows(MysteryReview)
    [inspection] = rows(Inspection, uuid=uuid)
    assert inspection.status == {"accept": "reviewed", "revise": "draft", "reject": "rejected"}[review.decision]


def test_concurrent_publishes_create_the_findings_and_the_notice_once(desk, shopper, visit, users, bearer,
                                                                      live_server, db):
    uuid = desk.file(shopper, visit, failing=DESCRIBED, narrative=NARRATIVE, **visit_times()).uuid
    assert desk.review(uuid, "accept").status_code == 200
    assert desk.attribute(uuid, {}, not_attributable=list(DESCRIBED)).status_code == 200
    headers = bearer(users["admin"])
    db.session.commit()
    results = at_once(live_server, [_post(f"/api/v1/mystery/reports/{uuid}/publish", {}, headers)] * CALLS)
    assert statuses(results) == [200] + [409] * (CALLS - 1), results
    assert count(Finding) == len(DESCRIBED) and count(Notice) == 1
    assert [r.decision for r in rows(MysteryReview)] == ["accept", "publish"]


def test_concurrent_hand_outs_give_a_visit_to_one_shopper(desk, visit, coordinator, colleague, org, bearer,
                                                          live_server, db):
    shoppers = [colleague.id] + [org.user("mystery_shopper", f"extra{n}").id for n in range(CALLS - 1)]
    headers, visit_id = bearer(coordinator), visit.id
    db.session.commit()
    results = at_once(live_server, [_post(f"/api/v1/mystery/assignments/{visit_id}/shopper",
                                          {"shopper_id": shopper_id}, headers) for shopper_id in shoppers])
    # Handed out one after another, each hand-out is fine; at the same moment, only one of those that
    # read the same assignee wins. Either way no hand-out is lost: each starts from the one before.
    assert set(statuses(results)) <= {200, 409} and 200 in statuses(results), results
    winners = [json.loads(body)["assignee_id"] for status, body in results if status == 200]
    entries = sorted(rows(AuditEntry, action="mystery.assign"), key=lambda entry: entry.id)
    assert len(entries) == len(winners)
    assert all(later.before_hash == earlier.after_hash for earlier, later in itertools.pairwise(entries))
    assert rows(Assignment, id=visit_id)[0].assignee_id == entries[-1].changes["assignee_id"]["after"]
