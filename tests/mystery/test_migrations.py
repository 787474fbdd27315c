"""The mystery visits' own record and the black-list confirmations, migrated with data in them: from
the schema where the inspection held them (e4a1c7b93f20) to the head, and back."""
from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from checklists.seed import default_documents
from core.db import UTCDateTime
from core.extensions import db
from tests.factories import Org
from tests.support import published_checklist

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
BEFORE = "e4a1c7b93f20"
FILED = datetime(2026, 9, 20, 6, 0, tzinfo=UTC)
REVIEWED, PUBLISHED = FILED + timedelta(days=2), FILED + timedelta(days=3)
FLAG = {"code": "far_from_outlet", "message": "The phone reported a position 800 m from the outlet.",
        "evidence": {"metres": 800}}
MOVED = ("flags", "revision_reason", "reviewed_at", "published_at")


def _table(name: str, *columns: str) -> sa.TableClause:
    types = {"flags": sa.JSON(), "photo_ids": sa.JSON(), "flags_seen": sa.JSON(), "reviewed_at": UTCDateTime(), "published_at": UTCDateTime(),
             "created_at": UTCDateTime(), "updated_at": UTCDateTime(), "confirmed_at": UTCDateTime(),
             "blacklist_confirmed": sa.Boolean(), "published": sa.Boolean(), "critical_failed": sa.Boolean()}
    return sa.table(name, *(sa.column(column, types.get(column)) for column in columns))


INSPECTION = _table("inspection", "id", "uuid", "kind", "checklist_version_id", "outlet_id", "inspector_id", "status",
                    "narrative", "critical_failed", "submitted_at", "created_at", "updated_at", *MOVED,
                    "blacklist_confirmed")
FINDING = _table("finding", "inspection_id", "outlet_id", "item_key", "section_key", "severity", "title",
                 "requirement", "note", "staff_id", "photo_ids", "status", "published", "created_at", "updated_at")
REVIEW = _table("mystery_review", "inspection_id", "reviewer_id", "decision", "reason", "flags_seen", "created_at")
CONFIRMATION = _table("mystery_confirmation", "inspection_id", "staff_id", "note", "confirmed_by_id", "confirmed_at")
VISIT = _table("mystery_visit", "inspection_id", *MOVED)


