"""Fixtures for the rectification tests: the inspection fixtures (published checklists, bearer
headers, the sync client) reused from tests/inspections, one 12-megapixel camera
JPEG per session, and a factory that submits an on-site inspection with failing items."""
from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from tests.inspections import conftest as inspection_fixtures
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
