"""Fixtures for the mystery-shopper tests: the inspection fixtures (published default checklists,
bearer headers, the sync client) reused from tests/inspections, the bank's users, shoppers of two
vendors with their coordinators, and a desk that files and reviews visit reports."""
from __future__ import annotations

import pytest

from org.models import Vendor
from tests.inspections import conftest as inspection_fixtures
from tests.mystery.helpers import Desk
from tests.support import fresh_request_globals  # noqa: F401  (autouse)

checklists = inspection_fixtures.checklists
sync = inspection_fixtures.sync


@pytest.fixture
def other_vendor(org):
    vendor = Vendor(code="V02", name="远景调研")
    org.db.session.add(vendor)
    org.db.session.commit()
    return vendor


@pytest.fixture
def shopper(users):
    """The vendor's shopper (not a coordinator)."""
    return users["mystery_shopper"]


@pytest.fixture
def colleague(org):
    """A second shopper of the same vendor."""
    return org.user("mystery_shopper", "shopper_colleague")


@pytest.fixture
def coordinator(org):
    user = org.user("mystery_shopper", "coordinator")
    user.is_coordinator = True
    org.db.session.commit()
    return user


@pytest.fixture
def rival_coordinator(org, other_vendor):
    user = org.user("mystery_shopper", "rival_coordinator", vendor=other_vendor)
    user.is_coordinator = True
    org.db.session.commit()
    return user


@pytest.fixture
def desk(org, checklists, sync, client, bearer, users) -> Desk:
    return Desk(org, checklists["mystery"], sync, client, bearer, users["admin"])


@pytest.fixture
def visit(desk, shopper):
    """The shopper's open visit to outlet A (window around today)."""
    return desk.assignment(assignee=shopper)
