"""`seed-demo` builds six months of history and this month up to now, and a second run adds nothing."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from core.clock import local_today, local_zone
from core.db import utcnow
from core.extensions import db as _db
from inspections.models import Answer, Assignment, Inspection, SectionScore
from mystery import vendor_stats
from mystery.models import MysteryVisit
from rectification.models import Finding, Notice, Response, Verification
from reports import rankings, scorecards
from reports.models import ServiceList
from reports.periods import cycles, last_complete_month, month_period, quarter_period
from tests.support import row_counts

# The demo's outlets: 相城支行's eight and 园区支行's two.
OUTLETS = 10


def _count(db, *columns, where=()):
    rows = db.session.execute(select(*columns, func.count()).where(*where).group_by(*columns)).all()
    return {(row[0] if len(columns) == 1 else tuple(row[:-1])): row[-1] for row in rows}


@pytest.mark.xdist_group("seeded_demo")
def test_history_is_full_realistic_and_seeded_once(seeded_demo, db):
    assert "history:" in seeded_demo.output
    months = [last_complete_month()]
    while len(months) < 6:
        months.insert(0, months[0].previous())

    kinds = _count(db, Inspection.kind)
    assert set(kinds) == {"onsite", "7s", "remote", "mystery"}
    assert OUTLETS * 6 <= kinds["onsite"] == kinds["7s"] <= OUTLETS * 7  # and this month's visits made so far
    assert kinds["remote"] > 40 * 80  # about every teller in every cycle
    first = db.session.execute(select(func.min(Inspection.submitted_at))).scalar()
    last = db.session.execute(select(func.max(Inspection.submitted_at))).scalar()
    assert first >= months[0].start and last < utcnow()
    mystery = _count(db, Inspection.status, where=[Inspection.kind == "mystery"])
    assert set(mystery) <= {"published", "submitted"} and mystery["published"] > mystery.get("submitted", 0)
    # Each mystery visit was made in the window of its assignment (done, unless the report still waits for the
    # bank's review), so the vendor is on time.
    visits = db.session.execute(select(Inspection, Assignment).outerjoin(
        Assignment, Assignment.id == Inspection.assignment_id).where(Inspection.kind == "mystery")).all()
    assert all(assignment is not None and assignment.vendor_id is not None
               and (assignment.status == "done" or inspection.status == "submitted")
               and assignment.window_start <= inspection.finished_at.astimezone(local_zone()).date()
               <= assignment.window_end for inspection, assignment in visits)
    assert all(inspection.narrative for inspection, _ in visits)
    [shopper] = vendor_stats.performance()
    assert shopper["reports"] == kinds["mystery"] and shopper["on_time_rate"] == 100.0
    assert db.session.execute(select(func.count()).select_from(Answer)).scalar() > 50 * len(kinds)
    assert db.session.execute(select(func.count()).select_from(SectionScore)).scalar() > 0

    statuses = _count(db, Finding.status)
    assert statuses["closed"] > statuses["responded"] > 0 and statuses["open"] > 0
    overdue = db.session.execute(select(func.count()).select_from(Finding).where(
        Finding.status != "closed", Finding.due_date < local_today())).scalar()
    assert overdue > 0
    rejected = db.session.execute(select(func.count()).select_from(Verification)
                                  .where(Verification.accepted.is_(False))).scalar()
    assert rejected > 0
    with_findings = db.session.execute(select(func.count(func.distinct(Finding.inspection_id)))).scalar()
    assert db.session.execute(select(func.count()).select_from(Notice)).scalar() == with_findings
    assert db.session.execute(select(func.count()).select_from(Response)).scalar() >= statuses["closed"]

    lists = _count(db, ServiceList.scope, ServiceList.status)
    assert lists == {("branch", "published"): 5, ("branch", "draft"): 1, ("outlet", "published"): OUTLETS}

    league = rankings.league(months[-1])
    assert all(row.rank for row in league) and len({row.rank for row in league}) > 4
    assert all(row.coverage.percent and row.coverage.percent > 85 for row in league)
    cards = [s for s in scorecards.summaries(months[-1]) if s.position == "teller"]
    assert all(s.remote_checks > 10 for s in cards) and any(s.bonus for s in cards)

    before = row_counts()
    again = seeded_demo.seed()
    assert "history:" not in again
    assert row_counts() == before


# The day the issue was seen: the middle month of a quarter, well into it.
MID_QUARTER = datetime(2026, 11, 18, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def seeded_mid_quarter(tmp_path_factory):
    """The demo seeded afresh on MID_QUARTER (the clock stays on that day while the test reads it)."""
    from tests.conftest import _close_connections, _database_url, _test_app

    with time_machine.travel(MID_QUARTER, tick=True):
        app = _test_app(tmp_path_factory.mktemp("demo-mid-quarter"), _database_url(tmp_path_factory, "midquarter"))
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["seed-demo"])
            assert result.exit_code == 0, result.output
            yield app
            _db.session.remove()
    _close_connections(app)


def test_history_runs_up_to_today_with_this_months_work_open(seeded_mid_quarter):
    now = utcnow()
    november, quarter = month_period(2026, 11), quarter_period(2026, 4)
    in_month = _count(_db, Inspection.kind, where=[Inspection.submitted_at >= november.start])
    in_quarter = _count(_db, Inspection.kind, where=[Inspection.submitted_at >= quarter.start])
    assert set(in_quarter) == {"onsite", "7s", "remote", "mystery"}
    assert in_month["onsite"] == in_month["7s"] > 0 and in_month["remote"] > 40 * 8  # Nov 1-18: 8 cycles over

    # Every teller in (nearly) every cycle of the quarter that is over: October's and November's alike.
    for period in (quarter, november):
        coverage = [row.coverage for row in rankings.league(period)]
        assert all(90 <= c.percent <= 100 and c.cycles == len(cycles(period)) for c in coverage), period.label

    # This period's work is made from its assignments; what is not done yet stays open.
    assignments = _count(_db, Assignment.kind, Assignment.status)
    for kind in ("onsite", "7s"):  # the outlets visited so far, and one whose visit is still to come
        assert (assignments[(kind, "done")], assignments[(kind, "open")]) == (in_month[kind], OUTLETS - in_month[kind])
        assert assignments[(kind, "open")] > 0
    assert assignments[("remote", "done")] > 0 and assignments[("remote", "open")] > 0  # the running cycle
    assert assignments[("mystery", "done")] > 0 and assignments[("mystery", "open")] > 0  # windows still to come
    done = _db.session.execute(select(Assignment.id).where(Assignment.status == "done")).scalars().all()
    linked = _db.session.execute(select(Inspection.assignment_id).where(Inspection.assignment_id.in_(done))).scalars()
    assert sorted(linked) == sorted(done)
    open_findings = _db.session.execute(select(func.count()).select_from(Finding).where(
        Finding.created_at >= november.start, Finding.status != "closed")).scalar()
    assert open_findings > 0

    # Nothing is dated after now.
    for column in (Inspection.submitted_at, Finding.created_at, Finding.closed_at, Response.created_at,
                   Verification.created_at, MysteryVisit.published_at, Notice.issued_at):
        latest = _db.session.execute(select(func.max(column))).scalar()
        assert latest is None or latest <= now, column
    lists = _db.session.execute(select(ServiceList.month)).scalars().all()
    assert "2026-10" in lists and "2026-11" not in lists  # a month is listed once it is over
