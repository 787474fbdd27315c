"""Staff scorecards: points by hand from the fixed bank (base 100, +1 per passed remote check, +5 for a
clean month, −1/−3/−10 per minor/major/critical finding)."""
from __future__ import annotations

import copy
import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from checklists import operations as checklist_operations
from checklists import scoring
from core.audit import AuditEntry
from rectification.models import Finding
from reports import operations, presenting, scorecards
from reports.periods import month_period
from reports.schemas import ScorecardListSchema
from tests.factories import bearer_headers
from tests.inspections.helpers import DEFAULT_DOCUMENTS, SyncApi, draft_body, full_answers, new_uuid

SEPTEMBER = month_period(2026, 9)

# name: (remote checks in September, passed, cycles covered, points)
EXPECTED = {
    "A1": (14, 14, 15, 119.0),  # 100 + 14 + 5 (every cycle covered, the 15th on Oct 1, nothing found)
    "A2": (10, 8, 10, 104.0),   # 100 + 8 − 3 (major) − 1 (minor)
    "A3": (0, 0, 0, 97.0),      # 100 − 3 (on-site major)
    "B1": (15, 15, 15, 114.0),  # 100 + 15 − 1 (on-site minor): a finding forfeits the clean-month bonus
    "B2": (15, 14, 15, 101.0),  # 100 + 14 − 10 (critical) − 3 (major)
    "B3": (0, 0, 0, 97.0),      # 100 − 3 (published mystery visit, major)
}


def _by_name(bank, rows):
    ids = {person.id: name for name, person in bank.people.items()}
    return {ids[row.staff_id]: row for row in rows if row.staff_id in ids}


def test_each_persons_points_for_the_month(bank):
    summaries = _by_name(bank, scorecards.summaries(SEPTEMBER))
    assert {name: (s.remote_checks, s.remote_passed, s.cycles_covered, s.total) for name, s in summaries.items()} \
        == EXPECTED
    assert all(s.cycles_total == 15 for s in summaries.values())
    assert summaries["A1"].bonus == 5 and summaries["B1"].bonus == 0
    assert summaries["B2"].findings == {"critical": 1, "major": 1, "minor": 0}


def test_unpublished_mystery_findings_count_for_nobody(bank):
    a1 = _by_name(bank, scorecards.summaries(SEPTEMBER))["A1"]
    assert a1.findings == {"critical": 0, "major": 0, "minor": 0}
    lines = scorecards.card(bank.people["A1"], SEPTEMBER).lines
    assert bank.findings["A1-hidden"].id not in {line.finding_id for line in lines}


def test_a_mystery_finding_counts_once_the_visit_is_published(bank, db):
    bank.inspections["mystery-A"].status = "published"
    bank.findings["A1-hidden"].published = True
    db.session.commit()
    assert _by_name(bank, scorecards.summaries(SEPTEMBER))["A1"].total == 119.0 - 3 - 5  # and no clean bonus


def test_card_lines_add_up_and_point_at_their_evidence(bank, app):
    with app.test_request_context():
        card = scorecards.card(bank.people["A2"], SEPTEMBER)
    assert card.total == 104.0 == card.summary.total
    kinds = [line.kind for line in card.lines]
    assert kinds.count("remote_pass") == 8 and kinds.count("remote_fail") == 2 and kinds.count("finding") == 2
    greet = next(line for line in card.lines if line.finding_id == bank.findings["A2-greet"].id)
    assert (greet.points, greet.severity, greet.inspection_uuid) == (-3.0, "major", bank.inspections["A2-3"].uuid)
    assert all(line.inspection_uuid for line in card.lines)


def test_the_card_api_links_every_line_to_its_inspection_and_finding(bank, api_as):
    body = api_as("admin", "GET", f"/scorecards/{bank.people['B2'].id}?month=2026-09").get_json()
    assert body["total"] == 101.0 and body["base_points"] == 100.0
    finding_lines = [line for line in body["lines"] if line["kind"] == "finding"]
    assert {line["finding_url"] for line in finding_lines} == {
        f"/findings/{bank.findings['B2-lock'].id}", f"/findings/{bank.findings['B2-greet'].id}"}
    assert all(line["inspection_url"] == f"/inspections/{bank.inspections['B2-5'].uuid}" for line in finding_lines)
    assert sum(line["points"] for line in body["lines"]) + 100 == body["total"]


