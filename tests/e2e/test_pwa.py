"""The inspector's app in real headless Chromium: online, offline with a reload, and a flaky network."""
from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import func, select

from inspections.models import Inspection, Photo
from rectification.models import Finding, Notice
from tests.e2e.conftest import screenshot
from tests.e2e.pwa_steps import (
    answer_everything,
    attach_photo,
    log_in,
    open_assignment,
    pick_staff,
    redrawn_since,
    renders,
    review_and_submit,
    settle,
    sign,
    wait_all_sent,
)

pytestmark = pytest.mark.e2e
FAILS = ("counter_attire_badge", "env_floor_glass_clean")


def _count(db, model) -> int:
    # End the read at once: an open SQLite transaction would hold the lock the live server needs.
    db.session.rollback()
    count = db.session.execute(select(func.count()).select_from(model)).scalar_one()
    db.session.rollback()
    return count


def _fill_onsite(page) -> None:
    answer_everything(page, fail_keys=FAILS)
    attach_photo(page, "counter_attire_badge", 1)
    pick_staff(page, "counter_attire_badge")
    attach_photo(page, "env_floor_glass_clean", 2)
    attach_photo(page, "record_lobby_photo", 3)
    sign(page, "record_outlet_head_signature")


def test_online_inspection_arrives_scored_with_photos_and_findings(live_server, phone, demo, db):
    page = phone
    log_in(page, live_server, "inspector")
    screenshot(page, "01-assignments")
    uuid = open_assignment(page)
    screenshot(page, "02-inspection")
    _fill_onsite(page)
    page.locator('.item[data-key="counter_attire_badge"]').scroll_into_view_if_needed()
    screenshot(page, "03-failed-item-with-photo")
    assert re.fullmatch(r"当前得分 \d+(\.\d+)?% · [A-E]", page.inner_text("#live-score"))  # all answered: final
    review_and_submit(page)
    page.wait_for_selector("#receipt", timeout=30000)
    screenshot(page, "04-receipt")
    receipt_text = page.inner_text("#receipt")

    db.session.rollback()
    inspection = db.session.execute(select(Inspection).where(Inspection.uuid == uuid)).scalar_one()
    assert inspection.status == "submitted"
    assert inspection.percent is not None and inspection.percent < 100
    assert f"{inspection.percent}%" in receipt_text
    assert _count(db, Photo) == 4  # three photos and the signature
    findings = db.session.execute(select(Finding).where(Finding.inspection_id == inspection.id)).scalars().all()
    assert sorted(f.item_key for f in findings) == sorted(FAILS)
    attire = next(f for f in findings if f.item_key == "counter_attire_badge")
    assert attire.staff_id is not None and len(attire.photo_ids) == 1

    # The receipt links the notice the findings were issued on; it downloads with the app's token.
    notice = db.session.execute(select(Notice).where(Notice.inspection_id == inspection.id)).scalar_one()
    db.session.rollback()
    link = page.locator("#receipt-notice")
    assert notice.number in link.inner_text()
    assert link.evaluate("el => el.scrollWidth <= el.closest('#receipt').clientWidth")  # fits the phone
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"{notice.number}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert page.errors == []


def test_offline_draft_survives_reload_and_arrives_once(live_server, phone, demo, db):
    page = phone
    log_in(page, live_server, "inspector")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=15000)
    page.context.set_offline(True)  # before the draft exists, so that none of it can reach the server early
    uuid = open_assignment(page)
    _fill_onsite(page)
    attach_photo(page, "record_lobby_photo", 4)
    attach_photo(page, "env_floor_glass_clean", 5)
    assert int(page.get_attribute("#outbox", "data-count")) > 0

    page.reload()
    page.wait_for_selector(".item")
    assert page.locator('.item[data-key="counter_attire_badge"] button.v-fail.on').count() == 1
    assert page.locator("img.thumb").count() == 5
    screenshot(page, "05-offline-after-reload")
    review_and_submit(page)
    page.wait_for_selector("#queued")
    screenshot(page, "06-offline-queued")

    # Logging out with unsent work asks first; saying no keeps everything as it was.
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.click("#logout")
    page.wait_for_timeout(300)
    assert dialogs and ("未发送" in dialogs[0] or "not sent" in dialogs[0])
    assert page.locator("#logout").count() == 1
    assert _count(db, Inspection) == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_all_sent(page)
    assert _count(db, Inspection) == 1
    assert db.session.execute(select(Inspection.status).where(Inspection.uuid == uuid)).scalar() == "submitted"
    assert _count(db, Photo) == 6  # five photos and the signature, each once
    assert _count(db, Finding) == 2
    assert page.errors == []


def test_flaky_network_still_delivers_exactly_one_copy(live_server, phone, demo, db):
    page = phone
    log_in(page, live_server, "inspector")
    rng = random.Random(20261129)
    outcomes = {"dropped": 0, "lost_answer": 0, "passed": 0}

    def flaky(route):
        roll = rng.random()
        if roll < 0.25:
            outcomes["dropped"] += 1
            route.abort()
        elif roll < 0.5:
            # The server does the work, but its answer never reaches the phone.
            outcomes["lost_answer"] += 1
            route.fetch()
            route.abort()
        else:
            outcomes["passed"] += 1
            route.continue_()

    # On the context, so that requests of the service worker (Background Sync) are hit too.
    page.context.route("**/api/v1/inspections/**", flaky)
    uuid = open_assignment(page)
    _fill_onsite(page)
    review_and_submit(page)
    for _ in range(40):
        if page.get_attribute("#outbox", "data-count") == "0":
            break
        page.click("#sync-now")
        page.wait_for_timeout(250)
    wait_all_sent(page)
    page.context.unroute("**/api/v1/inspections/**")
    assert outcomes["dropped"] and outcomes["lost_answer"], outcomes
    assert _count(db, Inspection) == 1
    assert db.session.execute(select(Inspection.status).where(Inspection.uuid == uuid)).scalar() == "submitted"
    assert _count(db, Photo) == 4
    assert _count(db, Finding) == 2


def test_a_new_inspection_shows_no_score_until_something_is_answered(live_server, phone, demo):
    page = phone
    log_in(page, live_server, "inspector")
    open_assignment(page)
    settle(page)
    screenshot(page, "02-inspection-unanswered")
    assert page.inner_text("#live-score") == "当前得分 —"
    assert page.inner_text("#live-top") == ""
    item = page.locator('.item[data-type="check"]').first
    count = renders(page)
    item.locator('button[data-value="pass"]').click()
    redrawn_since(page, count)
    shown = page.inner_text("#live-score")
    # One item passed of many: what the answers so far earn, said to be provisional, not a score near zero.
    assert re.fullmatch(r"当前得分 100(\.0)?% · A（暂计）", shown), shown
    assert page.inner_text("#live-top") == shown.removeprefix("当前得分 ")
    assert page.errors == []
