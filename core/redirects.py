"""The one check for redirect targets a client controls (?next=, Referer): same-site paths only."""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from flask import request

# Browsers drop these anywhere in a URL and read a backslash as a slash.
_STRIPPED = re.compile(r"[\t\n\r\x00-\x1f\x7f]")


def _normalised(target: str) -> str:
    previous = None
    while previous != target:  # undo nested percent-encoding too
        previous, target = target, unquote(target)
    return _STRIPPED.sub("", target).replace("\\", "/").strip()


def safe_path(target: str | None, *, allow_own_origin: bool = False) -> str | None:
    """The path (with query) to redirect to, or None when the target could leave this site.
    With allow_own_origin, an absolute URL of this very host (a Referer) gives its path."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    cleaned = _normalised(target)
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        if not (allow_own_origin and parts.scheme in ("http", "https") and parts.netloc == request.host):
            return None
        raw = urlsplit(target.strip())
        if raw.netloc != request.host:
            return None
        target = raw.path + (f"?{raw.query}" if raw.query else "")
        cleaned = _normalised(target)
        parts = urlsplit(cleaned)
        if parts.scheme or parts.netloc:
            return None
    if not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    return target if target.startswith("/") else None
