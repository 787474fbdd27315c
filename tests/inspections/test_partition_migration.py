"""The partitioning migration keeps every answer and audit entry through upgrade, downgrade and upgrade again,
gives each answer the month its inspection was opened, and on PostgreSQL puts old rows in their months'
partitions while the id sequences go on where they were."""
from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from core.extensions import db
from core.partitions import month_of
from inspections.models import Inspection
from tests.factories import Org
from tests.inspections.helpers import CUSTOM_DOCUMENT, new_uuid
from tests.support import published_checklist

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
BEFORE = "b07d60098dfa"
OPENED = (datetime(2025, 1, 20, 8, 0, tzinfo=UTC), datetime(2024, 12, 31, 23, 30, tzinfo=UTC))
LOGGED = (datetime(2024, 12, 31, 23, 59, tzinfo=UTC), datetime(2025, 1, 1, 0, 0, tzinfo=UTC), datetime.now(UTC))
ANSWERS = "SELECT id, inspection_id, item_key, note, score FROM answer ORDER BY id"
ENTRIES = "SELECT id, at, action, object_id, CAST(changes AS TEXT) FROM audit_entry ORDER BY id"


def _read(sql: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql))]


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def _partitioned() -> set[str]:
    with db.engine.connect() as connection:
        return set(connection.execute(sa.text(
            "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid")).scalars())


def _write_the_old_way() -> list[int]:
    """Inspections opened on either side of a new year, their answers and dated audit entries, as the
    schema before the migration holds them."""
    org = Org(db)
    inspector = org.user("inspector")
    version = published_checklist(copy.deepcopy(CUSTOM_DOCUMENT))
    inspections = [Inspection(uuid=new_uuid(), kind="onsite", checklist_version_id=version.id,
                              outlet_id=org.outlet_a.id, inspector_id=inspector.id, created_at=opened)
                   for opened in OPENED]
    db.session.add_all(inspections)
    db.session.commit()
    ids = [inspection.id for inspection in inspections]
    with db.engine.begin() as connection:
        for inspection_id in ids:
            for key in ("greet", "tidy", "lock"):
                connection.execute(sa.text(
                    "INSERT INTO answer (inspection_id, item_key, value, note, staff_description, photo_ids, "
                    "client_updated_at, score, failed) VALUES (:inspection, :key, '\"pass\"', :note, '', '[]', "
                    ":at, 2.0, false)"), {"inspection": inspection_id, "key": key, "note": f"{key} {inspection_id}",
                                          "at": OPENED[0]})
        for number, at in enumerate(LOGGED):
            connection.execute(sa.text(
                "INSERT INTO audit_entry (at, actor_name, action, object_type, object_id, changes) "
                "VALUES (:at, 'system', 'test.dated', 'thing', :number, '{\"n\": 1}')"), {"at": at, "number": str(number)})
    db.session.close()
    return ids


def _assert_upgraded(answers: list, entries: list, inspection_ids: list[int]) -> None:
    assert _read(ANSWERS) == answers and _read(ENTRIES) == entries
    months = dict(_read("SELECT DISTINCT inspection_id, inspection_month FROM answer"))
    assert {inspection_id: date.fromisoformat(str(month)) for inspection_id, month in months.items()} == {
        inspection_ids[0]: date(2025, 1, 1), inspection_ids[1]: date(2024, 12, 1)}
    if _postgres():
        assert _partitioned() == {"answer", "audit_entry"}
        placed = _read("SELECT tableoid::regclass::text, count(*) FROM answer GROUP BY 1 ORDER BY 1")
        assert placed == [("answer_y2024m12", 3), ("answer_y2025m01", 3)]
        placed = dict(_read("SELECT tableoid::regclass::text, count(*) FROM audit_entry GROUP BY 1"))
        assert placed["audit_entry_y2024m12"] == 1 and placed["audit_entry_y2025m01"] == 1
        this_month = month_of(datetime.now(UTC))
        assert placed[f"audit_entry_y{this_month.year}m{this_month.month:02d}"] == len(entries) - 2


def _assert_new_rows_follow(answers: list, inspection_id: int, month: str | None) -> None:
    """The id sequence goes on after the copied rows (and stays owned by the table's id)."""
    with db.engine.begin() as connection:
        month_column, month_value = (", inspection_month", ", :month") if month else ("", "")
        new_id = connection.execute(sa.text(
            f"INSERT INTO answer (inspection_id, item_key, value, note, staff_description, photo_ids, "
            f"client_updated_at, failed{month_column}) VALUES (:inspection, 'extra', NULL, '', '', '[]', :at, "
            f"false{month_value}) RETURNING id"), {"inspection": inspection_id, "at": OPENED[0], "month": month}
        ).scalar_one()
        assert new_id > max(row[0] for row in answers)
        connection.execute(sa.text("DELETE FROM answer WHERE id = :id"), {"id": new_id})
        if _postgres():
            assert connection.execute(sa.text("SELECT pg_get_serial_sequence('answer', 'id')")).scalar()
            assert connection.execute(sa.text("SELECT pg_get_serial_sequence('audit_entry', 'id')")).scalar()


def test_upgrade_downgrade_upgrade_keeps_every_row(unmigrated_app):
    with unmigrated_app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        inspection_ids = _write_the_old_way()
        answers, entries = _read(ANSWERS), _read(ENTRIES)
        assert len(answers) == 6 and len(entries) >= 3

        upgrade(directory=MIGRATIONS)
        _assert_upgraded(answers, entries, inspection_ids)
        _assert_new_rows_follow(answers, inspection_ids[0], "2025-01-01")

        downgrade(directory=MIGRATIONS, revision=BEFORE)
        assert _read(ANSWERS) == answers and _read(ENTRIES) == entries
        assert "inspection_month" not in {c["name"] for c in sa.inspect(db.engine).get_columns("answer")}
        if _postgres():
            assert _partitioned() == set()
        _assert_new_rows_follow(answers, inspection_ids[0], None)

        upgrade(directory=MIGRATIONS)
        _assert_upgraded(answers, entries, inspection_ids)
