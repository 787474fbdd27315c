"""The secrecy matrix: every role × every GET endpoint.

One bank is built per module: outlets A and B; an on-site inspection with a finding and a notice;
a published mystery visit to A (findings, notice). Every endpoint is fetched by every role; then
the secrets are added — an upcoming mystery visit to A; a mystery report on A filed with a failed
item but not yet reviewed (plus an unpublished finding row for it); and one accepted and attributed
to a staff member but not yet published — and every endpoint is fetched again. Nobody but the
admin and the vendor's own shopper may learn of the secrets:

* an endpoint that names no secret must answer exactly as it did before the secrets existed (no
  new row, count, id or kind anywhere in the body);
* an endpoint that names a secret (its UUID, photo, finding or assignment id) must answer with the
  same status as for an object that does not exist;
* and no body may contain a secret's UUID, id, narrative or staff description.

The endpoints are the app's url_map, read at test time: every GET route (the listed ones each get
their own cell; any route added later is checked in the "<any other GET route>" cell), with the
ids above for the parameters. Positive checks prove the secrets are really there for the admin and
the shopper, and that the published visit is seen by its outlet's manager and by inspectors.
"""
from __future__ import annotations

import io

import pytest
from flask import g, request_started
from flask_babel import format_datetime

from core.extensions import db as _db
from inspections.models import Inspection
from tests.mystery.secrecy_world import (
    ACCEPTED_ASSIGNMENT_ID,
    HIDDEN_FINDING_ID,
    KNOWN_GAPS,
    KNOWN_RULES,
    OTHER,
    PRIVILEGED,
    REPORT_ASSIGNMENT_ID,
    ROLES,
    SECRET_NARRATIVE,
    SHOPPER_CAMERA_OWNER,
    UPCOMING_ID,
    World,
    _add_secrets,
    _build,
    _first_difference,
    snapshot,
)
from tests.rectification.helpers import pdf_text

pytestmark = pytest.mark.xdist_group("secrecy_world")  # one worker builds the shared data set, once

# --- the data set, built once for the module -----------------------------------------------------

@pytest.fixture(scope="module")
def world(app):
    def clear(sender, **extra):
        g.__dict__.clear()

    request_started.connect(clear, app)
    with app.app_context():
        try:
            built = _build(app)
            built.baseline = {(role, url): snapshot(built.get(role, url))
                              for role in ROLES if role not in PRIVILEGED
                              for rule in built.rules for url in built.urls(rule)
                              if not built.secret_parts(url)}
            _add_secrets(built)
            yield built
        finally:
            request_started.disconnect(clear, app)
            _db.session.rollback()
            _db.session.remove()
            with _db.engine.begin() as connection:
                for table in reversed(_db.metadata.sorted_tables):
                    connection.execute(table.delete())


@pytest.fixture
def db(world):
    """Overrides the per-test emptying of the database: this module shares one data set."""
    yield _db
    _db.session.rollback()


# --- the matrix ----------------------------------------------------------------------------------

def _problems(world: World, role: str, url: str) -> list[tuple[str, str]]:
    """(kind, description) of each way this response lets the role learn of a secret."""
    response = world.get(role, url)
    got = snapshot(response)
    if response.status_code >= 500:
        return [("error", f"GET {url} → {response.status_code} {response.get_data(as_text=True)[:200]}")]
    if role in PRIVILEGED:
        return []
    problems = []
    named = world.secret_parts(url)
    text = got[2] + "\n" + got[3]
    for part in named:  # an error message or a login redirect may echo the URL itself
        text = text.replace(part, "<asked>")
    for what, pattern in world.markers.items():
        if pattern.search(text):
            problems.append(("content", f"GET {url} → {response.status_code} reveals {what}"))
    if named:
        twin = world.twin(url)
        missing = world.get(role, twin)
        if response.status_code != missing.status_code:
            problems.append(("status", (f"GET {url} → {response.status_code}, but {twin} (no such object) → "
                                        f"{missing.status_code}: the answer tells that the object exists")))
        if response.status_code < 300:
            problems.append(("shown", f"GET {url} → {response.status_code}: shows a secret"))
    else:
        before = world.baseline[(role, url)]
        if got[:3] != before[:3]:
            problems.append(("changed", f"GET {url} → {got[:3]}, before the secrets existed {before[:3]}"))
        elif got[3] != before[3]:
            problems.append(("changed", (f"GET {url} changed when the secrets were added: "
                                         f"{_first_difference(before[3], got[3])}")))
    return problems


