"""The shopper writes the account of a visit once: as the visit's narrative, not again as an item of the
checklist. The default mystery checklist that asked it twice stays as the version its reports were filed
on, and those reports still read whole."""
from __future__ import annotations

import copy

from sqlalchemy import select

from checklists import operations as checklist_operations
from checklists.store import checklist_of
from core.clock import local_today
from inspections.models import Assignment
from inspections.presenting import assignment_rows
from tests.inspections.helpers import DEFAULT_DOCUMENTS
from tests.mystery.helpers import Desk
from tests.rectification.helpers import browser

OLD_NARRATIVE_SECTION = {
    "key": "narrative", "label": {"zh": "暗访经过", "en": "Visit narrative"},
    "items": [{"key": "mys_narrative", "type": "text", "label": {"zh": "暗访经过叙述", "en": "Narrative of the visit"},
               "points": 0, "required": True, "max_length": 4000}],
}
OLD_ACCOUNT = "上午到达网点，大堂经理未主动问候，等候二十分钟后到二号窗口办理存款。"


def test_the_default_mystery_checklist_asks_no_narrative_of_its_own():
    items = [item for section in DEFAULT_DOCUMENTS["mystery"]["sections"] for item in section["items"]]
    assert not [item["key"] for item in items if item["type"] == "text"]


def test_reports_on_the_version_that_asked_twice_stay_readable(app, org, sync, client, bearer, users):
    old_document = copy.deepcopy(DEFAULT_DOCUMENTS["mystery"])
    old_document["sections"].append(OLD_NARRATIVE_SECTION)
    old = checklist_operations.import_and_publish_default(old_document)
    org.db.session.commit()
    desk = Desk(org, old, sync, client, bearer, users["admin"])
    shopper = users["mystery_shopper"]
    filed = desk.file(shopper, desk.assignment(assignee=shopper), mys_narrative=OLD_ACCOUNT)

    current = checklist_operations.import_and_publish_default(copy.deepcopy(DEFAULT_DOCUMENTS["mystery"]))
    org.db.session.commit()
    assert current.template_id == old.template_id and current.version == old.version + 1
    assert checklist_of(current).item("mys_narrative") is None
    # A visit handed out now is made on the new version; the filed report keeps the one it was made on.
    fresh = desk.assignment(assignee=shopper)
    [row] = assignment_rows(select(Assignment).where(Assignment.id == fresh.id), local_today())
    assert row["checklist_version_id"] == current.id

    page = browser(app, users["admin"]).get(f"/admin/mystery/{filed.uuid}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert OLD_ACCOUNT in text and "暗访经过叙述" in text
