"""A live server on a free port and Debian's Chromium driven by Playwright, with the demo data the
app needs: the default checklists, an inspector and this month's on-site assignment."""
from __future__ import annotations

import io
import threading
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from checklists import operations as checklist_operations
from checklists.seed import default_documents
from inspections.models import Plan
from inspections.scheduling import generate_all

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def live_server(app, db):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1,
                                   has_touch=True, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()


@pytest.fixture
def demo(org, db):
    """Published default checklists, an inspector, and this month's on-site visit to outlet A."""
    for document in default_documents():
        checklist_operations.import_and_publish_default(document)
    inspector = org.user("inspector")
    from checklists.models import ChecklistTemplate
    from sqlalchemy import select

    for code in ("onsite-service", "7s-workplace"):
        template = db.session.execute(select(ChecklistTemplate).where(ChecklistTemplate.code == code)).scalar()
        db.session.add(Plan(name=code, kind=template.kind, template_id=template.id, cadence="monthly",
                            assignee_id=inspector.id))
    db.session.commit()
    generate_all(date.today())
    return {"inspector": inspector, "org": org}


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def jpeg(seed: int, size=(1600, 1200)) -> bytes:
    image = Image.new("RGB", size, (40 + seed * 30 % 200, 90, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle([seed * 20, seed * 10, seed * 20 + 400, seed * 10 + 300], fill=(230, 200, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