@pytest.mark.parametrize("rule", [*KNOWN_RULES, OTHER])
@pytest.mark.parametrize("role", ROLES)
def test_secrecy(world, role, rule):
    if rule == OTHER:
        rules = [r for r in world.rules if r not in KNOWN_RULES]
    else:
        assert rule in world.rules, f"{rule} is no longer a GET route of the app: update KNOWN_RULES"
        rules = [rule]
    problems = [problem for r in rules for url in world.urls(r) for problem in _problems(world, role, url)]
    gap = KNOWN_GAPS.get((role, rule))
    if gap:
        assert any(kind == gap for kind, _ in problems), f"the known gap of {role} on {rule} is closed: " \
                                                         "remove it from KNOWN_GAPS"
        problems = [(kind, text) for kind, text in problems if kind != gap]
    assert not problems, f"{role}:\n" + "\n".join(text for _, text in problems)


# --- the checks above are not vacuous ------------------------------------------------------------

@pytest.mark.parametrize("role", sorted(PRIVILEGED))
def test_the_admin_and_the_shopper_do_see_the_secrets(world, role):
    secret, accepted = world.secrets.report, world.secrets.accepted
    listed = world.get(role, "/api/v1/inspections").get_json()
    assert {secret, accepted} <= {i["uuid"] for i in listed}
    shown = world.get(role, f"/api/v1/inspections/{secret}")
    assert shown.status_code == 200 and shown.get_json()["narrative"] == SECRET_NARRATIVE
    for photo_uuid in world.secrets.photos:
        assert world.get(role, f"/api/v1/inspections/{secret}/photos/{photo_uuid}?variant=thumb").status_code == 200
    assert {UPCOMING_ID, REPORT_ASSIGNMENT_ID, ACCEPTED_ASSIGNMENT_ID} <= \
        {a["id"] for a in world.get(role, "/api/v1/assignments").get_json()}
    assert secret in world.get(role, "/inspections/").get_data(as_text=True)
    if role == "admin":
        assert secret in {r["uuid"] for r in world.get(role, "/api/v1/mystery/reports").get_json()}
        assert secret in world.get(role, "/admin/mystery/").get_data(as_text=True)
        assert HIDDEN_FINDING_ID in {f["id"] for f in world.get(role, "/api/v1/findings").get_json()}
        assert world.get(role, f"/api/v1/inspections/{secret}/report.pdf").status_code == 200
        calendar = world.get(role, f"/admin/calendar?month={world.ids['upcoming_month']}")
        assert calendar.status_code == 200 and 'class="cal-mystery"' in calendar.get_data(as_text=True)


