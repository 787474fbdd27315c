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


@pytest.fixture
def live_server(app, db):
    """The app behind a real threaded HTTP server on a free port; its base URL. The test's own
    session holds no transaction while the server works."""
    import threading

    from werkzeug.serving import make_server

    db.session.commit()
    server = make_server(host="127.0.0.1", port=0, app=app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
