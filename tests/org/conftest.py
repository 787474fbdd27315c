"""Fixtures for the organisation tests: fast bearer headers."""
from __future__ import annotations

import pytest

from org import accounts


@pytest.fixture
def bearer(app):
    """Bearer headers minted directly (no password hashing): for the big permission matrix.
    The token endpoint itself is exercised by test_auth.py and the `token_for` fixture."""

    def mint(user) -> dict:
        issued = accounts.issue_token(user)
        return {"Authorization": f"Bearer {issued.token}"}

    return mint
