"""Fixtures for the inspection tests: published checklists (the defaults and a small custom one)
and a client for the sync API. Plain helpers live in helpers.py."""
from __future__ import annotations

import copy
from datetime import UTC, date, datetime

import pytest
import time_machine

from checklists import operations as checklist_operations
from inspections import scheduling
from inspections.models import Plan
from tests.inspections.helpers import CUSTOM_DOCUMENT, DEFAULT_DOCUMENTS, SyncApi, draft_body, new_uuid
from tests.support import fresh_request_globals  # noqa: F401  (autouse)


@pytest.fixture
def checklists(db):
    """The four default checklists, published: kind → ChecklistVersion."""
    versions = {}
    for kind, document in DEFAULT_DOCUMENTS.items():
        versions[kind] = checklist_operations.import_and_publish_default(copy.deepcopy(document))
    return versions


@pytest.fixture
def custom(db):
    """The small custom checklist, published."""
    version = checklist_operations.import_checklist(copy.deepcopy(CUSTOM_DOCUMENT), None)
    return checklist_operations.publish(version, None)


@pytest.fixture
def sync(client):
    return SyncApi(client)


@pytest.fixture
def auth(users, bearer):
    return bearer(users["inspector"])


@pytest.fixture
def draft(org, custom, sync, auth):
    """A fresh draft of the inspector's; its UUID."""
    uuid = new_uuid()
    assert sync.put(uuid, draft_body(custom, org.outlet_a), auth).status_code == 201
    return uuid


# A cycle of the default two-day rhythm (from 2026-01-01): 1 and 2 December 2026.
CYCLE_FIRST_DAY, CYCLE_LAST_DAY = date(2026, 12, 1), date(2026, 12, 2)


@pytest.fixture
def cycle_day():
    """The clock on the first day of the cycle, 10:00 in Suzhou; it ticks on from there."""
    with time_machine.travel(datetime(2026, 12, 1, 2, 0, tzinfo=UTC), tick=True) as traveller:
        yield traveller


@pytest.fixture
def cycle_plan(db, org, users, checklists, cycle_day):
    """The remote monitor's two-day plan, with this cycle's assignments: every teller of outlets A and B."""
    plan = Plan(name="实时非现场检查", kind="remote", template_id=checklists["remote"].template_id, cadence="cycle",
                assignee_id=users["remote_monitor"].id)
    db.session.add(plan)
    db.session.commit()
    scheduling.generate(plan, CYCLE_FIRST_DAY)
    db.session.commit()
    return plan
