"""A rectification notice with 10 findings, each with one photo from a 12-megapixel original,
rendered in a warm process: median seconds and PDF size."""
from __future__ import annotations

import os
import statistics
import time
import uuid
from pathlib import Path

from common import phone_jpeg, scratch_app


def main(runs: int = 7) -> None:
    app, _ = scratch_app(TESTING=True)
    from core.audit import content_hash
    from core.seeding import run_all
    from rectification import notices

    client = app.test_client()
    with app.app_context():
        run_all()
    token = client.post("/api/v1/auth/tokens", json={"username": "inspector", "password": "bench-pass-2026"}
                        ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    versions = client.get("/api/v1/checklists", headers=headers).get_json()
    version_id = next(v["id"] for v in versions if v["kind"] == "7s")
    version = client.get(f"/api/v1/checklists/{version_id}", headers=headers).get_json()
    items = [i for s in version["sections"] for i in s["items"]]
    photo = phone_jpeg()
    inspection = str(uuid.uuid4())
    answers, photos = [], []
    for index, item in enumerate(items):
        answer = {"item_key": item["key"], "value": "pass"}
        if index < 10 and item["critical"] == "none":
            photo_id = str(uuid.uuid4())
            answer.update(value="fail", photo_ids=[photo_id], note="检查时发现的问题")
            photos.append(photo_id)
        answers.append(answer)
    body = {"checklist_version_id": version_id, "outlet_id": 1, "answers": answers}
    assert client.put(f"/api/v1/inspections/{inspection}", json=body, headers=headers).status_code == 201
    for photo_id in photos:
        response = client.put(f"/api/v1/inspections/{inspection}/photos/{photo_id}", data=photo,
                              headers={**headers, "Content-Type": "image/jpeg"})
        assert response.status_code == 201
    receipt = client.post(f"/api/v1/inspections/{inspection}/submit", headers=headers).get_json()
    assert len(receipt["findings"]) == len(photos) == 10, receipt
    with app.test_request_context():
        from sqlalchemy import select

        from core.extensions import db
        from inspections.models import Inspection

        row = db.session.execute(select(Inspection).where(Inspection.uuid == inspection)).scalar_one()
        notice = notices.notice_of(row)
        content = notices.notice_content(notice)  # also makes the print copies once
        samples, size = [], 0
        for _ in range(runs + 1):
            started = time.perf_counter()
            pdf, _ = notices._render("pdf/notice.html", notices.notice_content(notice), content_hash(content))
            samples.append(time.perf_counter() - started)
            size = len(pdf)
            if os.environ.get("NOTICE_PDF_OUT"):  # to look at the layout
                Path(os.environ["NOTICE_PDF_OUT"]).write_bytes(pdf)
    median = statistics.median(samples[1:])
    print(f"notice PDF, 10 findings with a photo each from a 12 MP original, warm process: median {median:.2f} s "
          f"(goal ≤ 0.5 s), {size / 1e6:.2f} MB (goal ≤ 2 MB)")


if __name__ == "__main__":
    main()
