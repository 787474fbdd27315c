"""Helpers shared by the org and core tests."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import g, request_started
from sqlalchemy import func, select

from core.extensions import db as _db


def row_counts() -> dict[str, int]:
    """Rows in every table, read fresh from the database."""
    _db.session.expire_all()
    return {table.name: _db.session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in _db.metadata.sorted_tables}


def csrf_token_of(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def form_post(page, path: str, **fields):
    """Post a form the way a browser does: with the CSRF token of the page at `path`."""
    token = csrf_token_of(page.get(path).data)
    return page.post(path, data={"csrf_token": token, **fields})


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    """The `db` fixture keeps one app context open for the whole test, and Flask reuses an open app
    context for each test request, so `g` (Flask-Login's loaded user, Flask-Babel's locale,
    Flask-WTF's CSRF token) would leak from one request into the next. In production every request
    gets a fresh `g`; this restores that."""

    request_started.connect(clear_request_globals, app)
    yield
    request_started.disconnect(clear_request_globals, app)


def clear_request_globals(sender, **extra):
    g.__dict__.clear()


def empty_database() -> None:
    """End the test's session and delete every row, children first: what each test (or module) leaves."""
    _db.session.rollback()
    _db.session.remove()
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())


def published_checklist(document: dict):
    """A published version of the checklist, also on a database migrated only as far as before checklists
    were set at nodes (a test of migrations): there its template is written with the columns it had then."""
    from checklists import operations
    from checklists.models import DRAFT, ChecklistVersion
    from core.db import UTCDateTime, utcnow

    columns = {column["name"] for column in sa.inspect(_db.session.connection()).get_columns("checklist_template")}
    if "node_id" in columns:
        return operations.publish(operations.import_checklist(document, None), None)
    checklist, now = operations._validated(document), utcnow()
    row = {"code": checklist.code, "kind": checklist.kind, "name": checklist.name.zh, "name_en": checklist.name.en,
           "active": True, "created_at": now, "updated_at": now}
    table = sa.table("checklist_template", *(sa.column(name) for name in row if not name.endswith("_at")),
                     sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()), sa.column("id"))
    template_id = _db.session.execute(sa.insert(table).values(row).returning(table.c.id)).scalar_one()
    version = ChecklistVersion(template_id=template_id, version=1, status=DRAFT)
    _db.session.add(version)
    operations._store(version, checklist)
    return operations.publish(version, None)
