"""The tree's migration: every branch of a single-branch bank becomes a sub-branch at the top of the tree,
its path its own id, with its outlets where they were; the way down drops only the tree's columns."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from core.db import UTCDateTime
from core.extensions import db
from org.models import Branch
from org.scope import outlets_below

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
BEFORE, THIS = "8e5c1d7a2b40", "b07d60098dfa"
NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
BRANCH = sa.table("branch", *(sa.column(n) for n in ("id", "code", "name", "name_en", "notice_prefix")),
                  sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()))
OUTLET = sa.table("outlet", *(sa.column(n) for n in ("id", "branch_id", "code", "name", "address", "active")),
                  sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()))


def _rows(table: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))]


def test_existing_branches_become_sub_branches_and_nothing_is_lost(unmigrated_app):
    with unmigrated_app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(sa.insert(BRANCH), [
                {"id": 7, "code": "XC", "name": "相城支行", "name_en": "Xiangcheng", "notice_prefix": "相城支行服务整改",
                 "created_at": NOW, "updated_at": NOW},
                {"id": 12, "code": "YQ", "name": "园区支行", "name_en": "", "notice_prefix": "",
                 "created_at": NOW, "updated_at": NOW}])
            connection.execute(sa.insert(OUTLET), [
                {"id": 1, "branch_id": 7, "code": "XC01", "name": "营业部", "address": "", "active": True,
                 "created_at": NOW, "updated_at": NOW},
                {"id": 2, "branch_id": 7, "code": "XC02", "name": "元和支行", "address": "", "active": False,
                 "created_at": NOW, "updated_at": NOW},
                {"id": 3, "branch_id": 12, "code": "YQ01", "name": "湖东支行", "address": "", "active": True,
                 "created_at": NOW, "updated_at": NOW}])
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT setval('branch_id_seq', 12)"))
        branches_before, outlets_before = _rows("branch"), _rows("outlet")

        upgrade(directory=MIGRATIONS, revision=THIS)
        with db.engine.connect() as connection:
            tree = [tuple(r) for r in connection.execute(sa.text(
                "SELECT id, code, parent_id, level, path FROM branch ORDER BY id"))]
        assert tree == [(7, "XC", None, "sub_branch", "/7/"), (12, "YQ", None, "sub_branch", "/12/")]
        assert _rows("outlet") == outlets_before
        xiangcheng = db.session.get(Branch, 7)
        assert set(db.session.execute(outlets_below(xiangcheng)).scalars()) == {1, 2}
        city = Branch(code="SZ", name="苏州分行", level="city")
        db.session.add(city)
        db.session.flush()
        assert city.path == f"/{city.id}/" and city.id > 12
        db.session.rollback()
        db.session.remove()

        downgrade(directory=MIGRATIONS, revision=BEFORE)
        assert _rows("branch") == branches_before and _rows("outlet") == outlets_before
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT path FROM branch WHERE id = 12")).scalar_one() == "/12/"
