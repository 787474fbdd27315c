"""Serves the installable app at /app/. The service worker is stamped with a hash of the shell's
files, so any change to them makes phones install the new version on their next visit."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory

PWA_DIR = Path(__file__).resolve().parent.parent / "static" / "pwa"
blp = Blueprint("pwa", __name__, url_prefix="/app")


@lru_cache(maxsize=1)
def shell_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(PWA_DIR.rglob("*")):
        if path.is_file() and path.name != "sw.js":
            digest.update(path.relative_to(PWA_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _no_cache(response: Response) -> Response:
    # The service worker does the caching; the browser's HTTP cache must not serve stale shells.
    response.headers["Cache-Control"] = "no-cache"
    return response


@blp.get("/")
def index():
    return _no_cache(send_from_directory(PWA_DIR, "index.html", max_age=0))


@blp.get("/sw.js")
def service_worker():
    source = (PWA_DIR / "sw.js").read_text(encoding="utf-8").replace("__SHELL_VERSION__", shell_version())
    response = Response(source, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/app/"
    return _no_cache(response)


@blp.get("/<path:filename>")
def asset(filename: str):
    if filename.endswith(".webmanifest"):
        response = send_from_directory(PWA_DIR, filename, mimetype="application/manifest+json", max_age=0)
    elif (PWA_DIR / filename).is_file() or "/" in filename:
        response = send_from_directory(PWA_DIR, filename, max_age=0)
    else:
        abort(404)
    return _no_cache(response)
