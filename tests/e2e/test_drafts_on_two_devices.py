"""Two devices of one person in real Chromium: a draft started on the phone is continued on the tablet
with the phone's answers and photo, never started twice; when both edit one item, the later edit is kept
and the other device says so; a report sent back for revision reaches the shopper's other device."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from checklists.models import ChecklistTemplate, ChecklistVersion
from core.extensions import db as _db
from inspections.models import Answer, Inspection
from tests.e2e.conftest import screenshot
from tests.e2e.pwa_steps import attach_photo, log_in, open_assignment, redrawn_since, renders, settle, wait_all_sent
from tests.factories import bearer_headers
from tests.inspections.helpers import SyncApi
from tests.mystery.helpers import FAILING_ITEM, Desk, visit_times

pytestmark = pytest.mark.e2e


@pytest.fixture
def device(chromium):
    """A new device (a browser context of its own, at phone size) each time it is called."""
    contexts = []

    def make():
        context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1,
                                       has_touch=True, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


def _answers(uuid: str) -> dict:
    _db.session.rollback()  # a fresh read, and no transaction left open for the live server
    rows = _db.session.execute(select(Answer.item_key, Answer.value).join(Inspection)
                               .where(Inspection.uuid == uuid)).all()
    _db.session.rollback()
    return dict(rows)


def _inspections() -> int:
    _db.session.rollback()
    number = _db.session.execute(select(func.count()).select_from(Inspection)).scalar_one()
    _db.session.rollback()
    return number


def _choose(page, key: str, value: str) -> None:
    settle(page)
    count = renders(page)
    page.click(f'.item[data-key="{key}"] button[data-value="{value}"]')
    redrawn_since(page, count)


def _chosen(page, key: str) -> str | None:
    return page.evaluate(f"""() => document.querySelector('.item[data-key="{key}"] .choice.on')?.dataset.value || null""")


def _home(page) -> None:
    page.evaluate("location.hash = '#/'")
    page.wait_for_selector("#new-inspection")


def test_a_draft_goes_on_on_the_second_device_and_the_later_edit_wins(live_server, device, demo):
    phone, tablet = device(), device()
    log_in(phone, live_server, "inspector")
    uuid = open_assignment(phone)
    _choose(phone, "lobby_manager_on_duty", "pass")
    _choose(phone, "lobby_greeting", "pass")
    attach_photo(phone, "record_lobby_photo", 3)
    wait_all_sent(phone)

    log_in(tablet, live_server, "inspector")
    button = tablet.locator("article[data-kind=onsite] button.start").first
    assert button.inner_text() == "继续"  # not 开始: the phone's draft is there
    assert tablet.locator("article.draft").count() == 0, "the draft is offered once, on its assignment"
    screenshot(tablet, "drafts-01-second-device-continue")
    assert open_assignment(tablet) == uuid
    assert (_chosen(tablet, "lobby_manager_on_duty"), _chosen(tablet, "lobby_greeting")) == ("pass", "pass")
    tablet.wait_for_function("""() => { const img = document.querySelector('.item[data-key="record_lobby_photo"] img.thumb');
        return img && img.complete && img.naturalWidth > 0; }""")  # the phone's photo, fetched from the server
    tablet.locator('.item[data-key="record_lobby_photo"]').scroll_into_view_if_needed()
    screenshot(tablet, "drafts-02-second-device-draft-with-photo")
    assert _inspections() == 1

    # The phone loses its network and changes one item; the tablet changes the same item later, online.
    phone.context.set_offline(True)
    _choose(phone, "lobby_greeting", "fail")
    _choose(phone, "lobby_needs_triage", "pass")  # only the phone touches this one
    _choose(tablet, "lobby_greeting", "na" if tablet.locator('.item[data-key="lobby_greeting"] .v-na').count() else "pass")
    tablet_value = _chosen(tablet, "lobby_greeting")
    wait_all_sent(tablet)

    # Back online: the phone's own edit arrives; on the item both changed, the tablet's later edit stays
    # and the phone says so.
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    wait_all_sent(phone)
    assert _answers(uuid)["lobby_greeting"] == tablet_value
    assert _answers(uuid)["lobby_needs_triage"] == "pass"
    _home(phone)
    phone.evaluate(f"location.hash = '#/inspect/{uuid}'")
    phone.wait_for_selector("#conflicts")
    settle(phone)
    assert _chosen(phone, "lobby_greeting") == tablet_value
    assert "另一台设备" in phone.inner_text("#conflicts")
    screenshot(phone, "drafts-03-later-edit-from-other-device")

    # The tablet, back home, takes in what the phone sent; its start button still continues the one draft.
    _home(tablet)
    assert open_assignment(tablet) == uuid
    assert _chosen(tablet, "lobby_needs_triage") == "pass"
    assert _inspections() == 1
    assert phone.errors == [] and tablet.errors == []


def test_unsent_edits_on_a_device_are_never_overwritten_by_the_servers_copy(live_server, device, demo):
    phone, tablet = device(), device()
    log_in(phone, live_server, "inspector")
    uuid = open_assignment(phone)
    _choose(phone, "lobby_greeting", "pass")
    wait_all_sent(phone)
    log_in(tablet, live_server, "inspector")
    open_assignment(tablet)

    # The phone's sends fail (the server is unreachable for its draft) while it edits; the tablet edits
    # another item, which moves the server's copy on.
    phone.context.route("**/api/v1/inspections/*", lambda route: route.abort() if route.request.method == "PUT" else route.continue_())
    _choose(phone, "lobby_greeting", "fail")
    _choose(tablet, "lobby_manager_on_duty", "pass")
    wait_all_sent(tablet)
    assert _answers(uuid) == {"lobby_greeting": "pass", "lobby_manager_on_duty": "pass"}, "the outbox said sent"
    _home(phone)  # the home screen fetches the server's drafts
    phone.evaluate(f"location.hash = '#/inspect/{uuid}'")
    phone.wait_for_selector(".item")
    settle(phone)
    assert _chosen(phone, "lobby_greeting") == "fail"  # kept, not replaced by the server's "pass"
    assert _answers(uuid)["lobby_greeting"] == "pass"

    phone.context.unroute("**/api/v1/inspections/*")
    phone.click("#sync-now")
    wait_all_sent(phone)
    assert _answers(uuid) == {"lobby_greeting": "fail", "lobby_manager_on_duty": "pass"}
    assert phone.errors == []


def test_a_report_sent_back_reaches_the_shoppers_other_device_with_the_reason(live_server, device, demo, client):
    org = demo["org"]
    shopper, admin = org.user("mystery_shopper", "shopper"), org.user("admin")
    version = _db.session.execute(select(ChecklistVersion).join(ChecklistTemplate)
                                  .where(ChecklistTemplate.kind == "mystery")).scalar_one()
    desk = Desk(org, version, SyncApi(client), client, lambda user: bearer_headers(user), admin)
    visit = desk.assignment(assignee=shopper)
    filed = desk.file(shopper, visit, failing={FAILING_ITEM: "2号窗口戴眼镜的女柜员"}, narrative="等候十八分钟。",
                      **visit_times())
    assert desk.review(filed.uuid, "revise", "排队小票照片看不清，请补充说明等候时间").status_code == 200
    _db.session.commit()

    page = device()  # the shopper's second phone: it never filed this report
    log_in(page, live_server, "shopper")
    request = page.locator(f"article.revision-request[data-uuid='{filed.uuid}']")
    request.wait_for()
    assert "排队小票照片看不清" in request.inner_text()
    screenshot(page, "drafts-04-shopper-revision-request")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "drafts-04-shopper-revision-request-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    request.locator("button").click()
    page.wait_for_selector(".item")
    settle(page)
    assert "排队小票照片看不清" in page.inner_text("#revision")
    assert page.input_value("#narrative") == "等候十八分钟。"
    failing = page.locator(f'.item[data-key="{FAILING_ITEM}"]')
    assert failing.locator("button.v-fail.on").count() == 1
    screenshot(page, "drafts-05-shopper-revision-opened")
    assert page.errors == []
