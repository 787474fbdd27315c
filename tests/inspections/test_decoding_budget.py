"""Decoding pictures within a memory budget: a small file of huge dimensions (a PNG of mostly one
colour) is refused before it is decoded, JPEG is budgeted at the reduced scale it decodes to, and
decodes in one process wait for each other's share instead of adding up."""
from __future__ import annotations

import io
import threading
import time

import pytest
from PIL import Image, ImageFile

from inspections import evidence
from inspections.evidence import DecodeBudget, EvidenceError
from inspections.models import Photo
from tests.inspections.helpers import count, media_files, new_uuid

MB = 1024 * 1024


def encoded(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def budget_of_16_mb(app, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_DECODE_BYTES", 16 * MB)


def test_a_small_file_of_huge_dimensions_is_refused_before_decoding(app, draft, sync, auth, budget_of_16_mb):
    bomb = encoded(Image.new("RGBA", (2100, 2100), (200, 30, 30, 255)), "PNG")  # 17 MB decoded, a few KB sent
    assert len(bomb) < 100_000
    before = media_files(app)
    response = sync.photo(draft, new_uuid(), bomb, auth)
    assert response.status_code == 413
    assert response.get_json()["message"] == "解码这张图片需要超过 16 MB 内存，请上传较小的照片。"
    assert media_files(app) == before and count(Photo) == 0


def test_the_budget_counts_bytes_per_pixel_and_jpeg_at_its_reduced_scale(app, draft, sync, auth, budget_of_16_mb):
    grey = encoded(Image.new("L", (2100, 2100), 128), "PNG")  # one byte a pixel: 4.4 MB
    assert sync.photo(draft, new_uuid(), grey, auth).status_code == 201
    # 4000×3000 would take 48 MB decoded whole; JPEG decodes at half scale or less for the display copy.
    camera = encoded(Image.new("RGB", (4000, 3000), (20, 120, 60)), "JPEG")
    assert sync.photo(draft, new_uuid(), camera, auth).status_code == 201


def test_an_outlet_after_photo_goes_through_the_same_budget(app, budget_of_16_mb):
    bomb = encoded(Image.new("RGBA", (2100, 2100), (0, 0, 0, 0)), "PNG")
    with pytest.raises(EvidenceError) as refused:
        evidence.inspect(bomb, decode_budget=app.config["PHOTO_DECODE_BYTES"])
    assert refused.value.status == 413


def test_decodes_in_one_process_wait_for_each_others_share():
    budget = DecodeBudget()
    order: list[str] = []
    first_holds = threading.Event()

    def first():
        with budget.reserve(60, 100):
            first_holds.set()
            time.sleep(0.3)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    first_holds.wait(5)
    with pytest.raises(EvidenceError) as busy, budget.reserve(60, 100, wait=0.05):
        pass
    assert busy.value.status == 503
    with budget.reserve(60, 100, wait=5):  # waits for the first to finish, then goes ahead
        order.append("second")
    thread.join()
    assert order == ["first done", "second"]
    with budget.reserve(40, 100, wait=0), budget.reserve(60, 100, wait=0):  # shares that fit: no waiting
        pass


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_checking_an_upload_decodes_no_pixels(fmt, monkeypatch):
    """The checks before the budget (format, caps, EXIF) must not decode: a PNG's EXIF lookup would."""
    data = encoded(Image.new("RGB", (3000, 2000), (10, 20, 30)), fmt)
    loads = []
    original = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: loads.append(image.format) or original(image))
    facts = evidence.inspect(data)
    assert (facts.width, facts.height) == (3000, 2000)
    assert loads == []
