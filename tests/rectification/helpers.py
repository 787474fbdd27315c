"""Helpers for the rectification tests: submitting inspections with failures, reading PDFs."""
from __future__ import annotations

import re
import subprocess
import tempfile
import uuid as uuid_module
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import insert

from inspections.models import Inspection
from rectification.models import Finding, Notice
from tests.factories import jpeg
from tests.inspections.helpers import draft_body, full_answers, new_uuid

# On-site items that fail with a photo and name nobody (photo_on_fail, not attribute_to_staff).
FAILING_ONSITE_ITEMS = (
    "facility_queue_machine", "facility_atm_self_service", "facility_form_desk", "facility_priority_seating",
    "facility_water_dispenser", "facility_reading_glasses", "facility_accessibility", "env_floor_glass_clean",
    "env_counters_seats_clean", "env_self_service_area_clean",
)


def local_year() -> int:
    """This year in the configured zone (a notice is numbered by its local submission year)."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).year


def submit_onsite(sync, version, outlet, headers, failing, *, photo=None, notes=None) -> tuple[str, dict]:
    uuid = new_uuid()
    notes = notes or {}
    photos = {key: new_uuid() for key in failing}
    values = {key: {"value": "fail", "photo_ids": [photos[key]], "note": notes.get(key, "")} for key in failing}
    values.update({key: {"value": "pass", "note": note} for key, note in notes.items() if key not in failing})
    created = sync.put(uuid, draft_body(version, outlet, full_answers(version, **values)), headers)
    assert created.status_code == 201, created.get_json()
    for key in failing:
        uploaded = sync.photo(uuid, photos[key], photo if photo is not None else jpeg(), headers)
        assert uploaded.status_code == 201, uploaded.get_json()
    receipt = sync.submit(uuid, headers)
    assert receipt.status_code == 200, receipt.get_json()
    return uuid, receipt.get_json()


def multipart(fields: dict[str, str], files: dict[str, tuple[bytes, str, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body built in memory: (body, content type). Werkzeug's test client
    spools large multipart bodies to a temporary file it never closes (a ResourceWarning)."""
    boundary = f"----test-{uuid_module.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                     + value.encode() + b"\r\n")
    for name, (data, filename, mimetype) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {mimetype}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _tool(args: list[str], pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        done = subprocess.run([*args, str(path), *(["-"] if args[0] == "pdftotext" else [])],
                              capture_output=True, check=True, timeout=60)
    return done.stdout.decode()


def pdf_text(pdf: bytes) -> str:
    """The text in content-stream order (-raw), so table cells side by side do not interleave."""
    return _tool(["pdftotext", "-raw", "-enc", "UTF-8"], pdf)


def flat_text(pdf: bytes) -> str:
    """The PDF's text with all white space removed (long lines wrap anywhere)."""
    return re.sub(r"\s+", "", pdf_text(pdf))


def pdf_fonts(pdf: bytes) -> str:
    return _tool(["pdffonts"], pdf)


def pdf_images(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) in pixels of every image embedded in the PDF."""
    lines = _tool(["pdfimages", "-list"], pdf).splitlines()[2:]
    return [(int(cols[3]), int(cols[4])) for cols in (line.split() for line in lines)]


def page_count(pdf: bytes) -> int:
    return int(re.search(r"^Pages:\s+(\d+)$", _tool(["pdfinfo"], pdf), re.MULTILINE).group(1))


def page_png(pdf: bytes, *, page: int = 1, dpi: int = 200) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile", str(path),
                        str(Path(folder) / "page")], check=True, timeout=120, capture_output=True)
        return (Path(folder) / "page.png").read_bytes()


def browser(app, user, password=None):
    """A separate test client with a logged-in browser session (through the real login form)."""
    from tests.conftest import PASSWORD
    from tests.support import csrf_token_of

    client = app.test_client()
    page = client.get("/login")
    response = client.post("/login", data={"username": user.username, "password": password or PASSWORD,
                                           "csrf_token": csrf_token_of(page.data)})
    assert response.status_code == 302, response.data[:500]
    return client


def a_year_of_findings(db, org, version, inspector, inspections: int) -> int:
    """`inspections` on-site inspections at outlets A and B, one every three days to ten days ago, each with
    ten findings and a notice: its critical finding still open and overdue, the nine others closed. Written
    in bulk (a year of history in a moment); the number of findings."""
    now = datetime.now(UTC)
    rows = [{"uuid": str(uuid_module.uuid4()), "kind": "onsite", "status": "published",
             "checklist_version_id": version.id, "outlet_id": (org.outlet_a if n % 2 else org.outlet_b).id,
             "inspector_id": inspector.id, "submitted_at": now - timedelta(days=10 + n * 3),
             "created_at": now - timedelta(days=10 + n * 3), "updated_at": now - timedelta(days=10 + n * 3)}
            for n in range(inspections)]
    ids = db.session.execute(insert(Inspection).returning(Inspection.id, sort_by_parameter_order=True),
                             rows).scalars().all()
    findings, notices = [], []
    for ident, inspection in zip(ids, rows):
        raised = inspection["submitted_at"]
        for number, item_key in enumerate(FAILING_ONSITE_ITEMS):
            findings.append({"inspection_id": ident, "outlet_id": inspection["outlet_id"], "item_key": item_key,
                             "section_key": "facility", "severity": "critical" if number == 0 else "minor",
                             "title": f"旧问题 {ident}-{number}", "requirement": "", "note": "", "photo_ids": [],
                             "status": "open" if number == 0 else "closed", "published": True,
                             "due_date": raised.date() + timedelta(days=7), "created_at": raised,
                             "updated_at": raised})
        notices.append({"inspection_id": ident, "outlet_id": inspection["outlet_id"], "branch_id": org.branch.id,
                        "year": raised.year, "sequence": 1000 + ident, "number": f"旧通知 {ident}",
                        "issued_at": raised})
    db.session.execute(insert(Finding), findings)
    db.session.execute(insert(Notice), notices)
    db.session.commit()
    return len(findings)
