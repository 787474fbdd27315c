"""Service errors of the monthly volumes report on the scorecards, the red/black lists and BSC points.

The fixed bank's September points (base 100): A1 119, A2 104, A3 97, B1 114, B2 101, B3 97. Here A2 made
3 + 1 service errors in September, 5 in August and 2 in October; B1 30 in September. Default deduction:
0.5 a service error."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db as _db
from org.models import Staff, User
from rectification.models import Finding
from reports import bsc, operations, rules, scorecards
from reports.labels import line_label
from reports.periods import month_period, quarter_period
from tests.core.page_text import read_page
from tests.core.test_language_of_pages import ALLOWED_IN_CHINESE, KEY, LATIN_WORD
from tests.support import csrf_token_of
from volumes.models import ERRORS, TRANSACTIONS, TellerCount

SEPTEMBER = month_period(2026, 9)
COUNTS = {"A2": [(date(2026, 8, 1), 5), (date(2026, 9, 1), 3), (date(2026, 9, 1), 1), (date(2026, 10, 1), 2)],
          "B1": [(date(2026, 9, 1), 30)]}


@pytest.fixture
def errors(bank, db):
    for name, counts in COUNTS.items():
        for index, (month, count) in enumerate(counts):
            db.session.add(TellerCount(month=month, staff_id=bank.people[name].id, measure=ERRORS,
                                       label=f"差错{index}", count=count))
            db.session.add(TellerCount(month=month, staff_id=bank.people[name].id, measure=TRANSACTIONS,
                                       label=f"业务{index}", count=900))
    db.session.commit()
    return bank


def _by_name(bank, rows):
    ids = {person.id: name for name, person in bank.people.items()}
    return {ids[row.staff_id]: row for row in rows if row.staff_id in ids}


def test_the_months_errors_cost_their_points(errors):
    people = _by_name(errors, scorecards.summaries(SEPTEMBER))
    assert {name: (s.service_errors, s.total) for name, s in people.items()} == {
        "A1": (0, 119.0), "A2": (4, 102.0), "A3": (0, 97.0), "B1": (30, 99.0), "B2": (0, 101.0), "B3": (0, 97.0)}
    assert people["A2"].deductions == 3 + 1 + 4 * 0.5


@pytest.mark.parametrize(("period", "expected"), [
    (month_period(2026, 8), 5), (month_period(2026, 10), 2), (quarter_period(2026, 3), 9),
    (quarter_period(2026, 4), 2), (month_period(2026, 7), 0)])
def test_a_month_counts_in_the_period_its_first_day_falls_in(errors, period, expected):
    # The period's bounds are local midnights, the UTC evening before: August's count must not leak into
    # September, nor September's into October.
    assert period.start < datetime(period.first.year, period.first.month, period.first.day, tzinfo=UTC)
    a2 = _by_name(errors, scorecards.summaries(period, staff_ids=[errors.people["A2"].id]))["A2"]
    assert a2.service_errors == expected


def test_the_admins_rule_sets_the_price_of_an_error(errors, users):
    operations.update_rules({"deduct_service_error": 2}, users["admin"])
    assert _by_name(errors, scorecards.summaries(SEPTEMBER))["A2"].total == 104 - 4 * 2
    operations.update_rules({"deduct_service_error": 0}, users["admin"])
    people = _by_name(errors, scorecards.summaries(SEPTEMBER))
    assert (people["A2"].total, people["B1"].total, people["B1"].service_errors) == (104.0, 114.0, 30)


def test_volumes_without_errors_change_nothing(bank, db):
    db.session.add(TellerCount(month=date(2026, 9, 1), staff_id=bank.people["A1"].id, measure=TRANSACTIONS,
                               label="开户", count=80))
    db.session.add(TellerCount(month=date(2026, 9, 1), staff_id=bank.people["A1"].id, measure=ERRORS,
                               label="操作差错", count=0))
    db.session.commit()
    a1 = _by_name(bank, scorecards.summaries(SEPTEMBER))["A1"]
    assert (a1.service_errors, a1.bonus, a1.total) == (0, 5.0, 119.0)


def test_someone_with_only_errors_is_evaluated_even_after_leaving(bank, db):
    gone = Staff(outlet_id=bank.org.outlet_a.id, employee_no="A9", name="周离职", position="teller", active=False)
    db.session.add(gone)
    db.session.flush()
    db.session.add(TellerCount(month=date(2026, 9, 1), staff_id=gone.id, measure=ERRORS, label="操作差错", count=6))
    db.session.commit()
    (summary,) = [s for s in scorecards.summaries(SEPTEMBER) if s.staff_id == gone.id]
    assert summary.evaluated and (summary.service_errors, summary.total) == (6, 97.0)
    assert gone.id not in {s.staff_id for s in scorecards.summaries(month_period(2026, 8))}


def test_the_card_has_a_line_a_month(errors, app):
    with app.test_request_context():
        card = scorecards.card(errors.people["A2"], SEPTEMBER)
        (line,) = [line for line in card.lines if line.kind == "service_error"]
        assert (line.month, line.count, line.points) == (date(2026, 9, 1), 4, -2.0)
        assert card.lines[0] is line and line.at == SEPTEMBER.start
        assert line_label(line) == "当月差错4笔"
        assert card.total == card.summary.total == 102.0
        quarter = scorecards.card(errors.people["A2"], quarter_period(2026, 3))
        assert [(line.month, line.count, line.points) for line in quarter.lines if line.kind == "service_error"] == [
            (date(2026, 8, 1), 5, -2.5), (date(2026, 9, 1), 4, -2.0)]
        assert quarter.total == quarter.summary.total


def test_the_api_gives_the_counts_and_the_lines(errors, api_as):
    listed = api_as("viewer", "GET", "/scorecards?month=2026-09").get_json()
    by_no = {row["employee_no"]: row for row in listed["staff"]}
    assert by_no[errors.people["B1"].employee_no]["service_errors"] == 30
    assert by_no[errors.people["B1"].employee_no]["total"] == 99.0
    card = api_as("admin", "GET", f"/scorecards/{errors.people['A2'].id}?month=2026-09").get_json()
    assert card["staff"]["service_errors"] == 4
    (line,) = [line for line in card["lines"] if line["kind"] == "service_error"]
    assert (line["month"], line["count"], line["points"], line["inspection_url"]) == ("2026-09-01", 4, -2.0, None)
    assert sum(line["points"] for line in card["lines"]) + 100 == card["total"] == 102.0


def _list(api_as, bank, outlet):
    body = api_as("admin", "POST", "/lists", json={"month": "2026-09", "scope": "outlet", "outlet_id": outlet.id})
    assert body.status_code in (200, 201)
    names = {person.id: name for name, person in bank.people.items()}
    return {names[e["staff_id"]]: (e["colour"], e["reasons"]) for e in body.get_json()["entries"]}


def test_many_errors_drop_a_teller_to_the_black_list(errors, api_as, users, db):
    # Outlet B, one place of each colour. Errors free, B1 (114) is red and B2 black for its critical; at the
    # default 0.5 B1's 30 errors leave 99, the bottom of the outlet (B2 101, B3 100 without the visit held).
    operations.update_rules({"deduct_service_error": 0}, users["admin"])
    db.session.commit()
    entries = _list(api_as, errors, errors.org.outlet_b)
    assert (entries["B1"], entries["B2"]) == (("red", ["top_rank"]), ("black", ["critical_finding"]))
    operations.update_rules({"deduct_service_error": 0.5}, users["admin"])
    db.session.commit()
    entries = _list(api_as, errors, errors.org.outlet_b)
    assert entries["B1"] == ("black", ["bottom_rank", "service_errors:30"])
    assert entries["B2"] == ("black", ["critical_finding"]) and "red" not in {c for c, _ in entries.values()}


def test_the_list_page_names_the_errors(errors, api_as, users, db, client, login):
    operations.update_rules({"deduct_service_error": 1}, users["admin"])
    db.session.commit()
    body = api_as("admin", "POST", "/lists", json={"month": "2026-09", "scope": "outlet",
                                                    "outlet_id": errors.org.outlet_b.id}).get_json()
    login(users["admin"])
    page = client.get(f"/reports/lists/{body['id']}").get_data(as_text=True)
    assert "当月差错30笔" in page and "service_errors" not in page


def test_bsc_points_lose_by_the_errors(errors, users):
    points = {row.summary.staff_id: row.points for row in bsc.staff_points(SEPTEMBER)}
    assert points[errors.people["A2"].id] == 4 - 0.1 * (4 + 2)
    assert points[errors.people["B1"].id] == 4 - 0.1 * (1 + 15)
    operations.update_rules({"deduct_service_error": 0.1}, users["admin"])
    points = {row.summary.staff_id: row.points for row in bsc.staff_points(quarter_period(2026, 3))}
    assert points[errors.people["A2"].id] == round(4 - 0.1 * (4 + 0.9), 2)


def test_the_bsc_export_has_the_errors(errors, api_as):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(api_as("admin", "GET", "/bsc.csv?period=2026-09&scope=staff")
                                       .data.decode("utf-8-sig"))))
    column = rows[0].index("差错")
    by_no = {row[0]: row for row in rows[1:]}
    assert by_no[errors.people["B1"].employee_no][column] == "30"
    assert float(by_no[errors.people["B1"].employee_no][rows[0].index("扣分")]) == 16.0


def _english_on(page_html: str) -> set[str]:
    """Latin words and keys on the page, less data typed that way: the users' names and the test checklists'
    item titles (their keys)."""
    data = set(_db.session.execute(select(User.username)).scalars())
    data |= {word for title in _db.session.execute(select(Finding.title)).scalars() for word in LATIN_WORD.findall(title)}
    text = " ".join(read_page(page_html).parts)
    return {word for word in LATIN_WORD.findall(text) + KEY.findall(text) if word not in ALLOWED_IN_CHINESE | data}


def test_the_scorecard_pages_show_the_errors_in_chinese(errors, client, login, users):
    login(users["outlet_manager"])
    card = client.get(f"/reports/scorecards/{errors.people['A2'].id}?month=2026-09").get_data(as_text=True)
    assert "当月差错4笔" in card and "业务量与差错" in card and "-2.0" in card and "102.0" in card
    assert f'href="/reports/volumes?month=2026-09&amp;outlet_id={errors.org.outlet_a.id}"' in card
    assert _english_on(card) == set()
    listed = client.get("/reports/scorecards?month=2026-09").get_data(as_text=True)
    assert "问题、差错及属实投诉扣分" in listed and _english_on(listed) == set()


def test_the_rules_page_shows_and_saves_the_price_of_an_error(errors, client, login, users, db):
    login(users["admin"])
    form = client.get("/reports/rules")
    page = form.get_data(as_text=True)
    assert "业务量通报中每笔差错扣分" in page and 'name="deduct_service_error" value="0.5"' in page
    assert _english_on(page) == set()
    values = {spec.key: str(spec.default) for spec in rules.RULES}
    bad = client.post("/reports/rules", data={**values, "deduct_service_error": "101",
                                              "csrf_token": csrf_token_of(form.data)})
    assert bad.status_code == 422 and rules.current()["deduct_service_error"] == 0.5
    saved = client.post("/reports/rules", data={**values, "deduct_service_error": "1.5",
                                                "csrf_token": csrf_token_of(form.data)})
    assert saved.status_code == 302 and rules.current()["deduct_service_error"] == 1.5
    assert _by_name(errors, scorecards.summaries(SEPTEMBER))["A2"].total == 104 - 4 * 1.5
