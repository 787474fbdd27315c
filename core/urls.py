"""Absolute URLs the product stores or sends (a notice's QR code, links in mail).

They come from the configured public base URL, never from the request: a forged Host header
must not end up printed in a notice that every later reader receives."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def public_base_url() -> str:
    """PUBLIC_BASE_URL, or the local server's own address when it is not set."""
    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    return f"http://127.0.0.1:{current_app.config.get('PORT', 5000)}"


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of an endpoint under the public base URL, with or without a request."""
    base = urlsplit(public_base_url())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)
