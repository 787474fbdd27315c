"""Large pictures without reduced-scale decoding (HEIC) get their display copy and thumbnail after the
upload's response: by the web process once the response is sent, or by a Redis worker. Whoever
needs them first makes them if no job did; a picture that will not decode is named, never served
broken, and stops the submit with a message."""
from __future__ import annotations

import io
from datetime import UTC, datetime

import pillow_heif
import pytest
from PIL import Image

from core.extensions import db
from inspections import photostore
from inspections.models import Photo
from tests.inspections.helpers import count, draft_body, full_answers, media_files, new_uuid, rows
from tests.inspections.test_photos import GPS_IFD, encoded, exif_with, is_red, upright_picture


@pytest.fixture
def after_response(app, monkeypatch):
    """Every picture counts as large: its derivatives are made after the response."""
    monkeypatch.setitem(app.config, "PHOTO_INLINE_PIXELS", 100)


@pytest.fixture
def lost_jobs(monkeypatch):
    """The web process dies before its after-response work: no job ever runs."""
    monkeypatch.setattr(photostore, "derive_later", lambda photo: None)


def heic(**options) -> bytes:
    pillow_heif.register_heif_opener()
    exif = exif_with(taken="2026:11:28 16:45:00", offset="+08:00", gps=(("N", ((31, 1), (18, 1), (0, 1))), ("E", ((120, 1), (36, 1), (0, 1)))))
    return encoded(upright_picture(), "HEIF", exif=exif, quality=90, **options)


def unreadable_heic() -> bytes:
    """A HEIC whose container is whole but whose picture data is garbage: it opens, it will not decode."""
    data = heic()
    start = data.find(b"mdat") + 8
    return data[:start] + bytes(byte ^ 0xFF for byte in data[start:start + 64]) + data[start + 64:]


def assert_clean_red_corner(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and is_red(image.getpixel((8, 8)))
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)


def test_a_large_heic_is_answered_at_once_and_its_copies_follow(draft, sync, auth, after_response):
    photo_uuid, data = new_uuid(), heic()
    response = sync.photo(draft, photo_uuid, data, auth, content_type="image/heic")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["mime_type"], body["width"], body["height"]) == ("image/heic", 120, 80)
    [photo] = rows(Photo)
    # Time and place were read during the upload; the copies were made once the response was closed.
    assert photo.captured_at == datetime(2026, 11, 28, 8, 45, tzinfo=UTC)
    assert (photo.latitude, photo.longitude) == (31.3, 120.6)
    assert photo.display_key and photo.thumb_key and photo.dhash and photo.unreadable is None
    for variant in ("display", "thumb"):
        assert_clean_red_corner(sync.get_photo(draft, photo_uuid, auth, variant).data)
    assert sync.get_photo(draft, photo_uuid, auth, "original").data == data


def test_copies_no_job_made_are_made_for_the_first_viewer(app, draft, sync, auth, after_response, lost_jobs):
    photo_uuid, files = new_uuid(), media_files(app)
    assert sync.photo(draft, photo_uuid, heic(), auth, content_type="image/heic").status_code == 201
    [photo] = rows(Photo)
    assert photo.display_key is None and photo.dhash is None
    assert media_files(app) - files == {photo.original_key}

    thumb = sync.get_photo(draft, photo_uuid, auth, "thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert_clean_red_corner(thumb.data)
    [photo] = rows(Photo)
    assert photo.display_key and photo.thumb_key and photo.dhash
    made = {photo.original_key, photo.display_key, photo.thumb_key}
    assert media_files(app) - files == made
    sync.get_photo(draft, photo_uuid, auth, "display")
    assert media_files(app) - files == made  # made once


def test_the_submit_makes_copies_no_job_made(org, custom, sync, auth, after_response, lost_jobs):
    uuid, photo_uuid = new_uuid(), new_uuid()
    answers = full_answers(custom, tidy={"value": "fail", "photo_ids": [photo_uuid]})
    assert sync.put(uuid, draft_body(custom, org.outlet_a, answers), auth).status_code == 201
    assert sync.photo(uuid, photo_uuid, heic(), auth, content_type="image/heic").status_code == 201
    assert rows(Photo)[0].dhash is None
    response = sync.submit(uuid, auth)
    assert response.status_code == 200, response.get_json()
    assert [f["item_key"] for f in response.get_json()["findings"]] == ["tidy"]
    [photo] = rows(Photo)
    assert photo.display_key and photo.dhash


def test_a_picture_that_will_not_decode_is_named_and_stops_the_submit(app, org, custom, sync, auth,
                                                                      after_response):
    uuid, photo_uuid = new_uuid(), new_uuid()
    answers = full_answers(custom, tidy={"value": "fail", "photo_ids": [photo_uuid]})
    assert sync.put(uuid, draft_body(custom, org.outlet_a, answers), auth).status_code == 201
    uploaded = sync.photo(uuid, photo_uuid, unreadable_heic(), auth, content_type="image/heic")
    assert uploaded.status_code == 201  # the container is sound; the picture is found bad afterwards
    [photo] = rows(Photo)
    assert photo.display_key is None and "无法读取" in photo.unreadable  # stored in the bank's language

    shown = sync.get_photo(uuid, photo_uuid, auth)
    assert shown.status_code == 422 and "无法读取" in shown.get_json()["message"]
    files = media_files(app)
    submitted = sync.submit(uuid, auth)
    assert submitted.status_code == 422
    assert "请重新拍摄" in submitted.get_json()["errors"]["tidy"][0]
    assert sync.get(uuid, auth).get_json()["status"] == "draft"
    assert media_files(app) == files and count(Photo) == 1


@pytest.mark.xdist_group("redis")  # one Redis database for the tests: one worker at a time
def test_with_redis_the_copies_are_made_by_a_worker(app, draft, sync, auth, after_response, redis_jobs, runner):
    photo_uuid = new_uuid()
    assert sync.photo(draft, photo_uuid, heic(), auth, content_type="image/heic").status_code == 201
    assert redis_jobs.count == 1
    assert rows(Photo)[0].display_key is None
    db.session.rollback()  # the worker is another session: the test's read must not hold the database

    result = runner.invoke(args=["jobs", "work", "--burst"])
    assert result.exit_code == 0, result.output
    [photo] = rows(Photo)
    assert photo.display_key and photo.thumb_key and photo.dhash
    assert redis_jobs.count == 0 and redis_jobs.finished_job_registry.count == 1
    assert redis_jobs.failed_job_registry.count == 0
    assert_clean_red_corner(sync.get_photo(draft, photo_uuid, auth, "thumb").data)


def test_with_redis_unreachable_the_web_process_does_the_work(app, draft, sync, auth, after_response, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    response = sync.photo(draft, new_uuid(), heic(), auth, content_type="image/heic")
    assert response.status_code == 201, response.get_json()
    [photo] = rows(Photo)
    assert photo.display_key and photo.thumb_key and photo.dhash


def test_the_worker_command_needs_redis(runner):
    result = runner.invoke(args=["jobs", "work", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output


def test_small_pictures_and_jpegs_get_their_copies_during_the_upload(draft, sync, auth, lost_jobs):
    # Below the size limit even a HEIC is made at once; no job is needed (and here none runs).
    assert sync.photo(draft, new_uuid(), heic(), auth, content_type="image/heic").status_code == 201
    assert all(photo.display_key and photo.dhash for photo in rows(Photo))
