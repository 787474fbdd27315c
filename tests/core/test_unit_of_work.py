"""One unit of work per request, command and job: operations flush, the boundary commits once, and
what must follow the commit (jobs, deleting files) runs only after it, or only after a rollback."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import abort
from sqlalchemy import func, select

from app import create_app
from core import jobs, unit_of_work
from core.errors import OperationError
from core.extensions import db
from org.models import Branch

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("core", "org", "checklists", "inspections", "mystery", "rectification", "complaints", "volumes",
           "reports", "satisfaction", "meetings", "quarterly")
# Where a unit of work may end: its boundaries, and the SQLite connection that queues writers.
BOUNDARIES = {"core/unit_of_work.py", "core/db.py"}
RAN: list[str] = []


@jobs.job("test.unit-of-work")
def _record_run(code: str) -> None:
    RAN.append(code)


def test_no_operation_commits():
    committing = [f"{path.relative_to(ROOT)}:{number}"
                  for package in PRODUCT for path in sorted((ROOT / package).rglob("*.py"))
                  if str(path.relative_to(ROOT)) not in BOUNDARIES
                  for number, line in enumerate(path.read_text().splitlines(), 1)
                  if re.search(r"\.commit\(\)", line.split("#")[0])]
    assert committing == []


@pytest.fixture
def fresh(tmp_path):
    """An app of its own, with views that write a branch and then answer as the test asks."""
    application = create_app({"TESTING": True, "REDIS_URL": "", "DATA_DIR": str(tmp_path),
                              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/unit.db", "WTF_CSRF_ENABLED": False})

    @application.route("/write/<code>/<int:status>")
    def write(code: str, status: int):
        db.session.add(Branch(code=code, name=code, notice_prefix="U"))
        db.session.flush()
        jobs.enqueue("test.unit-of-work", code=code)
        if status == 500:
            raise RuntimeError("the view failed after writing")
        if status == 403:
            abort(403)
        if status == 409:
            raise OperationError("refused after writing", status=409)
        return "written", status

    with application.app_context():
        db.create_all()
    RAN.clear()
    return application


def _branches(application) -> list[str]:
    with application.app_context():
        return list(db.session.scalars(select(Branch.code).order_by(Branch.code)))


@pytest.mark.parametrize("status", [200, 201, 302])
def test_a_view_that_succeeds_is_committed_and_its_job_runs_after(fresh, status):
    response = fresh.test_client().get(f"/write/OK{status}/{status}")
    response.close()
    assert response.status_code == status
    assert _branches(fresh) == [f"OK{status}"]
    assert RAN == [f"OK{status}"]


@pytest.mark.parametrize("status", [400, 403, 409, 422])
def test_a_refused_view_writes_nothing_and_queues_nothing(fresh, status):
    response = fresh.test_client().get(f"/write/NO{status}/{status}")
    response.close()
    assert response.status_code == status
    assert _branches(fresh) == []
    assert RAN == []


def test_a_view_that_fails_writes_nothing(fresh):
    fresh.config["HANDLE_UNEXPECTED_IN_TESTS"] = True
    with pytest.raises(RuntimeError):
        fresh.test_client().get("/write/BOOM/500")
    assert _branches(fresh) == [] and RAN == []


def test_after_commit_and_on_rollback_wait_for_the_outermost_transaction(db):
    happened: list[str] = []
    db.session.execute(select(func.count(Branch.id)))
    unit_of_work.after_commit(lambda: happened.append("committed"))
    unit_of_work.on_rollback(lambda: happened.append("rolled back"))
    with db.session.begin_nested():
        db.session.add(Branch(code="SP", name="savepoint", notice_prefix="S"))
    assert happened == [] and unit_of_work.has_written()
    db.session.commit()
    assert happened == ["committed"] and not unit_of_work.has_written()

    db.session.execute(select(func.count(Branch.id)))
    unit_of_work.after_commit(lambda: happened.append("committed again"))
    unit_of_work.on_rollback(lambda: happened.append("rolled back"))
    db.session.rollback()
    assert happened == ["committed", "rolled back"]


def test_a_command_is_committed_when_it_returns_and_rolled_back_when_it_raises(db):
    @unit_of_work.committed
    def adds(code: str, fail: bool) -> None:
        db.session.add(Branch(code=code, name=code, notice_prefix="C"))
        db.session.flush()
        if fail:
            raise OperationError("refused")

    adds("KEEP", False)
    with pytest.raises(OperationError):
        adds("DROP", True)
    assert list(db.session.scalars(select(Branch.code))) == ["KEEP"]


def test_a_transaction_apart_stands_when_the_callers_rolls_back(db):
    db.session.execute(select(func.count(Branch.id)))
    with unit_of_work.apart():
        db.session.add(Branch(code="LEDGER", name="apart", notice_prefix="L"))
    db.session.add(Branch(code="CALLER", name="caller", notice_prefix="C"))
    db.session.flush()
    db.session.rollback()
    assert list(db.session.scalars(select(Branch.code))) == ["LEDGER"]
