"""The visible text of a page, and the links on it, for the checks of the pages' language."""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

HIDDEN = {"script", "style", "template", "head", "noscript"}
# Text shown as stored, in no language: keys a format or a filter asks to be typed (a CSV's column names,
# an item's key, an audit entry's action) and the names of keys on the keyboard.
VERBATIM = {"code", "kbd"}
SHOWN_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skipped: list[str] = []  # the open elements whose text is not checked

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        skipped = tag in HIDDEN or tag in VERBATIM or attributes.get("translate") == "no" or "hidden" in attributes
        if tag not in VOID and (skipped or self._skipped):
            self._skipped.append(tag)
        if skipped or self._skipped or attributes.get("type") == "hidden":
            return
        self.parts.extend(attributes[name] for name in SHOWN_ATTRIBUTES if attributes.get(name))
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in self._skipped:
            while self._skipped and self._skipped.pop() != tag:
                pass

    def handle_data(self, data):
        if not self._skipped and data.strip():
            self.parts.append(data.strip())


def read_page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def own_page(href: str) -> str | None:
    """The path and query of a link to one of the product's own pages, else None."""
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
