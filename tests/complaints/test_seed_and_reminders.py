"""The demo ledger (six months up to today, every step represented, a second run adds nothing) and who the daily
run reminds of which deadline."""
from __future__ import annotations

from datetime import date, timedelta

import time_machine
from sqlalchemy import func, select

from complaints import operations, reminders
from complaints.models import Complaint, ComplaintReminder, ContactPair
from complaints.seed import seed_complaints
from core.clock import local_today
from org.seed import seed_organisation


def test_six_months_of_complaints_at_every_step_once(db):
    seed_organisation("demo-password")
    summary = seed_complaints("demo-password")
    assert summary.startswith("48 complaints")
    assert seed_complaints("demo-password") is None
    complaints = db.session.execute(select(Complaint)).scalars().all()
    assert len(complaints) == 48
    today = local_today()
    assert min(c.received_on for c in complaints) >= (today.replace(day=1) - timedelta(days=160)).replace(day=1)
    assert max(c.received_on for c in complaints) <= today
    assert {c.status for c in complaints} == {"received", "acknowledged", "investigated", "resolved", "called_back",
                                              "closed"}
    assert any(c.reopen_count for c in complaints) and any(c.level == "branch" for c in complaints)
    assert any(c.channel == "regulator" and c.level == "branch" for c in complaints)
    assert any(c.step_due_on < today and c.status != "closed" for c in complaints)
    assert all(c.events[0].action == "received" for c in complaints)
    closed = [c for c in complaints if c.status == "closed"]
    assert all(c.closed_at is not None and c.events[-1].action == "closed" for c in closed)
    assert db.session.execute(select(func.count()).select_from(ContactPair)).scalar_one() == 2


def _intake(org, **changes):
    return {"outlet_id": org.outlet_a.id, "channel": "walk_in", "category": "waiting", "customer_name": "陈美华",
            "customer_phone": "13812345678", "description": "排队时间长", **changes}


def test_the_handler_hears_before_and_after_and_the_pair_and_sub_branch_after(org, users, db, app):
    second = org.user("outlet_manager", "b_contact", outlet=org.outlet_a)
    db.session.add(ContactPair(branch_id=org.branch.id, outlet_id=org.outlet_a.id,
                               scope_key=f"outlet:{org.outlet_a.id}", a_user_id=users["outlet_manager"].id,
                               b_user_id=second.id))
    db.session.commit()
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        complaint = operations.receive(_intake(org), users["outlet_manager"])[0]
        db.session.commit()
    handler = users["outlet_manager"].id
    # Acknowledgement due on Tuesday 3 November: reminded on the day before and the day itself.
    assert reminders.pending(date(2026, 11, 2)) == {handler: [(complaint.id, "due_soon")]}
    after = reminders.pending(date(2026, 11, 4))
    assert after == {handler: [(complaint.id, "overdue")], second.id: [(complaint.id, "overdue")]}
    # Past the fifteen working days to resolve it: the sub-branch's handler hears of it too.
    late = reminders.pending(date(2026, 11, 24))
    assert late[users["admin"].id] == [(complaint.id, "escalated")]
    db.session.add(ComplaintReminder(complaint_id=complaint.id, user_id=handler, reason="overdue",
                                     sent_on=date(2026, 11, 24)))
    db.session.flush()
    assert handler not in reminders.pending(date(2026, 11, 24))


def test_a_closed_complaint_reminds_no_one(org, users, db):
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        complaint = operations.receive(_intake(org), users["admin"])[0]
        manager = users["admin"]
        operations.advance(complaint.id, "acknowledge", users["outlet_manager"])
        operations.advance(complaint.id, "investigate", manager, note="核实", upheld=False)
        operations.advance(complaint.id, "resolve", manager, note="解释")
        operations.advance(complaint.id, "call_back", manager, note="满意", satisfied=True)
        operations.advance(complaint.id, "close", manager)
    assert reminders.pending(date(2026, 12, 30)) == {}
