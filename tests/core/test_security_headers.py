"""Security headers on every kind of response."""
from __future__ import annotations

import pytest

PATHS = ["/login", "/api/v1/auth/me", "/api/openapi.json", "/api/docs", "/api/docs/assets/init.js",
         "/static/css/app.css", "/static/js/autosubmit.js", "/app/", "/app/sw.js", "/app/manifest.webmanifest",
         "/no-such-page", "/api/v1/no-such-thing", "/healthz"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split("; ") if part}
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"] and directives["form-action"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_when_cookies_are_https_only(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        response = client.get("/login")
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("path", ["/login", "/api/docs", "/app/"])
def test_pages_have_no_inline_script(client, path):
    page = client.get(path).get_data(as_text=True)
    assert "<script>" not in page and " onload=" not in page and " onchange=" not in page
