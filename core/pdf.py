"""The one way to turn HTML into a PDF. Resources come only from the project's own static files and
media storage, through a fetcher that refuses every other URL (no file:, no network), so text from
users can never make the renderer read a local file or call a host."""
from __future__ import annotations

import base64
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from core.storage import storage

log = logging.getLogger(__name__)
BASE_URL = "https://documents.invalid/"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


class RefusedResource(ValueError):
    pass


class ProjectOnlyFetcher(URLFetcher):
    """Serves `static/...` and `media/...` below BASE_URL; refuses everything else."""

    def __init__(self, media=None):
        super().__init__(allowed_protocols=())
        self.media = media
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return self._data(url)
        if not url.startswith(BASE_URL):
            return self._refuse(url)
        path = url[len(BASE_URL):].split("?")[0].split("#")[0]
        if path.startswith("static/"):
            target = (STATIC_DIR / path[len("static/"):]).resolve()
            if STATIC_DIR not in target.parents or not target.is_file():
                return self._refuse(url)
            body = target.read_bytes()
        elif path.startswith("media/") and self.media is not None:
            key = path[len("media/"):]
            if ".." in key.split("/"):
                return self._refuse(url)
            try:
                body = self.media.get(key)
            except (OSError, ValueError, KeyError):
                return self._refuse(url)
        else:
            return self._refuse(url)
        self.served.append(url)
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def _data(self, url):
        # Only images the project itself embeds as data: URIs (the QR code).
        header, _, payload = url.partition(",")
        if not header.startswith("data:image/svg+xml") and not header.startswith("data:image/png"):
            return self._refuse(url)
        body = base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode()
        return URLFetcherResponse(url, body, {"Content-Type": header[5:].split(";")[0]})

    def _refuse(self, url):
        self.refused.append(url)
        log.warning("PDF renderer refused %s", url[:200])
        raise RefusedResource(f"refused: {url[:200]}")


def render_pdf(html: str, *, fetcher: ProjectOnlyFetcher | None = None) -> bytes:
    fetcher = fetcher or ProjectOnlyFetcher(storage() if current_app else None)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
