"""Findings answered before the outlet's and the verifier's lateness were told apart: the migration
judges each answer by the local day it came on, and gives it its verification due date."""
from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from checklists.seed import default_documents
from core.db import UTCDateTime
from core.extensions import db
from tests.factories import Org
from tests.support import published_checklist

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
BEFORE = "9d3f6a1e2c58"
RAISED = datetime(2026, 9, 1, 2, tzinfo=UTC)
INSPECTION = sa.table("inspection", *(sa.column(name) for name in (
    "id", "uuid", "kind", "checklist_version_id", "outlet_id", "inspector_id", "status", "narrative",
    "critical_failed")), sa.column("submitted_at", UTCDateTime()), sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()))
FINDING = sa.table("finding", *(sa.column(name) for name in (
    "inspection_id", "outlet_id", "item_key", "section_key", "severity", "title", "requirement", "note", "status",
    "published")), sa.column("photo_ids", sa.JSON()), sa.column("due_date", sa.Date()),
    sa.column("responded_at", UTCDateTime()), sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()))


def _finding(key: str, status: str, responded_at: datetime | None, outlet_id: int) -> dict:
    return {"inspection_id": 1, "outlet_id": outlet_id, "item_key": key, "section_key": "s", "severity": "major",
            "title": key, "requirement": "", "note": "", "status": status, "published": True, "photo_ids": [],
            "due_date": date(2026, 9, 8), "responded_at": responded_at, "created_at": RAISED, "updated_at": RAISED}


def test_answers_given_before_are_judged_by_their_local_day(unmigrated_app):
    with unmigrated_app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        org = Org(db, before_tree=True)
        inspector = org.user("inspector")
        document = next(d for d in default_documents() if d["kind"] == "onsite")
        version = published_checklist(copy.deepcopy(document))
        outlet_id, inspector_id, version_id = org.outlet_a.id, inspector.id, version.id
        db.session.commit()
        db.session.close()  # no transaction of the session may hold a lock the migrations wait for
        with db.engine.begin() as connection:
            connection.execute(sa.insert(INSPECTION), [{
                "id": 1, "uuid": "00000000-0000-4000-8000-000000000001", "kind": "onsite",
                "checklist_version_id": version_id, "outlet_id": outlet_id, "inspector_id": inspector_id,
                "status": "submitted", "narrative": "", "critical_failed": False, "submitted_at": RAISED,
                "created_at": RAISED, "updated_at": RAISED}])
            connection.execute(sa.insert(FINDING), [
                # 23:30 in Shanghai on the deadline's day: in time
                _finding("in_time", "responded", datetime(2026, 9, 8, 15, 30, tzinfo=UTC), outlet_id),
                # 00:30 in Shanghai the day after: late
                _finding("late", "closed", datetime(2026, 9, 8, 16, 30, tzinfo=UTC), outlet_id),
                _finding("unanswered", "open", None, outlet_id)])

        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            judged = {key: (late, due) for key, late, due in connection.execute(sa.text(
                "SELECT item_key, responded_late, verification_due_date FROM finding"))}
        as_dates = {key: (bool(late), date.fromisoformat(str(due)) if due else None)
                    for key, (late, due) in judged.items()}
        assert as_dates == {"in_time": (False, date(2026, 9, 11)), "late": (True, date(2026, 9, 12)),
                            "unanswered": (False, None)}

        downgrade(directory=MIGRATIONS, revision=BEFORE)
        columns = {column["name"] for column in sa.inspect(db.engine).get_columns("finding")}
        assert not columns & {"responded_late", "verification_due_date"}
        assert "finding_reminder" not in sa.inspect(db.engine).get_table_names()
