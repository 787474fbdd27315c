"""Fixtures for the inspection tests: published checklists (the defaults and a small custom one),
bearer headers and a client for the sync API. Plain helpers live in helpers.py."""
from __future__ import annotations

import copy
import threading

import pytest
from werkzeug.serving import make_server

from checklists import operations as checklist_operations
from org import accounts
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
def bearer(app):
    """Bearer headers minted directly (no password hashing); `token_for` uses the real endpoint."""

    def mint(user) -> dict:
        return {"Authorization": f"Bearer {accounts.issue_token(user).token}"}

    return mint


@pytest.fixture
def sync(client):
    return SyncApi(client)


@pytest.fixture
def live_server(app, db):
    """The app behind a real threaded HTTP server on a free port; its base URL.

    The test's own session must hold no transaction while the server works (SQLite takes the write
    lock when a transaction begins), so it is committed here and tests read data they need first."""
    db.session.commit()
    server = make_server(host="127.0.0.1", port=0, app=app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def auth(users, bearer):
    return bearer(users["inspector"])


@pytest.fixture
def draft(org, custom, sync, auth):
    """A fresh draft of the inspector's; its UUID."""
    uuid = new_uuid()
    assert sync.put(uuid, draft_body(custom, org.outlet_a), auth).status_code == 201
    return uuid
