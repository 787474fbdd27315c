"""The meetings' migration makes its two tables and takes them away again."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from core.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
BEFORE, THIS = "3f9b6d2a8c41", "5a8c1e3f7b92"


def test_up_and_down_and_up_again(unmigrated_app):
    with unmigrated_app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        assert "meeting" not in sa.inspect(db.engine).get_table_names()
        upgrade(directory=MIGRATIONS, revision=THIS)
        tables = sa.inspect(db.engine).get_table_names()
        assert {"meeting", "action_item"} <= set(tables)
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO meeting (quarter, held_on, place, chair, attendees, points, "
                                       "decisions, status, created_at) VALUES ('2026-Q3', '2026-10-10', '', '', '', "
                                       "'', '', 'draft', '2026-10-10 01:00:00+00')"))
            meeting_id = connection.execute(sa.text("SELECT id FROM meeting")).scalar_one()
            refused = None
            try:
                with connection.begin_nested():
                    connection.execute(sa.text("INSERT INTO action_item (meeting_id, text, deadline, status, "
                                               "created_at) VALUES (:m, 'x', '2026-11-01', 'open', "
                                               "'2026-10-10 01:00:00+00')"), {"m": meeting_id})
            except sa.exc.IntegrityError as error:
                refused = error
            assert refused is not None  # an item without an owner is refused by the database too
        downgrade(directory=MIGRATIONS, revision=BEFORE)
        tables = sa.inspect(db.engine).get_table_names()
        assert "meeting" not in tables and "action_item" not in tables
        upgrade(directory=MIGRATIONS)
        assert "action_item" in sa.inspect(db.engine).get_table_names()
