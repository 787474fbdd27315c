"""`seed-demo` builds six months of history, and a second run adds nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.clock import local_today, local_zone
from inspections.models import Answer, Assignment, Inspection, SectionScore
from mystery import vendor_stats
from rectification.models import Finding, Notice, Response, Verification
from reports import rankings, scorecards
from reports.models import ServiceList
from reports.periods import last_complete_month
from tests.support import row_counts


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
    assert kinds["onsite"] == kinds["7s"] == 8 * 6
    assert kinds["remote"] > 40 * 80  # about every teller in every cycle
    first = db.session.execute(select(func.min(Inspection.submitted_at))).scalar()
    last = db.session.execute(select(func.max(Inspection.submitted_at))).scalar()
    assert first >= months[0].start and last < months[-1].end
    assert _count(db, Inspection.status, where=[Inspection.kind == "mystery"]) == {"published": kinds["mystery"]}
    assert db.session.execute(select(func.count()).select_from(Answer)).scalar() > 50 * len(kinds)
    assert db.session.execute(select(func.count()).select_from(SectionScore)).scalar() > 0

    # Each mystery visit was made in the window of its (done) assignment, so the vendor is on time.
    visits = db.session.execute(select(Inspection, Assignment).outerjoin(
        Assignment, Assignment.id == Inspection.assignment_id).where(Inspection.kind == "mystery")).all()
    assert all(assignment is not None and assignment.status == "done" and assignment.vendor_id is not None and
               assignment.window_start <= inspection.finished_at.astimezone(local_zone()).date()
               <= assignment.window_end for inspection, assignment in visits)
    assert all(inspection.narrative for inspection, _ in visits)
    [shopper] = vendor_stats.performance()
    assert shopper["reports"] == kinds["mystery"] and shopper["on_time_rate"] == 100.0

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
    assert lists == {("branch", "published"): 5, ("branch", "draft"): 1, ("outlet", "published"): 8}

    league = rankings.league(months[-1])
    assert all(row.rank for row in league) and len({row.rank for row in league}) > 4
    assert all(row.coverage.percent and row.coverage.percent > 85 for row in league)
    cards = [s for s in scorecards.summaries(months[-1]) if s.position == "teller"]
    assert all(s.remote_checks > 10 for s in cards) and any(s.bonus for s in cards)

    before = row_counts()
    again = seeded_demo.seed()
    assert "history:" not in again
    assert row_counts() == before