def test_the_clean_month_bonus_needs_every_cycle(bank, db):
    db.session.delete(bank.inspections["A1-14"].answers[0])
    db.session.delete(bank.inspections["A1-14"])
    db.session.commit()
    a1 = _by_name(bank, scorecards.summaries(SEPTEMBER))["A1"]
    assert (a1.cycles_covered, a1.bonus, a1.total) == (14, 0.0, 114.0)


def test_a_check_in_the_straddling_cycle_earns_its_point_in_the_month_it_was_made(bank):
    october = _by_name(bank, scorecards.summaries(month_period(2026, 10)))["A1"]
    assert (october.remote_checks, october.remote_passed, october.cycles_covered) == (1, 1, 0)


def test_rule_changes_change_the_points(bank, users):
    operations.update_rules({"deduct_major": 5, "remote_pass_points": 0.5, "clean_cycle_bonus": 0}, users["admin"])
    summaries = _by_name(bank, scorecards.summaries(SEPTEMBER))
    assert summaries["A1"].total == 100 + 14 * 0.5
    assert summaries["A2"].total == 100 + 8 * 0.5 - 5 - 1
    assert summaries["B2"].total == 100 + 14 * 0.5 - 10 - 5


def test_rule_changes_are_validated_and_audited(db, bank, users, api_as):
    refused = api_as("admin", "PATCH", "/rules", json={"values": {"deduct_major": -1, "nonsense": 2,
                                                                   "outlet_red_count": 1.5}})
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == {"deduct_major", "nonsense", "outlet_red_count"}
    changed = api_as("admin", "PATCH", "/rules", json={"values": {"deduct_major": 4}})
    assert changed.status_code == 200
    assert {r["key"]: r["value"] for r in changed.get_json()}["deduct_major"] == 4.0
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "report.rules.update")).scalar_one()
    assert entry.changes["deduct_major"] == {"before": 3.0, "after": 4.0}


def test_reports_read_the_stored_scores_and_never_score_again(bank, monkeypatch, api_as):
    def refuse(*args, **kwargs):
        raise AssertionError("a report scored an inspection again")

    monkeypatch.setattr(scoring, "score", refuse)
    for path in ("/scorecards?month=2026-09", "/league?period=2026-09", "/bsc?period=2026Q3", "/coverage?month=2026-09"):
        assert api_as("admin", "GET", path).status_code == 200, path


def test_a_real_submitted_remote_check_appears_on_the_tellers_card(db, client, org, users, api_as):
    version = checklist_operations.import_and_publish_default(copy.deepcopy(DEFAULT_DOCUMENTS["remote"]))
    teller = org.staff_a[0]
    headers = bearer_headers(users["remote_monitor"])
    sync, uuid = SyncApi(client), new_uuid()
    answers = full_answers(version, remote_greeting_words="fail")
    assert sync.put(uuid, draft_body(version, org.outlet_a, answers, staff_id=teller.id), headers).status_code == 201
    assert sync.submit(uuid, headers).status_code == 200
    finding = db.session.execute(select(Finding)).scalar_one()
    assert finding.staff_id == teller.id
    month = finding.created_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    card = api_as("admin", "GET", f"/scorecards/{teller.id}?month={month}").get_json()
    assert [line["kind"] for line in card["lines"]] == ["remote_fail", "finding"]
    assert card["total"] == 100 - 3  # remote_greeting_words is a major item


@pytest.mark.parametrize("text", ["2026-13", "26-09", "2026Q5", "sept"])
def test_a_bad_month_is_a_422_naming_the_field(bank, api_as, text):
    response = api_as("admin", "GET", f"/scorecards?month={text}")
    assert response.status_code == 422
    assert "month" in response.get_json()["errors"]


def test_the_fast_scorecard_list_says_exactly_what_its_schema_says(bank, api_as):
    body = api_as("admin", "GET", "/scorecards?month=2026-09").get_json()
    expected = ScorecardListSchema().dump(presenting.scorecard_list(bank.users["admin"], SEPTEMBER))
    assert body == json.loads(json.dumps(expected))
    assert len(body["staff"]) == 6
