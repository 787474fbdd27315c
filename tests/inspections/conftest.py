"""Fixtures for the inspection tests: published checklists (the defaults and a small custom one)
and a client for the sync API. Plain helpers live in helpers.py."""
from __future__ import annotations

import copy

import pytest

from checklists import operations as checklist_operations
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
