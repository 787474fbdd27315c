"""Server-side photo ingest of a 12-megapixel phone picture: as a JPEG and as an iPhone-style HEIC
(4032×3024 in 512-pixel tiles).

The upload is measured through the app (the sync API's PUT, in process, without the network): from
the request to its response. A HEIC's display copy and thumbnail are made once that response has
been sent, so their time is measured as well, separately; for a JPEG they are part of the upload.
"""
from __future__ import annotations

import hashlib
import io
import statistics
import time
import uuid

from common import median_ms, phone_jpeg, scratch_app

from inspections import evidence

RUNS = 9


def iphone_heic(jpeg: bytes) -> bytes:
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    image = Image.open(io.BytesIO(jpeg))
    buffer = io.BytesIO()
    image.resize((4032, 3024)).save(buffer, "HEIF", quality=60, tile_size=512)
    return buffer.getvalue()


def _draft(app) -> tuple:
    from sqlalchemy import select

    from checklists.models import ChecklistTemplate, ChecklistVersion
    from core.extensions import db
    from core.seeding import run_all

    client = app.test_client()
    with app.app_context():
        run_all()
        version_id = db.session.execute(select(ChecklistVersion.id).join(ChecklistTemplate).where(
            ChecklistTemplate.kind == "onsite", ChecklistVersion.status == "published")).scalar()
    token = client.post("/api/v1/auth/tokens", json={"username": "inspector", "password": "bench-pass-2026"}
                        ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    inspection = str(uuid.uuid4())
    response = client.put(f"/api/v1/inspections/{inspection}", headers=headers,
                          json={"checklist_version_id": version_id, "outlet_id": 1, "answers": []})
    assert response.status_code == 201, response.get_json()
    return client, headers, inspection


def upload_ms(client, headers, inspection, data: bytes, mime: str) -> tuple[float, float]:
    """(ms until the response, ms of the work done after it)."""
    request_headers = {**headers, "X-Content-SHA256": hashlib.sha256(data).hexdigest(), "Content-Type": mime}
    started = time.perf_counter()
    response = client.put(f"/api/v1/inspections/{inspection}/photos/{uuid.uuid4()}", data=data,
                          headers=request_headers)
    answered = time.perf_counter()
    response.close()  # as the server does once the response is sent: the after-response work runs now
    closed = time.perf_counter()
    assert response.status_code == 201, response.get_json()
    return (answered - started) * 1000, (closed - answered) * 1000


def main() -> None:
    jpeg = phone_jpeg()
    heic = iphone_heic(jpeg)
    app, _ = scratch_app()
    client, headers, inspection = _draft(app)
    figures = {}
    for name, data, mime in (("JPEG", jpeg, "image/jpeg"), ("HEIC", heic, "image/heic")):
        upload_ms(client, headers, inspection, data, mime)  # warm-up
        samples = [upload_ms(client, headers, inspection, data, mime) for _ in range(RUNS)]
        figures[name] = (len(data), statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))
    whole_heic = median_ms(lambda: (evidence.inspect(heic), evidence.derive(heic)), runs=5)
    for name, (size, answered, after) in figures.items():
        print(f"photo ingest, 12 MP {name} ({size / 1e6:.1f} MB): upload answered in median {answered:.0f} ms "
              f"(goal ≤ 150 ms); copies made after the response: {after:.0f} ms")
    print(f"for comparison, a 12 MP HEIC checked and derived in one go (inspect and derive): {whole_heic:.0f} ms")


if __name__ == "__main__":
    main()
