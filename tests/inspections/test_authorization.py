"""Who may see and change inspections, photos and assignments; mystery visits stay secret."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from core.clock import local_today
from inspections.models import Assignment, Inspection, Photo
from org.models import Vendor
from tests.factories import jpeg
from tests.inspections.helpers import count, draft_body, full_answers, new_uuid, rows


@dataclass
class World:
    """Users, assignments and inspections of every kind and state, made through the API."""

    users: dict
    headers: dict
    drafts: dict = field(default_factory=dict)       # name → inspection UUID
    photos: dict = field(default_factory=dict)       # inspection UUID → photo UUID
    assignments: dict = field(default_factory=dict)  # name → Assignment id


def _assignment(db, **values) -> int:
    today = local_today()
    assignment = Assignment(period="P", sequence=1, window_start=today - timedelta(days=1),
                            window_end=today + timedelta(days=5), **values)
    db.session.add(assignment)
    db.session.commit()
    return assignment.id


@pytest.fixture
def world(org, users, checklists, bearer, sync) -> World:
    other_vendor = Vendor(code="V02", name="另一家调研公司")
    org.db.session.add(other_vendor)
    org.db.session.commit()
    everyone = dict(users)
    everyone["inspector2"] = org.user("inspector", "inspector2")
    everyone["shopper_same_vendor"] = org.user("mystery_shopper", "shopper2")
    everyone["shopper_other_vendor"] = org.user("mystery_shopper", "shopper3", vendor=other_vendor)
    world = World(everyone, {name: bearer(user) for name, user in everyone.items()})
    onsite, mystery = checklists["onsite"], checklists["mystery"]
    shopper = everyone["mystery_shopper"]

    world.assignments["onsite"] = _assignment(org.db, kind="onsite", template_id=onsite.template_id,
                                              outlet_id=org.outlet_a.id, assignee_id=everyone["inspector"].id)
    for name, assignee in (("mystery_draft", shopper), ("mystery_submitted", shopper),
                           ("mystery_colleague", everyone["shopper_same_vendor"]), ("mystery_unassigned", None)):
        world.assignments[name] = _assignment(
            org.db, kind="mystery", template_id=mystery.template_id, outlet_id=org.outlet_a.id,
            vendor_id=org.vendor.id, assignee_id=assignee.id if assignee else None)

    def make(name, version, outlet, who, *, submit, **extra):
        uuid, photo_uuid = new_uuid(), new_uuid()
        answers = full_answers(version) if submit else []
        assert sync.put(uuid, draft_body(version, outlet, answers, **extra), world.headers[who]).status_code == 201
        assert sync.photo(uuid, photo_uuid, jpeg(), world.headers[who]).status_code == 201
        if submit:
            assert sync.submit(uuid, world.headers[who]).status_code == 200
        world.drafts[name], world.photos[uuid] = uuid, photo_uuid

    make("draft_a", onsite, org.outlet_a, "inspector", submit=False)
    make("submitted_a", onsite, org.outlet_a, "inspector", submit=True)
    make("submitted_b", onsite, org.outlet_b, "inspector", submit=True)
    make("mystery_draft", mystery, org.outlet_a, "mystery_shopper", submit=False,
         assignment_id=world.assignments["mystery_draft"])
    make("mystery_submitted", mystery, org.outlet_a, "mystery_shopper", submit=True,
         assignment_id=world.assignments["mystery_submitted"], narrative="按脚本完成暗访。")
    return world


MYSTERY = ("mystery_draft", "mystery_submitted")
MYSTERY_ASSIGNMENTS = ("mystery_draft", "mystery_submitted", "mystery_colleague", "mystery_unassigned")


def test_an_inspector_cannot_touch_another_inspectors_draft(world, sync, checklists, org):
    uuid, stranger = world.drafts["draft_a"], world.headers["inspector2"]
    assert sync.get(uuid, stranger).status_code == 404
    body = draft_body(checklists["onsite"], org.outlet_a, [{"item_key": "lobby_greeting", "value": "fail"}])
    assert sync.put(uuid, body, stranger).status_code == 404
    assert sync.photo(uuid, new_uuid(), jpeg(), stranger).status_code == 404
    assert sync.submit(uuid, stranger).status_code == 404
    assert sync.get_photo(uuid, world.photos[uuid], stranger).status_code == 404
    held = sync.get(uuid, world.headers["inspector"]).get_json()
    assert held["status"] == "draft" and held["answers"] == [] and len(held["photos_received"]) == 1
    assert count(Photo) == len(world.photos)  # the stranger added none


def test_an_inspector_cannot_change_another_inspectors_submitted_work(world, sync, checklists, org):
    uuid, stranger = world.drafts["submitted_a"], world.headers["inspector2"]
    assert sync.get(uuid, stranger).status_code == 200  # submitted on-site work is shared
    body = draft_body(checklists["onsite"], org.outlet_a, full_answers(checklists["onsite"]))
    assert sync.put(uuid, body, stranger).status_code == 404
    assert sync.photo(uuid, new_uuid(), jpeg(), stranger).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "outlet_manager"])
def test_viewers_and_outlet_managers_cannot_create_inspections(world, sync, checklists, org, role):
    before = count(Inspection)
    body = draft_body(checklists["onsite"], org.outlet_a)
    response = sync.put(new_uuid(), body, world.headers[role])
    assert response.status_code == 403 and response.is_json
    assert sync.photo(world.drafts["draft_a"], new_uuid(), jpeg(), world.headers[role]).status_code == 403
    assert sync.submit(world.drafts["draft_a"], world.headers[role]).status_code == 403
    assert count(Inspection) == before


def test_an_outlet_manager_sees_only_submitted_work_at_their_own_outlet(world, sync, client):
    manager = world.headers["outlet_manager"]
    own, elsewhere, draft = (world.drafts[n] for n in ("submitted_a", "submitted_b", "draft_a"))
    assert sync.get(own, manager).status_code == 200
    assert sync.get_photo(own, world.photos[own], manager).status_code == 200
    assert sync.get(elsewhere, manager).status_code == 404
    assert sync.get_photo(elsewhere, world.photos[elsewhere], manager).status_code == 404
    assert sync.get(draft, manager).status_code == 404
    assert sync.get_photo(draft, world.photos[draft], manager).status_code == 404
    listed = client.get("/api/v1/inspections", headers=manager)
    assert listed.status_code == 200
    assert [i["uuid"] for i in listed.get_json()] == [own]


ROLES_KEPT_IN_THE_DARK = ("inspector", "inspector2", "remote_monitor", "viewer", "outlet_manager",
                          "shopper_other_vendor")


@pytest.mark.parametrize("who", ROLES_KEPT_IN_THE_DARK)
def test_nobody_else_learns_of_mystery_assignments_or_unpublished_visits(world, sync, client, who):
    headers = world.headers[who]
    assignments = client.get("/api/v1/assignments", headers=headers)
    if who == "outlet_manager":  # outlets are not assigned inspections: no list at all
        assert assignments.status_code == 403
        listed = []
    else:
        assert assignments.status_code == 200
        listed = assignments.get_json()
    assert not any(a["kind"] == "mystery" for a in listed)
    assert not {world.assignments[n] for n in MYSTERY_ASSIGNMENTS} & {a["id"] for a in listed}

    inspections = client.get("/api/v1/inspections", headers=headers)
    assert inspections.status_code == 200
    uuids = {i["uuid"] for i in inspections.get_json()}
    assert not any(i["kind"] == "mystery" for i in inspections.get_json())
    for name in MYSTERY:
        uuid = world.drafts[name]
        assert uuid not in uuids
        assert sync.get(uuid, headers).status_code == 404
        assert sync.get_photo(uuid, world.photos[uuid], headers).status_code == 404
    assert client.get("/api/v1/inspections?kind=mystery", headers=headers).get_json() == []


def test_who_does_see_them(world, client):
    for who in ("inspector", "viewer"):  # the lists above are not empty by accident
        listed = client.get("/api/v1/assignments", headers=world.headers[who]).get_json()
        assert world.assignments["onsite"] in {a["id"] for a in listed}
    admin = client.get("/api/v1/assignments", headers=world.headers["admin"]).get_json()
    assert {world.assignments[n] for n in MYSTERY_ASSIGNMENTS} <= {a["id"] for a in admin}
    admin_inspections = client.get("/api/v1/inspections", headers=world.headers["admin"]).get_json()
    assert {world.drafts[n] for n in MYSTERY} <= {i["uuid"] for i in admin_inspections}

    shopper = client.get("/api/v1/assignments", headers=world.headers["mystery_shopper"]).get_json()
    ids = {a["id"] for a in shopper}
    assert {world.assignments["mystery_draft"], world.assignments["mystery_submitted"]} <= ids
    assert world.assignments["mystery_colleague"] not in ids  # another shopper's visit
    assert world.assignments["onsite"] not in ids and all(a["kind"] == "mystery" for a in shopper)
    own = {i["uuid"] for i in client.get("/api/v1/inspections", headers=world.headers["mystery_shopper"]).get_json()}
    assert own == {world.drafts[n] for n in MYSTERY}


def test_a_shopper_sees_nothing_of_a_colleagues_visits(world, sync, client):
    colleague = world.headers["shopper_same_vendor"]
    assert client.get("/api/v1/inspections", headers=colleague).get_json() == []
    for name in MYSTERY:
        uuid = world.drafts[name]
        assert sync.get(uuid, colleague).status_code == 404
        assert sync.get_photo(uuid, world.photos[uuid], colleague).status_code == 404
    for name in ("submitted_a", "draft_a"):  # and nothing of the bank's own inspections
        assert sync.get(world.drafts[name], colleague).status_code == 404


def test_a_published_mystery_visit_is_no_longer_secret(world, sync, org):
    uuid = world.drafts["mystery_submitted"]
    [inspection] = rows(Inspection, uuid=uuid)
    inspection.status = "published"
    org.db.session.commit()
    assert sync.get(uuid, world.headers["viewer"]).status_code == 200
    assert sync.get(uuid, world.headers["outlet_manager"]).status_code == 200
    assert sync.get(world.drafts["mystery_draft"], world.headers["viewer"]).status_code == 404


def test_anonymous_callers_are_asked_to_log_in(world, sync, client, checklists, org):
    uuid = world.drafts["submitted_a"]
    for response in (
        client.get("/api/v1/inspections"),
        client.get("/api/v1/assignments"),
        sync.get(uuid, {}),
        sync.put(new_uuid(), draft_body(checklists["onsite"], org.outlet_a), {}),
        sync.photo(world.drafts["draft_a"], new_uuid(), jpeg(), {}),
        sync.submit(world.drafts["draft_a"], {}),
        sync.get_photo(uuid, world.photos[uuid], {}),
        sync.get(uuid, {"Authorization": "Bearer not-a-real-token"}),
    ):
        assert response.status_code == 401, response.request.path
        assert response.is_json