@pytest.mark.parametrize("role", ["manager_a", "inspector", "remote_monitor", "viewer"])
def test_the_published_visit_is_seen_by_its_outlet_and_the_inspectors(world, role):
    ids = world.ids
    uuid, finding = ids["published"], ids["published_finding"]
    assert uuid in {i["uuid"] for i in world.get(role, "/api/v1/inspections?kind=mystery").get_json()}
    shown = world.get(role, f"/api/v1/inspections/{uuid}")
    assert shown.status_code == 200 and shown.get_json()["status"] == "published"
    assert world.get(role, f"/api/v1/inspections/{uuid}/photos/{ids['published_photo']}").status_code == 200
    assert world.get(role, f"/api/v1/inspections/{uuid}/notice.pdf").status_code == 200
    assert world.get(role, f"/api/v1/inspections/{uuid}/report.pdf").status_code == 200
    assert finding in {f["id"] for f in world.get(role, "/api/v1/findings").get_json()}
    assert world.get(role, f"/api/v1/findings/{finding}").status_code == 200
    assert uuid in {n["inspection_uuid"] for n in world.get(role, "/api/v1/notices").get_json()}
    assert uuid in world.get(role, "/inspections/").get_data(as_text=True)
    assert world.get(role, f"/inspections/{uuid}").status_code == 200
    assert f"/findings/{finding}" in world.get(role, "/findings/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["manager_b", "rival_shopper"])
def test_the_published_visit_stays_with_its_outlet(world, role):
    uuid = world.ids["published"]
    assert world.get(role, f"/api/v1/inspections/{uuid}").status_code == 404
    listed = world.get(role, "/api/v1/inspections")
    assert listed.status_code == 200 and uuid not in listed.get_data(as_text=True)


def test_the_matrix_covers_every_get_route(world):
    named = {"/api/v1/assignments", "/api/v1/mystery/assignments", "/api/v1/inspections", "/api/v1/inspections/<uuid>",
             "/api/v1/inspections/<uuid>/photos/<photo_uuid>", "/api/v1/inspections/<uuid>/notice.pdf",
             "/api/v1/inspections/<uuid>/report.pdf", "/api/v1/findings", "/api/v1/findings/<int:ident>",
             "/api/v1/notices", "/api/v1/mystery/reports", "/inspections/", "/inspections/<uuid>", "/findings/",
             "/notices/", "/admin/calendar", "/remote/"}
    assert named <= set(world.rules)
    # Every GET route, including any added after this was written (e.g. under /api/v1/reports/ or
    # /reports/), has URLs to check; a parameter the matrix has no value for fails here.
    urls = {rule: world.urls(rule) for rule in world.rules}
    assert all(urls.values())
    everything = [url for found in urls.values() for url in found]
    for secret in (*world.secrets.uuids, str(UPCOMING_ID), str(HIDDEN_FINDING_ID)):
        assert any(secret in url for url in everything), secret


# --- a published visit does not tell who made it ------------------------------------------------

READERS = ["manager_a", "inspector", "remote_monitor", "viewer"]
SHOPPER_IDENTITY = ("inspector_id", "assignment_id", "started_at", "finished_at", "submitted_at")


def _exif_of(data: bytes):
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    return image.getexif(), image.info


@pytest.mark.parametrize("role", READERS)
def test_the_published_visit_names_no_shopper_assignment_or_minute(world, role):
    uuid = world.ids["published"]
    shown = world.get(role, f"/api/v1/inspections/{uuid}").get_json()
    listed = next(i for i in world.get(role, "/api/v1/inspections?kind=mystery").get_json() if i["uuid"] == uuid)
    for body in (shown, listed):
        assert {name: body[name] for name in SHOPPER_IDENTITY} == dict.fromkeys(SHOPPER_IDENTITY)
    assert shown["answers"] and all(answer["updated_at"] is None for answer in shown["answers"])
    minute = f"{world.times['started_at']:%H:%M}"
    page = world.get(role, f"/inspections/{uuid}").get_data(as_text=True)
    assert world.users["shopper"].display_name not in page
    inspection = _db.session.query(Inspection).filter_by(uuid=uuid).one()
    submitted = format_datetime(inspection.submitted_at, "HH:mm")
    [row] = [row for row in world.get(role, "/inspections/").get_data(as_text=True).split("<tr") if uuid in row]
    assert submitted not in page and submitted not in row and f"{inspection.submitted_at:%Y}" in row
    assert minute not in pdf_text(world.get(role, f"/api/v1/inspections/{uuid}/report.pdf").data)


@pytest.mark.parametrize("role", ["admin", "shopper"])
def test_the_admin_and_the_shopper_still_know_the_visit(world, role):
    uuid = world.ids["published"]
    shown = world.get(role, f"/api/v1/inspections/{uuid}").get_json()
    assert shown["inspector_id"] == world.users["shopper"].id and shown["assignment_id"] is not None
    assert shown["started_at"] and shown["submitted_at"]


def _photo_urls(world) -> list[str]:
    ids = world.ids
    return [f"/api/v1/inspections/{ids['published']}/photos/{ids['published_photo']}",
            f"/inspections/{ids['published']}/photos/{ids['published_photo']}",
            f"/api/v1/findings/{ids['published_finding']}/photos/{ids['published_photo']}",
            f"/findings/{ids['published_finding']}/photos/{ids['published_photo']}"]


@pytest.mark.parametrize("role", READERS)
def test_only_the_derived_copies_reach_other_readers_and_they_carry_no_exif(world, role):
    for url in _photo_urls(world):
        assert world.get(role, f"{url}?variant=original").status_code == 403, url
        for variant in ("display", "thumb"):
            response = world.get(role, f"{url}?variant={variant}")
            assert response.status_code == 200 and response.mimetype == "image/jpeg", url
            data = response.get_data()
            tags, info = _exif_of(data)
            assert dict(tags) == {} and "exif" not in info, (url, variant, dict(tags))
            assert SHOPPER_CAMERA_OWNER.encode() not in data and b"iPhone" not in data


@pytest.mark.parametrize("role", ["admin", "shopper"])
def test_the_original_with_its_exif_goes_to_those_who_review_it(world, role):
    url = _photo_urls(world)[0]
    response = world.get(role, f"{url}?variant=original")
    assert response.status_code == 200
    tags, _ = _exif_of(response.get_data())
    assert tags[0x013B] == SHOPPER_CAMERA_OWNER and tags.get_ifd(0x8825)  # Artist, and a GPS position


@pytest.mark.parametrize("role,status", [("admin", 200), ("inspector", 200), ("remote_monitor", 403),
                                         ("viewer", 403), ("manager_a", 403)])
def test_an_on_site_original_goes_to_the_inspectors_only(world, role, status):
    ids = world.ids
    url = f"/api/v1/inspections/{ids['onsite']}/photos/{ids['onsite_photo']}"
    assert world.get(role, f"{url}?variant=original").status_code == status
    assert world.get(role, f"{url}?variant=display").status_code == 200
