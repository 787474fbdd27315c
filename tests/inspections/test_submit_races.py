"""A submit reads and scores the draft first, then writes only if the draft is unchanged since: what
lands in between (another device's edit, a photo, a second submit) is never lost or half-counted."""
from __future__ import annotations

from sqlalchemy import select, update

from checklists import scoring
from checklists.store import checklist_of
from core.extensions import db
from inspections import photostore, submission
from inspections.models import Answer, Inspection, Photo, SectionScore
from rectification.models import Finding
from tests.factories import jpeg
from tests.inspections.helpers import count, draft_body, full_answers, media_files, new_uuid


def _between_read_and_write(monkeypatch, change):
    """Run `change` on its own connection right after the submit has read the draft, once."""
    calls = []
    original = submission.end_read_transaction

    def end_then_change():
        original()
        if not calls:
            calls.append(True)
            with db.engine.begin() as connection:
                change(connection)

    monkeypatch.setattr(submission, "end_read_transaction", end_then_change)
    return calls


def _inspection_id(uuid: str) -> int:
    ident = db.session.execute(select(Inspection.id).where(Inspection.uuid == uuid)).scalar_one()
    db.session.commit()
    return ident


def test_an_edit_landing_after_the_read_is_what_gets_scored(org, custom, sync, auth, monkeypatch):
    uuid = new_uuid()
    answers = full_answers(custom, waiting=3)
    assert sync.put(uuid, draft_body(custom, org.outlet_a, answers), auth).status_code == 201
    ident = _inspection_id(uuid)

    def another_device_edits(connection):
        # What save_draft does for a later edit: the answer changes and the draft's revision moves on.
        connection.execute(update(Answer).where(Answer.inspection_id == ident, Answer.item_key == "waiting")
                           .values(value=40))
        connection.execute(update(Inspection).where(Inspection.id == ident).values(revision=Inspection.revision + 1))

    calls = _between_read_and_write(monkeypatch, another_device_edits)
    response = sync.submit(uuid, auth)
    assert response.status_code == 200, response.get_json()
    assert calls, "the edit was not made between the read and the write"
    receipt = response.get_json()

    edited = {a["item_key"]: a["value"] for a in answers if a["value"] is not None} | {"waiting": 40}
    expected = scoring.score(checklist_of(custom), edited)
    assert receipt["score"] == expected.score and receipt["score"] != \
        scoring.score(checklist_of(custom), {a["item_key"]: a["value"] for a in answers
                                             if a["value"] is not None}).score
    assert [f["item_key"] for f in receipt["findings"]] == ["waiting"]
    # Only the second, complete write landed: one set of score rows and findings.
    assert count(SectionScore, SectionScore.inspection_id == ident) == len(expected.sections)
    assert count(Finding, Finding.inspection_id == ident) == 1
    assert count(Answer, Answer.inspection_id == ident, Answer.failed.is_(True)) == 1
    assert sync.submit(uuid, auth).get_json() == receipt


def test_a_submit_that_finds_the_draft_already_submitted_writes_nothing_more(org, custom, sync, auth, monkeypatch):
    uuid = new_uuid()
    answers = full_answers(custom, waiting=40)  # would raise a finding
    assert sync.put(uuid, draft_body(custom, org.outlet_a, answers), auth).status_code == 201

    def another_request_submits(connection):
        connection.execute(update(Inspection).where(Inspection.uuid == uuid)
                           .values(status="submitted", receipt={"inspection": uuid, "status": "submitted"}))

    _between_read_and_write(monkeypatch, another_request_submits)
    response = sync.submit(uuid, auth)
    assert response.status_code == 200
    assert response.get_json() == {"inspection": uuid, "status": "submitted"}  # the other request's receipt
    ident = _inspection_id(uuid)
    assert count(Finding, Finding.inspection_id == ident) == 0
    assert count(SectionScore, SectionScore.inspection_id == ident) == 0


def test_a_photo_arriving_as_the_draft_is_submitted_is_refused_and_leaves_nothing(app, org, custom, sync, auth,
                                                                                  monkeypatch):
    uuid, photo_uuid = new_uuid(), new_uuid()
    assert sync.put(uuid, draft_body(custom, org.outlet_a, full_answers(custom)), auth).status_code == 201
    original = photostore.store

    def store_while_submitted(*args, **kwargs):
        stored = original(*args, **kwargs)
        # The submit wins the race while the picture is being processed.
        assert sync.submit(uuid, auth).status_code == 200
        return stored

    monkeypatch.setattr(photostore, "store", store_while_submitted)
    files_before = media_files(app)
    response = sync.photo(uuid, photo_uuid, jpeg(), auth)
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["problem"] == "already_submitted" and "已提交" in response.get_json()["message"]
    assert count(Photo) == 0
    assert media_files(app) == files_before


def test_every_change_to_a_draft_moves_its_revision_on(org, custom, sync, auth):
    uuid = new_uuid()
    assert sync.put(uuid, draft_body(custom, org.outlet_a), auth).status_code == 201

    def revision() -> int:
        db.session.expire_all()
        value = db.session.execute(select(Inspection.revision).where(Inspection.uuid == uuid)).scalar_one()
        db.session.commit()
        return value

    start = revision()
    sync.put(uuid, draft_body(custom, org.outlet_a, [{"item_key": "greet", "value": "pass"}]), auth)
    after_answer = revision()
    sync.put(uuid, draft_body(custom, org.outlet_a, [{"item_key": "greet", "value": "pass"}]), auth)
    after_replay = revision()
    sync.put(uuid, draft_body(custom, org.outlet_a, narrative="柜台整洁"), auth)
    after_narrative = revision()
    sync.photo(uuid, new_uuid(), jpeg(), auth)
    after_photo = revision()
    assert start < after_answer == after_replay < after_narrative < after_photo
