"""`flask migrate-to-postgres`: the embedded default's SQLite database and media folder copied into an
empty, migrated PostgreSQL and the configured storage; logins, ids and files carry on there."""
from __future__ import annotations

import copy
import os
import secrets
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from checklists import operations as checklist_operations
from core.extensions import db as _db
from core.storage import storage
from org.models import Branch, User
from tests.conftest import PASSWORD, _close_connections, _test_app
from tests.factories import Org
from tests.inspections.helpers import DEFAULT_DOCUMENTS

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_ON_POSTGRES"), reason="the target is PostgreSQL")



@pytest.fixture
def old_data_dir(tmp_path):
    """An embedded installation: a bank, its people and a published checklist; a file in its media."""
    old, key = tmp_path / "old", f"inspections/ab/{secrets.token_hex(8)}.jpg"
    source = _test_app(old, f"sqlite:///{old / 'inspection.db'}")
    with source.app_context():
        bank = Org(_db)
        for role in ("admin", "inspector"):
            bank.user(role)
        checklist_operations.import_and_publish_default(copy.deepcopy(DEFAULT_DOCUMENTS["onsite"]))
        storage().put(key, b"the old photo")
        _db.session.commit()
        counts = {table.name: _db.session.execute(select(func.count()).select_from(table)).scalar()
                  for table in _db.metadata.sorted_tables}
        created = _db.session.execute(select(User.created_at).where(User.username == "inspector")).scalar()
        _db.session.commit()
    _close_connections(source)
    return old, key, counts, created


def test_the_embedded_default_moves_into_postgres_and_carries_on(app, db, runner, client, old_data_dir):
    old, key, counts, created = old_data_dir
    result = runner.invoke(args=["migrate-to-postgres", str(old)])
    assert result.exit_code == 0, result.output
    assert f"{sum(counts.values())} rows" in result.output and "1 media files copied" in result.output

    moved = {table.name: db.session.execute(select(func.count()).select_from(table)).scalar()
             for table in db.metadata.sorted_tables}
    assert moved == counts and counts["user_account"] == 2 and counts["checklist_version"] == 1
    assert db.session.execute(select(User.created_at).where(User.username == "inspector")).scalar() == created
    assert storage().get(key) == b"the old photo"

    # The passwords came along, and new rows continue after the highest id copied.
    token = client.post("/api/v1/auth/tokens", json={"username": "inspector", "password": PASSWORD})
    assert token.status_code == 201, token.get_json()
    highest = db.session.execute(select(func.max(Branch.id))).scalar()
    branch = Branch(code="NEW", name="新支行", notice_prefix="新支行服务整改")
    db.session.add(branch)
    db.session.flush()
    assert branch.id == highest + 1
    db.session.rollback()

    again = runner.invoke(args=["migrate-to-postgres", str(old)])
    assert again.exit_code != 0 and "not empty" in again.output


def test_moving_is_refused_before_anything_is_copied_when_the_versions_differ(app, db, runner, old_data_dir):
    old, key, _counts, _created = old_data_dir
    with sqlite3.connect(old / "inspection.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'older'")
    result = runner.invoke(args=["migrate-to-postgres", str(old)])
    assert result.exit_code != 0 and "revision older" in result.output
    assert db.session.execute(select(func.count()).select_from(User)).scalar() == 0
    assert not Path(app.config["MEDIA_DIR"], key).exists()
