"""Fixtures for the rectification tests: the inspection fixtures (published checklists, bearer
headers, the sync client) reused from tests/inspections, one 12-megapixel camera
JPEG per session, and a factory that submits an on-site inspection with failing items."""
from __future__ import annotations

import email
import email.policy
import io
import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from PIL import Image, ImageDraw

from inspections.models import Inspection
from rectification.models import Finding
from tests.inspections import conftest as inspection_fixtures
from tests.inspections.helpers import rows
from tests.rectification.helpers import FAILING_ONSITE_ITEMS, submit_onsite
from tests.support import fresh_request_globals  # noqa: F401  (autouse)

# The inspection fixtures, shared: published default checklists, bearer headers, the sync client.
checklists = inspection_fixtures.checklists
sync = inspection_fixtures.sync


@pytest.fixture(scope="session")
def camera_jpeg() -> bytes:
    """A 4000×3000 JPEG with texture, about the size of a phone photo; made once, reused."""
    noise = Image.effect_noise((400, 300), 64).convert("RGB")
    image = noise.resize((4000, 3000), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for x in range(0, 4000, 250):
        draw.rectangle([x, 100, x + 120, 2900], outline=(255, 255, 255), width=8)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


@pytest.fixture
def inspector(users):
    return users["inspector"]


@pytest.fixture
def manager_a(users):
    return users["outlet_manager"]


@pytest.fixture
def manager_b(org):
    return org.user("outlet_manager", "manager_b", outlet=org.outlet_b)


@pytest.fixture
def onsite(checklists, org, inspector, bearer, sync):
    """Submit an on-site inspection of outlet A failing `count` photo items, or the `items` named
    (small photos unless `photo` bytes are given); returns (uuid, receipt)."""

    def make(count: int = 2, *, items=None, photo: bytes | None = None, outlet=None, notes: dict | None = None):
        return submit_onsite(sync, checklists["onsite"], outlet or org.outlet_a, bearer(inspector),
                             FAILING_ONSITE_ITEMS[:count] if items is None else items, photo=photo, notes=notes)

    return make


@pytest.fixture
def bare(onsite, org):
    """One submitted inspection without findings per outlet, to hang hand-made findings on."""
    uuid_a, _ = onsite(0)
    uuid_b, _ = onsite(0, outlet=org.outlet_b)
    return {org.outlet_a.id: rows(Inspection, uuid=uuid_a)[0], org.outlet_b.id: rows(Inspection, uuid=uuid_b)[0]}


@pytest.fixture
def add_finding(bare, db):
    """Put a finding straight into the database (dates, status and the outlet's answer given)."""
    keys = iter(range(1, 1000))

    def add(outlet, title, *, due=None, status="open", published=True, created_at=None, closed_at=None,
            severity="major", responded_at=None, responded_late=False, verify_by=None):
        finding = Finding(inspection_id=bare[outlet.id].id, outlet_id=outlet.id, item_key=f"k{next(keys)}",
                          section_key="s", severity=severity, title=title, due_date=due or date(2026, 3, 1),
                          status=status, published=published, closed_at=closed_at, responded_at=responded_at,
                          responded_late=responded_late, verification_due_date=verify_by,
                          **({"created_at": created_at} if created_at else {}))
        db.session.add(finding)
        db.session.commit()
        return finding

    return add


class Collector:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(app, monkeypatch):
    """A local SMTP server collecting what it receives; SMTP_URL points at it."""
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    try:
        yield handler
    finally:
        controller.stop()
