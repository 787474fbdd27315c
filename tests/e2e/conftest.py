"""Debian's Chromium driven by Playwright, with the demo data the
app needs: the default checklists, an inspector and this month's on-site assignment."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from checklists import operations as checklist_operations
from checklists.seed import default_documents
from core.clock import local_today
from inspections.models import Plan
from inspections.scheduling import generate_all
from tests.e2e.pages import demo_server, failed_inspection  # noqa: F401  (fixtures)

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


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
    from sqlalchemy import select

    from checklists.models import ChecklistTemplate

    for code in ("onsite-service", "7s-workplace"):
        template = db.session.execute(select(ChecklistTemplate).where(ChecklistTemplate.code == code)).scalar()
        db.session.add(Plan(name=code, kind=template.kind, template_id=template.id, cadence="monthly",
                            assignee_id=inspector.id))
    db.session.commit()
    generate_all(local_today())
    db.session.commit()
    return {"inspector": inspector, "org": org}


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
