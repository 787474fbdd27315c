"""Security headers on every response: pages, the API, static files, the app at /app/, errors."""
from __future__ import annotations

from flask import Flask, Response

# Scripts only from this site's own files (no inline script, no eval); inline style attributes are
# allowed because bars and Swagger UI set widths with them. The app shows photos and signatures
# from blob: and data: URLs.
CONTENT_SECURITY_POLICY = "; ".join([  # noqa: FLY002  (one directive a line)
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response, *, https_only: bool) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if https_only:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        return add_security_headers(response, https_only=app.config["SESSION_COOKIE_SECURE"])
