"""Photo evidence: only real images, limits, orientation, EXIF read into the database and never served."""
from __future__ import annotations

import io
import os
import re
import socket
import struct
import zlib
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pillow_heif
import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from inspections.models import Photo
from tests.factories import jpeg, png
from tests.inspections.helpers import count, draft_body, full_answers, http_request, media_files, new_uuid, rows, sha256

ORIENTATION, EXIF_IFD, GPS_IFD = 0x0112, 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
RED = (255, 0, 0)


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def huge_png(width: int = 20000, height: int = 20000) -> bytes:
    """A valid 1-bit greyscale PNG of width×height, written by hand so no 400-megapixel image is ever
    held in memory; its all-zero rows compress to a few tens of kilobytes."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row * 500) for _ in range(height // 500)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def exif_with(orientation: int | None = None, taken: str | None = None, offset: str | None = None,
              gps: tuple | None = None) -> bytes:
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if taken is not None:
        details = exif.get_ifd(EXIF_IFD)
        details[DATETIME_ORIGINAL] = taken
        if offset is not None:
            details[OFFSET_TIME_ORIGINAL] = offset
    if gps is not None:
        (lat_ref, lat), (lon_ref, lon) = gps
        place = exif.get_ifd(GPS_IFD)
        place[1], place[2] = lat_ref, tuple(IFDRational(*part) for part in lat)
        place[3], place[4] = lon_ref, tuple(IFDRational(*part) for part in lon)
    return exif.tobytes()


def upload_multipart(client, uuid, photo_uuid, data, filename, headers):
    return client.put(f"/api/v1/inspections/{uuid}/photos/{photo_uuid}", headers=headers,
                      content_type="multipart/form-data", data={"file": (io.BytesIO(data), filename)})


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">' \
      b'<rect width="40" height="40" fill="red"/></svg>'


def refused_cases():
    full = jpeg((200, 150))
    other = jpeg()
    return {
        "empty": (b"", None, 422),
        "truncated jpeg": (full[: len(full) // 2], None, 422),
        "svg": (SVG, None, 415),
        "gif": (encoded(Image.new("RGB", (20, 20), RED), "GIF"), None, 415),
        "bmp": (encoded(Image.new("RGB", (20, 20), RED), "BMP"), None, 415),
        "20000x20000 png": (huge_png(), None, 413),
        "sha256 mismatch": (other, sha256(b"something else"), 422),
        "over PHOTO_MAX_BYTES": (b"\xff\xd8\xff\xe0" + b"\x00" * (20 * 1024 * 1024), None, 413),
        "over MAX_CONTENT_LENGTH": (b"\xff\xd8\xff\xe0" + b"\x00" * (26 * 1024 * 1024), None, 413),
    }


@pytest.mark.parametrize("case", list(refused_cases()))
def test_refused_uploads_leave_nothing_behind(app, draft, sync, auth, case):
    data, declared, status = refused_cases()[case]
    before = media_files(app)
    photo_uuid = new_uuid()
    response = sync.photo(draft, photo_uuid, data, auth, declared=declared)
    assert response.status_code == status, response.get_json()
    assert response.is_json and response.get_json()["message"]
    assert media_files(app) == before
    assert count(Photo) == 0
    assert sync.get_photo(draft, photo_uuid, auth).status_code == 404


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_images_are_refused_even_after_weasyprint_is_loaded(app, draft, sync, auth, fmt):
    import weasyprint  # noqa: F401  (it switches Pillow's LOAD_TRUNCATED_IMAGES on at import)

    picture = Image.frombytes("RGB", (200, 150), os.urandom(200 * 150 * 3))
    whole = encoded(picture, fmt)
    before = media_files(app)
    for cut in (len(whole) // 2, len(whole) * 9 // 10):
        response = sync.photo(draft, new_uuid(), whole[:cut], auth)
        assert response.status_code == 422, (cut, response.get_json())
    assert media_files(app) == before and count(Photo) == 0


def test_a_text_file_named_jpg_is_not_an_image(app, client, draft, auth):
    before = media_files(app)
    response = upload_multipart(client, draft, new_uuid(), b"just some notes, not a photo\n", "photo.jpg", auth)
    assert response.status_code == 415
    assert media_files(app) == before and count(Photo) == 0


def test_a_png_named_jpg_is_stored_as_png(app, client, draft, auth, sync):
    data, photo_uuid = png((80, 60)), new_uuid()
    before = media_files(app)
    response = upload_multipart(client, draft, photo_uuid, data, "IMG_0001.jpg", auth)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["mime_type"], body["width"], body["height"]) == ("image/png", 80, 60)
    [photo] = rows(Photo)
    assert photo.mime_type == "image/png" and photo.sha256 == sha256(data) and photo.byte_size == len(data)
    assert photo.original_key.endswith(".png")
    assert len(media_files(app) - before) == 3
    original = sync.get_photo(draft, photo_uuid, auth, "original")
    assert original.mimetype == "image/png" and original.data == data


def test_webp_is_accepted(draft, sync, auth):
    data = encoded(Image.new("RGB", (50, 40), (0, 128, 0)), "WEBP")
    response = sync.photo(draft, new_uuid(), data, auth, content_type="image/webp")
    assert response.status_code == 201 and response.get_json()["mime_type"] == "image/webp"


def test_the_content_type_header_is_not_trusted(draft, sync, auth):
    data = png((30, 30))
    response = sync.photo(draft, new_uuid(), data, auth, content_type="image/jpeg")
    assert response.status_code == 201 and response.get_json()["mime_type"] == "image/png"


def test_corrupt_exif_is_ignored(draft, sync, auth):
    broken = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff\x01\x12broken" * 3
    data = jpeg((64, 48), exif=broken)
    assert b"broken" in data
    photo_uuid = new_uuid()
    response = sync.photo(draft, photo_uuid, data, auth)
    assert response.status_code == 201, response.get_json()
    [photo] = rows(Photo)
    assert (photo.width, photo.height) == (64, 48)
    assert photo.captured_at is None and photo.latitude is None and photo.longitude is None
    display = sync.get_photo(draft, photo_uuid, auth).data
    assert b"broken" not in display and b"Exif" not in display


def upright_picture() -> Image.Image:
    """120×80, blue, with a red square in the top-left corner: any wrong turn or flip moves it."""
    image = Image.new("RGB", (120, 80), (0, 0, 255))
    image.paste(RED, (0, 0, 30, 30))
    return image


# What a camera stores for each EXIF orientation, given the upright picture (EXIF 2.32, tag 0x0112):
# a viewer applies the orientation to the stored pixels and sees the upright picture again.
STORED_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,      # stored turned 90° counter-clockwise; shown turned clockwise
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def is_red(pixel) -> bool:
    r, g, b = pixel[:3]
    return r > 200 and g < 70 and b < 70


@pytest.mark.parametrize("orientation", range(1, 9))
def test_the_display_copy_is_upright_for_every_orientation(draft, sync, auth, orientation):
    transform = STORED_AS[orientation]
    stored = upright_picture() if transform is None else upright_picture().transpose(transform)
    assert stored.size == ((120, 80) if orientation < 5 else (80, 120))
    data = encoded(stored, "JPEG", quality=95, exif=exif_with(orientation))
    photo_uuid = new_uuid()
    response = sync.photo(draft, photo_uuid, data, auth)
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["width"], response.get_json()["height"]) == (120, 80)

    for variant in ("display", "thumb"):
        served = sync.get_photo(draft, photo_uuid, auth, variant)
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        image = Image.open(io.BytesIO(served.data))
        assert image.size == (120, 80)
        assert is_red(image.getpixel((8, 8))), f"{variant}: red corner is not top-left"
        for corner in ((111, 8), (8, 71), (111, 71)):
            assert not is_red(image.getpixel(corner)), f"{variant}: red at {corner}"
        assert not image.getexif()


def test_heic_with_exif_is_accepted(draft, sync, auth):
    pillow_heif.register_heif_opener()
    exif = exif_with(taken="2026:11:28 16:45:00", offset="+08:00")
    data = encoded(upright_picture(), "HEIF", exif=exif, quality=90)
    assert data[4:12] in (b"ftypheic", b"ftypmif1", b"ftypheix")
    photo_uuid = new_uuid()
    response = sync.photo(draft, photo_uuid, data, auth, content_type="image/heic")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["mime_type"] == "image/heic"
    [photo] = rows(Photo)
    assert (photo.mime_type, photo.width, photo.height) == ("image/heic", 120, 80)
    assert photo.original_key.endswith(".heic")
    assert photo.captured_at == datetime(2026, 11, 28, 8, 45, tzinfo=UTC)
    display = sync.get_photo(draft, photo_uuid, auth)
    assert display.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(display.data))
    assert image.format == "JPEG" and is_red(image.getpixel((8, 8))) and not image.getexif()
    assert sync.get_photo(draft, photo_uuid, auth, "original").data == data


def test_capture_time_and_place_go_to_the_database_and_nowhere_else(draft, sync, auth):
    exif = exif_with(orientation=1, taken="2026:11:29 09:15:30", offset="+08:00",
                     gps=(("N", ((31, 1), (22, 1), (1234, 100))), ("E", ((120, 1), (38, 1), (5, 2)))))
    data = jpeg((160, 120), exif=exif)
    assert b"Exif" in data
    photo_uuid = new_uuid()
    response = sync.photo(draft, photo_uuid, data, auth)
    assert response.status_code == 201, response.get_json()

    [photo] = rows(Photo)
    assert photo.captured_at == datetime(2026, 11, 29, 1, 15, 30, tzinfo=UTC)
    assert photo.latitude == pytest.approx(31 + 22 / 60 + 12.34 / 3600, abs=1e-6)
    assert photo.longitude == pytest.approx(120 + 38 / 60 + 2.5 / 3600, abs=1e-6)
    assert photo.received_at is not None and photo.uploaded_by_id is not None

    for variant in ("display", "thumb"):
        served = sync.get_photo(draft, photo_uuid, auth, variant)
        assert served.status_code == 200
        assert b"Exif" not in served.data
        image = Image.open(io.BytesIO(served.data))
        assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
        assert "exif" not in image.info
    original = sync.get_photo(draft, photo_uuid, auth, "original")
    assert original.data == data
    assert sha256(original.data) == photo.sha256 == response.get_json()["sha256"]


def test_gps_in_the_southern_and_western_hemispheres_is_negative(draft, sync, auth):
    exif = exif_with(gps=(("S", ((33, 1), (52, 1), (0, 1))), ("W", ((70, 1), (30, 1), (0, 1)))))
    assert sync.photo(draft, new_uuid(), jpeg(exif=exif), auth).status_code == 201
    [photo] = rows(Photo)
    assert (photo.latitude, photo.longitude) == (pytest.approx(-33 - 52 / 60), pytest.approx(-70.5))


def test_a_big_photo_is_served_at_display_and_thumbnail_size(draft, sync, auth):
    data = jpeg((2400, 1800), noise=False)
    photo_uuid = new_uuid()
    assert sync.photo(draft, photo_uuid, data, auth).status_code == 201
    display = Image.open(io.BytesIO(sync.get_photo(draft, photo_uuid, auth).data))
    thumb = Image.open(io.BytesIO(sync.get_photo(draft, photo_uuid, auth, "thumb").data))
    assert display.size == (1600, 1200) and thumb.size == (320, 240)
    assert sync.get_photo(draft, photo_uuid, auth, "poster").status_code == 404


def test_an_upload_cut_off_midway_stores_nothing_and_the_retry_succeeds(app, client, draft, sync, auth):
    data, photo_uuid = jpeg((300, 200)), new_uuid()
    before = media_files(app)
    url = f"/api/v1/inspections/{draft}/photos/{photo_uuid}"
    headers = {**auth, "X-Content-SHA256": sha256(data), "Content-Type": "image/jpeg"}
    cut = client.put(url, headers=headers, input_stream=io.BytesIO(data[: len(data) // 2]),
                     environ_overrides={"CONTENT_LENGTH": str(len(data))})
    assert not 200 <= cut.status_code < 300
    assert cut.status_code == 400
    assert media_files(app) == before and count(Photo) == 0

    retry = sync.photo(draft, photo_uuid, data, auth)
    assert retry.status_code == 201, retry.get_json()
    assert len(media_files(app) - before) == 3 and count(Photo) == 1


def test_an_upload_cut_off_on_a_real_socket_stores_nothing(app, draft, auth, live_server):
    data, photo_uuid = jpeg((300, 200)), new_uuid()
    path = f"/api/v1/inspections/{draft}/photos/{photo_uuid}"
    headers = {**auth, "Content-Type": "image/jpeg", "X-Content-SHA256": sha256(data)}
    before = media_files(app)
    address = urlsplit(live_server).netloc
    host, port = address.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        head = [f"PUT {path} HTTP/1.1", f"Host: {address}", f"Content-Length: {len(data)}",
                "Connection: close", *(f"{name}: {value}" for name, value in headers.items())]
        connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + data[: len(data) // 3])
        connection.shutdown(socket.SHUT_WR)  # the phone lost its signal
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status_line = answer.split(b"\r\n", 1)[0]
    assert not re.match(rb"HTTP/1\.[01] 2\d\d", status_line), status_line
    assert media_files(app) == before and count(Photo) == 0

    status, body, _ = http_request(live_server, "PUT", path, body=data, headers=headers)
    assert status == 201, body
    assert len(media_files(app) - before) == 3 and count(Photo) == 1


def test_a_submitted_inspection_takes_no_new_photos(app, org, custom, sync, auth):
    uuid = new_uuid()
    sync.put(uuid, draft_body(custom, org.outlet_a, full_answers(custom)), auth)
    assert sync.submit(uuid, auth).status_code == 200
    before = media_files(app)
    assert sync.photo(uuid, new_uuid(), jpeg(), auth).status_code == 409
    assert media_files(app) == before and count(Photo) == 0


def test_a_photo_for_an_unknown_inspection_is_not_found(app, sync, auth):
    before = media_files(app)
    assert sync.photo(new_uuid(), new_uuid(), jpeg(), auth).status_code == 404
    assert media_files(app) == before and count(Photo) == 0
