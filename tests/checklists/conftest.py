"""Fixtures for the checklist tests: the default documents, admin headers, uploads, row counts."""
from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest
from flask_babel import refresh
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from checklists import operations, textio
from checklists.models import ChecklistTemplate, ChecklistVersion
from tests.checklists import pages
from tests.support import fresh_request_globals  # noqa: F401  (autouse)

DEFAULTS_DIR = Path(__file__).resolve().parents[2] / "checklists" / "defaults"
DEFAULT_FILES = ("onsite.yaml", "7s.yaml", "remote.yaml", "mystery.yaml")
_documents = {name: textio.load((DEFAULTS_DIR / name).read_bytes(), "yaml") for name in DEFAULT_FILES}


@pytest.fixture
def default_doc():
    """A fresh copy of a default checklist document, by file name ('onsite.yaml' ...)."""
    return lambda name: copy.deepcopy(_documents[name])


@pytest.fixture
def admin_headers(users, bearer):
    """An admin's API headers; the answers in English, whose words these tests read (tests/core checks the Chinese)."""
    return {**bearer(users["admin"]), "Accept-Language": "en"}


@pytest.fixture
def english(app):
    """Code called directly speaks English here, as for a reader who chose it."""
    with app.test_request_context("/?lang=en"):
        refresh()  # a language chosen earlier in the test's app context is not kept
        yield
    refresh()


@pytest.fixture
def api_upload(client):
    """POST a file to the import endpoint: api_upload(headers, content, filename)."""

    def post(headers: dict, content: bytes, filename: str):
        # Encoded here, in memory: the test client would spool a body over 500 KB to a temporary file
        # that nothing closes (a ResourceWarning, and warnings are errors).
        boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), filename)})
        return client.post("/api/v1/checklist-templates/import", headers=headers, data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")

    return post


def checklist_counts(db) -> tuple[int, int]:
    db.session.expire_all()
    return (db.session.execute(select(func.count()).select_from(ChecklistTemplate)).scalar_one(),
            db.session.execute(select(func.count()).select_from(ChecklistVersion)).scalar_one())


@pytest.fixture
def admin(users, login):
    return login(users["admin"])  # the CSRF token of the logged-in session


@pytest.fixture
def draft(db, users):
    return operations.import_checklist(pages.small(), users["admin"]).id