class World:
    """At the old schema: mystery visits published with and without the black-list confirmation, one
    sent back to the shopper, and an on-site inspection."""

    def __init__(self):
        org = Org(db, before_tree=True)
        self.first_admin, self.publisher = org.user("admin"), org.user("admin", "publisher")
        shopper, inspector = org.user("mystery_shopper"), org.user("inspector")
        self.a1, self.a2, self.a3 = (person.id for person in org.staff_a)
        document = next(d for d in default_documents() if d["kind"] == "mystery")
        version = published_checklist(copy.deepcopy(document))
        self.outlet = org.outlet_a.id
        db.session.commit()
        inspections = [
            # confirmed at publication; A1 was confirmed again later, by the first admin
            self._inspection(1, "mystery", "published", flags=[FLAG], reviewed_at=REVIEWED, published_at=PUBLISHED,
                             blacklist_confirmed=True),
            # not confirmed at publication; A3 confirmed later, A1 not
            self._inspection(2, "mystery", "published", reviewed_at=REVIEWED, published_at=PUBLISHED),
            # sent back to the shopper
            self._inspection(3, "mystery", "draft", revision_reason="请补充等候时间的说明", submitted_at=None),
            # confirmed at publication, written without its review (as the demo's history is)
            self._inspection(4, "mystery", "published", reviewed_at=REVIEWED, published_at=PUBLISHED,
                             blacklist_confirmed=True),
            self._inspection(5, "onsite", "submitted"),
        ]
        for row in inspections:
            row.update(checklist_version_id=version.id, inspector_id=inspector.id if row["kind"] == "onsite"
                       else shopper.id)
        findings = [self._finding(1, "k1", self.a1), self._finding(1, "k2", self.a2), self._finding(1, "k3", self.a1),
                    self._finding(1, "k4", None), self._finding(2, "k1", self.a3), self._finding(2, "k2", self.a1),
                    self._finding(4, "k1", self.a2), self._finding(5, "k1", self.a3)]
        with db.engine.begin() as connection:
            connection.execute(sa.insert(INSPECTION), inspections)
            connection.execute(sa.insert(FINDING), findings)
            connection.execute(sa.insert(REVIEW), [
                {"inspection_id": ident, "reviewer_id": self.publisher.id, "decision": decision, "reason": "",
                 "flags_seen": [], "created_at": when}
                for ident in (1, 2) for decision, when in (("accept", REVIEWED), ("publish", PUBLISHED))])
            connection.execute(sa.insert(CONFIRMATION), [
                {"inspection_id": 1, "staff_id": self.a1, "note": "录音佐证", "confirmed_by_id": self.first_admin.id,
                 "confirmed_at": PUBLISHED + timedelta(days=1)},
                {"inspection_id": 2, "staff_id": self.a3, "note": "", "confirmed_by_id": self.first_admin.id,
                 "confirmed_at": PUBLISHED + timedelta(days=1)}])
        self.inspections = inspections

    def _inspection(self, ident: int, kind: str, status: str, *, submitted_at=FILED, **values) -> dict:
        return {"id": ident, "uuid": f"00000000-0000-4000-8000-{ident:012d}", "kind": kind, "outlet_id": self.outlet,
                "status": status, "narrative": "", "critical_failed": False, "submitted_at": submitted_at,
                "created_at": FILED, "updated_at": FILED, "flags": [], "revision_reason": "", "reviewed_at": None,
                "published_at": None, "blacklist_confirmed": False, **values}

    def _finding(self, inspection_id: int, key: str, staff_id: int | None) -> dict:
        return {"inspection_id": inspection_id, "outlet_id": self.outlet, "item_key": key, "section_key": "s",
                "severity": "major", "title": key, "requirement": "", "note": "", "staff_id": staff_id,
                "photo_ids": [], "status": "open", "published": True, "created_at": PUBLISHED,
                "updated_at": PUBLISHED}


def _rows(table: sa.TableClause, *order: str) -> list[dict]:
    with db.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sa.select(table).order_by(*order))]


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns(table)}


def test_the_mystery_columns_move_to_their_own_tables_and_back(unmigrated_app):
    with unmigrated_app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        world = World()
        # The test's own session must hold no lock that a migration waits for (PostgreSQL: dropping a
        # table that refers to user_account waits for every reader of user_account).
        db.session.close()

        upgrade(directory=MIGRATIONS)
        assert not _columns("inspection") & {*MOVED, "blacklist_confirmed"}
        assert _rows(VISIT, "inspection_id") == [
            {"inspection_id": row["id"], **{name: row[name] for name in MOVED}}
            for row in world.inspections if row["kind"] == "mystery"]
        confirmations = {(c["inspection_id"], c["staff_id"]): c for c in _rows(CONFIRMATION, "inspection_id", "staff_id")}
        # Confirmed at publication: everyone its findings name, by the admin who published it, then; the
        # confirmation given later stays as it was. A visit without its review is credited to the first admin.
        assert set(confirmations) == {(1, world.a1), (1, world.a2), (2, world.a3), (4, world.a2)}
        assert confirmations[(1, world.a1)]["note"] == "录音佐证"
        assert confirmations[(1, world.a1)]["confirmed_by_id"] == world.first_admin.id
        assert (confirmations[(1, world.a2)]["confirmed_by_id"], confirmations[(1, world.a2)]["confirmed_at"]) == \
            (world.publisher.id, PUBLISHED)
        assert confirmations[(4, world.a2)]["confirmed_by_id"] == world.first_admin.id

        db.session.close()
        downgrade(directory=MIGRATIONS, revision=BEFORE)
        assert "mystery_visit" not in sa.inspect(db.engine).get_table_names()
        restored = _rows(INSPECTION, "id")
        assert [{name: row[name] for name in (*MOVED, "blacklist_confirmed")} for row in restored] == \
            [{name: row[name] for name in (*MOVED, "blacklist_confirmed")} for row in world.inspections]
        assert len(_rows(CONFIRMATION, "inspection_id")) == 4  # the old schema counts the flag or a confirmation
