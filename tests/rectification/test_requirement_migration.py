"""Findings raised before items had requirements were told the inspector's guidance as their 整改要求;
the migration words each from its title, as an item without a requirement is worded now."""
from __future__ import annotations

import copy
from datetime import UTC, datetime
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
RAISED = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)
INSPECTION = sa.table("inspection", *(sa.column(name) for name in (
    "id", "uuid", "kind", "checklist_version_id", "outlet_id", "inspector_id", "status", "narrative",
    "critical_failed")), sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()))
FINDING = sa.table("finding", *(sa.column(name) for name in (
    "id", "inspection_id", "outlet_id", "item_key", "section_key", "severity", "title", "requirement", "note",
    "status", "published")), sa.column("photo_ids", sa.JSON()), sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()))


def test_old_findings_lose_the_guidance_and_get_the_requirement_worded_from_their_title(unmigrated_app):
    with unmigrated_app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        org = Org(db, before_tree=True)
        inspector = org.user("inspector")
        document = next(d for d in default_documents() if d["kind"] == "onsite")
        version = published_checklist(copy.deepcopy(document))
        db.session.commit()
        with db.engine.begin() as connection:
            connection.execute(sa.insert(INSPECTION), [{
                "id": 1, "uuid": "00000000-0000-4000-8000-000000000001", "kind": "onsite",
                "checklist_version_id": version.id, "outlet_id": org.outlet_a.id, "inspector_id": inspector.id,
                "status": "submitted", "narrative": "", "critical_failed": False, "created_at": RAISED,
                "updated_at": RAISED}])
            connection.execute(sa.insert(FINDING), [{
                "id": 1, "inspection_id": 1, "outlet_id": org.outlet_a.id, "item_key": "counter_pause_sign",
                "section_key": "counter", "severity": "major", "title": "临时离柜时放置“暂停服务”牌并向客户致歉",
                "requirement": "离柜前摆放暂停服务牌，对等候客户说明原因和大约返回时间；无人离柜时可选不适用。",
                "note": "", "status": "open", "published": True, "photo_ids": [], "created_at": RAISED,
                "updated_at": RAISED}])

        db.session.remove()  # the ids read above opened a transaction that would hold the tables' locks
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            requirement = connection.execute(sa.select(FINDING.c.requirement)).scalar_one()
        assert requirement == "请按“临时离柜时放置“暂停服务”牌并向客户致歉”要求整改。"

        downgrade(directory=MIGRATIONS, revision=BEFORE)  # the guidance is not put back: it never was one
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(FINDING.c.requirement)).scalar_one() == requirement
