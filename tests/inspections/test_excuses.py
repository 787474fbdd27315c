"""Why a teller cannot be checked remotely (absent, on leave, window closed): recorded, withdrawn, audited,
authorized; and the cycle's coverage, which leaves excused tellers out of the checks expected."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound as ConcealedNotFound

from core.audit import AuditEntry, content_hash, snapshot
from core.errors import Conflict, OperationError
from inspections import cycle_queue, excuses, scheduling
from inspections.models import Assignment, Excuse
from tests.inspections.conftest import CYCLE_FIRST_DAY, CYCLE_LAST_DAY
from tests.inspections.helpers import count, draft_body, full_answers, new_uuid, rows

TODAY = CYCLE_FIRST_DAY


def assignment_of(staff) -> Assignment:
    """The teller's assignment of this cycle."""
    [assignment] = rows(Assignment, staff_id=staff.id, period=f"C{CYCLE_FIRST_DAY.isoformat()}")
    return assignment


def check(sync, bearer, monitor, version, assignment) -> None:
    """The monitor's check of the assignment's teller, submitted through the sync protocol."""
    uuid, headers = new_uuid(), bearer(monitor)
    body = draft_body(version, assignment.outlet, full_answers(version), assignment_id=assignment.id,
                      staff_id=assignment.staff_id)
    assert sync.put(uuid, body, headers).status_code == 201
    assert sync.submit(uuid, headers).status_code == 200


def coverage(db, scope=None) -> dict[str, tuple]:
    db.session.expire_all()
    return {c.outlet_name: (c.covered, c.excused, c.missing, c.expected, c.percent)
            for c in cycle_queue.coverage(TODAY, scope)}


def queue(db, scope=None) -> list[str]:
    return [a.staff.employee_no for a in db.session.execute(cycle_queue.queue(TODAY, scope)).scalars()]


def test_an_excused_teller_is_not_expected_so_the_cycle_can_reach_full_coverage(
        db, org, users, checklists, cycle_plan, sync, bearer):
    monitor, version = users["remote_monitor"], checklists["remote"]
    a1, a2 = org.staff_a[0], org.staff_a[1]
    b1, b2 = [s for s in org.staff_b if s.position == "teller"]
    for teller in (a1, a2, b1):
        check(sync, bearer, monitor, version, assignment_of(teller))
    a_name, b_name = org.outlet_a.name, org.outlet_b.name
    # checked, excused, missing, expected, percent
    assert coverage(db) == {a_name: (2, 0, 0, 2, 100.0), b_name: (1, 0, 1, 2, 50.0)}

    excuses.record_excuse(assignment_of(b2).id, "on_leave", None, "年假至12月5日", monitor)
    db.session.commit()
    assert coverage(db) == {a_name: (2, 0, 0, 2, 100.0), b_name: (1, 1, 0, 1, 100.0)}
    assert coverage(db, monitor.id) == coverage(db)
    assert queue(db) == [b2.employee_no]  # still listed, with its reason, but not due
    assert cycle_queue.next_due(TODAY, monitor.id) is None and cycle_queue.due_count(TODAY, monitor.id) == 0


def test_an_outlet_with_every_teller_excused_is_fully_covered(db, org, users, cycle_plan):
    monitor = users["remote_monitor"]
    for teller in org.staff_b[:2]:
        excuses.record_excuse(assignment_of(teller).id, "window_closed", None, "", monitor)
    db.session.commit()
    assert coverage(db)[org.outlet_b.name] == (0, 2, 0, 0, 100.0)
    # The outlet with checks missing comes first: lowest coverage, then most missing.
    assert [c.outlet_name for c in cycle_queue.coverage(TODAY, None)] == [org.outlet_a.name, org.outlet_b.name]


