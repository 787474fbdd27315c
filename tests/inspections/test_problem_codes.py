"""Each refusal of the API names its problem with a stable code, the same in every language, beside a
message in the caller's language (Accept-Language)."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.conftest import PASSWORD
from tests.inspections.helpers import draft_body, full_answers, new_uuid
from tests.inspections.test_photos import huge_png

LANGUAGES = {"zh": "zh-CN,zh;q=0.9", "en": "en-GB,en;q=0.8"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
# Words a Chinese message may hold as they are: names of headers, formats and fields a program sends.
VERBATIM = {"JPEG", "WebP", "HEIC", "UUID", "JSON", "SHA256", "Content"}


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def _cases(org, users, custom, sync, auth, draft, client):
    """problem → a function sending the request that meets it, with the extra headers given."""
    def submitted_uuid(headers):
        uuid = new_uuid()
        sync.put(uuid, draft_body(custom, org.outlet_a, full_answers(custom)), {**auth, **headers})
        assert sync.submit(uuid, {**auth, **headers}).status_code == 200
        return uuid

    def photos_missing(headers):
        uuid = new_uuid()
        answers = full_answers(custom, tidy={"value": "fail", "photo_ids": [new_uuid()]})
        sync.put(uuid, draft_body(custom, org.outlet_a, answers), {**auth, **headers})
        return sync.submit(uuid, {**auth, **headers})

    inspector = users["inspector"].username
    return {
        "wrong_credentials": lambda h: client.post("/api/v1/auth/tokens", headers=h, json={
            "username": inspector, "password": PASSWORD + "x"}),
        "not_logged_in": lambda h: client.get("/api/v1/assignments", headers=h),
        "not_found": lambda h: client.get(f"/api/v1/inspections/{new_uuid()}", headers={**auth, **h}),
        "not_a_uuid": lambda h: sync.put("12345", draft_body(custom, org.outlet_a), {**auth, **h}),
        "malformed_body": lambda h: client.put(f"/api/v1/inspections/{new_uuid()}", data=b'{"answers": [',
                                               content_type="application/json", headers={**auth, **h}),
        "validation_failed": lambda h: sync.put(new_uuid(), {"answers": []}, {**auth, **h}),
        "outside_scope": lambda h: sync.put(new_uuid(), draft_body(custom, org.outlet_a, outlet_id=99999),
                                            {**auth, **h}),
        "answers_incomplete": lambda h: sync.submit(draft, {**auth, **h}),
        "answers_invalid": lambda h: sync.put(draft, draft_body(custom, org.outlet_a, [
            {"item_key": "tidy", "value": "maybe"}]), {**auth, **h}),
        "draft_pinned": lambda h: sync.put(draft, draft_body(custom, org.outlet_b), {**auth, **h}),
        "already_submitted": lambda h: sync.put(submitted_uuid(h), draft_body(custom, org.outlet_a, [
            {"item_key": "tidy", "value": "pass", "note": "changed afterwards"}]), {**auth, **h}),
        "photos_missing": photos_missing,
        "photo_type_not_allowed": lambda h: sync.photo(draft, new_uuid(), b"plain text, not a picture",
                                                       {**auth, **h}),
        "photo_too_large": lambda h: sync.photo(draft, new_uuid(), huge_png(), {**auth, **h},
                                                content_type="image/png"),
        "photo_damaged": lambda h: sync.photo(draft, new_uuid(), _jpeg()[:200], {**auth, **h}),
        "photo_hash_mismatch": lambda h: sync.photo(draft, new_uuid(), _jpeg(), {**auth, **h}, declared="0" * 64),
    }


PROBLEMS = ("wrong_credentials", "not_logged_in", "not_found", "not_a_uuid", "malformed_body", "validation_failed",
            "outside_scope", "answers_incomplete", "answers_invalid", "draft_pinned", "already_submitted",
            "photos_missing", "photo_type_not_allowed", "photo_too_large", "photo_damaged", "photo_hash_mismatch")


@pytest.mark.parametrize("problem", PROBLEMS)
def test_each_problem_has_its_code_in_both_languages(org, users, custom, sync, auth, draft, client, problem):
    send = _cases(org, users, custom, sync, auth, draft, client)[problem]
    bodies = {}
    for language, header in LANGUAGES.items():
        response = send({"Accept-Language": header})
        assert response.status_code >= 400, response.get_json()
        bodies[language] = response.get_json()
    zh, en = bodies["zh"], bodies["en"]
    assert zh["problem"] == en["problem"] == problem, (zh, en)
    assert zh["code"] == en["code"] and zh["status"] == en["status"]  # the status's stable name, too
    assert CHINESE.search(zh["message"]), zh["message"]
    assert set(ENGLISH_WORD.findall(zh["message"])) <= VERBATIM, zh["message"]
    assert not CHINESE.search(en["message"]) and ENGLISH_WORD.search(en["message"]), en["message"]


def test_the_problem_codes_are_documented_in_the_openapi_error_schema(client):
    spec = client.get("/api/openapi.json").get_json()
    problem = spec["components"]["schemas"]["Error"]["properties"]["problem"]
    assert set(PROBLEMS) <= set(problem["enum"])
    assert all(f"`{code}`" in problem["description"] for code in problem["enum"])
