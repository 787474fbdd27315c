"""Every page the menus reach, as every demo user, speaks the chosen language: no English phrases or internal
keys in the Chinese pages, no Chinese words of the interface in the English ones. Data stays as typed."""
from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest
from sqlalchemy import JSON, String, Text, select

from core.extensions import db
from org.models import User
from tests.conftest import PASSWORD
from tests.core.page_text import own_page, read_page

USERS = ("admin", "inspector", "monitor", "shopper", "outlet", "viewer")
# Links that lead to files, the API, the app (checked on its own), or change the session.
NOT_PAGES = re.compile(r"^/(api|app|static|lang)/|^/logout|/(export|download)|\.(pdf|csv|xlsx|yaml|json)$|/pdf\b"
                       r"|/photos?/|variant=|format=")
SHAPES = ((re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}|[0-9a-f]{32,}"), "<id>"), (re.compile(r"\d+"), "<n>"))
MENU_DEPTH = 2  # the menus' pages and two clicks on from them

LATIN_WORD = re.compile(r"(?<![\w.@/-])[A-Za-z][A-Za-z_]*[A-Za-z](?![\w@/-])")
KEY = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,}")

# Latin words a Chinese page may show, each for a reason.
ALLOWED_IN_CHINESE = {
    "English",  # the language switch names the other language in that language
    "PDF", "CSV", "XLSX", "YAML", "Excel", "QR",  # names of file formats and of the code a phone scans
    "VIP", "BSC",  # the bank's own words in Chinese too (VIP窗口, BSC考核)
    "Ctrl", "Enter",  # printed on the keys
}
ALLOWED_IN_ENGLISH = {"中文"}  # the language switch, the other way round


def _shape(path: str) -> str:
    for pattern, placeholder in SHAPES:
        path = pattern.sub(placeholder, path)
    return path


def _log_in(app, username: str, language: str):
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
                       ).status_code == 302
    client.get(f"/lang/{language}")
    return client


def _pages(client):
    """Each page shape reached from the menus (the first link of each shape), with its visible text."""
    queue, depth, shapes = ["/"], {"/": 0}, set()
    while queue:
        path = queue.pop(0)
        if NOT_PAGES.search(path) or _shape(path) in shapes:
            continue
        shapes.add(_shape(path))
        response = client.get(path)
        if response.status_code in (301, 302, 303) and own_page(response.location):
            queue.append(own_page(response.location))
            depth.setdefault(queue[-1], depth[path])
            continue
        assert response.status_code == 200, (path, response.status_code)
        if response.mimetype != "text/html":
            continue
        page = read_page(response.get_data(as_text=True))
        yield path, page.parts
        if depth[path] < MENU_DEPTH:
            for link in filter(None, map(own_page, page.links)):
                if link not in depth:
                    depth[link] = depth[path] + 1
                    queue.append(link)


def _data_text() -> str:
    """Every text the database holds (names, labels, notes, checklists), joined: Chinese that is data."""
    values: list[str] = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        for row in db.session.execute(select(*columns)) if columns else ():
            values.extend(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in row if v)
    return "\n".join(values)


def _problems(parts, language: str, usernames: set[str], data: str) -> list[str]:
    found = []
    for text in parts:
        if language == "zh":
            found += [w for w in LATIN_WORD.findall(text) if w not in ALLOWED_IN_CHINESE and w not in usernames]
        else:
            found += KEY.findall(text)
            found += [run for run in HAN_RUN.findall(text) if run not in ALLOWED_IN_ENGLISH and run not in data]
    return found


@pytest.mark.xdist_group("seeded_demo")
@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_page_speaks_the_chosen_language(seeded_demo, language):
    usernames = set(db.session.execute(select(User.username)).scalars())
    data = _data_text() if language == "en" else ""
    problems: dict[str, set[str]] = defaultdict(set)
    visited = 0
    for username in USERS:
        client = _log_in(seeded_demo.app, username, language)
        for path, parts in _pages(client):
            visited += 1
            for word in _problems(parts, language, usernames, data):
                problems[word].add(f"{username} {_shape(path)}")
    assert visited > 60  # the crawl reached the pages behind the menus, not just the home page
    assert not problems, "\n".join(f"{word!r}: {sorted(where)[:4]}" for word, where in sorted(problems.items()))