def test_recording_and_withdrawing_are_stored_and_audited(db, org, users, cycle_plan):
    monitor = users["remote_monitor"]
    first = org.staff_a[0]
    assignment = assignment_of(first)
    assert cycle_queue.next_due(TODAY, monitor.id).staff_id == first.id

    excuse = excuses.record_excuse(assignment.id, "absent", CYCLE_LAST_DAY, "外出培训", monitor)
    db.session.commit()
    [stored] = rows(Excuse)
    assert (stored.staff_id, stored.assignment_id, stored.reason, stored.first_day, stored.last_day, stored.note,
            stored.recorded_by_id, stored.withdrawn_at) == \
        (first.id, assignment.id, "absent", CYCLE_LAST_DAY, CYCLE_LAST_DAY, "外出培训", monitor.id, None)
    [recorded] = rows(AuditEntry, action="remote_excuse.record")
    assert (recorded.object_type, recorded.object_id, recorded.actor_id) == ("remote_excuse", str(excuse.id),
                                                                             monitor.id)
    assert recorded.after_hash == content_hash(snapshot(stored)) and recorded.before_hash is None
    assert recorded.changes["reason"]["after"] == "absent"
    assert queue(db)[-1] == first.employee_no  # excused: after everyone due
    assert cycle_queue.next_due(TODAY, monitor.id).staff_id != first.id
    assert coverage(db)[org.outlet_a.name] == (0, 1, 1, 1, 0.0)

    excuses.withdraw_excuse(excuse.id, monitor)
    db.session.commit()
    [stored] = rows(Excuse)
    assert stored.withdrawn_at is not None and stored.withdrawn_by_id == monitor.id
    [withdrawn] = rows(AuditEntry, action="remote_excuse.withdraw")
    assert withdrawn.before_hash == recorded.after_hash and withdrawn.after_hash == content_hash(snapshot(stored))
    assert cycle_queue.next_due(TODAY, monitor.id).staff_id == first.id  # due again
    assert coverage(db)[org.outlet_a.name] == (0, 0, 2, 2, 0.0)

    # A withdrawn reason stays on record; a new one may be recorded.
    excuses.record_excuse(assignment.id, "on_leave", None, "", monitor)
    db.session.commit()
    assert count(Excuse) == 2 and count(Excuse, Excuse.withdrawn_at.is_(None)) == 1


def test_a_check_made_anyway_counts_as_checked(db, org, users, checklists, cycle_plan, sync, bearer):
    monitor = users["remote_monitor"]
    assignment = assignment_of(org.staff_a[0])
    excuses.record_excuse(assignment.id, "absent", TODAY, "", monitor)
    db.session.commit()
    check(sync, bearer, monitor, checklists["remote"], assignment)
    assert coverage(db)[org.outlet_a.name] == (1, 0, 1, 2, 50.0)


def _refused(db, call, error_type, *, field=None) -> OperationError:
    entries, reasons = count(AuditEntry), count(Excuse, Excuse.withdrawn_at.is_(None))
    with pytest.raises(error_type) as raised:
        call()
    db.session.rollback()
    assert count(AuditEntry) == entries and count(Excuse, Excuse.withdrawn_at.is_(None)) == reasons
    if field:
        assert list(raised.value.errors) == [field]
    return raised.value


def test_what_cannot_be_recorded(db, org, users, checklists, cycle_plan, sync, bearer, app):
    monitor = users["remote_monitor"]
    assignment = assignment_of(org.staff_a[0])
    _refused(db, lambda: excuses.record_excuse(assignment.id, "sick", None, "", monitor), OperationError,
             field="reason")
    _refused(db, lambda: excuses.record_excuse(assignment.id, "absent", TODAY - timedelta(days=1), "", monitor),
             OperationError, field="day")
    _refused(db, lambda: excuses.record_excuse(assignment.id, "absent", None, "长" * 501, monitor),
             OperationError, field="note")
    _refused(db, lambda: excuses.record_excuse(assignment.id, "absent", None, "a\x00b", monitor),
             OperationError, field="note")

    excuses.record_excuse(assignment.id, "absent", None, "", monitor)
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        twice = _refused(db, lambda: excuses.record_excuse(assignment.id, "on_leave", None, "", monitor), Conflict)
    assert org.staff_a[0].name in twice.message

    checked = assignment_of(org.staff_a[1])
    check(sync, bearer, monitor, checklists["remote"], checked)
    _refused(db, lambda: excuses.record_excuse(checked.id, "absent", None, "", monitor), Conflict)
    _refused(db, lambda: excuses.record_excuse(10**9, "absent", None, "", monitor), OperationError)


