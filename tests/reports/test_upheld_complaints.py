"""Upheld complaints of the complaint ledger on the scorecards, the red/black lists and BSC points.

The fixed bank's September points (base 100): A1 119, A2 104, A3 97, B1 114, B2 101, B3 97. A complaint counts
against the person it names once the investigation upholds it, in the period of the day it was received.
Default deduction: 3 an upheld complaint."""
from __future__ import annotations

from datetime import date

import pytest

from complaints import operations as complaint_operations
from core.clock import local_midnight
from reports import bsc, operations, rules, scorecards
from reports.labels import line_label
from reports.periods import month_period, quarter_period
from tests.reports.test_service_errors import _by_name, _english_on, _list
from tests.support import csrf_token_of

SEPTEMBER = month_period(2026, 9)


def _complaint(bank, users, name: str, outlet, received_on: date, *, upheld: bool | None):
    admin = users["admin"]
    complaint, _created = complaint_operations.receive(
        {"outlet_id": outlet.id, "channel": "walk_in", "category": "attitude", "customer_name": "陈美华",
         "customer_phone": "13812345678", "description": "柜员办理业务时态度生硬", "staff_id": bank.people[name].id,
         "received_on": received_on}, admin)
    if upheld is not None:
        complaint_operations.advance(complaint.id, "acknowledge", admin)
        complaint_operations.advance(complaint.id, "investigate", admin, note="监控核实", upheld=upheld)
    return complaint


@pytest.fixture
def complaints(bank, users, db):
    a, b = bank.org.outlet_a, bank.org.outlet_b
    made = {
        "A2-sep": _complaint(bank, users, "A2", a, date(2026, 9, 1), upheld=True),
        "A2-sep-rejected": _complaint(bank, users, "A2", a, date(2026, 9, 12), upheld=False),
        "A2-sep-open": _complaint(bank, users, "A2", a, date(2026, 9, 15), upheld=None),
        "A2-oct": _complaint(bank, users, "A2", a, date(2026, 10, 1), upheld=True),
        "B1-aug": _complaint(bank, users, "B1", b, date(2026, 8, 31), upheld=True),
        "B1-sep-1": _complaint(bank, users, "B1", b, date(2026, 9, 30), upheld=True),
        "B1-sep-2": _complaint(bank, users, "B1", b, date(2026, 9, 30), upheld=True),
    }
    db.session.commit()
    bank.complaints = made
    return bank


def test_upheld_complaints_of_the_month_cost_their_points(complaints):
    people = _by_name(complaints, scorecards.summaries(SEPTEMBER))
    assert {name: (s.complaints, s.total) for name, s in people.items()} == {
        "A1": (0, 119.0), "A2": (1, 101.0), "A3": (0, 97.0), "B1": (2, 108.0), "B2": (0, 101.0), "B3": (0, 97.0)}
    assert people["B1"].evaluated and people["B1"].deductions == 1 + 2 * 3


@pytest.mark.parametrize(("period", "a2", "b1"), [
    (month_period(2026, 8), 0, 1), (month_period(2026, 10), 1, 0), (quarter_period(2026, 3), 1, 3),
    (quarter_period(2026, 4), 1, 0)])
def test_a_complaint_counts_in_the_period_of_the_day_it_was_received(complaints, period, a2, b1):
    people = _by_name(complaints, scorecards.summaries(period))
    assert (people["A2"].complaints, people["B1"].complaints) == (a2, b1)


def test_the_admins_rule_sets_the_price_of_a_complaint(complaints, users):
    operations.update_rules({"deduct_complaint": 10}, users["admin"])
    assert _by_name(complaints, scorecards.summaries(SEPTEMBER))["B1"].total == 114 - 20
    operations.update_rules({"deduct_complaint": 0}, users["admin"])
    assert _by_name(complaints, scorecards.summaries(SEPTEMBER))["B1"].total == 114.0


def test_a_complaint_upheld_later_counts_then(complaints, users, db):
    open_one = complaints.complaints["A2-sep-open"]
    complaint_operations.advance(open_one.id, "acknowledge", users["admin"])
    complaint_operations.advance(open_one.id, "investigate", users["admin"], note="属实", upheld=True)
    db.session.commit()
    assert _by_name(complaints, scorecards.summaries(SEPTEMBER))["A2"].total == 104 - 2 * 3


