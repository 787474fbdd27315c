"""A complaint from receipt to closing: deadlines in working days, the handler from the A/B table, escalation,
reopening on an unhappy callback, and the guarded steps."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine
from werkzeug.exceptions import Forbidden, NotFound

from complaints import operations
from complaints.models import ContactPair
from core.errors import Conflict, OperationError


def intake(org, **changes) -> dict:
    data = {"outlet_id": org.outlet_a.id, "channel": "walk_in", "category": "attitude", "severity": "general",
            "customer_name": "陈美华", "customer_phone": "13812345678", "description": "柜员办理业务时态度生硬",
            "request": "要求道歉", "staff_id": org.staff_a[0].id}
    return {**data, **changes}


@pytest.fixture
def pair(org, users, db):
    second = org.user("outlet_manager", "outlet_b_manager", outlet=org.outlet_a)
    line = ContactPair(branch_id=org.branch.id, outlet_id=org.outlet_a.id, scope_key=f"outlet:{org.outlet_a.id}",
                       a_user_id=users["outlet_manager"].id, b_user_id=second.id)
    db.session.add(line)
    db.session.commit()
    return line, second


@time_machine.travel("2026-09-30 10:00 +0800", tick=False)
def test_deadlines_run_in_working_days_over_the_national_day_holiday(org, users, db, pair):
    complaint = operations.receive(intake(org), users["outlet_manager"])[0]
    db.session.commit()
    assert complaint.received_on == date(2026, 9, 30)
    # 1 October to 7 October is the holiday; 8 October the first working day after it.
    assert complaint.step_due_on == date(2026, 10, 8)
    assert complaint.number == "相城支行投诉〔2026〕第0001号"
    assert complaint.handler_id == users["outlet_manager"].id
    assert complaint.level == "outlet"


def test_b_handles_while_a_is_away(org, users, db, pair):
    line, second = pair
    line.a_away_until = date(2099, 1, 1)
    db.session.commit()
    complaint = operations.receive(intake(org), users["outlet_manager"])[0]
    assert complaint.handler_id == second.id


def test_the_whole_life_with_a_reopen(org, users, db, pair):
    manager = users["outlet_manager"]
    complaint = operations.receive(intake(org), manager)[0]
    db.session.commit()
    operations.advance(complaint.id, "acknowledge", manager)
    operations.advance(complaint.id, "investigate", manager, note="监控显示柜员语气生硬", upheld=True)
    operations.advance(complaint.id, "resolve", manager, note="网点负责人当面致歉")
    reopened = operations.advance(complaint.id, "call_back", manager, note="客户仍不满意", satisfied=False)
    assert reopened.status == "acknowledged" and reopened.reopen_count == 1 and reopened.resolved_at is None
    operations.advance(complaint.id, "investigate", manager, note="再次核实", upheld=True)
    operations.advance(complaint.id, "resolve", manager, note="补充说明并赠送纪念品")
    operations.advance(complaint.id, "call_back", manager, note="客户表示满意", satisfied=True)
    closed = operations.advance(complaint.id, "close", manager)
    db.session.commit()
    assert closed.status == "closed" and closed.closed_at is not None
    assert [event.action for event in closed.events] == [
        "received", "acknowledged", "investigated", "resolved", "reopened", "investigated", "resolved",
        "called_back", "closed"]
    with pytest.raises(Conflict):
        operations.advance(complaint.id, "close", manager)


def test_a_step_out_of_order_or_without_its_note_writes_nothing(org, users, db, pair):
    manager = users["outlet_manager"]
    complaint = operations.receive(intake(org), manager)[0]
    db.session.commit()
    with pytest.raises(Conflict):
        operations.advance(complaint.id, "resolve", manager, note="x")
    operations.advance(complaint.id, "acknowledge", manager)
    with pytest.raises(OperationError) as refused:
        operations.advance(complaint.id, "investigate", manager, note="")
    assert set(refused.value.errors) == {"note", "upheld"}
    db.session.rollback()
    assert db.session.get(type(complaint), complaint.id).status == "received"


def test_escalation_moves_it_to_the_sub_branch_and_its_handler(org, users, db, pair):
    complaint = operations.receive(intake(org), users["outlet_manager"])[0]
    escalated = operations.escalate(complaint.id, users["outlet_manager"], "客户要求支行处理")
    assert escalated.level == "branch" and escalated.escalated_at is not None
    assert escalated.handler_id == users["admin"].id
    with pytest.raises(Forbidden):
        operations.escalate(complaint.id, users["outlet_manager"], "again")


def test_a_regulator_referral_goes_straight_to_the_sub_branch(org, users, db):
    complaint = operations.receive(intake(org, channel="regulator"), users["outlet_manager"])[0]
    assert complaint.level == "branch" and complaint.handler_id == users["admin"].id


@pytest.mark.parametrize("role", ["inspector", "remote_monitor", "mystery_shopper", "viewer"])
def test_roles_outside_the_ledger_cannot_record(org, users, db, role):
    with pytest.raises(Forbidden):
        operations.receive(intake(org), users[role])


def test_an_outlet_records_for_itself_only_and_sees_only_its_own(org, users, db):
    with pytest.raises(OperationError) as refused:
        operations.receive(intake(org, outlet_id=org.outlet_b.id, staff_id=None), users["outlet_manager"])
    assert "outlet_id" in refused.value.errors
    other = operations.receive(intake(org, outlet_id=org.outlet_b.id, staff_id=None), users["admin"])[0]
    db.session.commit()
    with pytest.raises(NotFound):
        operations.load(other.id, users["outlet_manager"])
