"""The app's live score (static/pwa/js/scoring.js, run in Chromium) and the server's scoring engine
(checklists/scoring.py) are two copies of one rule set: on every default checklist and hundreds of
random answer sets, with the version JSON the app itself downloads, they must agree on score, maximum,
percent, grade and the failed items."""
from __future__ import annotations

import json
import random
import urllib.request

import pytest

from checklists import operations as checklist_operations
from checklists import scoring
from checklists.seed import default_documents
from checklists.store import checklist_of
from tests.factories import bearer_headers

ANSWER_SETS = 150


def random_value(item, rng: random.Random):
    if item.type in ("photo", "signature", "text"):
        return rng.choice([None, "na"]) if item.allow_na else None
    if rng.random() < 0.08:
        return rng.choice(["na", None])
    if item.type == "check":
        return rng.choice(["pass", "pass", "pass", "fail"])
    if item.type == "scale":
        return rng.randint(0, item.scale_max or 5)
    if item.type == "choice":
        keys = [option.key for option in item.options]
        return rng.sample(keys, rng.randint(1, len(keys))) if item.multiple else rng.choice(keys)
    low = item.min if item.min is not None else 0
    high = item.max if item.max is not None else 1200
    return rng.choice([rng.randint(int(low), int(high)), round(rng.uniform(low, high), 1)])


def api_json(base: str, path: str, headers: dict):
    request = urllib.request.Request(base + path, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.mark.e2e
def test_the_apps_live_score_agrees_with_the_server(org, db, live_server, phone):
    versions = [checklist_operations.import_and_publish_default(document) for document in default_documents()]
    admin = org.user("admin")
    headers = bearer_headers(admin)
    checklists = {version.id: checklist_of(version) for version in versions}
    db.session.commit()
    rng = random.Random(20261130)
    phone.goto(f"{live_server}/app/")
    mismatches = []
    for version_id, checklist in checklists.items():
        version_json = api_json(live_server, f"/api/v1/checklists/{version_id}", headers)
        answer_sets = [{item.key: value for item in checklist.all_items()
                        if (value := random_value(item, rng)) is not None} for _ in range(ANSWER_SETS)]
        in_the_app = phone.evaluate("""async ([version, sets]) => {
            const { liveScore } = await import("/app/js/scoring.js");
            return sets.map((answers) => {
              const result = liveScore(version, answers);
              return [result.score, result.max, result.percent, result.grade, [...result.failed].sort()];
            });
        }""", [version_json, answer_sets])
        for answers, (score, maximum, percent, grade, failed) in zip(answer_sets, in_the_app):
            server = scoring.score(checklist, answers)
            expected = [round(server.score, 6), round(server.max, 6), server.percent, server.grade,
                        sorted(server.failed_items)]
            got = [round(score, 6), round(maximum, 6), percent, grade, failed]
            if got != expected:
                mismatches.append((checklist.kind, answers, expected, got))
    assert phone.errors == []
    assert mismatches == [], f"{len(mismatches)} of {ANSWER_SETS * len(checklists)} differ; first: {mismatches[:1]}"