def test_the_card_has_a_line_a_complaint(complaints, app):
    with app.test_request_context():
        card = scorecards.card(complaints.people["B1"], SEPTEMBER)
        lines = [line for line in card.lines if line.kind == "complaint"]
        assert [(line.complaint_id, line.points) for line in lines] == [
            (complaints.complaints["B1-sep-1"].id, -3.0), (complaints.complaints["B1-sep-2"].id, -3.0)]
        assert lines[0].at == local_midnight(date(2026, 9, 30))
        assert line_label(lines[0]) == f"属实投诉：{complaints.complaints['B1-sep-1'].number}（服务态度）"
        assert card.total == card.summary.total == 108.0


def test_the_api_gives_the_count_and_the_lines(complaints, api_as):
    listed = api_as("viewer", "GET", "/scorecards?month=2026-09").get_json()
    by_no = {row["employee_no"]: row for row in listed["staff"]}
    assert by_no[complaints.people["B1"].employee_no]["complaints"] == 2
    card = api_as("outlet_manager", "GET", f"/scorecards/{complaints.people['A2'].id}?month=2026-09").get_json()
    (line,) = [line for line in card["lines"] if line["kind"] == "complaint"]
    assert (line["complaint_id"], line["title"], line["category"], line["points"]) == (
        complaints.complaints["A2-sep"].id, complaints.complaints["A2-sep"].number, "attitude", -3.0)
    assert "陈" not in str(card) and "13812345678" not in str(card) and "****" not in str(card)  # no customer at all


def test_complaints_drop_a_teller_to_the_black_list(complaints, api_as, users, db):
    # Outlet B, one place of each colour: B1 (114 − 6 = 108) stays red at the default price; at 8 a complaint
    # B1 has 98, the bottom (B2 101, B3 100 without the visit held).
    assert _list(api_as, complaints, complaints.org.outlet_b)["B1"] == ("red", ["top_rank"])
    operations.update_rules({"deduct_complaint": 8}, users["admin"])
    db.session.commit()
    assert _list(api_as, complaints, complaints.org.outlet_b)["B1"] == ("black", ["bottom_rank", "complaints:2"])


def test_bsc_points_lose_by_the_complaints(complaints):
    points = {row.summary.staff_id: row.points for row in bsc.staff_points(SEPTEMBER)}
    assert points[complaints.people["B1"].id] == 4 - 0.1 * (1 + 6)
    assert points[complaints.people["A2"].id] == 4 - 0.1 * (4 + 3)


def test_the_pages_show_the_complaints_in_chinese(complaints, client, login, users, api_as, db):
    login(users["viewer"])
    card = client.get(f"/reports/scorecards/{complaints.people['B1'].id}?month=2026-09").get_data(as_text=True)
    assert card.count("属实投诉：") == 2 and "108.0" in card and "2026-09-30" in card
    assert "陈美华" not in card and _english_on(card) == set()
    assert card.count('">投诉</a>') == 2  # each line leads to its complaint
    listed = client.get("/reports/scorecards?month=2026-09").get_data(as_text=True)
    assert "属实投诉" in listed and _english_on(listed) == set()
    operations.update_rules({"deduct_complaint": 8}, users["admin"])
    db.session.commit()
    body = api_as("admin", "POST", "/lists", json={"month": "2026-09", "scope": "outlet",
                                                    "outlet_id": complaints.org.outlet_b.id}).get_json()
    login(users["admin"])
    assert "当月属实投诉2件" in client.get(f"/reports/lists/{body['id']}").get_data(as_text=True)


def test_the_rules_page_saves_the_price_of_a_complaint(complaints, client, login, users):
    login(users["admin"])
    form = client.get("/reports/rules")
    assert "每件归属本人的属实投诉扣分" in form.get_data(as_text=True)
    values = {spec.key: str(spec.default) for spec in rules.RULES}
    saved = client.post("/reports/rules", data={**values, "deduct_complaint": "5",
                                                "csrf_token": csrf_token_of(form.data)})
    assert saved.status_code == 302 and rules.current()["deduct_complaint"] == 5.0
    assert _by_name(complaints, scorecards.summaries(SEPTEMBER))["B1"].total == 114 - 2 * 5