def test_a_reason_is_withdrawn_once(db, org, users, cycle_plan):
    monitor = users["remote_monitor"]
    excuse = excuses.record_excuse(assignment_of(org.staff_a[0]).id, "absent", None, "", monitor)
    excuses.withdraw_excuse(excuse.id, monitor)
    db.session.commit()
    _refused(db, lambda: excuses.withdraw_excuse(excuse.id, monitor), Conflict)
    _refused(db, lambda: excuses.withdraw_excuse(10**9, monitor), OperationError)


def test_a_cycle_that_is_over_keeps_its_reasons(db, org, users, cycle_plan, cycle_day):
    monitor = users["remote_monitor"]
    excuse = excuses.record_excuse(assignment_of(org.staff_a[0]).id, "on_leave", None, "", monitor)
    db.session.commit()
    cycle_day.shift(timedelta(days=2))  # the next cycle
    _refused(db, lambda: excuses.withdraw_excuse(excuse.id, monitor), OperationError)
    _refused(db, lambda: excuses.record_excuse(assignment_of(org.staff_a[1]).id, "absent", None, "", monitor),
             OperationError)


@pytest.mark.parametrize("role", ["inspector", "outlet_manager", "mystery_shopper", "viewer"])
def test_only_the_monitor_and_the_admin_record_a_reason(db, org, users, cycle_plan, role):
    assignment = assignment_of(org.staff_a[0])
    _refused(db, lambda: excuses.record_excuse(assignment.id, "absent", None, "", users[role]), ConcealedNotFound)
    excuse = excuses.record_excuse(assignment.id, "absent", None, "", users["admin"])
    db.session.commit()
    _refused(db, lambda: excuses.withdraw_excuse(excuse.id, users[role]), ConcealedNotFound)
    excuses.withdraw_excuse(excuse.id, users["admin"])
    db.session.commit()
    assert rows(Excuse)[0].withdrawn_by_id == users["admin"].id


def test_a_monitor_records_reasons_only_for_the_tellers_in_their_queue(db, org, users, cycle_plan):
    other = org.user("remote_monitor", "monitor2")
    assignment = assignment_of(org.staff_a[0])
    _refused(db, lambda: excuses.record_excuse(assignment.id, "absent", None, "", other), ConcealedNotFound)
    excuse = excuses.record_excuse(assignment.id, "absent", None, "", users["remote_monitor"])
    db.session.commit()
    _refused(db, lambda: excuses.withdraw_excuse(excuse.id, other), ConcealedNotFound)
    # An unassigned teller is in every monitor's queue.
    assignment.assignee_id = None
    db.session.commit()
    excuses.withdraw_excuse(excuse.id, other)
    db.session.commit()
    assert count(Excuse, Excuse.withdrawn_by_id == other.id) == 1


def test_the_queue_is_most_urgent_first(db, org, users, checklists, cycle_plan, sync, bearer, cycle_day):
    """Never checked first; then the longest since the last check; the excused last."""
    monitor, version = users["remote_monitor"], checklists["remote"]
    a1, a2 = org.staff_a[0], org.staff_a[1]
    b1, b2 = org.staff_b[0], org.staff_b[1]
    # The previous cycle: a2 checked, then (an hour later) a1; b1 and b2 never.
    cycle_day.shift(timedelta(days=-2))
    previous_cycle = CYCLE_FIRST_DAY - timedelta(days=2)
    scheduling.generate(cycle_plan, previous_cycle)
    db.session.commit()
    previous = {a.staff_id: a for a in rows(Assignment, period=f"C{previous_cycle.isoformat()}")}
    check(sync, bearer, monitor, version, previous[a2.id])
    cycle_day.shift(timedelta(hours=1))
    check(sync, bearer, monitor, version, previous[a1.id])
    cycle_day.shift(timedelta(days=2))
    assert queue(db) == [b1.employee_no, b2.employee_no, a2.employee_no, a1.employee_no]
    excuses.record_excuse(assignment_of(b1).id, "absent", None, "", monitor)
    db.session.commit()
    assert queue(db) == [b2.employee_no, a2.employee_no, a1.employee_no, b1.employee_no]
    assert db.session.execute(select(Excuse.staff_id)).scalar() == b1.id
