"""Remote coverage in the reports leaves out the tellers excused for a cycle (absent, on leave, window
closed, and not checked), the same rule as the remote desk's; the coverage list is lowest first.

From the fixed bank: A2 was checked in cycles 0-9 only, so A stands at 25 of 30 (83.3 %)."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from core.extensions import db
from inspections.models import Assignment, Excuse
from reports import rankings
from reports.periods import month_period
from tests.reports.conftest import CYCLE_STARTS


def excuse(bank, person: str, cycle: int, reason: str = "on_leave", *, withdrawn: bool = False,
           days: tuple[int, int] = (0, 1)) -> Excuse:
    """A reason recorded in `cycle` (on its days `days`) for the teller, with the cycle's assignment."""
    staff = bank.people[person]
    first = CYCLE_STARTS[cycle]
    assignment = Assignment(kind="remote", template_id=bank.versions["remote"].template_id, outlet_id=staff.outlet_id,
                            staff_id=staff.id, period=f"C{first.isoformat()}", window_start=first,
                            window_end=first + timedelta(days=1))
    db.session.add(assignment)
    db.session.flush()
    monitor = bank.users["remote_monitor"]
    recorded = Excuse(assignment_id=assignment.id, staff_id=staff.id, reason=reason,
                      first_day=first + timedelta(days=days[0]), last_day=first + timedelta(days=days[1]),
                      recorded_by_id=monitor.id)
    if withdrawn:
        recorded.withdrawn_at, recorded.withdrawn_by_id = bank.inspections["A1-0"].submitted_at, monitor.id
    db.session.add(recorded)
    db.session.commit()
    return recorded


def coverage_a(bank):
    return rankings.coverage(month_period(2026, 9), [bank.org.outlet_a.id])[bank.org.outlet_a.id]


def test_the_missed_cycles_excused_bring_the_outlet_to_full_coverage(bank):
    for cycle in range(10, 14):
        excuse(bank, "A2", cycle)
    figures = coverage_a(bank)
    assert (figures.covered, figures.excused, figures.expected, figures.missing, figures.percent) == \
        (25, 4, 26, 1, 96.2)
    excuse(bank, "A2", 14, "window_closed", days=(1, 1))  # the cycle's second day only: the whole cycle
    figures = coverage_a(bank)
    assert (figures.covered, figures.excused, figures.expected, figures.missing, figures.percent) == \
        (25, 5, 25, 0, 100.0)
    assert [row.coverage.percent for row in rankings.league(month_period(2026, 9))] == [100.0, 100.0]


def test_a_checked_or_withdrawn_or_other_months_reason_excuses_nothing(bank):
    excuse(bank, "A2", 3)  # A2 was checked in cycle 3: checked, not excused
    excuse(bank, "A1", 14)  # checked on Oct 1, in the cycle that started in September
    excuse(bank, "A2", 12, withdrawn=True)
    figures = coverage_a(bank)
    assert (figures.covered, figures.excused, figures.expected, figures.percent) == (25, 0, 30, 83.3)
    assert rankings.coverage(month_period(2026, 8), [bank.org.outlet_a.id])[bank.org.outlet_a.id].excused == 0


def test_the_coverage_page_and_api_agree_and_list_the_lowest_first(bank, api_as, users, login, client):
    excuse(bank, "A2", 10)
    body = api_as("remote_monitor", "GET", "/coverage?month=2026-09").get_json()
    assert [(row["code"], row["covered"], row["excused"], row["missing"], row["expected"], row["percent"])
            for row in body["rows"]] == [("A01", 25, 1, 4, 29, 86.2), ("B01", 30, 0, 0, 30, 100.0)]

    login(users["remote_monitor"])
    page = html.unescape(client.get("/reports/coverage?month=2026-09").get_data(as_text=True))
    assert "覆盖率最低的排在最前，其次按漏查次数从多到少。" in page
    rows = re.findall(r'<tr><td data-label="网点">([^<]+)</td>((?:<td class="num"[^>]*>\d+</td>)+)', page)
    assert [(name, re.findall(r">(\d+)<", cells)) for name, cells in rows] == [
        (bank.org.outlet_a.name, ["2", "15", "25", "1", "4", "29"]),
        (bank.org.outlet_b.name, ["2", "15", "30", "0", "0", "30"])]


def test_the_league_shows_the_same_figures(bank, users, login, client):
    excuse(bank, "A2", 10)
    login(users["viewer"])
    page = html.unescape(client.get("/reports/league?period=2026-09").get_data(as_text=True))
    assert "86.2%<small class=\"muted sub\">25/29</small>" in page
