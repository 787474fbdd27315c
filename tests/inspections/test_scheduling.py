"""Plans turn into assignments: monthly windows, the two-day remote cycle, quarterly mystery visits."""
from __future__ import annotations

import calendar
import itertools
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core import unit_of_work
from core.clock import local_today
from inspections import cycle_queue, scheduling
from inspections.models import Assignment, Plan
from org.models import Outlet, Staff
from tests.inspections.helpers import count, draft_body, full_answers, new_uuid, rows


def make_plan(db, version, cadence: str, **values) -> Plan:
    plan = Plan(name=values.pop("name", f"{cadence} plan"), kind=version.template.kind,
                template_id=version.template_id, cadence=cadence, **values)
    db.session.add(plan)
    db.session.commit()
    return plan


def generate(db, plan, day) -> int:
    created = scheduling.generate(plan, day)
    db.session.commit()
    return created


def add_outlets(org, how_many: int, *, active: bool = True) -> list[Outlet]:
    outlets = []
    for index in range(how_many):
        outlet = Outlet(branch_id=org.branch.id, code=f"X{index:02d}{'' if active else 'I'}",
                        name=f"网点{index}", active=active)
        org.db.session.add(outlet)
        outlets.append(outlet)
    org.db.session.commit()
    return outlets


@pytest.mark.parametrize("day", [date(2026, 2, 10), date(2026, 11, 29), date(2026, 12, 31)])
def test_a_monthly_plan_gives_each_outlet_windows_covering_the_month(db, org, users, checklists, day):
    [closed] = add_outlets(org, 1, active=False)
    plan = make_plan(db, checklists["onsite"], "monthly", visits_per_period=2, assignee_id=users["inspector"].id)
    assert generate(db, plan, day) == 4
    first, last = day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    for outlet in (org.outlet_a, org.outlet_b):
        windows = sorted(rows(Assignment, plan_id=plan.id, outlet_id=outlet.id), key=lambda a: a.sequence)
        assert [a.sequence for a in windows] == [1, 2]
        assert windows[0].window_start == first and windows[1].window_end == last
        assert windows[0].window_end + timedelta(days=1) == windows[1].window_start
        assert all(a.window_start <= a.window_end for a in windows)
        for assignment in windows:
            assert assignment.period == f"{day.year}-{day.month:02d}"
            assert (assignment.kind, assignment.template_id, assignment.status) == \
                ("onsite", plan.template_id, "open")
            assert assignment.assignee_id == users["inspector"].id and assignment.staff_id is None
    assert rows(Assignment, outlet_id=closed.id) == []

    assert generate(db, plan, day) == 0
    assert generate(db, plan, first) == 0 and generate(db, plan, last) == 0
    assert count(Assignment) == 4
    assert generate(db, plan, last + timedelta(days=1)) == 4  # the next month is a new period
    assert count(Assignment) == 8


def test_generate_all_runs_every_active_plan_once(db, org, checklists):
    make_plan(db, checklists["onsite"], "monthly", name="on-site")
    make_plan(db, checklists["7s"], "monthly", name="7S", active=False)
    day = date(2026, 11, 29)
    assert scheduling.generate_all(day) == {"on-site": 2}
    assert scheduling.generate_all(day) == {"on-site": 0}
    assert count(Assignment) == 2


def test_the_cycle_plan_covers_every_active_teller_each_two_day_cycle(db, org, users, checklists):
    plan = make_plan(db, checklists["remote"], "cycle", cycle_days=2, assignee_id=users["remote_monitor"].id)
    teller_a1, teller_a2, lobby_manager = org.staff_a
    assert (teller_a1.position, teller_a2.position, lobby_manager.position) == ("teller", "teller", "lobby_manager")
    teller_a2.active = False
    db.session.commit()
    expected = {teller_a1.id, org.staff_b[0].id, org.staff_b[1].id}

    day = date(2026, 11, 29)
    assert generate(db, plan, day) == 3
    first_cycle = rows(Assignment, plan_id=plan.id)
    assert {a.staff_id for a in first_cycle} == expected
    assert {(a.window_start, a.window_end) for a in first_cycle} == {scheduling.cycle_of(day, 2)}
    assert all(a.outlet_id == db.session.get(Staff, a.staff_id).outlet_id for a in first_cycle)
    assert all(a.kind == "remote" and a.assignee_id == users["remote_monitor"].id for a in first_cycle)

    assert generate(db, plan, day + timedelta(days=1)) == 0  # the same cycle
    assert generate(db, plan, day + timedelta(days=2)) == 3  # the next one
    second_cycle = [a for a in rows(Assignment, plan_id=plan.id) if a.id not in {b.id for b in first_cycle}]
    assert {a.staff_id for a in second_cycle} == expected
    assert {(a.window_start, a.window_end) for a in second_cycle} == {(date(2026, 12, 1), date(2026, 12, 2))}


@pytest.mark.parametrize("cycle_days", [2, 3])
def test_cycles_are_consecutive_and_do_not_overlap(app, cycle_days):
    days = [date(2025, 12, 20) + timedelta(days=n) for n in range(60)]  # across the epoch 2026-01-01
    windows = []
    for day in days:
        start, end = scheduling.cycle_of(day, cycle_days)
        assert start <= day <= end
        assert (end - start).days == cycle_days - 1
        if not windows or windows[-1] != (start, end):
            windows.append((start, end))
    for (_, previous_end), (next_start, _) in itertools.pairwise(windows):
        assert next_start == previous_end + timedelta(days=1)
    assert scheduling.cycle_of(date(2026, 1, 1), 2) == (date(2026, 1, 1), date(2026, 1, 2))
    assert scheduling.cycle_of(date(2026, 11, 29)) == (date(2026, 11, 29), date(2026, 11, 30))


