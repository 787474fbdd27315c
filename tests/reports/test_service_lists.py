"""Red/black lists of September from the fixed bank, with the default rules: one red and one black place
per outlet, five of each branch-wide, any critical finding black, a single unconfirmed mystery visit
never black-lists anyone. Points: A1 119, A2 104, A3 97, B1 114, B2 101 (critical), B3 97 (mystery)."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from core.clock import local_today
from inspections.models import Answer
from mystery.models import MysteryVisit
from rectification.models import Finding
from reports import operations
from reports.models import PublishedListFrozen, ServiceList, ServiceListEntry


def _entries(bank, body) -> dict:
    names = {person.id: name for name, person in bank.people.items()}
    return {names[e["staff_id"]]: (e["colour"], e["rank"], e["reasons"]) for e in body["entries"]}


def _prepare(api_as, scope="outlet", outlet=None, month="2026-09"):
    body = {"month": month, "scope": scope}
    if outlet is not None:
        body["outlet_id"] = outlet.id
    return api_as("admin", "POST", "/lists", json=body)


def test_outlet_a_list(bank, api_as):
    response = _prepare(api_as, outlet=bank.org.outlet_a)
    assert response.status_code == 201
    # A3 (97) is last with a net deduction: black. A1 (119) leads the rest: red.
    assert _entries(bank, response.get_json()) == {"A1": ("red", 1, ["top_rank"]),
                                                    "A3": ("black", 1, ["bottom_rank"])}
    assert response.get_json()["status"] == "draft"


def test_outlet_b_list_holds_the_person_only_one_mystery_visit_would_black_list(bank, api_as):
    body = _prepare(api_as, outlet=bank.org.outlet_b).get_json()
    # Without the unconfirmed visit B3 has 100 points, no net deduction; B2 is black for the critical.
    assert _entries(bank, body) == {
        "B1": ("red", 1, ["top_rank"]),
        "B2": ("black", 2, ["critical_finding"]),
        "B3": ("held", None, [f"awaiting_confirmation:{bank.inspections['mystery-B'].uuid}"]),
    }


def test_branch_list(bank, api_as):
    body = _prepare(api_as, scope="branch").get_json()
    assert _entries(bank, body) == {
        "A1": ("red", 1, ["top_rank"]), "B1": ("red", 2, ["top_rank"]), "A2": ("red", 3, ["top_rank"]),
        "A3": ("black", 1, ["bottom_rank"]), "B2": ("black", 3, ["critical_finding"]),
        "B3": ("held", None, [f"awaiting_confirmation:{bank.inspections['mystery-B'].uuid}"]),
    }
    assert [e["colour"] for e in body["entries"]] == ["red", "red", "red", "black", "black", "held"]


def test_an_admins_confirmation_lets_the_visit_count(bank, api_as):
    listed = _prepare(api_as, outlet=bank.org.outlet_b).get_json()
    confirmed = api_as("admin", "POST", "/mystery-confirmations", json={
        "inspection_uuid": bank.inspections["mystery-B"].uuid, "staff_id": bank.people["B3"].id, "note": "录音佐证"})
    assert confirmed.status_code == 201
    again = api_as("admin", "POST", "/mystery-confirmations", json={
        "inspection_uuid": bank.inspections["mystery-B"].uuid, "staff_id": bank.people["B3"].id})
    assert again.status_code == 200
    refreshed = api_as("admin", "POST", f"/lists/{listed['id']}/refresh").get_json()
    # B3 at 97 is now last with a net deduction.
    assert _entries(bank, refreshed)["B3"] == ("black", 1, ["bottom_rank"])


@pytest.mark.parametrize("confirmed", [True, False])
def test_confirmation_given_at_publication_counts_too(bank, db, api_as, client, bearer, users, confirmed):
    # The mystery visit as the admin had it before publishing: accepted, its failed answer naming B3.
    visit = bank.inspections["mystery-B"]
    db.session.execute(delete(Finding).where(Finding.inspection_id == visit.id))
    visit.status = "reviewed"
    db.session.add(Answer(inspection_id=visit.id, item_key="teller_smile", value="fail", staff_id=bank.people["B3"].id,
                          score=0, max_score=2, failed=True, state="answered"))
    db.session.commit()
    published = client.post(f"/api/v1/mystery/reports/{visit.uuid}/publish", headers=bearer(users["admin"]),
                            json={"blacklist_confirmed": confirmed})
    assert published.status_code == 200, published.get_json()
    expected = ("black", 1, ["bottom_rank"]) if confirmed else ("held", None, [f"awaiting_confirmation:{visit.uuid}"])
    assert _entries(bank, _prepare(api_as, outlet=bank.org.outlet_b).get_json())["B3"] == expected


def test_confirmation_is_refused_for_a_person_the_visit_does_not_name(bank, api_as):
    response = api_as("admin", "POST", "/mystery-confirmations", json={
        "inspection_uuid": bank.inspections["mystery-B"].uuid, "staff_id": bank.people["B1"].id})
    assert response.status_code == 422
    hidden = api_as("admin", "POST", "/mystery-confirmations", json={
        "inspection_uuid": bank.inspections["mystery-A"].uuid, "staff_id": bank.people["A1"].id})
    assert hidden.status_code == 404  # not published


def test_two_visits_corroborate_each_other(bank, db, api_as):
    first = bank.inspections["mystery-B"]
    second = bank.inspect("mystery-B2", "mystery", bank.org.outlet_b, first.submitted_at, 85.0, status="published",
                          published_at=db.session.get(MysteryVisit, first.id).published_at)
    bank.find("B3-second", second, "teller_smile", "minor", bank.people["B3"])
    db.session.commit()
    assert _entries(bank, _prepare(api_as, outlet=bank.org.outlet_b).get_json())["B3"] == ("black", 1, ["bottom_rank"])


def test_the_confirmation_policy_can_be_switched_off(bank, users, api_as):
    operations.update_rules({"mystery_black_needs_confirmation": 0}, users["admin"])
    assert _entries(bank, _prepare(api_as, outlet=bank.org.outlet_b).get_json())["B3"] == ("black", 1, ["bottom_rank"])


def test_rule_changes_change_the_lists(bank, users, api_as):
    operations.update_rules({"deduct_major": 0}, users["admin"])
    # A3 now has 100 points: no net deduction, so nobody is black; A1 (119) is still red.
    assert _entries(bank, _prepare(api_as, outlet=bank.org.outlet_a).get_json()) == {"A1": ("red", 1, ["top_rank"])}
    operations.update_rules({"critical_means_black": 0, "outlet_black_count": 0}, users["admin"])
    assert "B2" not in _entries(bank, _prepare(api_as, outlet=bank.org.outlet_b).get_json())


def test_ties_share_the_last_place(bank, users, api_as):
    operations.update_rules({"deduct_major": 0, "deduct_minor": 0, "remote_pass_points": 0, "clean_cycle_bonus": 0,
                             "outlet_red_count": 1}, users["admin"])
    # Everyone in A has 100 points now: all three share first place.
    body = _prepare(api_as, outlet=bank.org.outlet_a).get_json()
    assert {name: entry[:2] for name, entry in _entries(bank, body).items()} == {
        "A1": ("red", 1), "A2": ("red", 1), "A3": ("red", 1)}


def test_appeals_and_sign_off_freeze_the_list(bank, db, api_as, users):
    listed = _prepare(api_as, outlet=bank.org.outlet_a).get_json()
    a3_entry = next(e for e in listed["entries"] if e["staff_id"] == bank.people["A3"].id)
    missing_reason = api_as("admin", "PATCH", f"/lists/{listed['id']}/entries/{a3_entry['id']}",
                            json={"appeal_note": "", "withdrawn": True})
    assert missing_reason.status_code == 422
    upheld = api_as("admin", "PATCH", f"/lists/{listed['id']}/entries/{a3_entry['id']}",
                    json={"appeal_note": "当日系系统故障，申诉成立", "withdrawn": True})
    assert upheld.status_code == 200 and upheld.get_json()["withdrawn"] is True
    noted = api_as("admin", "PATCH", f"/lists/{listed['id']}", json={"appeal_note": "张文静申诉一件，已核实"})
    assert noted.get_json()["appeal_note"] == "张文静申诉一件，已核实"
    refreshed = api_as("admin", "POST", f"/lists/{listed['id']}/refresh").get_json()
    kept = next(e for e in refreshed["entries"] if e["staff_id"] == bank.people["A3"].id)
    assert kept["withdrawn"] and kept["appeal_note"] == "当日系系统故障，申诉成立"

    published = api_as("admin", "POST", f"/lists/{listed['id']}/publish")
    assert published.status_code == 200
    assert published.get_json()["status"] == "published" and published.get_json()["published_by"] == "admin"
    for method, path, body in (("PATCH", f"/lists/{listed['id']}", {"appeal_note": "x"}),
                               ("POST", f"/lists/{listed['id']}/refresh", None),
                               ("POST", f"/lists/{listed['id']}/publish", None),
                               ("PATCH", f"/lists/{listed['id']}/entries/{a3_entry['id']}", {"appeal_note": "y"})):
        assert api_as("admin", method, path, json=body).status_code == 409, path
    assert _prepare(api_as, outlet=bank.org.outlet_a).status_code == 409

    # Later data and rule changes leave the published list as it was.
    operations.update_rules({"deduct_major": 0}, users["admin"])
    assert _entries(bank, api_as("admin", "GET", f"/lists/{listed['id']}").get_json())["A3"][0] == "black"

    service_list = db.session.get(ServiceList, listed["id"])
    service_list.appeal_note = "rewritten"
    with pytest.raises(PublishedListFrozen):
        db.session.commit()
    db.session.rollback()
    entry = db.session.execute(select(ServiceListEntry).where(ServiceListEntry.list_id == listed["id"])).scalars().first()
    db.session.delete(entry)
    with pytest.raises(PublishedListFrozen):
        db.session.commit()
    db.session.rollback()


def test_the_outlet_manager_sees_the_published_list_without_withdrawn_or_held_people(bank, api_as):
    listed = _prepare(api_as, outlet=bank.org.outlet_a).get_json()
    assert api_as("outlet_manager", "GET", f"/lists/{listed['id']}").status_code == 404  # a draft
    a3_entry = next(e for e in listed["entries"] if e["staff_id"] == bank.people["A3"].id)
    api_as("admin", "PATCH", f"/lists/{listed['id']}/entries/{a3_entry['id']}",
           json={"appeal_note": "申诉成立", "withdrawn": True})
    api_as("admin", "POST", f"/lists/{listed['id']}/publish")
    seen = api_as("outlet_manager", "GET", f"/lists/{listed['id']}").get_json()
    assert [e["staff_id"] for e in seen["entries"]] == [bank.people["A1"].id]
    leadership = api_as("viewer", "GET", f"/lists/{listed['id']}").get_json()
    assert len(leadership["entries"]) == 2
    assert [item["id"] for item in api_as("outlet_manager", "GET", "/lists").get_json()] == [listed["id"]]


def test_a_month_is_signed_off_only_once_it_is_over(bank, api_as):
    this_month = local_today().strftime("%Y-%m")
    listed = _prepare(api_as, scope="branch", month=this_month).get_json()
    assert api_as("admin", "POST", f"/lists/{listed['id']}/publish").status_code == 409
    assert _prepare(api_as, scope="branch", month="2099-01").status_code == 422
    assert _prepare(api_as, scope="outlet", outlet=None).status_code == 422
