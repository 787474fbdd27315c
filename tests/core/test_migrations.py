"""The migrations build exactly the schema the models describe, and the audit log stays append-only."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, select, text
from sqlalchemy import inspect as sa_inspect

from core.audit import AppendOnlyViolation, AuditEntry, record
from core.partitions import include_in_migrations

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_exactly_one_head():
    script = ScriptDirectory(str(MIGRATIONS))
    assert len(script.get_heads()) == 1, script.get_heads()
    assert len(script.get_bases()) == 1


def test_every_revision_can_be_walked_from_head_to_base():
    script = ScriptDirectory(str(MIGRATIONS))
    walked = list(script.walk_revisions("base", "heads"))
    assert walked and walked[-1].down_revision is None


def test_database_is_at_the_head(db):
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


def test_migrated_schema_matches_the_models(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_in_migrations})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_comparison_would_notice_a_missing_migration(db):
    changed = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["outlet"].append_column(Column("opening_hours", String(40)))
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_in_migrations})
        differences = compare_metadata(context, changed)
    assert [d[0] for d in differences] == ["add_column"]


def test_every_model_table_exists(db):
    tables = set(sa_inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables


@pytest.fixture
def entry(db):
    entry = record("test.thing", object_type="thing", object_id="1", after={"a": 1})
    db.session.commit()
    return entry


def test_audit_entry_cannot_be_modified(db, entry):
    entry.action = "test.rewritten"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(AuditEntry, entry.id).action == "test.thing"


def test_audit_entry_changes_cannot_be_modified(db, entry):
    entry.changes = {"a": {"before": None, "after": 2}}
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()


def test_audit_entry_cannot_be_deleted(db, entry):
    db.session.delete(entry)
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()
    assert db.session.execute(select(AuditEntry).where(AuditEntry.id == entry.id)).scalar() is not None


def test_audit_entries_can_still_be_added(db, entry):
    record("test.other", object_type="thing", object_id="2")
    db.session.commit()
    assert db.session.execute(text("SELECT COUNT(*) FROM audit_entry")).scalar_one() == 2


def test_entry_records_hashes_and_differences(db):
    entry = record("test.change", object_type="thing", object_id="3",
                   before={"name": "甲", "n": 1}, after={"name": "乙", "n": 1})
    db.session.commit()
    assert entry.changes == {"name": {"before": "甲", "after": "乙"}}
    assert entry.before_hash and entry.after_hash and entry.before_hash != entry.after_hash
    assert entry.actor_name == "system"
