"""The answers carry the month their inspection was opened (both databases); on PostgreSQL the audit log
and the answers are partitioned by month, rows land in their month's partition, a row beyond the prepared
months lands in DEFAULT until `flask partitions ensure` makes its month, and `detach` takes a past month out."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select, text

from core import audit
from core.audit import AuditEntry
from core.partitions import MONTHS_AHEAD, add_months, month_of
from inspections.models import Answer, Inspection
from tests.inspections.helpers import draft_body, full_answers, new_uuid, rows


def _postgres(db) -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def postgres_only(db):
    if not _postgres(db):
        pytest.skip("partitions are a PostgreSQL feature; SQLite keeps plain tables")


@pytest.fixture
def dropped_afterwards(db):
    """Tables a test makes outside the migrations (a month's partition, a detached month), dropped after it."""
    names: list[str] = []
    yield names
    db.session.rollback()
    with db.engine.begin() as connection:
        for name in names:
            connection.execute(text(f"DROP TABLE IF EXISTS {name}"))


def _submitted(sync, auth, custom, org) -> Inspection:
    uuid = new_uuid()
    assert sync.put(uuid, draft_body(custom, org.outlet_a, full_answers(custom)), auth).status_code == 201
    assert sync.submit(uuid, auth).status_code == 200
    return rows(Inspection, uuid=uuid)[0]


def _partition_of(db, table: str, row_id: int) -> str:
    return db.session.execute(text(f"SELECT tableoid::regclass::text FROM {table} WHERE id = :id"),
                              {"id": row_id}).scalar_one()


def _entry_at(db, moment: datetime) -> int:
    entry = AuditEntry(at=moment, action="test.dated", object_type="thing", object_id="1", changes={})
    db.session.add(entry)
    db.session.flush()
    entry_id = entry.id
    db.session.commit()  # and no read after it: DETACH waits for every transaction that read the table
    return entry_id


def test_answers_carry_the_month_their_inspection_was_opened_and_the_submit_scores_them(db, org, custom, sync, auth):
    inspection = _submitted(sync, auth, custom, org)
    answers = rows(Answer, inspection_id=inspection.id)
    assert answers and {a.inspection_month for a in answers} == {month_of(inspection.created_at)}
    # The submit reads and scores the answers naming their month: every one got its score.
    assert all(a.state is not None and a.max_score is not None for a in answers)
    assert set(db.session.execute(select(Answer.id).where(Answer.of(inspection))).scalars()) == {a.id for a in answers}


def test_an_answer_inserted_without_its_month_gets_its_inspections(db, org, custom, sync, auth, draft):
    inspection = rows(Inspection, uuid=draft)[0]
    db.session.execute(insert(Answer.__table__), [{"inspection_id": inspection.id, "item_key": "greet",
                                                   "value": "pass", "note": "", "staff_description": "",
                                                   "photo_ids": [], "client_updated_at": datetime.now(UTC)}])
    db.session.commit()
    assert [a.inspection_month for a in rows(Answer, inspection_id=inspection.id)] == [month_of(inspection.created_at)]


def test_the_audit_log_and_the_answers_are_partitioned_by_month(db, postgres_only):
    partitioned = dict(db.session.execute(text(
        "SELECT c.relname, a.attname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
        "WHERE p.partstrat = 'r'")).all())
    assert partitioned == {"audit_entry": "at", "answer": "inspection_month"}
    this_month = month_of(datetime.now(UTC))
    for table in partitioned:
        attached = set(db.session.execute(text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = CAST(:table AS regclass)"), {"table": table}).scalars())
        months = {add_months(this_month, step) for step in range(MONTHS_AHEAD + 1)}
        assert {f"{table}_y{m.year}m{m.month:02d}" for m in months} | {f"{table}_default"} <= attached


def test_rows_land_in_their_months_partition(db, postgres_only, org, custom, sync, auth):
    inspection = _submitted(sync, auth, custom, org)
    month = month_of(inspection.created_at)
    answer = rows(Answer, inspection_id=inspection.id)[0]
    assert _partition_of(db, "answer", answer.id) == f"answer_y{month.year}m{month.month:02d}"
    submit_entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "inspection.submit")).scalar_one()
    month = month_of(submit_entry.at)
    assert _partition_of(db, "audit_entry", submit_entry.id) == f"audit_entry_y{month.year}m{month.month:02d}"


def test_a_row_beyond_the_prepared_months_waits_in_default_until_ensure_makes_its_month(
        db, postgres_only, org, custom, sync, auth, runner, dropped_afterwards):
    dropped_afterwards += ["audit_entry_y2031m05", "answer_y2031m05"]
    entry_id = _entry_at(db, datetime(2031, 5, 17, 9, 30, tzinfo=UTC))
    inspection = _submitted(sync, auth, custom, org)
    db.session.execute(insert(Answer.__table__), [{
        "inspection_id": inspection.id, "item_key": "far_future", "value": "pass", "note": "", "staff_description": "",
        "photo_ids": [], "client_updated_at": datetime.now(UTC), "inspection_month": date(2031, 5, 1)}])
    db.session.commit()
    answer_id = rows(Answer, item_key="far_future")[0].id
    assert _partition_of(db, "audit_entry", entry_id) == "audit_entry_default"
    assert _partition_of(db, "answer", answer_id) == "answer_default"
    audit_rows = db.session.execute(text("SELECT count(*) FROM audit_entry")).scalar_one()
    db.session.commit()

    result = runner.invoke(args=["partitions", "ensure", "--months-ahead", "1"])

    assert result.exit_code == 0, result.output
    assert "audit_entry_y2031m05: created, 1 row(s) moved in from audit_entry_default" in result.output
    assert "answer_y2031m05: created, 1 row(s) moved in from answer_default" in result.output
    assert _partition_of(db, "audit_entry", entry_id) == "audit_entry_y2031m05"
    assert _partition_of(db, "answer", answer_id) == "answer_y2031m05"
    assert db.session.execute(text("SELECT count(*) FROM audit_entry")).scalar_one() == audit_rows
    assert db.session.execute(text("SELECT count(*) FROM audit_entry_default")).scalar_one() == 0
    db.session.commit()
    again = runner.invoke(args=["partitions", "ensure", "--months-ahead", "1"])
    assert again.exit_code == 0 and "Nothing to do" in again.output


def test_detach_takes_a_past_month_out_of_the_live_tables(db, postgres_only, org, custom, sync, auth, runner,
                                                          dropped_afterwards):
    dropped_afterwards += ["audit_entry_y2001m03", "answer_y2001m03"]
    old_entry = _entry_at(db, datetime(2001, 3, 9, tzinfo=UTC))
    kept_entry = _entry_at(db, datetime.now(UTC))
    assert runner.invoke(args=["partitions", "ensure", "--months-ahead", "0"]).exit_code == 0

    result = runner.invoke(args=["partitions", "detach", "2001-03"])

    assert result.exit_code == 0, result.output
    assert "audit_entry_y2001m03: detached from audit_entry with 1 row(s)" in result.output
    assert "pg_dump --format=custom --table=audit_entry_y2001m03" in result.output
    assert "answer_y2001m03: no such partition attached to answer, nothing done" in result.output
    ids = set(db.session.execute(select(AuditEntry.id)).scalars())
    assert old_entry not in ids and kept_entry in ids
    assert db.session.execute(text("SELECT id FROM audit_entry_y2001m03")).scalars().all() == [old_entry]
    assert not db.session.execute(text("SELECT 1 FROM pg_inherits WHERE inhrelid = "
                                       "CAST('audit_entry_y2001m03' AS regclass)")).first()


def test_detach_refuses_the_current_month_and_a_malformed_one(db, postgres_only, runner):
    this_month = month_of(datetime.now(UTC))
    refused = runner.invoke(args=["partitions", "detach", this_month.strftime("%Y-%m")])
    assert refused.exit_code != 0 and "only a month that has ended" in refused.output
    malformed = runner.invoke(args=["partitions", "detach", "2025-13"])
    assert malformed.exit_code == 2 and "YYYY-MM" in malformed.output
    audit.record("test.still_writable", object_type="thing", object_id="1")
    db.session.commit()


def test_every_upgrade_puts_missing_coming_months_back(db, postgres_only, app):
    from pathlib import Path

    from flask_migrate import upgrade

    next_month = add_months(month_of(datetime.now(UTC)), 1)
    name = f"audit_entry_y{next_month.year}m{next_month.month:02d}"
    db.session.commit()
    with db.engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE audit_entry DETACH PARTITION {name}"))
        connection.execute(text(f"DROP TABLE {name}"))

    upgrade(directory=str(Path(__file__).resolve().parents[2] / "migrations"))

    assert db.session.execute(text("SELECT 1 FROM pg_inherits WHERE inhrelid = CAST(:name AS regclass)"),
                              {"name": name}).first()


def test_the_commands_say_there_is_nothing_to_do_on_sqlite(db, runner):
    if _postgres(db):
        pytest.skip("the SQLite answer; PostgreSQL's is tested above")
    for args in (["partitions", "ensure"], ["partitions", "detach", "2001-03"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0 and "PostgreSQL only" in result.output