def test_quarterly_mystery_windows_are_inside_the_quarter_and_unguessable(db, org, users, checklists):
    add_outlets(org, 6)
    plan = make_plan(db, checklists["mystery"], "quarterly", visits_per_period=2, window_days=7,
                     vendor_id=org.vendor.id, assignee_id=users["mystery_shopper"].id)
    assert generate(db, plan, date(2026, 11, 29)) == 16
    quarter_start, quarter_end = date(2026, 10, 1), date(2026, 12, 31)
    halves = {1: (quarter_start, date(2026, 11, 15)), 2: (date(2026, 11, 16), quarter_end)}
    assignments = rows(Assignment, plan_id=plan.id)
    for assignment in assignments:
        low, high = halves[assignment.sequence]
        assert low <= assignment.window_start and assignment.window_end <= high
        assert (assignment.window_end - assignment.window_start).days + 1 == 7
        assert (assignment.period, assignment.kind, assignment.vendor_id) == ("2026Q4", "mystery", org.vendor.id)
    for sequence in (1, 2):
        starts = [a.window_start for a in assignments if a.sequence == sequence]
        assert len(starts) == 8 and len(set(starts)) > 1, "every outlet got the same window"
    assert generate(db, plan, date(2026, 10, 1)) == 0


def test_due_state(app):
    assignment = Assignment(window_start=date(2026, 11, 10), window_end=date(2026, 11, 16), status="open")
    assert scheduling.due_state(assignment, date(2026, 11, 9)) == "upcoming"
    assert scheduling.due_state(assignment, date(2026, 11, 10)) == "due"
    assert scheduling.due_state(assignment, date(2026, 11, 16)) == "due"
    assert scheduling.due_state(assignment, date(2026, 11, 17)) == "overdue"
    assignment.status = "done"
    assert scheduling.due_state(assignment, date(2026, 11, 30)) == "done"
    assignment.status = "cancelled"
    assert scheduling.due_state(assignment, date(2026, 11, 12)) == "cancelled"


def _queue(db, today, assignee_id) -> list[str]:
    return [a.staff.employee_no for a in db.session.execute(cycle_queue.queue(today, assignee_id)).scalars()]


def test_the_remote_queue_and_its_coverage_follow_submitted_checks(db, org, users, checklists, bearer, sync):
    monitor = users["remote_monitor"]
    plan = make_plan(db, checklists["remote"], "cycle", assignee_id=monitor.id)
    today = local_today()
    generate(db, plan, today)

    assert _queue(db, today, monitor.id) == ["A01-1", "A01-2", "B01-1", "B01-2"]
    assert [(c.outlet_name, c.covered, c.expected, c.percent) for c in cycle_queue.coverage(today, monitor.id)] == \
        sorted([(org.outlet_a.name, 0, 2, 0.0), (org.outlet_b.name, 0, 2, 0.0)])
    other = org.user("remote_monitor", "monitor2")
    assert _queue(db, today, other.id) == [] and cycle_queue.next_due(today, other.id) is None

    first = cycle_queue.next_due(today, monitor.id)
    uuid = new_uuid()
    remote = checklists["remote"]
    body = draft_body(remote, org.outlet_a, full_answers(remote), assignment_id=first.id, staff_id=first.staff_id)
    headers = bearer(monitor)
    assert sync.put(uuid, body, headers).status_code == 201
    assert sync.submit(uuid, headers).status_code == 200

    db.session.expire_all()
    assert _queue(db, today, monitor.id) == ["A01-2", "B01-1", "B01-2"]
    # Lowest coverage first.
    assert [(c.outlet_name, c.covered, c.expected, c.percent) for c in cycle_queue.coverage(today, monitor.id)] == \
        [(org.outlet_b.name, 0, 2, 0.0), (org.outlet_a.name, 1, 2, 50.0)]
    assert scheduling.inspection_for(first).uuid == uuid


def test_the_daily_cli_generates_this_and_the_coming_period(db, org, users, checklists, runner):
    make_plan(db, checklists["onsite"], "monthly", name="monthly-onsite", assignee_id=users["inspector"].id)
    make_plan(db, checklists["remote"], "cycle", name="remote-cycle", assignee_id=users["remote_monitor"].id)
    result = runner.invoke(args=["generate-assignments", "--date", "2026-11-29"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "2026-11-29 monthly-onsite: 2 new", "2026-11-29 remote-cycle: 4 new",
        "2026-12-01 monthly-onsite: 2 new", "2026-12-01 remote-cycle: 4 new",
    ]
    db.session.expire_all()
    periods = sorted({a.period for a in db.session.execute(select(Assignment)).scalars()})
    assert periods == ["2026-11", "2026-12", "C2026-11-29", "C2026-12-01"]
    assert count(Assignment) == 12

    again = runner.invoke(args=["generate-assignments", "--date", "2026-11-29"])
    assert again.exit_code == 0 and again.output.count(": 0 new") == 4
    assert count(Assignment) == 12


def test_generation_started_several_times_at_once_creates_each_assignment_once(app, db, org, checklists):
    """The daily job and admins' buttons at the same moment, each in its own thread and session."""
    make_plan(db, checklists["onsite"], "monthly", name="on-site")
    db.session.commit()
    day, runs = date(2026, 11, 29), 6
    start, outcomes = threading.Barrier(runs), []

    def run() -> None:
        with app.app_context():
            start.wait(timeout=30)
            try:
                outcomes.append(sum(unit_of_work.committed(scheduling.generate_all)(day).values()))
            except Exception as error:  # noqa: BLE001  (reported below)
                outcomes.append(repr(error))

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=str) == [0] * (runs - 1) + [2], outcomes
    assert count(Assignment) == 2
