"""The sync protocol refuses what does not fit, with a field path for each problem; nothing is written."""
from __future__ import annotations

import pytest

from inspections.models import Answer, Inspection, Photo
from tests.factories import jpeg
from tests.inspections.helpers import by_key, count, draft_body, new_uuid


@pytest.fixture
def inspector(users):
    return users["inspector"]


@pytest.fixture
def auth(inspector, bearer):
    return bearer(inspector)


BAD_ANSWERS = {
    "unknown item": ({"item_key": "no_such_item", "value": "pass"}, "item_key"),
    "check maybe": ({"item_key": "tidy", "value": "maybe"}, "value"),
    "scale 9": ({"item_key": "mood", "value": 9}, "value"),
    "scale fraction": ({"item_key": "mood", "value": 2.5}, "value"),
    "choice unknown option": ({"item_key": "attitude", "value": "sulky"}, "value"),
    "number as string": ({"item_key": "waiting", "value": "12"}, "value"),
    "number above max": ({"item_key": "waiting", "value": 501}, "value"),
    "duration negative": ({"item_key": "handling", "value": -5}, "value"),
    "boolean as number": ({"item_key": "handling", "value": True}, "value"),
    "text too long": ({"item_key": "remark", "value": "x" * 21}, "value"),
    "value on a photo item": ({"item_key": "snapshot", "value": "pass"}, "value"),
    "na where not allowed": ({"item_key": "lock", "value": "na"}, "value"),
    "staff of another outlet": ({"item_key": "tidy", "value": "pass", "staff_id": "OUTLET_B_STAFF"}, "staff_id"),
}


@pytest.mark.parametrize("case", list(BAD_ANSWERS))
def test_answers_that_do_not_fit_are_refused_with_field_paths(org, custom, sync, auth, case):
    bad, field = BAD_ANSWERS[case]
    if bad.get("staff_id") == "OUTLET_B_STAFF":
        bad = {**bad, "staff_id": org.staff_b[0].id}
    good = {"item_key": "greet", "value": "pass"}

    fresh = new_uuid()
    refused = sync.put(fresh, draft_body(custom, org.outlet_a, [good, bad]), auth)
    assert refused.status_code == 422, refused.get_json()
    assert list(refused.get_json()["errors"]) == [f"answers[1].{field}"]
    assert sync.get(fresh, auth).status_code == 404  # nothing half-written
    assert count(Inspection) == 0 and count(Answer) == 0

    existing = new_uuid()
    sync.put(existing, draft_body(custom, org.outlet_a, [good]), auth)
    again = sync.put(existing, draft_body(custom, org.outlet_a, [{"item_key": "greet", "value": "fail"}, bad]), auth)
    assert again.status_code == 422
    assert by_key(sync.get(existing, auth).get_json())["greet"]["value"] == "pass"


def test_an_item_answered_twice_in_one_request_is_refused(org, custom, sync, auth):
    response = sync.put(new_uuid(), draft_body(custom, org.outlet_a, [
        {"item_key": "greet", "value": "pass"}, {"item_key": "greet", "value": "fail"}]), auth)
    assert response.status_code == 422
    assert "answers[1].item_key" in response.get_json()["errors"]


def test_unknown_and_mistyped_fields_in_the_body_are_refused(org, custom, sync, auth):
    unknown = sync.put(new_uuid(), {**draft_body(custom, org.outlet_a), "colour": "red"}, auth)
    assert unknown.status_code == 422
    assert "colour" in unknown.get_json()["errors"]["json"]

    in_answer = sync.put(new_uuid(), draft_body(custom, org.outlet_a, [
        {"item_key": "greet", "value": "pass", "mood": "good"}]), auth)
    assert in_answer.status_code == 422
    assert "mood" in in_answer.get_json()["errors"]["json"]["answers"]["0"]

    as_text = sync.put(new_uuid(), {**draft_body(custom, org.outlet_a), "outlet_id": str(org.outlet_a.id)}, auth)
    assert as_text.status_code == 422
    assert "outlet_id" in as_text.get_json()["errors"]["json"]

    missing = sync.put(new_uuid(), {"outlet_id": org.outlet_a.id, "answers": []}, auth)
    assert missing.status_code == 422
    assert "checklist_version_id" in missing.get_json()["errors"]["json"]
    assert count(Inspection) == 0


def test_a_draft_needs_a_usable_version_and_an_active_outlet(org, custom, checklists, sync, auth):
    mystery = sync.put(new_uuid(), draft_body(checklists["mystery"], org.outlet_a), auth)
    assert mystery.status_code == 422 and "checklist_version_id" in mystery.get_json()["errors"]
    nowhere = sync.put(new_uuid(), {**draft_body(custom, org.outlet_a), "outlet_id": 999999}, auth)
    assert nowhere.status_code == 422 and "outlet_id" in nowhere.get_json()["errors"]
    assert count(Inspection) == 0


def test_malformed_json_is_a_bad_request(org, custom, client, auth):
    response = client.put(f"/api/v1/inspections/{new_uuid()}", data='{"checklist_version_id": 1,',
                          content_type="application/json", headers=auth)
    assert response.status_code == 400
    assert response.is_json and response.get_json()["message"]
    assert count(Inspection) == 0


def test_an_invalid_uuid_in_the_path_is_refused(org, custom, sync, auth):
    put = sync.put("not-a-uuid", draft_body(custom, org.outlet_a), auth)
    assert put.status_code == 422 and "uuid" in put.get_json()["errors"]
    assert sync.get("12345", auth).status_code == 422
    assert sync.submit("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", auth).status_code == 422
    uuid = new_uuid()
    sync.put(uuid, draft_body(custom, org.outlet_a), auth)
    photo = sync.photo(uuid, "photo-1", jpeg(), auth)
    assert photo.status_code == 422 and "photo_uuid" in photo.get_json()["errors"]
    assert count(Inspection) == 1 and count(Photo) == 0
