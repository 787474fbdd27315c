"""Peak memory of worst-case photo uploads: a PNG of 7745×7745 RGBA pixels (60 megapixels, the pixel
cap; a few hundred KB on the wire, 240 MB decoded) through the sync API, its copies made during the
upload. Each case runs in a fresh process; the figure is the growth of its peak resident memory.

    .venv/bin/python bench/bench_upload_memory.py
"""
from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

from common import ROOT, scratch_app

EDGE = 7745


def worst_case_png(path: Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (EDGE, EDGE), (255, 255, 255, 0))
    ImageDraw.Draw(image).rectangle([EDGE // 4, EDGE // 4, EDGE // 2, EDGE // 2], fill=(200, 30, 30, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())


def measure(png_path: str, at_once: int) -> dict:
    """In this (fresh) process: upload `at_once` copies of the picture in parallel."""
    import gc

    app, _ = scratch_app(PHOTO_INLINE_PIXELS=10**9, REDIS_URL="")  # copies made during the upload
    with app.app_context():
        from core.seeding import run_all

        run_all()
    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"username": "inspector", "password": "bench-pass-2026"}
                        ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    version = next(v for v in client.get("/api/v1/checklists", headers=headers).get_json() if v["kind"] == "onsite")
    inspection = str(uuid.uuid4())
    assert client.put(f"/api/v1/inspections/{inspection}", headers=headers,
                      json={"checklist_version_id": version["id"], "outlet_id": 1, "answers": []}).status_code == 201
    data = Path(png_path).read_bytes()
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    statuses: list[int] = []

    def upload():
        response = app.test_client().put(f"/api/v1/inspections/{inspection}/photos/{uuid.uuid4()}", data=data,
                                          headers={**headers, "Content-Type": "image/png"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=upload) for _ in range(at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"at_once": at_once, "statuses": statuses, "peak_growth_mb": round((after - before) / 1024),
            "bytes_sent": len(data)}


def main() -> None:
    if len(sys.argv) == 3:
        print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
        return
    with tempfile.TemporaryDirectory() as folder:
        png = Path(folder) / "worst.png"
        worst_case_png(png)
        for at_once in (1, 4):
            output = subprocess.run([sys.executable, __file__, str(png), str(at_once)], cwd=ROOT, check=True,
                                    capture_output=True, text=True).stdout
            figures = json.loads(output.strip().splitlines()[-1])
            print(f"{at_once} worst-case upload(s) at once ({EDGE}×{EDGE} RGBA PNG, {figures['bytes_sent'] / 1e3:.0f} KB "
                  f"sent, 240 MB decoded): peak memory +{figures['peak_growth_mb']} MB; answers {figures['statuses']}")


if __name__ == "__main__":
    main()
