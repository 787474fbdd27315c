"""Malformed input is a 4xx in the caller's language, before login too, and nothing of it is stored."""
from __future__ import annotations

import pytest

from tests.support import row_counts

HUGE_IDS = [2**31, 2**63, 2**64, 10**30]


@pytest.mark.parametrize("ident", HUGE_IDS)
def test_ids_past_the_database_range_are_404_in_paths(client, users, token_for, ident):
    headers = token_for(users["admin"])
    for path in (f"/api/v1/outlets/{ident}", f"/api/v1/checklists/{ident}/export", f"/api/v1/findings/{ident}"):
        assert client.get(path, headers=headers).status_code == 404
    assert client.get(f"/api/v1/outlets/{ident}").status_code in (401, 404)  # before login


@pytest.mark.parametrize("ident", HUGE_IDS)
def test_ids_past_the_database_range_are_422_in_queries_and_bodies(client, users, token_for, ident):
    headers = token_for(users["admin"])
    assert client.get(f"/api/v1/staff/?outlet_id={ident}", headers=headers).status_code == 422
    before = row_counts()
    response = client.post("/api/v1/counters/", headers=headers,
                           json={"outlet_id": ident, "number": 9, "kind": "cash", "label": "x"})
    assert response.status_code == 422 and row_counts() == before


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,
    '{"username": ' + "1" * 5000 + ', "password": "x"}',
    '{"username": "admin", "password": NaN}',
    '{"username": "admin", "password": Infinity}',
    '{"a": ' + "[" * 40 + "]" * 40 + "}",
])
def test_malformed_json_is_a_chinese_400_before_login(client, users, body):
    response = client.post("/api/v1/auth/tokens", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.is_json and "JSON" in response.get_json()["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.get_json()["message"])


@pytest.mark.parametrize("name", ["网点\x00", "网点\ud800", "\x1b[2J网点"])
def test_text_with_nul_controls_or_lone_surrogates_is_422_naming_the_field(client, users, token_for, org, name):
    headers = token_for(users["admin"])
    before = row_counts()
    response = client.patch(f"/api/v1/outlets/{org.outlet_a.id}", headers=headers, json={"name": name})
    assert response.status_code == 422
    assert "name" in response.get_json()["errors"]
    assert row_counts() == before
    query = client.get("/api/v1/staff/?q=%00", headers=headers)
    assert query.status_code == 422


def test_tabs_and_newlines_are_still_text(client, users, token_for, org):
    response = client.patch(f"/api/v1/outlets/{org.outlet_a.id}", headers=token_for(users["admin"]),
                            json={"address": "苏州市\t相城区\r\n元和"})
    assert response.status_code == 200


@pytest.mark.parametrize("period_end", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_dates_far_outside_the_service_years_are_refused(app, period_end):
    from marshmallow import ValidationError, fields

    from core.schemas import Schema

    class Stamp(Schema):
        at = fields.AwareDateTime()

    with app.test_request_context(), pytest.raises(ValidationError) as caught:
        Stamp().load({"at": period_end})
    assert "at" in caught.value.messages
