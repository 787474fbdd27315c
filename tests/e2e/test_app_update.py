"""A new version of the app (a new service worker) must never lose or damage unsent work."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import pwa
from core.extensions import db as _db
from inspections.models import Inspection, Photo
from tests.e2e.pwa_steps import answer_everything, attach_photo, log_in, open_assignment, wait_all_sent

pytestmark = pytest.mark.e2e


def _count(model) -> int:
    _db.session.rollback()
    value = _db.session.execute(select(func.count()).select_from(model)).scalar_one()
    _db.session.rollback()
    return value


def test_service_worker_update_keeps_the_outbox(live_server, phone, demo, db, monkeypatch):
    page = phone
    log_in(page, live_server, "inspector")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=15000)
    first_cache = page.evaluate("caches.keys()")
    # The server is unreachable for inspections: work piles up in the outbox.
    page.context.route("**/api/v1/inspections/**", lambda route: route.abort())
    uuid = open_assignment(page)
    answer_everything(page)
    attach_photo(page, "record_lobby_photo", 7)
    page.click("#sync-now")  # fails (no server), and brings the indicator up to date
    page.wait_for_function("() => document.getElementById('outbox').dataset.count === '2'")  # draft + photo
    answered = page.locator(".choice.on").count()

    # A new release: the service worker script changes, the browser installs it on the next load.
    pwa.shell_version.cache_clear()
    monkeypatch.setattr(pwa, "shell_version", lambda: "next-release")
    page.reload()
    for _ in range(80):
        if page.evaluate("caches.keys()") == ["osi-shell-next-release"]:
            break
        page.wait_for_timeout(250)
    assert first_cache != ["osi-shell-next-release"]
    assert page.evaluate("caches.keys()") == ["osi-shell-next-release"]  # the old shell is gone
    page.goto(f"{live_server}/app/#/inspect/{uuid}")
    page.wait_for_selector(".item")
    page.wait_for_function("() => document.getElementById('outbox').dataset.count === '2'")
    assert page.locator(".choice.on").count() == answered
    assert page.locator('.item[data-key="record_lobby_photo"] img.thumb').count() == 1

    page.context.unroute("**/api/v1/inspections/**")
    page.click("#sync-now")
    wait_all_sent(page)
    assert _count(Inspection) == 1
    assert _count(Photo) == 1
